import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../lib/core/object.ts';
import { decodeMessage, deduplicationId, encodeMessage, formatKey, keyOf, parseKey } from '../../../lib/reconcile/keys.ts';
import { ENDPOINTS_CONTROLLER_USER, lookupsFor, mayRoute, MIRRORING_CONTROLLER_USER, routeEntry, ROOT_CA_PUBLISHER_USER, SLICE_CONTROLLER_USER, type RouteContext } from '../../../lib/reconcile/router.ts';
import { controllerActor } from '../../../lib/reconcile/writer.ts';
import { ROOT_CA_PUBLISHER } from '../../../lib/reconcile/controllers.ts';
import type { LogEntry, Selectable } from '../../../lib/store/types.ts';

const ctx = (over: Partial<{ services: KubeObject[]; replicaSets: KubeObject[]; budgets: KubeObject[]; terminating: string[] }> = {}): RouteContext => ({
  services: () => over.services ?? [],
  budgets: () => over.budgets ?? [],
  replicaSets: () => over.replicaSets ?? [],
  namespaceTerminating: (ns) => (over.terminating ?? []).includes(ns),
});

function entry(type: string, object: KubeObject, eventType: LogEntry['eventType'] = 'MODIFIED', prevSelectable?: Selectable): LogEntry {
  return {
    type, rev: '42', eventType, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '', uid: object.metadata.uid ?? '',
    object, actor: { user: 'u', groups: [] }, verb: 'update', requestId: 'r', time: '', hash: '', ...(prevSelectable ? { prevSelectable } : {}),
  };
}

const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true };
const pod = (over: Partial<KubeObject> & { spec?: Record<string, unknown>; status?: Record<string, unknown> } = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-abc-x1', namespace: 'default', uid: 'p1', labels: { app: 'web' }, ownerReferences: [rsOwner], ...(over.metadata ?? {}) },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...(over.spec ?? {}) },
  status: { phase: 'Pending', ...(over.status ?? {}) },
});
const service = (name: string, selector?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: `svc-${name}` }, spec: selector ? { selector } : {},
});
const sorted = (routes: { queue: string; key: string }[]) => routes.map((r) => `${r.queue} ${r.key}`).sort();

