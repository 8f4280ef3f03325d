import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, EndpointSubset, Pod, Service } from '../../../lib/api/schema/index.ts';
import {
  HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME, OVER_CAPACITY, findPort, reconcileEndpoints, repackSubsets,
} from '../../../lib/controllers/endpoints.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { timeString } from '../../../lib/controllers/types.ts';
import { NS, T0 } from './sim.ts';

const date = (s: number) => new Date(T0.getTime() + s * 1000);
const at = (s: number) => timeString(date(s));

function service(spec: Partial<NonNullable<Service['spec']>> = {}, meta: Partial<NonNullable<Service['metadata']>> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: NS, uid: 'uid-svc', resourceVersion: '3', creationTimestamp: at(0), labels: { app: 'web' }, ...meta },
    spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  } as Service;
}

interface PodOpts {
  ip?: string | null; ips?: string[]; ready?: number | false; node?: string; labels?: Record<string, string>; ns?: string;
  deleting?: boolean; phase?: string; ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  sidecarPorts?: { name: string; containerPort: number }[]; hostname?: string; subdomain?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const ip = o.ip === undefined ? `10.0.0.${name.replace(/\D/g, '') || '1'}` : o.ip;
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? NS, uid: `uid-${name}`, resourceVersion: '5', labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: o.node ?? 'node-1',
      containers: [{ name: 'app', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
      ...(o.sidecarPorts ? { initContainers: [{ name: 'side', image: 'envoy', restartPolicy: 'Always', ports: o.sidecarPorts }] } : {}),
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(ip ? { podIP: ip } : {}),
      ...(o.ips ? { podIPs: o.ips.map((i) => ({ ip: i })) } : {}),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: at(o.ready || 10) }],
    },
  } as Pod;
  if (o.deleting) p.metadata!.deletionTimestamp = at(50);
  return p;
}

const ref = (name: string) => ({ kind: 'Pod', namespace: NS, name, uid: `uid-${name}` });
const addr = (name: string, ip = `10.0.0.${name.replace(/\D/g, '')}`, node = 'node-1') => ({ ip, nodeName: node, targetRef: ref(name) });
const HTTP = { name: 'http', port: 8080, protocol: 'TCP' as const };

function only(actions: Action[]): Action {
  assert.equal(actions.length, 1, JSON.stringify(actions));
  return actions[0];
}
const written = (a: Action) => (a as Extract<Action, { kind: 'create' | 'update' }>).object as unknown as Endpoints;

function endpoints(subsets: EndpointSubset[], meta: Partial<NonNullable<Endpoints['metadata']>> = {}): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: 'web', namespace: NS, uid: 'uid-ep', resourceVersion: '9', creationTimestamp: at(1), labels: { app: 'web' }, ...meta },
    subsets,
  } as Endpoints;
}

