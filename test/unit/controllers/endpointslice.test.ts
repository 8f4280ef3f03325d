/**
 * reconcileEndpointSlices against kube's EndpointSlice controller (pkg/controller/endpointslice and
 * staging/src/k8s.io/endpointslice: reconciler.go, utils.go). Label, annotation and condition names
 * are spelled out rather than imported, so a wrong constant fails here too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, EndpointSlice, EndpointSlicePort, Node, Pod, Service } from '../../../lib/api/schema/index.ts';
import type { EndpointSliceInput } from '../../../lib/controllers/endpointslice.ts';
import { reconcileEndpointSlices } from '../../../lib/controllers/endpointslice.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { timeString } from '../../../lib/controllers/types.ts';
import { NS, T0 } from './sim.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const CONTROLLER = 'endpointslice-controller.k8s.io';
const HEADLESS = 'service.kubernetes.io/headless';
const TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';
const ZONE = 'topology.kubernetes.io/zone';

const date = (s: number) => new Date(T0.getTime() + s * 1000);
const at = (s: number) => timeString(date(s));
const digits = (name: string) => name.replace(/\D/g, '') || '1';

type Spec = NonNullable<Service['spec']>;
type Meta = NonNullable<Service['metadata']>;

function service(spec: Partial<Spec> = {}, meta: Partial<Meta> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: NS, uid: 'uid-svc', resourceVersion: '3', creationTimestamp: at(0), labels: { app: 'web' }, ...meta },
    spec: {
      selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'],
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      ...spec,
    },
  } as Service;
}

const DUAL: Partial<Spec> = { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack', clusterIPs: ['10.96.0.10', 'fd00::10'] } as Partial<Spec>;

interface PodOpts {
  /** All the pod's IPs (status.podIPs; status.podIP is the first). null: none. Default 10.0.0.<digits of name>. */
  ips?: string[] | null;
  /** false: not Ready; a number: Ready since that second (default 10). */
  ready?: number | false;
  node?: string; labels?: Record<string, string>; ns?: string; deleting?: boolean; phase?: string;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  hostname?: string; subdomain?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const ips = o.ips === null ? [] : (o.ips ?? [`10.0.0.${digits(name)}`]);
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? NS, uid: `uid-${name}`, resourceVersion: '5', labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: o.node ?? 'node-1',
      containers: [{ name: 'app', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(ips.length ? { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } : {}),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: at(typeof o.ready === 'number' ? o.ready : 10) }],
    },
  } as Pod;
  if (o.deleting) p.metadata!.deletionTimestamp = at(50);
  return p;
}

const pods = (...names: string[]) => names.map((n) => pod(n));

function node(name: string, zone?: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, labels: zone ? { [ZONE]: zone } : {} } } as Node;
}

/** Every node the pods below run on; kube skips pods whose node it does not know. */
const NODES = [node('node-1'), node('node-2'), node('node-3')];

/** The endpoint kube's podToEndpoint makes for pod(name), as IPv4 unless `ips` says otherwise. */
function ep(name: string, o: { ips?: string[]; ready?: boolean; serving?: boolean; terminating?: boolean; node?: string; zone?: string; hostname?: string } = {}): Endpoint {
  const e: Endpoint = {
    addresses: o.ips ?? [`10.0.0.${digits(name)}`],
    conditions: { ready: o.ready ?? true, serving: o.serving ?? true, terminating: o.terminating ?? false },
    targetRef: { kind: 'Pod', namespace: NS, name, uid: `uid-${name}` },
    nodeName: o.node ?? 'node-1',
  };
  if (o.zone) e.zone = o.zone;
  if (o.hostname) e.hostname = o.hostname;
  return e;
}

const HTTP: EndpointSlicePort = { name: 'http', port: 8080, protocol: 'TCP' };
const LABELS = { app: 'web', [SERVICE_NAME]: 'web', [MANAGED_BY]: CONTROLLER };
const OWNER = { apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc', controller: true, blockOwnerDeletion: true };

interface SliceOpts {
  ports?: EndpointSlicePort[]; addressType?: 'IPv4' | 'IPv6'; labels?: Record<string, string>; ownerUid?: string;
  rv?: string; deleting?: boolean;
}

/** A slice as the API would return it (named, with uid and resourceVersion). */
function slice(name: string, endpoints: Endpoint[], o: SliceOpts = {}): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name, namespace: NS, uid: `uid-${name}`, resourceVersion: o.rv ?? '7', creationTimestamp: at(1),
      labels: o.labels ?? { ...LABELS },
      annotations: { [TRIGGER]: at(0) },
      ownerReferences: [{ ...OWNER, uid: o.ownerUid ?? 'uid-svc' }],
    },
    addressType: o.addressType ?? 'IPv4',
    ports: o.ports ?? [HTTP],
    endpoints,
  };
  if (o.deleting) s.metadata!.deletionTimestamp = at(60);
  return s;
}

function reconcile(input: Partial<EndpointSliceInput> = {}): Action[] {
  return reconcileEndpointSlices({ service: service(), pods: [], slices: [], nodes: NODES, now: date(100), ...input }).actions;
}

type Write = Extract<Action, { kind: 'create' | 'update' }>;
type Delete = Extract<Action, { kind: 'delete' }>;
const objectOf = (a: Action) => (a as Write).object as unknown as EndpointSlice;
const creates = (actions: Action[]) => actions.filter((a) => a.kind === 'create').map(objectOf);
const updates = (actions: Action[]) => actions.filter((a) => a.kind === 'update').map(objectOf);
const deletes = (actions: Action[]) => actions.filter((a): a is Delete => a.kind === 'delete');
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The pods of a slice, sorted (kube fills slices from a set, in no particular order). */
const podsIn = (s: EndpointSlice) => (s.endpoints ?? []).map((e) => e.targetRef?.name ?? '').sort(cmp);
const sortedEndpoints = (s: EndpointSlice) => [...(s.endpoints ?? [])].sort((a, b) => cmp(a.targetRef?.name ?? '', b.targetRef?.name ?? ''));
const endpointOf = (actions: Action[], name: string) =>
  [...creates(actions), ...updates(actions)].flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === name);