describe('reconcile keys', () => {
  it('round-trip, with core for the empty group and an empty namespace for cluster-scoped kinds', () => {
    const k = keyOf({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    assert.equal(formatKey(k), 'core/Node//n1');
    assert.deepEqual(parseKey('core/Node//n1'), k);
    assert.deepEqual(parseKey('apps/Deployment/default/web'), { group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' });
    for (const bad of ['', 'a/b/c', 'apps//ns/x', 'apps/Deployment/ns/', 'a/b/c/d/e']) assert.equal(parseKey(bad), undefined, bad);
  });

  it('messages carry a key and a cause; anything else is not a message', () => {
    const m = { key: 'apps/Deployment/default/web', cause: 'deployments.apps#7' };
    assert.deepEqual(decodeMessage(encodeMessage(m)), m);
    assert.equal(decodeMessage('{"key":""}'), undefined);
    assert.equal(decodeMessage('not json'), undefined);
  });

  it('deduplicates one (key, cause) but never a key\'s later causes', () => {
    const a = deduplicationId({ key: 'k', cause: 'pods#1' });
    assert.equal(a, deduplicationId({ key: 'k', cause: 'pods#1' }));
    assert.notEqual(a, deduplicationId({ key: 'k', cause: 'pods#2' }));
    assert.notEqual(a, deduplicationId({ key: 'k', cause: 'replicasets.apps#1' }));
    assert.ok(a.length <= 128 && /^[0-9a-f]+$/.test(a));
  });
});

describe('routeEntry', () => {
  it('a Deployment wakes its controller', () => {
    const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'd1' } };
    assert.deepEqual(sorted(routeEntry(entry('deployments.apps', d), ctx())), ['deployment apps/Deployment/default/web']);
  });

  it('a ReplicaSet wakes itself and its controlling Deployment, also the one it was released from', () => {
    const rs: KubeObject = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'web-abc', namespace: 'default', uid: 'rs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
    };
    assert.deepEqual(sorted(routeEntry(entry('replicasets.apps', rs), ctx())), ['deployment apps/Deployment/default/web', 'replicaset apps/ReplicaSet/default/web-abc']);
    const released = { ...rs, metadata: { ...rs.metadata, ownerReferences: undefined } };
    const prev: Selectable = { labels: {}, fields: {}, ownerReferences: rs.metadata.ownerReferences };
    assert.deepEqual(sorted(routeEntry(entry('replicasets.apps', released, 'MODIFIED', prev), ctx())), ['deployment apps/Deployment/default/web', 'replicaset apps/ReplicaSet/default/web-abc']);
  });

  it('an unbound pod wakes its ReplicaSet and the scheduler; a bound running one only its ReplicaSet', () => {
    assert.deepEqual(sorted(routeEntry(entry('pods', pod(), 'ADDED'), ctx())), ['replicaset apps/ReplicaSet/default/web-abc', 'scheduler core/Pod/default/web-abc-x1']);
    const bound = pod({ spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
    assert.deepEqual(sorted(routeEntry(entry('pods', bound), ctx())), ['replicaset apps/ReplicaSet/default/web-abc']);
  });

  it('pods for another scheduler, terminating or finished ones are not the scheduler\'s', () => {
    for (const p of [
      pod({ spec: { schedulerName: 'custom' } }),
      pod({ metadata: { name: 'x', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z', ownerReferences: [rsOwner] } }),
      pod({ status: { phase: 'Succeeded' } }),
    ]) {
      assert.ok(!routeEntry(entry('pods', p), ctx()).some((r) => r.queue === 'scheduler'), JSON.stringify(p.metadata));
    }
  });

  it('a bound pod that finished or went away gives room back: the scheduler looks again', () => {
    const running: Selectable = { labels: {}, fields: { 'status.phase': 'Running' } };
    const done = pod({ spec: { nodeName: 'n1' }, status: { phase: 'Succeeded' } });
    assert.ok(routeEntry(entry('pods', done, 'MODIFIED', running), ctx()).some((r) => r.queue === 'scheduler'));
    const again: Selectable = { labels: {}, fields: { 'status.phase': 'Succeeded' } };
    assert.ok(!routeEntry(entry('pods', done, 'MODIFIED', again), ctx()).some((r) => r.queue === 'scheduler'));
    assert.ok(routeEntry(entry('pods', pod({ spec: { nodeName: 'n1' } }), 'DELETED'), ctx()).some((r) => r.queue === 'scheduler'));
  });

  it('an orphan pod wakes the ReplicaSets whose selector matches it (adoption)', () => {
    const orphan = pod({ metadata: { name: 'o', namespace: 'default', uid: 'o1', labels: { app: 'web' }, ownerReferences: undefined } });
    const rs = (name: string, app: string, deleting = false): KubeObject => ({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name, namespace: 'default', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
      spec: { selector: { matchLabels: { app } } },
    });
    assert.deepEqual(lookupsFor(entry('pods', orphan)), ['services', 'budgets', 'replicaSets']);
    const routes = routeEntry(entry('pods', orphan), ctx({ replicaSets: [rs('a', 'web'), rs('b', 'db'), rs('c', 'web', true)] }));
    assert.deepEqual(sorted(routes).filter((r) => r.startsWith('replicaset')), ['replicaset apps/ReplicaSet/default/a']);
  });

  it('a pod wakes the Services that select it now or selected it before', () => {
    const services = [service('web', { app: 'web' }), service('db', { app: 'db' }), service('manual')];
    const routes = routeEntry(entry('pods', pod()), ctx({ services }));
    assert.deepEqual(sorted(routes).filter((r) => r.startsWith('endpoints')), ['endpoints core/Service/default/web']);
    const relabeled = pod({ metadata: { name: 'web-abc-x1', namespace: 'default', labels: { app: 'db' }, ownerReferences: [rsOwner] } });
    const prev: Selectable = { labels: { app: 'web' }, fields: {} };
    assert.deepEqual(sorted(routeEntry(entry('pods', relabeled, 'MODIFIED', prev), ctx({ services }))).filter((r) => r.startsWith('endpoints')),
      ['endpoints core/Service/default/db', 'endpoints core/Service/default/web']);
  });

  it('a pod wakes the PodDisruptionBudgets that select it now or selected it before; a budget wakes itself', () => {
    const budget = (name: string, selector?: Record<string, unknown>): KubeObject => ({
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default', uid: `pdb-${name}` }, spec: selector ? { selector } : {},
    });
    const budgets = [
      budget('web', { matchLabels: { app: 'web' } }),
      budget('db', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }),
      budget('everything', {}),
      budget('nothing'),
    ];
    const of = (routes: { queue: string; key: string }[]) => sorted(routes).filter((r) => r.startsWith('disruption'));
    assert.deepEqual(of(routeEntry(entry('pods', pod()), ctx({ budgets }))), ['disruption policy/PodDisruptionBudget/default/everything', 'disruption policy/PodDisruptionBudget/default/web']);
    const relabeled = pod({ metadata: { name: 'web-abc-x1', namespace: 'default', labels: { app: 'db' }, ownerReferences: [rsOwner] } });
    assert.deepEqual(of(routeEntry(entry('pods', relabeled, 'MODIFIED', { labels: { app: 'web' }, fields: {} }), ctx({ budgets }))), [
      'disruption policy/PodDisruptionBudget/default/db', 'disruption policy/PodDisruptionBudget/default/everything', 'disruption policy/PodDisruptionBudget/default/web',
    ]);
    assert.deepEqual(of(routeEntry(entry('poddisruptionbudgets.policy', budget('web', {})), ctx())), ['disruption policy/PodDisruptionBudget/default/web']);
  });

  it('an EndpointSlice changed by anyone but its controller wakes the Service it is labelled with, before and after', () => {
    const slice = (service: string): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: `${service}-x7k2p`, namespace: 'default', uid: 's1', labels: { 'kubernetes.io/service-name': service } },
    });
    const type = 'endpointslices.discovery.k8s.io';
    assert.deepEqual(sorted(routeEntry(entry(type, slice('web'), 'DELETED'), ctx())), ['endpoints core/Service/default/web']);
    const relabeled = routeEntry(entry(type, slice('db'), 'MODIFIED', { labels: { 'kubernetes.io/service-name': 'web' }, fields: {} }), ctx());
    assert.deepEqual(sorted(relabeled), ['endpoints core/Service/default/db', 'endpoints core/Service/default/web']);
    const own = { ...entry(type, slice('web')), actor: controllerActor('endpointslice-controller') };
    assert.equal(own.actor.user, SLICE_CONTROLLER_USER);
    assert.deepEqual(routeEntry(own, ctx()), []);
    const unlabelled = slice('web');
    delete unlabelled.metadata.labels;
    assert.deepEqual(routeEntry(entry(type, unlabelled), ctx()), []);
  });

  it('deletions wake the garbage collector for the object and its owners, and a terminating namespace', () => {
    const routes = sorted(routeEntry(entry('pods', pod({ spec: { nodeName: 'n1' } }), 'DELETED'), ctx({ terminating: ['default'] })));
    assert.ok(!routes.includes('gc core/Pod/default/web-abc-x1'), 'pods own nothing in practice');
    assert.ok(routes.includes('gc apps/ReplicaSet/default/web-abc'));
    const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'default' } };
    assert.ok(sorted(routeEntry(entry('replicasets.apps', rs, 'DELETED'), ctx())).includes('gc apps/ReplicaSet/default/web-abc'));
    assert.ok(routes.includes('namespace core/Namespace//default'));
    assert.ok(!sorted(routeEntry(entry('pods', pod(), 'DELETED'), ctx())).includes('namespace core/Namespace//default'));
  });

  it('an owner deleting in the foreground or orphaning wakes the garbage collector before it goes', () => {
    const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } };
    assert.ok(sorted(routeEntry(entry('deployments.apps', d), ctx())).includes('gc apps/Deployment/default/web'));
    const plain = { ...d, metadata: { ...d.metadata, deletionTimestamp: undefined, finalizers: undefined } };
    assert.ok(!sorted(routeEntry(entry('deployments.apps', plain), ctx())).some((r) => r.startsWith('gc')));
  });

  it('kinds whose creation wakes nothing are skipped before decoding, and only their creation', () => {
    const quiet = ['configmaps', 'secrets', 'events', 'serviceaccounts', 'leases.coordination.k8s.io'];
    for (const type of quiet) {
      assert.equal(mayRoute(type, 'ADDED'), false, type);
      assert.equal(mayRoute(type, 'MODIFIED'), true, type);
      assert.equal(mayRoute(type, 'DELETED'), true, type);
      // What mayRoute skips really routes nowhere.
      const obj: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', namespace: 'default', ownerReferences: [rsOwner] } };
      assert.deepEqual(routeEntry(entry(type, obj, 'ADDED'), ctx({ terminating: ['default'] })), [], type);
    }
    for (const type of ['pods', 'nodes', 'services', 'namespaces', 'deployments.apps', 'replicasets.apps', 'endpoints']) assert.equal(mayRoute(type, 'ADDED'), true, type);
  });

  it('Endpoints written by hand wake their Service (to be mirrored into slices); the Endpoints controller\'s own do not', () => {
    const ep: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: 'default' } };
    for (const eventType of ['ADDED', 'MODIFIED', 'DELETED'] as const) {
      assert.deepEqual(sorted(routeEntry(entry('endpoints', ep, eventType), ctx())), ['endpoints core/Service/default/db'], eventType);
      const own = { ...entry('endpoints', ep, eventType), actor: { user: ENDPOINTS_CONTROLLER_USER, groups: [] } };
      assert.deepEqual(routeEntry(own, ctx()), [], eventType);
    }
    assert.equal(ENDPOINTS_CONTROLLER_USER, controllerActor('endpoint-controller').user);
    assert.equal(MIRRORING_CONTROLLER_USER, controllerActor('endpointslicemirroring-controller').user);
    // The mirroring controller's own slices need no second look either.
    const slice: KubeObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'db-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } } };
    assert.deepEqual(routeEntry({ ...entry('endpointslices.discovery.k8s.io', slice), actor: { user: MIRRORING_CONTROLLER_USER, groups: [] } }, ctx()), []);
    assert.deepEqual(sorted(routeEntry(entry('endpointslices.discovery.k8s.io', slice), ctx())), ['endpoints core/Service/default/db']);
  });

  it('nodes wake the scheduler; namespaces their controller and the ServiceAccount controller', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
    assert.deepEqual(sorted(routeEntry(entry('nodes', node), ctx())), ['scheduler core/Node//n1']);
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
    assert.deepEqual(sorted(routeEntry(entry('namespaces', ns, 'ADDED'), ctx())), ['namespace core/Namespace//team', 'serviceaccount core/Namespace//team']);
  });

  it('a kube-root-ca.crt someone else changed or deleted wakes its namespace for the publisher; its own writes and other ConfigMaps do not', () => {
    const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team' }, data: { 'ca.crt': 'x' } });
    const want = ['serviceaccount core/Namespace//team'];
    assert.deepEqual(sorted(routeEntry(entry('configmaps', cm('kube-root-ca.crt')), ctx())), want);
    // (A deleted ConfigMap also wakes the garbage collector, as any owner may.)
    assert.deepEqual(sorted(routeEntry(entry('configmaps', cm('kube-root-ca.crt'), 'DELETED'), ctx())), ['gc core/ConfigMap/team/kube-root-ca.crt', ...want]);
    const byPublisher = { ...entry('configmaps', cm('kube-root-ca.crt')), actor: { user: ROOT_CA_PUBLISHER_USER, groups: [] } };
    assert.equal(ROOT_CA_PUBLISHER_USER, controllerActor(ROOT_CA_PUBLISHER).user);
    assert.deepEqual(routeEntry(byPublisher, ctx()), []);
    assert.deepEqual(routeEntry(entry('configmaps', cm('settings')), ctx()), []);
    assert.deepEqual(sorted(routeEntry(entry('configmaps', cm('settings'), 'DELETED'), ctx())), ['gc core/ConfigMap/team/settings']);
  });
});