describe('reconcileEndpoints: which pods and how', () => {
  const cases: { name: string; svc?: Partial<NonNullable<Service['spec']>>; pods: Pod[]; want: EndpointSubset[] }[] = [
    {
      name: 'ready and not-ready pods share a subset, sorted by IP',
      pods: [pod('p3'), pod('p1'), pod('p2', { ready: false })],
      want: [{ addresses: [addr('p1'), addr('p3')], notReadyAddresses: [addr('p2')], ports: [HTTP] }],
    },
    {
      name: 'pods without an IP, finished, terminating, unselected or elsewhere are left out',
      pods: [
        pod('p1'), pod('p2', { ip: null }), pod('p3', { phase: 'Succeeded' }), pod('p4', { phase: 'Failed' }),
        pod('p5', { deleting: true }), pod('p6', { labels: { app: 'db' } }), pod('p7', { ns: 'other' }),
      ],
      want: [{ addresses: [addr('p1')], ports: [HTTP] }],
    },
    {
      name: 'publishNotReadyAddresses lists not-ready and terminating pods as ready',
      svc: { publishNotReadyAddresses: true },
      pods: [pod('p1', { ready: false }), pod('p2', { deleting: true })],
      want: [{ addresses: [addr('p1'), addr('p2')], ports: [HTTP] }],
    },
    {
      name: 'a named targetPort resolves per pod; pods without it are left out of that port',
      svc: { ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] },
      pods: [
        pod('p1', { ports: [{ name: 'http', containerPort: 8080 }] }),
        pod('p2', { ports: [{ name: 'http', containerPort: 9090 }] }),
        pod('p3', { ports: [{ name: 'metrics', containerPort: 8080 }] }),
        pod('p4', { ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }] }),
        pod('p5', { sidecarPorts: [{ name: 'http', containerPort: 15000 }] }),
      ],
      want: [
        { addresses: [addr('p1')], ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
        { addresses: [addr('p2')], ports: [{ name: 'web', port: 9090, protocol: 'TCP' }] },
        { addresses: [addr('p5')], ports: [{ name: 'web', port: 15000, protocol: 'TCP' }] },
      ],
    },
    {
      name: 'pods offering different port sets land in different subsets; appProtocol and protocol carry over',
      svc: {
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
          { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
        ],
      },
      pods: [pod('p1', { ports: [{ name: 'http', containerPort: 8080 }] }), pod('p2')],
      want: [
        { addresses: [addr('p1'), addr('p2')], ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] },
        { addresses: [addr('p1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }] },
      ],
    },
    {
      name: 'targetPort defaults to port',
      svc: { ports: [{ port: 80, protocol: 'TCP' }] },
      pods: [pod('p1')],
      want: [{ addresses: [addr('p1')], ports: [{ port: 80, protocol: 'TCP' }] }],
    },
    {
      name: 'a headless Service without ports still publishes addresses',
      svc: { clusterIP: 'None', ports: [] },
      pods: [pod('p1'), pod('p2', { ready: false })],
      want: [{ addresses: [addr('p1')], notReadyAddresses: [addr('p2')] }],
    },
    {
      name: 'a Service with a cluster IP and no ports publishes nothing',
      svc: { ports: [] },
      pods: [pod('p1')],
      want: [],
    },
    {
      name: 'the hostname is published for pods naming the Service as subdomain',
      pods: [pod('p1', { hostname: 'db-0', subdomain: 'web' }), pod('p2', { hostname: 'db-1', subdomain: 'other' })],
      want: [{ addresses: [{ ...addr('p1'), hostname: 'db-0' }, addr('p2')], ports: [HTTP] }],
    },
    {
      name: "the Service's IP family picks the pod IP; pods without one are left out",
      svc: { ipFamilies: ['IPv6'], clusterIP: 'fd00::10' },
      pods: [pod('p1', { ip: '10.0.0.1', ips: ['10.0.0.1', 'fd00::1'] }), pod('p2', { ip: '10.0.0.2', ips: ['10.0.0.2'] })],
      want: [{ addresses: [addr('p1', 'fd00::1')], ports: [HTTP] }],
    },
    {
      name: 'without ipFamilies a headless Service follows the pod IP',
      svc: { clusterIP: 'None' },
      pods: [pod('p1', { ip: 'fd00::1', ips: ['fd00::1', '10.0.0.1'] })],
      want: [{ addresses: [addr('p1', 'fd00::1')], ports: [HTTP] }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = only(reconcileEndpoints({ service: service(c.svc), pods: c.pods, endpoints: undefined, now: T0 }).actions);
      assert.equal(a.kind, 'create');
      assert.deepEqual(written(a).subsets ?? [], c.want);
    });
  }
});