function only(actions: Action[]): Action {
  assert.equal(actions.length, 1, JSON.stringify(actions, null, 1));
  return actions[0]!;
}

/**
 * The API server as far as these tests need it: names from generateName, uids and resourceVersions;
 * updates must carry the observed resourceVersion and keep the (immutable) addressType; deletes
 * must meet their preconditions.
 */
class SliceStore {
  readonly items = new Map<string, EndpointSlice>();
  now = date(100);
  private seq = 0;
  private rv = 100;

  constructor(initial: EndpointSlice[] = []) {
    for (const s of initial) this.items.set(s.metadata!.name!, structuredClone(s));
  }

  list(): EndpointSlice[] {
    return [...this.items.values()].map((s) => structuredClone(s));
  }

  apply(actions: Action[]): Action[] {
    for (const a of actions) {
      if (a.kind === 'create') {
        const s = structuredClone(objectOf(a));
        const m = s.metadata!;
        assert.equal(m.name, undefined, 'a new slice is named by the API server from generateName');
        m.name = `${m.generateName}${(++this.seq).toString(36).padStart(5, '0')}`;
        m.uid = `uid-${m.name}`;
        m.resourceVersion = String(++this.rv);
        m.creationTimestamp = timeString(this.now);
        this.items.set(m.name, s);
      } else if (a.kind === 'update') {
        const s = structuredClone(objectOf(a));
        const cur = this.items.get(s.metadata?.name ?? '');
        assert.ok(cur, `update of a missing slice ${s.metadata?.name}`);
        assert.equal(s.metadata!.uid, cur.metadata!.uid);
        assert.equal(s.metadata!.resourceVersion, cur.metadata!.resourceVersion, 'an update carries the observed resourceVersion');
        assert.equal(s.addressType, cur.addressType, 'addressType is immutable');
        s.metadata!.resourceVersion = String(++this.rv);
        this.items.set(s.metadata!.name!, s);
      } else if (a.kind === 'delete') {
        assert.equal(a.resource, 'endpointslices');
        assert.equal(a.namespace, NS);
        const cur = this.items.get(a.name);
        assert.ok(cur, `delete of a missing slice ${a.name}`);
        if (a.preconditions) {
          assert.equal(a.preconditions.uid, cur.metadata!.uid);
          if (a.preconditions.resourceVersion !== undefined) assert.equal(a.preconditions.resourceVersion, cur.metadata!.resourceVersion);
        }
        this.items.delete(a.name);
      } else {
        assert.fail(`unexpected action ${a.kind}`);
      }
    }
    return actions;
  }

  /** Reconcile against the stored slices and apply the result. */
  step(input: Partial<EndpointSliceInput>): Action[] {
    return this.apply(reconcile({ ...input, slices: this.list() }));
  }
}

/** No slice over the limit, and each pod's endpoint exactly once per family. */
function assertCovers(slices: EndpointSlice[], addressType: 'IPv4' | 'IPv6', want: string[], max: number) {
  const mine = slices.filter((s) => s.addressType === addressType);
  for (const s of mine) assert.ok((s.endpoints ?? []).length <= max, `${s.metadata?.name} has ${(s.endpoints ?? []).length} > ${max}`);
  assert.deepEqual(mine.flatMap(podsIn).sort(cmp), [...want].sort(cmp));
}

// ---------------------------------------------------------------------------------------------

describe('reconcileEndpointSlices: the first slice', () => {
  it('creates one IPv4 slice for the ready pods of a Service, owned by it and labelled for it', () => {
    const a = only(reconcile({ pods: [pod('p1'), pod('p2', { node: 'node-2' }), pod('p3', { node: 'node-3' })] }));
    assert.equal(a.kind, 'create');
    const s = objectOf(a);
    assert.deepEqual({ ...s, endpoints: sortedEndpoints(s) }, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: 'web-',
        namespace: NS,
        labels: { app: 'web', [SERVICE_NAME]: 'web', [MANAGED_BY]: CONTROLLER },
        annotations: { [TRIGGER]: at(0) },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [ep('p1'), ep('p2', { node: 'node-2' }), ep('p3', { node: 'node-3' })],
    });
  });

  const portCases: { name: string; ports: Spec['ports']; clusterIP?: string; want: EndpointSlicePort[] }[] = [
    { name: 'an unnamed port is named ""', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], want: [{ name: '', port: 8080, protocol: 'TCP' }] },
    { name: 'targetPort defaults to port', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], want: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    {
      name: 'protocol and appProtocol carry over, in the Service\'s port order',
      ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
        { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
      ],
      want: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }, { name: 'dns', port: 5353, protocol: 'UDP' }],
    },
    { name: 'a headless Service without ports still lists its pods', ports: [], clusterIP: 'None', want: [] },
    { name: 'a Service without ports still lists its pods (unlike Endpoints)', ports: [], want: [] },
  ];
  for (const c of portCases) {
    it(`ports: ${c.name}`, () => {
      const svc = service({ ports: c.ports, ...(c.clusterIP ? { clusterIP: c.clusterIP } : {}) });
      const s = objectOf(only(reconcile({ service: svc, pods: pods('p1', 'p2') })));
      assert.deepEqual(s.ports, c.want);
      assert.deepEqual(podsIn(s), ['p1', 'p2']);
    });
  }
});

