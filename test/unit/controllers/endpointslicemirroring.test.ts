import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice, Endpoints, Service } from '../../../lib/api/schema/index.ts';
import { MIRRORING_CONTROLLER, reconcileMirroring, type MirroringInput } from '../../../lib/controllers/endpointslicemirroring.ts';
import type { Action } from '../../../lib/controllers/types.ts';

const NS = 'default';

function service(o: { selector?: Record<string, string> } = {}): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'db', namespace: NS, uid: 'svc-uid' },
    spec: { ports: [{ port: 5432 }], ...(o.selector ? { selector: o.selector } : {}) },
  } as Service;
}

type Subsets = NonNullable<Endpoints['subsets']>;
function endpoints(subsets: Subsets, o: { labels?: Record<string, string>; annotations?: Record<string, string>; deleting?: boolean } = {}): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: {
      name: 'db', namespace: NS, uid: 'ep-uid', resourceVersion: '5',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    subsets,
  } as Endpoints;
}

const PORTS = [{ name: 'pg', port: 5432, protocol: 'TCP' as const }];
const twoReady: Subsets = [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', hostname: 'b', nodeName: 'n2' }], ports: PORTS }];

function slice(name: string, o: Partial<EndpointSlice> & { labels?: Record<string, string>; annotations?: Record<string, string>; managedBy?: string } = {}): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name, namespace: NS, uid: `uid-${name}`, resourceVersion: '9',
      labels: { 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': o.managedBy ?? MIRRORING_CONTROLLER, ...(o.labels ?? {}) },
      annotations: o.annotations ?? {},
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }],
    },
    addressType: o.addressType ?? 'IPv4',
    endpoints: o.endpoints ?? [
      { addresses: ['10.0.0.1'], conditions: { ready: true } },
      { addresses: ['10.0.0.2'], conditions: { ready: true }, nodeName: 'n2', hostname: 'b' },
    ],
    ports: o.ports ?? [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  } as EndpointSlice;
}

const run = (i: Partial<MirroringInput>) => reconcileMirroring({ service: service(), endpoints: endpoints(twoReady), slices: [], ...i });
const kinds = (actions: Action[]) => actions.map((a) => (a.kind === 'delete' ? `delete ${a.name}` : a.kind === 'event' ? `event ${a.reason}` : `${a.kind} ${a.object.metadata.name ?? a.object.metadata.generateName}`));