describe('reconcileEndpoints: the object', () => {
  it('creates the Endpoints named like the Service, with its labels and the trigger time', () => {
    const a = only(reconcileEndpoints({ service: service(), pods: [pod('p1')], endpoints: undefined, now: date(100) }).actions);
    assert.equal(a.kind, 'create');
    assert.deepEqual(written(a), {
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { name: 'web', namespace: NS, labels: { app: 'web' }, annotations: { [LAST_CHANGE_TRIGGER_TIME]: at(0) } },
      subsets: [{ addresses: [addr('p1')], ports: [HTTP] }],
    });
  });

  it('labels the Endpoints of a headless Service', () => {
    for (const clusterIP of ['None', '']) {
      const a = only(reconcileEndpoints({ service: service({ clusterIP }), pods: [], endpoints: undefined, now: T0 }).actions);
      assert.deepEqual(written(a).metadata!.labels, { app: 'web', [HEADLESS_LABEL]: '' });
      assert.equal(written(a).subsets, undefined);
    }
  });

  const untouched: { name: string; svc: Service | undefined; current: Endpoints | undefined }[] = [
    { name: 'a Service without selector (user-managed Endpoints)', svc: service({ selector: undefined }), current: endpoints([{ addresses: [{ ip: '1.2.3.4' }] }]) },
    { name: 'a Service with an empty selector', svc: service({ selector: {} }), current: endpoints([{ addresses: [{ ip: '1.2.3.4' }] }]) },
    { name: 'an ExternalName Service', svc: service({ type: 'ExternalName', externalName: 'example.com' }), current: endpoints([{ addresses: [{ ip: '1.2.3.4' }] }]) },
    { name: 'a deleted Service without Endpoints', svc: undefined, current: undefined },
    {
      name: 'a leader-election lock without Service', svc: undefined,
      current: endpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }),
    },
  ];
  for (const c of untouched) {
    it(`leaves alone: ${c.name}`, () => {
      assert.deepEqual(reconcileEndpoints({ service: c.svc, pods: [pod('p1')], endpoints: c.current, now: T0 }).actions, []);
    });
  }

  it('deletes the Endpoints of a deleted Service', () => {
    const a = only(reconcileEndpoints({ service: undefined, pods: [pod('p1')], endpoints: endpoints([]), now: T0 }).actions);
    assert.deepEqual(a, { kind: 'delete', resource: 'endpoints', namespace: NS, name: 'web', preconditions: { uid: 'uid-ep', resourceVersion: '9' } });
  });

  const same: { name: string; current: EndpointSubset[] }[] = [
    { name: 'in the same order', current: [{ addresses: [addr('p1'), addr('p3')], notReadyAddresses: [addr('p2')], ports: [HTTP] }] },
    { name: 'in another order', current: [{ ports: [HTTP], notReadyAddresses: [addr('p2')], addresses: [addr('p3'), addr('p1')] }] },
    {
      name: 'split into subsets differently, with pod resourceVersions',
      current: [
        { addresses: [{ ...addr('p3'), targetRef: { ...ref('p3'), resourceVersion: '77' } }], ports: [HTTP] },
        { addresses: [addr('p1')], notReadyAddresses: [addr('p2')], ports: [HTTP] },
      ],
    },
  ];
  for (const c of same) {
    it(`writes nothing when the subsets are the same ${c.name}`, () => {
      const current = endpoints(c.current);
      const r = reconcileEndpoints({ service: service(), pods: [pod('p1'), pod('p2', { ready: false }), pod('p3')], endpoints: current, now: date(100) });
      assert.deepEqual(r.actions, []);
    });
  }

  it('updates when a pod turns ready, keeping the resourceVersion and stamping the transition', () => {
    const current = endpoints([{ addresses: [addr('p1')], notReadyAddresses: [addr('p2')], ports: [HTTP] }], {
      annotations: { [LAST_CHANGE_TRIGGER_TIME]: at(10), keep: 'me' },
      managedFields: [{ manager: 'skiff-controllers', operation: 'Update', time: at(12) }],
    });
    const pods = [pod('p1', { ready: 5 }), pod('p2', { ready: 40 }), pod('p3', { ready: 30 })];
    const a = only(reconcileEndpoints({ service: service(), pods, endpoints: current, now: date(100) }).actions);
    assert.equal(a.kind, 'update');
    const ep = written(a);
    assert.equal(ep.metadata!.resourceVersion, '9');
    assert.equal(ep.metadata!.uid, 'uid-ep');
    assert.deepEqual(ep.metadata!.annotations, { [LAST_CHANGE_TRIGGER_TIME]: at(30), keep: 'me' });
    assert.deepEqual(ep.subsets, [{ addresses: [addr('p1'), addr('p2'), addr('p3')], ports: [HTTP] }]);
  });

  it('drops the trigger time when the change has none (a pod went away)', () => {
    const current = endpoints([{ addresses: [addr('p1'), addr('p2')], ports: [HTTP] }], { annotations: { [LAST_CHANGE_TRIGGER_TIME]: at(10) } });
    const a = only(reconcileEndpoints({ service: service(), pods: [pod('p1', { ready: 5 })], endpoints: current, now: date(100) }).actions);
    assert.equal(written(a).metadata!.annotations, undefined);
    assert.deepEqual(written(a).subsets, [{ addresses: [addr('p1')], ports: [HTTP] }]);
  });

  it('updates when the Service labels change', () => {
    const current = endpoints([{ addresses: [addr('p1')], ports: [HTTP] }]);
    const a = only(reconcileEndpoints({ service: service({}, { labels: { app: 'web', tier: 'front' } }), pods: [pod('p1')], endpoints: current, now: T0 }).actions);
    assert.deepEqual(written(a).metadata!.labels, { app: 'web', tier: 'front' });
  });

  it('empties the subsets when no pod is left', () => {
    const current = endpoints([{ addresses: [addr('p1')], ports: [HTTP] }]);
    const a = only(reconcileEndpoints({ service: service(), pods: [], endpoints: current, now: T0 }).actions);
    assert.equal(a.kind, 'update');
    assert.equal(written(a).subsets, undefined);
  });

  it('truncates past 1000 addresses, ready ones first, and marks it', () => {
    const pods: Pod[] = [];
    for (let i = 0; i < 900; i++) pods.push(pod(`r${i}`, { ip: `10.1.${Math.floor(i / 250)}.${i % 250}` }));
    for (let i = 0; i < 300; i++) pods.push(pod(`n${i}`, { ip: `10.2.${Math.floor(i / 250)}.${i % 250}`, ready: false }));
    const a = only(reconcileEndpoints({ service: service(), pods, endpoints: undefined, now: T0 }).actions);
    const ep = written(a);
    assert.equal(ep.metadata!.annotations![OVER_CAPACITY], 'truncated');
    assert.equal(ep.subsets!.length, 1);
    assert.equal(ep.subsets![0].addresses!.length, 900);
    assert.equal(ep.subsets![0].notReadyAddresses!.length, 100);
    // Written again, the same truncated object is no change.
    const again = reconcileEndpoints({ service: service(), pods, endpoints: { ...ep, metadata: { ...ep.metadata, uid: 'u', resourceVersion: '2' } }, now: T0 });
    assert.deepEqual(again.actions, []);
  });

  it('truncates ready addresses in proportion when they alone are too many', () => {
    const pods: Pod[] = [];
    for (let i = 0; i < 1200; i++) {
      const ports = i < 600 ? [{ name: 'http', containerPort: 8080 }] : [{ name: 'http', containerPort: 9090 }];
      pods.push(pod(`r${i}`, { ip: `10.1.${Math.floor(i / 250)}.${i % 250}`, ports }));
    }
    pods.push(pod('n1', { ip: '10.9.0.1', ready: false, ports: [{ name: 'http', containerPort: 8080 }] }));
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    const ep = written(only(reconcileEndpoints({ service: svc, pods, endpoints: undefined, now: T0 }).actions));
    assert.deepEqual(ep.subsets!.map((s) => [s.addresses?.length, s.notReadyAddresses?.length]), [[500, undefined], [500, undefined]]);
  });

  it('removes the over-capacity mark once under capacity', () => {
    const current = endpoints([{ addresses: [addr('p1')], ports: [HTTP] }], { annotations: { [OVER_CAPACITY]: 'truncated' } });
    const a = only(reconcileEndpoints({ service: service(), pods: [pod('p1')], endpoints: current, now: T0 }).actions);
    assert.equal(written(a).metadata!.annotations?.[OVER_CAPACITY], undefined);
  });
});