describe('reconcileEndpointSlices: which pods, with which conditions', () => {
  type Cond = { ready: boolean; serving: boolean; terminating: boolean };
  const cases: { name: string; svc?: Partial<Spec>; pod: PodOpts; want: Cond | 'absent' }[] = [
    { name: 'ready', pod: {}, want: { ready: true, serving: true, terminating: false } },
    { name: 'not ready', pod: { ready: false }, want: { ready: false, serving: false, terminating: false } },
    { name: 'ready and terminating: kept, serving but not ready', pod: { deleting: true }, want: { ready: false, serving: true, terminating: true } },
    { name: 'not ready and terminating', pod: { ready: false, deleting: true }, want: { ready: false, serving: false, terminating: true } },
    {
      name: 'publishNotReadyAddresses, ready and terminating: ready all the same',
      svc: { publishNotReadyAddresses: true }, pod: { deleting: true }, want: { ready: true, serving: true, terminating: true },
    },
    {
      // kube utils.go podToEndpoint: serving := IsPodReady(pod); only `ready` is forced by
      // publishNotReadyAddresses (utils_test.go "Unready pod + publishNotReadyAddresses").
      name: 'publishNotReadyAddresses, not ready: ready, but not serving',
      svc: { publishNotReadyAddresses: true }, pod: { ready: false }, want: { ready: true, serving: false, terminating: false },
    },
    {
      name: 'publishNotReadyAddresses, not ready and terminating: ready, not serving',
      svc: { publishNotReadyAddresses: true }, pod: { ready: false, deleting: true }, want: { ready: true, serving: false, terminating: true },
    },
    { name: 'Succeeded', pod: { phase: 'Succeeded' }, want: 'absent' },
    { name: 'Failed', pod: { phase: 'Failed' }, want: 'absent' },
    { name: 'Failed, even with publishNotReadyAddresses', svc: { publishNotReadyAddresses: true }, pod: { phase: 'Failed' }, want: 'absent' },
    { name: 'without an IP', pod: { ips: null }, want: 'absent' },
    { name: 'not selected', pod: { labels: { app: 'db' } }, want: 'absent' },
    { name: 'in another namespace', pod: { ns: 'other' }, want: 'absent' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      // p2, a plain ready pod, keeps the result a real slice (not the placeholder) in every case.
      const actions = reconcile({ service: service(c.svc), pods: [pod('p1', c.pod), pod('p2')] });
      assert.equal(creates(actions).length, 1);
      assert.deepEqual(endpointOf(actions, 'p2')?.conditions, { ready: true, serving: true, terminating: false });
      const e = endpointOf(actions, 'p1');
      if (c.want === 'absent') assert.equal(e, undefined);
      else assert.deepEqual(e?.conditions, c.want);
    });
  }

  it('a Service selecting only finished pods gets the placeholder', () => {
    const s = objectOf(only(reconcile({ pods: [pod('p1', { phase: 'Succeeded' }), pod('p2', { ips: null })] })));
    assert.deepEqual([s.ports, s.endpoints], [[], []]);
  });
});

describe('reconcileEndpointSlices: zone, node and hostname', () => {
  it('takes the zone from the node\'s topology.kubernetes.io/zone label', () => {
    const nodes = [node('node-1', 'zone-a'), node('node-2'), node('node-3', 'zone-c')];
    const actions = reconcile({ nodes, pods: [pod('p1'), pod('p2', { node: 'node-2' }), pod('p3', { node: 'node-3' })] });
    assert.deepEqual(sortedEndpoints(objectOf(only(actions))), [
      ep('p1', { zone: 'zone-a' }), ep('p2', { node: 'node-2' }), ep('p3', { node: 'node-3', zone: 'zone-c' }),
    ]);
  });

  it('sets the hostname only for a pod whose subdomain is the Service', () => {
    const actions = reconcile({
      pods: [
        pod('p1', { hostname: 'db-0', subdomain: 'web' }),
        pod('p2', { hostname: 'db-1', subdomain: 'other' }),
        pod('p3', { subdomain: 'web' }),
      ],
    });
    assert.deepEqual(sortedEndpoints(objectOf(only(actions))), [ep('p1', { hostname: 'db-0' }), ep('p2'), ep('p3')]);
  });

  // kube reconciler.go reconcileByAddressType: a pod whose node is not in the node lister is
  // skipped (and the Service requeued) unless the Service publishes not-ready addresses.
  it('skips a pod on an unknown node', () => {
    const s = objectOf(only(reconcile({ pods: [pod('p1', { node: 'ghost' }), pod('p2')] })));
    assert.deepEqual(podsIn(s), ['p2']);
  });

  it('keeps a pod on an unknown node when not-ready addresses are published, without zone', () => {
    const actions = reconcile({ service: service({ publishNotReadyAddresses: true }), pods: [pod('p1', { node: 'ghost' }), pod('p2')] });
    assert.deepEqual(sortedEndpoints(objectOf(only(actions))), [ep('p1', { node: 'ghost' }), ep('p2')]);
  });
});

describe('reconcileEndpointSlices: port sets', () => {
  it('puts pods whose named targetPort resolves differently into separate slices', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP', appProtocol: 'http' }] });
    const actions = reconcile({
      service: svc,
      pods: [
        pod('p1', { ports: [{ name: 'web', containerPort: 8080 }] }),
        pod('p2', { ports: [{ name: 'web', containerPort: 8080 }] }),
        pod('p3', { ports: [{ name: 'web', containerPort: 9090 }] }),
        // Offers none of the Service's ports: kube still lists it, in a slice without ports.
        pod('p4', { ports: [{ name: 'metrics', containerPort: 8080 }] }),
      ],
    });
    assert.equal(actions.length, 3);
    const got = creates(actions).map((s) => [s.ports, podsIn(s)]).sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b)));
    assert.deepEqual(got, [
      [[], ['p4']],
      [[{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }], ['p1', 'p2']],
      [[{ name: 'http', port: 9090, protocol: 'TCP', appProtocol: 'http' }], ['p3']],
    ]);
  });

  it('groups by the whole set of ports a pod offers', () => {
    const svc = service({
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }],
    });
    const actions = reconcile({ service: svc, pods: [pod('p1', { ports: [{ name: 'http', containerPort: 8080 }] }), pod('p2')] });
    const got = creates(actions).map((s) => [s.ports, podsIn(s)]).sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b)));
    assert.deepEqual(got, [
      [[{ name: 'dns', port: 5353, protocol: 'UDP' }], ['p2']],
      [[{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }], ['p1']],
    ]);
  });

  it('a slice with the same ports in another order is the same port set', () => {
    const svc = service({
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }],
    });
    const current = slice('web-a', [ep('p1')], { ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }, HTTP] });
    assert.deepEqual(reconcile({ service: svc, pods: pods('p1'), slices: [current] }), []);
  });

  it('a targetPort change rewrites the slice in place (same name), not delete + create', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' }] });
    const current = slice('web-a', [ep('p1'), ep('p2')]);
    const a = only(reconcile({ service: svc, pods: pods('p1', 'p2'), slices: [current] }));
    assert.equal(a.kind, 'update');
    assert.equal(objectOf(a).metadata!.name, 'web-a');
    assert.deepEqual(objectOf(a).ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
    assert.deepEqual(podsIn(objectOf(a)), ['p1', 'p2']);
  });
});

