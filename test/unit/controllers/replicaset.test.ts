import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, ReplicaSet } from '../../../lib/api/schema/index.ts';
import { reconcileReplicaSet } from '../../../lib/controllers/replicaset.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { slowStartBatches, timeString } from '../../../lib/controllers/types.ts';
import { NS, T0, pod } from './sim.ts';

const OWNER = { name: 'web-abc', uid: 'uid-rs' };

function rs(replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}, status?: ReplicaSet['status']): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: OWNER.name, namespace: NS, uid: OWNER.uid, generation: 2, resourceVersion: '7' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      ...extra,
    },
    ...(status ? { status } : {}),
  } as ReplicaSet;
}

const at = (s: number) => new Date(T0.getTime() + s * 1000);
const of = <K extends Action['kind']>(actions: Action[], kind: K) => actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
const owned = (name: string, o: Parameters<typeof pod>[1] = {}) => pod(name, { owner: OWNER, ...o });

describe('reconcileReplicaSet', () => {
  it('creates missing pods from the template, with generateName, labels and a controller reference', () => {
    const { actions } = reconcileReplicaSet({ rs: rs(3), pods: [owned('p1', { ready: T0 })], now: at(1) });
    const creates = of(actions, 'create');
    assert.equal(creates.length, 2);
    const m = creates[0].object.metadata;
    assert.equal(m.generateName, 'web-abc-');
    assert.equal(m.name, undefined);
    assert.equal(m.namespace, NS);
    assert.deepEqual(m.labels, { app: 'web' });
    assert.deepEqual(m.annotations, { a: 'b' });
    assert.deepEqual(m.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-rs', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual((creates[0].object.spec as { containers: unknown[] }).containers, [{ name: 'app', image: 'nginx:1' }]);
    const events = of(actions, 'event');
    assert.deepEqual(events.map((e) => [e.reason, e.message, e.type]), [['SuccessfulCreate', 'Created pod: web-abc-', 'Normal'], ['SuccessfulCreate', 'Created pod: web-abc-', 'Normal']]);
    for (const e of events) assert.equal(actions[e.createIndex!].kind, 'create');
    const status = of(actions, 'updateStatus')[0].object.status;
    assert.deepEqual(status, { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
    assert.equal(of(actions, 'updateStatus')[0].object.metadata.resourceVersion, '7');
  });

  it('caps one reconcile at the burst limit and requeues for the rest', () => {
    const r = reconcileReplicaSet({ rs: rs(12), pods: [], now: T0, burstReplicas: 5 });
    assert.equal(of(r.actions, 'create').length, 5);
    assert.equal(r.requeueAfterMs, 0);
    const r2 = reconcileReplicaSet({ rs: rs(5), pods: [], now: T0, burstReplicas: 5 });
    assert.equal(r2.requeueAfterMs, undefined);
  });

  it('slow-start batches double up to the count', () => {
    assert.deepEqual(slowStartBatches(0), []);
    assert.deepEqual(slowStartBatches(1), [1]);
    assert.deepEqual(slowStartBatches(10), [1, 2, 4, 3]);
    assert.deepEqual(slowStartBatches(500), [1, 2, 4, 8, 16, 32, 64, 128, 245]);
  });

  const deletionCases: { name: string; pods: Pod[]; replicas: number; want: string[] }[] = [
    {
      name: 'unscheduled before scheduled',
      pods: [owned('sched', { node: 'n1' }), owned('unsched')],
      replicas: 1, want: ['unsched'],
    },
    {
      name: 'Pending before Unknown before Running',
      pods: [owned('run', { node: 'n1', phase: 'Running' }), owned('unknown', { node: 'n1', phase: 'Unknown' }), owned('pend', { node: 'n1', phase: 'Pending' })],
      replicas: 1, want: ['pend', 'unknown'],
    },
    {
      name: 'not ready before ready',
      pods: [owned('ready', { node: 'n1', ready: T0 }), owned('notready', { node: 'n1', phase: 'Running' })],
      replicas: 1, want: ['notready'],
    },
    {
      name: 'more recently ready first',
      pods: [owned('old', { node: 'n1', ready: at(1) }), owned('new', { node: 'n2', ready: at(50) }), owned('mid', { node: 'n3', ready: at(20) })],
      replicas: 1, want: ['new', 'mid'],
    },
    {
      name: 'higher restart count first, then newer',
      pods: [owned('a', { node: 'n1', ready: T0, restarts: 1 }), owned('b', { node: 'n2', ready: T0, restarts: 5 }), owned('c', { node: 'n3', ready: T0, created: at(-5) }), owned('d', { node: 'n4', ready: T0, created: at(-1) })],
      replicas: 2, want: ['b', 'a'],
    },
    {
      name: 'newer created first among equals',
      pods: [owned('c', { node: 'n1', ready: T0, created: at(-5) }), owned('d', { node: 'n2', ready: T0, created: at(-1) })],
      replicas: 1, want: ['d'],
    },
    {
      name: 'doubled-up node first',
      pods: [owned('x1', { node: 'n1', ready: T0 }), owned('x2', { node: 'n1', ready: T0 }), owned('y', { node: 'n2', ready: T0 })],
      replicas: 2, want: ['x1'],
    },
    {
      name: 'lower pod-deletion-cost first',
      pods: [owned('cheap', { node: 'n1', ready: T0, cost: -10 }), owned('dear', { node: 'n2', ready: at(5), cost: 100 })],
      replicas: 1, want: ['cheap'],
    },
    {
      name: 'terminating and finished pods do not count',
      pods: [owned('gone', { deleting: true, node: 'n1', ready: T0 }), owned('done', { phase: 'Succeeded', node: 'n1' }), owned('a', { node: 'n1', ready: T0 }), owned('b', { node: 'n2', ready: T0 })],
      replicas: 2, want: [],
    },
  ];
  for (const c of deletionCases) {
    it(`deletes extras: ${c.name}`, () => {
      const { actions } = reconcileReplicaSet({ rs: rs(c.replicas), pods: c.pods, now: at(100) });
      const deletes = of(actions, 'delete');
      assert.deepEqual(deletes.map((d) => d.name), c.want);
      for (const d of deletes) {
        assert.equal(d.resource, 'pods');
        assert.deepEqual(d.preconditions, { uid: `uid-${d.name}`, resourceVersion: '1' });
      }
      assert.deepEqual(of(actions, 'event').map((e) => e.message), c.want.map((n) => `Deleted pod: ${n}`));
      assert.equal(of(actions, 'create').length, 0);
    });
  }

  it('adopts matching orphans and counts them', () => {
    const { actions } = reconcileReplicaSet({ rs: rs(2), pods: [pod('orphan', { ready: T0, node: 'n1' })], now: at(1) });
    const updates = of(actions, 'update');
    assert.equal(updates.length, 1);
    assert.deepEqual(updates[0].object.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-rs', controller: true, blockOwnerDeletion: true }]);
    assert.equal(updates[0].object.metadata.resourceVersion, '1');
    assert.equal(of(actions, 'create').length, 1);
  });

  it('does not adopt terminating, non-matching or otherwise-controlled pods', () => {
    const pods = [
      pod('terminating', { deleting: true }),
      pod('other-app', { labels: { app: 'db' } }),
      pod('theirs', { owner: { name: 'x', uid: 'uid-x' } }),
    ];
    const { actions } = reconcileReplicaSet({ rs: rs(1), pods, now: T0 });
    assert.equal(of(actions, 'update').length, 0);
    assert.equal(of(actions, 'create').length, 1);
  });

  it('releases owned pods that no longer match', () => {
    const stray = owned('stray', { labels: { app: 'debug' } });
    stray.metadata!.ownerReferences!.push({ apiVersion: 'v1', kind: 'Thing', name: 't', uid: 'uid-t' });
    const { actions } = reconcileReplicaSet({ rs: rs(1), pods: [stray], now: T0 });
    const updates = of(actions, 'update');
    assert.equal(updates.length, 1);
    assert.deepEqual(updates[0].object.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Thing', name: 't', uid: 'uid-t' }]);
    assert.equal(of(actions, 'create').length, 1);
  });

  it('counts fully labeled replicas against the template labels', () => {
    const r = rs(2);
    r.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' };
    const { actions } = reconcileReplicaSet({ rs: r, pods: [owned('a', { labels: { app: 'web', tier: 'front' } }), owned('b')], now: T0 });
    assert.equal(of(actions, 'updateStatus')[0].object.status && (of(actions, 'updateStatus')[0].object.status as { fullyLabeledReplicas: number }).fullyLabeledReplicas, 1);
  });

  describe('availability with minReadySeconds', () => {
    const cases: { name: string; now: number; want: { available: number; requeue?: number } }[] = [
      { name: 'ready but not yet for minReadySeconds', now: 5, want: { available: 0, requeue: 5001 } },
      { name: 'exactly minReadySeconds is not yet available', now: 10, want: { available: 0, requeue: 1 } },
      { name: 'past minReadySeconds', now: 11, want: { available: 1 } },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { actions, requeueAfterMs } = reconcileReplicaSet({ rs: rs(1, { minReadySeconds: 10 }), pods: [owned('a', { ready: T0, node: 'n' })], now: at(c.now) });
        const s = of(actions, 'updateStatus')[0].object.status as { readyReplicas: number; availableReplicas?: number };
        assert.equal(s.readyReplicas, 1);
        assert.equal(s.availableReplicas ?? 0, c.want.available);
        assert.equal(requeueAfterMs, c.want.requeue);
      });
    }
    it('requeues for the pod that becomes available soonest', () => {
      const pods = [owned('a', { ready: at(3), node: 'n' }), owned('b', { ready: at(1), node: 'n' })];
      const { requeueAfterMs } = reconcileReplicaSet({ rs: rs(2, { minReadySeconds: 10 }), pods, now: at(4) });
      assert.equal(requeueAfterMs, 7001);
    });
  });

  it('writes nothing when the observed state already matches', () => {
    const status = { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 };
    const { actions, requeueAfterMs } = reconcileReplicaSet({ rs: rs(1, {}, status), pods: [owned('a', { ready: T0, node: 'n' })], now: at(1) });
    assert.deepEqual(actions, []);
    assert.equal(requeueAfterMs, undefined);
  });

  it('a ReplicaSet being deleted neither creates nor adopts, but reports status', () => {
    const r = rs(3);
    r.metadata!.deletionTimestamp = timeString(T0);
    const { actions } = reconcileReplicaSet({ rs: r, pods: [pod('orphan'), owned('a', { ready: T0 })], now: at(1) });
    assert.deepEqual(actions.map((a) => a.kind), ['updateStatus']);
  });

  it('ignores pods in other namespaces', () => {
    const elsewhere = owned('a', { ready: T0 });
    elsewhere.metadata!.namespace = 'other';
    const { actions } = reconcileReplicaSet({ rs: rs(1), pods: [elsewhere], now: T0 });
    assert.equal(of(actions, 'create').length, 1);
  });
});