describe('repackSubsets', () => {
  it('not ready wins over ready for the same address and port, and duplicates collapse', () => {
    const a = { ip: '10.0.0.1', targetRef: ref('p1') };
    const out = repackSubsets([
      { addresses: [a], ports: [HTTP] },
      { notReadyAddresses: [a], ports: [HTTP] },
      { addresses: [a], ports: [{ name: 'x', port: 1, protocol: 'TCP' }] },
    ]);
    assert.deepEqual(out, [
      { addresses: [a], ports: [{ name: 'x', port: 1, protocol: 'TCP' }] },
      { notReadyAddresses: [a], ports: [HTTP] },
    ]);
  });

  it('not ready wins whichever comes first', () => {
    const a = { ip: '10.0.0.1', targetRef: ref('p1') };
    const out = repackSubsets([{ notReadyAddresses: [a], ports: [HTTP] }, { addresses: [a], ports: [HTTP] }]);
    assert.deepEqual(out, [{ notReadyAddresses: [a], ports: [HTTP] }]);
  });

  it('keeps addresses with the same IP but different pods apart', () => {
    const out = repackSubsets([{ addresses: [{ ip: '10.0.0.1', targetRef: ref('b') }, { ip: '10.0.0.1', targetRef: ref('a') }, { ip: '10.0.0.1' }], ports: [HTTP] }]);
    assert.deepEqual(out[0].addresses!.map((x) => x.targetRef?.name), [undefined, 'a', 'b']);
  });
});

describe('findPort', () => {
  const cases: { name: string; port: Parameters<typeof findPort>[1]; pod: Pod; want: number | undefined }[] = [
    { name: 'number', port: { port: 80, targetPort: 8080 }, pod: pod('p1'), want: 8080 },
    { name: 'unset', port: { port: 80 }, pod: pod('p1'), want: 80 },
    { name: 'named, default TCP', port: { port: 80, targetPort: 'http' }, pod: pod('p1', { ports: [{ name: 'http', containerPort: 81 }] }), want: 81 },
    { name: 'named, protocol must match', port: { port: 53, targetPort: 'dns', protocol: 'UDP' }, pod: pod('p1', { ports: [{ name: 'dns', containerPort: 53 }] }), want: undefined },
    { name: 'named, missing', port: { port: 80, targetPort: 'http' }, pod: pod('p1'), want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(findPort(c.pod, c.port), c.want));
});