describe('reconcileEndpointSlices: IP families', () => {
  it('a dual-stack Service gets an IPv4 and an IPv6 slice; a pod without IPv6 is only in the IPv4 one', () => {
    const actions = reconcile({
      service: service(DUAL),
      pods: [
        pod('p1', { ips: ['10.0.0.1', 'fd00::1'] }),
        pod('p2', { ips: ['fd00::2', '10.0.0.2'] }),
        pod('p3', { ips: ['10.0.0.3'] }),
      ],
    });
    assert.equal(actions.length, 2);
    const v4 = creates(actions).find((s) => s.addressType === 'IPv4')!;
    const v6 = creates(actions).find((s) => s.addressType === 'IPv6')!;
    assert.deepEqual(sortedEndpoints(v4), [ep('p1'), ep('p2'), ep('p3')]);
    assert.deepEqual(sortedEndpoints(v6), [ep('p1', { ips: ['fd00::1'] }), ep('p2', { ips: ['fd00::2'] })]);
    for (const s of [v4, v6]) {
      assert.deepEqual(s.ports, [HTTP]);
      assert.deepEqual(s.metadata!.labels, LABELS);
    }
  });

  it('an IPv6 Service gets only IPv6 slices', () => {
    const svc = service({ ipFamilies: ['IPv6'], clusterIP: 'fd00::10' });
    const s = objectOf(only(reconcile({ service: svc, pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] })] })));
    assert.equal(s.addressType, 'IPv6');
    assert.deepEqual(s.endpoints, [ep('p1', { ips: ['fd00::1'] })]);
  });

  it('an IPv6 Service whose pods have no IPv6 address gets an IPv6 placeholder', () => {
    const svc = service({ ipFamilies: ['IPv6'], clusterIP: 'fd00::10' });
    const s = objectOf(only(reconcile({ service: svc, pods: pods('p1') })));
    assert.deepEqual([s.addressType, s.ports, s.endpoints], ['IPv6', [], []]);
  });

  it('without ipFamilies, the cluster IP\'s family is used', () => {
    const svc = service({ ipFamilies: undefined, clusterIP: 'fd00::10' });
    const s = objectOf(only(reconcile({ service: svc, pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] })] })));
    assert.equal(s.addressType, 'IPv6');
  });

  // kube reconciler.go: "When no endpoint slices would usually exist, we need to add a
  // placeholder" lives in reconcileByAddressType, so each family of the Service gets one.
  const placeholders: { name: string; svc: Partial<Spec>; pods: Pod[]; want: [string, string[]][] }[] = [
    { name: 'a dual-stack Service without pods gets a placeholder per family', svc: DUAL, pods: [], want: [['IPv4', []], ['IPv6', []]] },
    {
      name: 'a dual-stack Service whose pods have no IPv6 address gets an IPv6 placeholder',
      svc: DUAL, pods: pods('p1'), want: [['IPv4', ['p1']], ['IPv6', []]],
    },
    {
      // getAddressTypesForService: a headless Service without ipFamilies is taken as dual-stack.
      name: 'a headless Service without ipFamilies is served in both families',
      svc: { ipFamilies: undefined, clusterIP: 'None' }, pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] })],
      want: [['IPv4', ['p1']], ['IPv6', ['p1']]],
    },
  ];
  for (const c of placeholders) {
    it(c.name, () => {
      const actions = reconcile({ service: service(c.svc), pods: c.pods });
      assert.deepEqual(creates(actions).map((s) => [s.addressType, podsIn(s)]).sort((a, b) => cmp(String(a[0]), String(b[0]))), c.want);
    });
  }
});