describe('reconcileMirroring', () => {
  it('mirrors a selector-less Service\'s Endpoints into one slice, as kube builds it', () => {
    const { actions } = run({
      endpoints: endpoints(
        [{
          addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: NS, name: 'p1', uid: 'u1' } }, { ip: '10.0.0.2', hostname: 'b', nodeName: 'n2' }],
          notReadyAddresses: [{ ip: '10.0.0.3' }],
          ports: [{ name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'postgresql' }],
        }],
        { labels: { team: 'data' }, annotations: { note: 'external', 'endpoints.kubernetes.io/last-change-trigger-time': 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      ),
    });
    assert.deepEqual(kinds(actions), ['create db-']);
    const a = actions[0];
    assert.ok(a.kind === 'create');
    assert.deepEqual(a.object, {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: {
        generateName: 'db-', namespace: NS,
        labels: { team: 'data', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' },
        annotations: { note: 'external' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: NS, name: 'p1', uid: 'u1' } },
        { addresses: ['10.0.0.2'], conditions: { ready: true }, nodeName: 'n2', hostname: 'b' },
        { addresses: ['10.0.0.3'], conditions: { ready: false } },
      ],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'postgresql' }],
    });
  });

  it('one slice per address family', () => {
    const { actions } = run({ endpoints: endpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: PORTS }]) });
    const created = actions.filter((a) => a.kind === 'create').map((a) => (a.kind === 'create' ? [(a.object as EndpointSlice).addressType, ((a.object as EndpointSlice).endpoints ?? []).map((e) => e.addresses[0])] : []));
    assert.deepEqual(created.sort(), [['IPv4', ['10.0.0.1']], ['IPv6', ['fd00::1']]]);
  });

  it('one slice per set of ports', () => {
    const { actions } = run({ endpoints: endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: PORTS }, { addresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'admin', port: 9000, protocol: 'TCP' }] }]) });
    assert.equal(actions.filter((a) => a.kind === 'create').length, 2);
  });

  it('skips addresses that are no IP, with a warning event on the Endpoints', () => {
    const { actions } = run({ endpoints: endpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'db.example.com' }, { ip: '300.1.1.1' }], ports: PORTS }]) });
    assert.deepEqual(kinds(actions), ['event InvalidIPAddress', 'create db-']);
    const ev = actions[0];
    assert.ok(ev.kind === 'event');
    assert.equal(ev.message, 'Skipped 2 invalid IP addresses when mirroring to EndpointSlices');
    assert.deepEqual(ev.involvedObject, { apiVersion: 'v1', kind: 'Endpoints', namespace: NS, name: 'db', uid: 'ep-uid' });
  });

  it('mirrors at most maxEndpointsPerSubset addresses of a subset, ready ones first, and says how many it skipped', () => {
    const { actions } = run({
      maxEndpointsPerSubset: 2,
      endpoints: endpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], notReadyAddresses: [{ ip: '10.0.0.3' }], ports: PORTS }]),
    });
    assert.deepEqual(kinds(actions), ['event TooManyAddressesToMirror', 'create db-']);
    assert.ok(actions[0].kind === 'event');
    assert.equal(actions[0].message, 'A max of 2 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped');
    assert.ok(actions[1].kind === 'create');
    assert.deepEqual(((actions[1].object as EndpointSlice).endpoints ?? []).map((e) => e.addresses[0]), ['10.0.0.1', '10.0.0.2']);
  });

  it('leaves an up-to-date slice alone', () => {
    assert.deepEqual(run({ slices: [slice('db-abc')] }).actions, []);
  });

  const removals: { name: string; input: Partial<MirroringInput>; want: string[] }[] = [
    { name: 'the Service is gone', input: { service: undefined }, want: ['delete db-abc'] },
    { name: 'the Service has a selector now', input: { service: service({ selector: { app: 'db' } }) }, want: ['delete db-abc'] },
    { name: 'the Endpoints are gone', input: { endpoints: undefined }, want: ['delete db-abc'] },
    { name: 'the Endpoints say skip-mirror', input: { endpoints: endpoints(twoReady, { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }) }, want: ['delete db-abc'] },
    { name: 'the Endpoints are a leader-election lock', input: { endpoints: endpoints(twoReady, { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }) }, want: ['delete db-abc'] },
    { name: 'no addresses are left', input: { endpoints: endpoints([]) }, want: ['delete db-abc'] },
    { name: 'a subset with ports but no addresses', input: { endpoints: endpoints([{ ports: PORTS }]) }, want: ['delete db-abc'] },
  ];
  for (const c of removals) {
    it(`removes its slices when ${c.name}, and no one else's`, () => {
      const theirs = slice('db-theirs', { managedBy: 'someone-else' });
      const { actions } = run({ ...c.input, slices: [slice('db-abc'), theirs] });
      assert.deepEqual(kinds(actions), c.want);
      const d = actions[0];
      assert.ok(d.kind === 'delete');
      assert.deepEqual(d.preconditions, { uid: 'uid-db-abc' });
      assert.equal(d.resource, 'endpointslices');
    });
  }

  it('updates the slice in place when an address is added, keeping the others where they are', () => {
    const { actions } = run({
      endpoints: endpoints([{ addresses: [{ ip: '10.0.0.0' }, { ip: '10.0.0.1' }, { ip: '10.0.0.2', hostname: 'b', nodeName: 'n2' }], ports: PORTS }]),
      slices: [slice('db-abc', { endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true }, nodeName: 'n2', hostname: 'b' }, { addresses: ['10.0.0.1'], conditions: { ready: true } }] })],
    });
    assert.deepEqual(kinds(actions), ['update db-abc']);
    assert.ok(actions[0].kind === 'update');
    const s = actions[0].object as EndpointSlice;
    assert.deepEqual((s.endpoints ?? []).map((e) => e.addresses[0]), ['10.0.0.2', '10.0.0.1', '10.0.0.0']);
    assert.equal(s.metadata?.resourceVersion, '9', 'conditioned on the version read');
  });

  it('updates the slice when an address turns not ready', () => {
    const { actions } = run({ endpoints: endpoints([{ addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [{ ip: '10.0.0.2', hostname: 'b', nodeName: 'n2' }], ports: PORTS }]), slices: [slice('db-abc')] });
    assert.deepEqual(kinds(actions), ['update db-abc']);
    assert.ok(actions[0].kind === 'update');
    assert.deepEqual((actions[0].object as EndpointSlice).endpoints?.[1].conditions, { ready: false });
  });

  it('follows the Endpoints\' labels and annotations, keeping its own two labels', () => {
    const { actions } = run({ endpoints: endpoints(twoReady, { labels: { tier: 'db' }, annotations: { a: 'b' } }), slices: [slice('db-abc', { labels: { stale: 'x' } })] });
    assert.deepEqual(kinds(actions), ['update db-abc']);
    assert.ok(actions[0].kind === 'update');
    assert.deepEqual(actions[0].object.metadata.labels, { tier: 'db', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': MIRRORING_CONTROLLER });
    assert.deepEqual(actions[0].object.metadata.annotations, { a: 'b' });
  });

  it('reuses a slice whose ports no longer exist for the new set of ports', () => {
    const { actions } = run({ endpoints: endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'pg', port: 6432, protocol: 'TCP' }] }]), slices: [slice('db-abc')] });
    assert.deepEqual(kinds(actions), ['update db-abc']);
    assert.ok(actions[0].kind === 'update');
    const s = actions[0].object as EndpointSlice;
    assert.deepEqual(s.ports, [{ name: 'pg', port: 6432, protocol: 'TCP' }]);
    assert.equal(s.metadata?.generateName, undefined);
    assert.equal(s.metadata?.resourceVersion, '9');
  });

  it('keeps one slice per set of ports: a second one goes', () => {
    const { actions } = run({ slices: [slice('db-abc'), slice('db-xyz')] });
    assert.deepEqual(kinds(actions), ['delete db-xyz']);
  });

  it('makes no new slice for Endpoints being deleted, but still fixes and removes', () => {
    const deleting = endpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: PORTS }], { deleting: true });
    const { actions } = run({ endpoints: deleting, slices: [slice('db-abc')] });
    assert.deepEqual(kinds(actions), ['update db-abc']);
  });

  it('does not touch its input', () => {
    const input: MirroringInput = { service: service(), endpoints: endpoints([{ addresses: [{ ip: '10.0.0.9' }], ports: PORTS }]), slices: [slice('db-abc')] };
    const before = structuredClone(input);
    reconcileMirroring(input);
    assert.deepEqual(input, before);
  });
});