describe('reconcileEndpointSlices: slice size', () => {
  for (const max of [2, 3]) {
    it(`5 pods with at most ${max} per slice: full slices, then the rest`, () => {
      const actions = reconcile({ pods: pods('p1', 'p2', 'p3', 'p4', 'p5'), maxEndpointsPerSlice: max });
      assert.ok(actions.every((a) => a.kind === 'create'));
      const made = creates(actions);
      assert.equal(made.length, Math.ceil(5 / max));
      assert.deepEqual(made.map((s) => s.endpoints!.length).sort(), max === 2 ? [1, 2, 2] : [2, 3]);
      assertCovers(made, 'IPv4', ['p1', 'p2', 'p3', 'p4', 'p5'], max);
    });
  }

  it('defaults to 100 endpoints per slice', () => {
    const many = Array.from({ length: 150 }, (_, i) => pod(`p${i + 1}`, { ips: [`10.0.${Math.floor(i / 200)}.${(i % 200) + 1}`] }));
    const made = creates(reconcile({ pods: many }));
    assert.deepEqual(made.map((s) => s.endpoints!.length).sort((a, b) => a - b), [50, 100]);
  });

  const cases: { name: string; existing: EndpointSlice[]; pods: string[]; max: number; want: { update?: [string, string[]]; create?: string[] } }[] = [
    {
      name: 'a new endpoint goes into an existing slice with room, not a new slice',
      existing: [slice('web-a', [ep('p1'), ep('p2')])], pods: ['p1', 'p2', 'p3'], max: 3,
      want: { update: ['web-a', ['p1', 'p2', 'p3']] },
    },
    {
      name: 'of the slices with room, the one it fills best',
      existing: [slice('web-a', [ep('p1')]), slice('web-b', [ep('p2'), ep('p3')])], pods: ['p1', 'p2', 'p3', 'p4'], max: 3,
      want: { update: ['web-b', ['p2', 'p3', 'p4']] },
    },
    {
      name: 'a full slice is left alone and the new endpoint gets a new slice',
      existing: [slice('web-a', [ep('p1'), ep('p2'), ep('p3')])], pods: ['p1', 'p2', 'p3', 'p4'], max: 3,
      want: { create: ['p4'] },
    },
    {
      name: 'new endpoints are not split over unchanged slices',
      existing: [slice('web-a', [ep('p1'), ep('p2')]), slice('web-b', [ep('p3'), ep('p4')])], pods: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], max: 3,
      want: { create: ['p5', 'p6'] },
    },
    {
      name: 'a whole slice\'s worth of new endpoints gets a new slice even when one has room',
      existing: [slice('web-a', [ep('p1')])], pods: ['p1', 'p2', 'p3'], max: 2,
      want: { create: ['p2', 'p3'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const actions = reconcile({ pods: pods(...c.pods), slices: c.existing, maxEndpointsPerSlice: c.max });
      const a = only(actions);
      if (c.want.update) {
        assert.equal(a.kind, 'update');
        assert.equal(objectOf(a).metadata!.name, c.want.update[0]);
        assert.deepEqual(podsIn(objectOf(a)), c.want.update[1]);
        assert.equal(objectOf(a).metadata!.resourceVersion, '7');
      } else {
        assert.equal(a.kind, 'create');
        assert.deepEqual(podsIn(objectOf(a)), c.want.create);
      }
    });
  }

  // reconcileByPortMapping step 2: "Sort endpoint slices by length so we're filling up the
  // fullest ones first."
  it('new endpoints fill the fullest of the slices being updated first', () => {
    const existing = [slice('web-a', [ep('p1'), ep('p9')]), slice('web-b', [ep('p2'), ep('p3'), ep('p4'), ep('p8')])];
    const actions = reconcile({ pods: pods('p1', 'p2', 'p3', 'p4', 'p5'), slices: existing, maxEndpointsPerSlice: 4 });
    assert.deepEqual(
      updates(actions).map((s) => [s.metadata!.name, podsIn(s)]).sort((a, b) => cmp(String(a[0]), String(b[0]))),
      [['web-a', ['p1']], ['web-b', ['p2', 'p3', 'p4', 'p5']]],
    );
  });
});

describe('reconcileEndpointSlices: a second pass writes nothing', () => {
  const scenarios: { name: string; svc?: Service; pods: Pod[]; nodes?: Node[]; max?: number }[] = [
    { name: 'three ready pods', pods: pods('p1', 'p2', 'p3') },
    { name: 'five pods, two per slice', pods: pods('p1', 'p2', 'p3', 'p4', 'p5'), max: 2 },
    {
      name: 'pods in every condition, with zones and hostnames',
      pods: [
        pod('p1', { ready: false }), pod('p2', { deleting: true }), pod('p3', { hostname: 'h3', subdomain: 'web', node: 'node-2' }),
        pod('p4', { ready: false, deleting: true, node: 'node-3' }),
      ],
      nodes: [node('node-1', 'zone-a'), node('node-2', 'zone-b'), node('node-3')],
    },
    { name: 'publishNotReadyAddresses', svc: service({ publishNotReadyAddresses: true }), pods: [pod('p1', { ready: false }), pod('p2', { deleting: true })] },
    {
      name: 'several port sets',
      svc: service({ ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP', appProtocol: 'dns' }] }),
      pods: [pod('p1', { ports: [{ name: 'http', containerPort: 8080 }] }), pod('p2', { ports: [{ name: 'http', containerPort: 9090 }] }), pod('p3')],
    },
    {
      name: 'dual stack, 2 per slice', svc: service(DUAL), max: 2,
      pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] }), pod('p2', { ips: ['10.0.0.2', 'fd00::2'] }), pod('p3', { ips: ['10.0.0.3', 'fd00::3'] }), pod('p4')],
    },
    { name: 'no pods (the placeholder)', pods: [] },
    { name: 'a headless Service with reserved labels of its own', svc: service({ clusterIP: 'None' }, { labels: { app: 'web', [SERVICE_NAME]: 'x', [MANAGED_BY]: 'y', [HEADLESS]: 'z' } }), pods: pods('p1') },
  ];
  for (const c of scenarios) {
    it(c.name, () => {
      const store = new SliceStore();
      const input = { service: c.svc ?? service(), pods: c.pods, nodes: c.nodes ?? NODES, maxEndpointsPerSlice: c.max };
      const first = store.step(input);
      assert.ok(first.length > 0 && first.every((a) => a.kind === 'create'), JSON.stringify(first));
      assert.deepEqual(reconcile({ ...input, slices: store.list() }), []);
    });
  }
});

describe('reconcileEndpointSlices: least churn', () => {
  // web-a [p1 p2], web-b [p3 p4], web-c [p5]: what the controller could have written for p1..p5.
  const fixture = () => [slice('web-a', [ep('p1'), ep('p2')]), slice('web-b', [ep('p3'), ep('p4')]), slice('web-c', [ep('p5')])];
  const cases: {
    name: string; pods: Pod[];
    want: { updates?: Record<string, Endpoint[]>; creates?: string[][]; deletes?: string[] };
  }[] = [
    { name: 'nothing changed: nothing written', pods: pods('p1', 'p2', 'p3', 'p4', 'p5'), want: {} },
    { name: 'a pod gone: only its slice is updated', pods: pods('p1', 'p2', 'p4', 'p5'), want: { updates: { 'web-b': [ep('p4')] } } },
    { name: 'a slice left empty is deleted', pods: pods('p1', 'p2', 'p3', 'p4'), want: { deletes: ['web-c'] } },
    {
      name: 'a slice left empty while a new one is needed is reused under its name',
      pods: pods('p1', 'p2', 'p3', 'p4', 'p6', 'p7'), want: { updates: { 'web-c': [ep('p6'), ep('p7')] } },
    },
    {
      name: 'an emptied slice is reused rather than deleted and a new one created',
      pods: pods('p3', 'p4', 'p5', 'p6', 'p7'), want: { updates: { 'web-a': [ep('p6'), ep('p7')] } },
    },
    {
      name: 'a new pod fills the slice already being updated',
      pods: pods('p1', 'p2', 'p4', 'p5', 'p6'), want: { updates: { 'web-b': [ep('p4'), ep('p6')] } },
    },
    { name: 'a new pod goes into the slice with room', pods: pods('p1', 'p2', 'p3', 'p4', 'p5', 'p6'), want: { updates: { 'web-c': [ep('p5'), ep('p6')] } } },
    { name: 'a full slice\'s worth of new pods gets a new slice', pods: pods('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'), want: { creates: [['p6', 'p7']] } },
    {
      name: 'a pod turning not ready updates its slice only',
      pods: [pod('p1', { ready: false }), ...pods('p2', 'p3', 'p4', 'p5')],
      want: { updates: { 'web-a': [ep('p1', { ready: false, serving: false }), ep('p2')] } },
    },
    {
      name: 'a pod terminating updates its slice only',
      pods: [pod('p1'), pod('p2', { deleting: true }), ...pods('p3', 'p4', 'p5')],
      want: { updates: { 'web-a': [ep('p1'), ep('p2', { ready: false, terminating: true })] } },
    },
    {
      name: 'a pod that moved node is rewritten in place',
      pods: [pod('p1'), pod('p2'), pod('p3', { node: 'node-2' }), ...pods('p4', 'p5')],
      want: { updates: { 'web-b': [ep('p3', { node: 'node-2' }), ep('p4')] } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const actions = reconcile({ pods: c.pods, slices: fixture(), maxEndpointsPerSlice: 2 });
      const got = {
        updates: Object.fromEntries(updates(actions).map((s) => [s.metadata!.name, sortedEndpoints(s)])),
        creates: creates(actions).map(podsIn),
        deletes: deletes(actions).map((d) => d.name).sort(cmp),
      };
      assert.deepEqual(got, { updates: c.want.updates ?? {}, creates: c.want.creates ?? [], deletes: c.want.deletes ?? [] });
      for (const s of updates(actions)) {
        assert.equal(s.metadata!.uid, `uid-${s.metadata!.name}`);
        assert.equal(s.metadata!.resourceVersion, '7', 'an update carries the observed resourceVersion');
        assert.deepEqual(s.ports, [HTTP]);
        assert.deepEqual(s.metadata!.labels, LABELS);
      }
      for (const d of deletes(actions)) assert.deepEqual(d, { kind: 'delete', resource: 'endpointslices', namespace: NS, name: d.name, preconditions: { uid: `uid-${d.name}`, resourceVersion: '7' } });
    });
  }

  it('all pods gone: one slice becomes the placeholder, the others are deleted', () => {
    const actions = reconcile({ pods: [], slices: fixture(), maxEndpointsPerSlice: 2 });
    assert.equal(creates(actions).length, 0);
    const [kept] = updates(actions);
    assert.equal(updates(actions).length, 1);
    assert.deepEqual([kept!.ports, kept!.endpoints], [[], []]);
    const names = ['web-a', 'web-b', 'web-c'];
    assert.deepEqual(deletes(actions).map((d) => d.name).sort(cmp), names.filter((n) => n !== kept!.metadata!.name));
  });

  it('scaling up and down one pod at a time, with 2 per slice', () => {
    const store = new SliceStore();
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const kinds = (actions: Action[]) => actions.map((a) => a.kind).sort(cmp).join(',');
    const max = 2;
    assert.equal(kinds(store.step({ pods: [], maxEndpointsPerSlice: max })), 'create');
    const placeholder = [...store.items.keys()][0]!;
    // kube: the placeholder is reused, then filled; full slices stay; the next pod opens a new slice.
    const up = ['update', 'update', 'create', 'update', 'create'];
    for (let i = 1; i <= 5; i++) {
      assert.equal(kinds(store.step({ pods: pods(...names.slice(0, i)), maxEndpointsPerSlice: max })), up[i - 1], `scaling to ${i}`);
      assertCovers(store.list(), 'IPv4', names.slice(0, i), max);
      assert.equal(store.items.size, Math.ceil(i / max));
    }
    assert.ok(store.items.has(placeholder), 'the placeholder became the first slice');
    // Down again, last pod first: a slice left empty is deleted, the last one becomes the placeholder.
    const down = ['delete', 'update', 'delete', 'update', 'update'];
    for (let i = 4; i >= 0; i--) {
      assert.equal(kinds(store.step({ pods: pods(...names.slice(0, i)), maxEndpointsPerSlice: max })), down[4 - i], `scaling to ${i}`);
      assertCovers(store.list(), 'IPv4', names.slice(0, i), max);
    }
    assert.deepEqual([...store.items.keys()], [placeholder]);
    const [last] = store.list();
    assert.deepEqual([last!.ports, last!.endpoints], [[], []]);
    assert.deepEqual(reconcile({ pods: [], slices: store.list(), maxEndpointsPerSlice: max }), []);
  });
});

describe('reconcileEndpointSlices: the placeholder', () => {
  it('a Service without pods gets one empty slice', () => {
    const s = objectOf(only(reconcile({ pods: [] })));
    assert.deepEqual(s, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: 'web-', namespace: NS, labels: LABELS, annotations: { [TRIGGER]: at(0) }, ownerReferences: [OWNER],
      },
      addressType: 'IPv4',
      ports: [],
      endpoints: [],
    });
  });

  it('an existing placeholder is left alone', () => {
    assert.deepEqual(reconcile({ pods: [], slices: [slice('web-p', [], { ports: [] })] }), []);
  });

  it('when pods arrive the placeholder is reused, not deleted and re-created', () => {
    const a = only(reconcile({ pods: pods('p1', 'p2'), slices: [slice('web-p', [], { ports: [] })] }));
    assert.equal(a.kind, 'update');
    const s = objectOf(a);
    assert.deepEqual([s.metadata!.name, s.metadata!.uid, s.metadata!.resourceVersion], ['web-p', 'uid-web-p', '7']);
    assert.deepEqual(s.ports, [HTTP]);
    assert.deepEqual(sortedEndpoints(s), [ep('p1'), ep('p2')]);
  });

  it('when more pods arrive than fit one slice, the placeholder is reused for one of them', () => {
    const actions = reconcile({ pods: pods('p1', 'p2', 'p3'), slices: [slice('web-p', [], { ports: [] })], maxEndpointsPerSlice: 2 });
    assert.deepEqual(deletes(actions), []);
    assert.equal(updates(actions).length, 1);
    assert.equal(updates(actions)[0]!.metadata!.name, 'web-p');
    assert.equal(creates(actions).length, 1);
    assertCovers([...updates(actions), ...creates(actions)], 'IPv4', ['p1', 'p2', 'p3'], 2);
  });

  it('a placeholder with stale labels is updated, not replaced', () => {
    const svc = service({}, { labels: { app: 'web', tier: 'front' } });
    const a = only(reconcile({ service: svc, pods: [], slices: [slice('web-p', [], { ports: [] })] }));
    assert.equal(a.kind, 'update');
    assert.equal(objectOf(a).metadata!.name, 'web-p');
    assert.deepEqual(objectOf(a).metadata!.labels, { ...LABELS, tier: 'front' });
  });

  it('a placeholder of an older Service of the same name is replaced', () => {
    const old = slice('web-p', [], { ports: [], ownerUid: 'uid-old' });
    const actions = reconcile({ pods: [], slices: [old] });
    assert.equal(actions.length, 2);
    const [made] = creates(actions);
    assert.deepEqual([made!.ports, made!.endpoints, made!.metadata!.ownerReferences], [[], [], [OWNER]]);
    assert.deepEqual(deletes(actions).map((d) => [d.name, d.preconditions]), [['web-p', { uid: 'uid-web-p', resourceVersion: '7' }]]);
  });

  it('two placeholders (from a race) end as one', () => {
    const store = new SliceStore([slice('web-p', [], { ports: [] }), slice('web-q', [], { ports: [] })]);
    const actions = store.step({ pods: [] });
    assert.equal(creates(actions).length, 0);
    assert.equal(deletes(actions).length, 1);
    assert.equal(store.items.size, 1);
  });
});

describe('reconcileEndpointSlices: which slices are the controller\'s', () => {
  it('a Service gone: its controller-managed slices are deleted, others left alone', () => {
    const foreign = slice('web-mirror', [ep('p1')], { labels: { [SERVICE_NAME]: 'web', [MANAGED_BY]: 'endpointslicemirroring-controller.k8s.io' } });
    const unlabelled = slice('web-user', [ep('p1')], { labels: { [SERVICE_NAME]: 'web' } });
    const actions = reconcile({ service: undefined, pods: pods('p1'), slices: [slice('web-a', [ep('p1')]), slice('web-b', [], { ports: [], addressType: 'IPv6' }), foreign, unlabelled] });
    assert.deepEqual(actions.map((a) => a.kind), ['delete', 'delete']);
    assert.deepEqual(deletes(actions).map((d) => [d.name, d.preconditions]).sort((a, b) => cmp(String(a[0]), String(b[0]))), [
      ['web-a', { uid: 'uid-web-a', resourceVersion: '7' }],
      ['web-b', { uid: 'uid-web-b', resourceVersion: '7' }],
    ]);
  });

  it('a Service gone with no slices: nothing to do', () => {
    assert.deepEqual(reconcile({ service: undefined, pods: pods('p1') }), []);
  });

  const untouched: { name: string; svc: Service }[] = [
    { name: 'an ExternalName Service', svc: service({ type: 'ExternalName', externalName: 'example.com', clusterIP: '' }) },
    { name: 'a Service without selector', svc: service({ selector: undefined }) },
  ];
  for (const c of untouched) {
    it(`${c.name} gets nothing, and its slices are left alone`, () => {
      assert.deepEqual(reconcile({ service: c.svc, pods: pods('p1') }), []);
      assert.deepEqual(reconcile({ service: c.svc, pods: pods('p1'), slices: [slice('web-a', [ep('p9')])] }), []);
    });
  }

  it('slices managed by another controller are neither counted nor touched', () => {
    const foreign = slice('web-user', [ep('p1'), ep('p7')], { labels: { [SERVICE_NAME]: 'web', [MANAGED_BY]: 'someone-else' } });
    const a = only(reconcile({ pods: pods('p1'), slices: [foreign] }));
    assert.equal(a.kind, 'create');
    assert.deepEqual(podsIn(objectOf(a)), ['p1']);
  });

  it('slices being deleted are ignored: their endpoints go into a new slice', () => {
    const dying = slice('web-a', [ep('p1')], { deleting: true });
    const a = only(reconcile({ pods: pods('p1'), slices: [dying] }));
    assert.equal(a.kind, 'create');
    assert.deepEqual(podsIn(objectOf(a)), ['p1']);
  });

  it('slices of an older Service of the same name are deleted, not reused', () => {
    const old = slice('web-old', [ep('p1'), ep('p2')], { ownerUid: 'uid-old' });
    const actions = reconcile({ pods: pods('p1', 'p2'), slices: [old] });
    assert.equal(actions.length, 2);
    assert.deepEqual(updates(actions), []);
    const [made] = creates(actions);
    assert.deepEqual(made!.metadata!.ownerReferences, [OWNER]);
    assert.deepEqual(podsIn(made!), ['p1', 'p2']);
    assert.deepEqual(deletes(actions).map((d) => [d.name, d.preconditions]), [['web-old', { uid: 'uid-web-old', resourceVersion: '7' }]]);
  });

  it('a slice of an address type the Service no longer has is deleted', () => {
    const v4 = slice('web-a', [ep('p1')]);
    const v6 = slice('web-6', [ep('p1', { ips: ['fd00::1'] })], { addressType: 'IPv6' });
    const actions = reconcile({ pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] })], slices: [v4, v6] });
    assert.deepEqual(actions, [{ kind: 'delete', resource: 'endpointslices', namespace: NS, name: 'web-6', preconditions: { uid: 'uid-web-6', resourceVersion: '7' } }]);
  });

  it('a slice of a dropped address type is not reused for another type (addressType is immutable)', () => {
    const v6 = slice('web-6', [ep('p1', { ips: ['fd00::1'] })], { addressType: 'IPv6' });
    const actions = reconcile({ pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] })], slices: [v6] });
    assert.deepEqual(updates(actions), []);
    assert.deepEqual(creates(actions).map((s) => [s.addressType, podsIn(s)]), [['IPv4', ['p1']]]);
    assert.deepEqual(deletes(actions).map((d) => d.name), ['web-6']);
  });

  // kube finalize(): "Don't create new EndpointSlices if the Service is pending deletion."
  it('a Service being deleted gets no new slices', () => {
    const svc = service({}, { deletionTimestamp: at(90) });
    assert.deepEqual(creates(reconcile({ service: svc, pods: pods('p1') })), []);
    assert.deepEqual(creates(reconcile({ service: svc, pods: [] })), []);
  });
});

describe('reconcileEndpointSlices: labels', () => {
  const fixture = () => [slice('web-a', [ep('p1'), ep('p2')]), slice('web-b', [ep('p3')])];

  const cases: { name: string; labels: Record<string, string>; clusterIP?: string; want: Record<string, string> }[] = [
    { name: 'a label added to the Service', labels: { app: 'web', tier: 'front' }, want: { ...LABELS, tier: 'front' } },
    { name: 'a label changed on the Service', labels: { app: 'web2' }, want: { ...LABELS, app: 'web2' } },
    { name: 'the Service\'s labels removed', labels: {}, want: { [SERVICE_NAME]: 'web', [MANAGED_BY]: CONTROLLER } },
    {
      name: 'reserved labels on the Service are not copied over the controller\'s',
      labels: { app: 'web', tier: 'front', [SERVICE_NAME]: 'evil', [MANAGED_BY]: 'someone', [HEADLESS]: 'yes' },
      want: { ...LABELS, tier: 'front' },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: every slice is updated, endpoints kept`, () => {
      const actions = reconcile({ service: service({}, { labels: c.labels }), pods: pods('p1', 'p2', 'p3'), slices: fixture() });
      assert.deepEqual(actions.map((a) => a.kind), ['update', 'update']);
      const got = updates(actions).sort((a, b) => cmp(a.metadata!.name!, b.metadata!.name!));
      assert.deepEqual(got.map((s) => [s.metadata!.name, s.metadata!.labels, podsIn(s)]), [
        ['web-a', c.want, ['p1', 'p2']],
        ['web-b', c.want, ['p3']],
      ]);
    });
  }

  it('reserved labels on the Service cannot hijack a new slice', () => {
    const svc = service({}, { labels: { [SERVICE_NAME]: 'evil', [MANAGED_BY]: 'someone', foo: 'bar' } });
    assert.deepEqual(objectOf(only(reconcile({ service: svc, pods: pods('p1') }))).metadata!.labels, { foo: 'bar', [SERVICE_NAME]: 'web', [MANAGED_BY]: CONTROLLER });
  });

  for (const clusterIP of ['None', '']) {
    it(`a headless Service (clusterIP ${JSON.stringify(clusterIP)}) labels its slices service.kubernetes.io/headless=""`, () => {
      const svc = service({ clusterIP, ipFamilies: ['IPv4'] });
      const withPods = objectOf(only(reconcile({ service: svc, pods: pods('p1') })));
      assert.deepEqual(withPods.metadata!.labels, { ...LABELS, [HEADLESS]: '' });
      const placeholder = objectOf(only(reconcile({ service: svc, pods: [] })));
      assert.deepEqual(placeholder.metadata!.labels, { ...LABELS, [HEADLESS]: '' });
    });
  }

  it('a slice missing the headless label of a headless Service is updated', () => {
    const svc = service({ clusterIP: 'None' });
    const a = only(reconcile({ service: svc, pods: pods('p1'), slices: [slice('web-a', [ep('p1')])] }));
    assert.equal(a.kind, 'update');
    assert.equal(objectOf(a).metadata!.labels![HEADLESS], '');
  });
});

describe('reconcileEndpointSlices: last-change-trigger-time', () => {
  it('the first slices carry the Service\'s creation time', () => {
    const svc = service({}, { creationTimestamp: at(3) });
    for (const ps of [pods('p1', 'p2'), []]) {
      const actions = reconcile({ service: svc, pods: ps, now: date(500) });
      assert.ok(actions.length > 0);
      for (const s of creates(actions)) assert.deepEqual(s.metadata!.annotations, { [TRIGGER]: at(3) });
    }
  });

  it('every slice of a first write carries it, in both families', () => {
    const actions = reconcile({ service: service(DUAL), pods: [pod('p1', { ips: ['10.0.0.1', 'fd00::1'] })] });
    assert.deepEqual(creates(actions).map((s) => s.metadata!.annotations![TRIGGER]), [at(0), at(0)]);
  });

  it('a pod turning ready stamps its Ready transition time', () => {
    const current = slice('web-a', [ep('p1'), ep('p2', { ready: false, serving: false })]);
    current.metadata!.annotations = { [TRIGGER]: at(10), other: 'kept' };
    const a = only(reconcile({ pods: [pod('p1', { ready: 5 }), pod('p2', { ready: 30 })], slices: [current] }));
    assert.equal(a.kind, 'update');
    assert.deepEqual(objectOf(a).metadata!.annotations, { [TRIGGER]: at(30), other: 'kept' });
    assert.deepEqual(endpointOf([a], 'p2')!.conditions, { ready: true, serving: true, terminating: false });
  });

  it('a pod going away has no trigger time: the annotation is cleared', () => {
    const current = slice('web-a', [ep('p1'), ep('p2')]);
    current.metadata!.annotations = { [TRIGGER]: at(20) };
    const a = only(reconcile({ pods: [pod('p1', { ready: 5 })], slices: [current] }));
    assert.equal(objectOf(a).metadata!.annotations?.[TRIGGER], undefined);
    assert.deepEqual(podsIn(objectOf(a)), ['p1']);
  });
});
