/** The eviction subresource's decision against kube's (registry/core/pod/storage/eviction.go). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canIgnoreBudgets, decideEviction, MAX_DISRUPTED_PODS } from '#lib/api/eviction.ts';
import type { Pod, PodDisruptionBudget } from '#lib/api/schema/index.ts';
import { ApiError } from '#lib/core/errors.ts';

const NOW = new Date('2026-01-01T00:10:00Z');

function pod(o: { phase?: string; ready?: boolean; deleting?: boolean; labels?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1', labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as Pod;
}

type Status = NonNullable<PodDisruptionBudget['status']>;
function pdb(name: string, status: Partial<Status> | undefined, o: { selector?: Record<string, unknown> | null; generation?: number; policy?: 'AlwaysAllow' | 'IfHealthyBudget' } = {}): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', generation: o.generation ?? 1 },
    spec: {
      minAvailable: 2,
      ...(o.selector === null ? {} : { selector: o.selector ?? { matchLabels: { app: 'web' } } }),
      ...(o.policy ? { unhealthyPodEvictionPolicy: o.policy } : {}),
    },
    ...(status ? { status: { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: 1, ...status } } : {}),
  } as PodDisruptionBudget;
}

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  assert.fail('expected the eviction to be refused');
}

describe('eviction decisions', () => {
  it('pods that are done, not started or already going are deleted whatever the budgets', () => {
    for (const p of [pod({ phase: 'Succeeded' }), pod({ phase: 'Failed' }), pod({ phase: 'Pending' }), pod({ deleting: true })]) {
      assert.equal(canIgnoreBudgets(p), true);
      assert.deepEqual(decideEviction(p, [pdb('web', { disruptionsAllowed: 0 })], NOW, false), { kind: 'delete' });
    }
    assert.equal(canIgnoreBudgets(pod()), false);
  });

  it('a pod no budget selects is deleted; a null selector selects nothing, an empty one everything', () => {
    assert.deepEqual(decideEviction(pod(), [], NOW, false), { kind: 'delete' });
    assert.deepEqual(decideEviction(pod(), [pdb('db', { disruptionsAllowed: 0 }, { selector: { matchLabels: { app: 'db' } } })], NOW, false), { kind: 'delete' });
    assert.deepEqual(decideEviction(pod(), [pdb('none', { disruptionsAllowed: 0 }, { selector: null })], NOW, false), { kind: 'delete' });
    assert.equal(refusal(() => decideEviction(pod(), [pdb('all', { disruptionsAllowed: 0 }, { selector: {} })], NOW, false)).code, 429);
  });

  it('takes one disruption and records the pod, with the condition turned False at the last one', () => {
    const d = decideEviction(pod(), [pdb('web', { disruptionsAllowed: 2 })], NOW, false);
    assert.equal(d.kind, 'takeDisruption');
    if (d.kind !== 'takeDisruption') return;
    assert.equal(d.pdb.status?.disruptionsAllowed, 1);
    assert.deepEqual(d.pdb.status?.disruptedPods, { 'web-1': '2026-01-01T00:10:00Z' });
    assert.equal(d.pdb.metadata?.resourceVersion, '7', 'written at the version read');
    assert.equal(d.pdb.status?.conditions, undefined, 'the condition is left to the controller while disruptions remain');
    const last = decideEviction(pod(), [pdb('web', { disruptionsAllowed: 1 })], NOW, false);
    assert.ok(last.kind === 'takeDisruption');
    assert.deepEqual(last.pdb.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
  });

  it('a dry run takes the disruption without recording the pod', () => {
    const d = decideEviction(pod(), [pdb('web', { disruptionsAllowed: 2 })], NOW, true);
    assert.ok(d.kind === 'takeDisruption');
    assert.equal(d.pdb.status?.disruptedPods, undefined);
  });

  it('refuses with 429 and kube\'s words when the budget has no disruption to spare', () => {
    const err = refusal(() => decideEviction(pod(), [pdb('web', { disruptionsAllowed: 0, currentHealthy: 2 })], NOW, false));
    assert.equal(err.code, 429);
    assert.equal(err.reason, 'TooManyRequests');
    assert.equal(err.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(err.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }]);
  });

  it('refuses with 429 while the budget\'s status is older than its spec', () => {
    for (const b of [pdb('web', { observedGeneration: 1 }, { generation: 2 }), pdb('web', undefined)]) {
      const err = refusal(() => decideEviction(pod(), [b], NOW, false));
      assert.equal(err.code, 429);
      assert.deepEqual(err.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }]);
    }
  });

  it('forbids when the status is broken or too many evictions wait to be seen', () => {
    assert.equal(refusal(() => decideEviction(pod(), [pdb('web', { disruptionsAllowed: -1 })], NOW, false)).code, 403);
    const many = Object.fromEntries(Array.from({ length: MAX_DISRUPTED_PODS + 1 }, (_, i) => [`p${i}`, '2026-01-01T00:09:00Z']));
    const err = refusal(() => decideEviction(pod(), [pdb('web', { disruptedPods: many })], NOW, false));
    assert.equal(err.code, 403);
    assert.match(err.message, /DisruptedPods map too big/);
  });

  it('an unhealthy pod goes while the budget is met, or always with AlwaysAllow, without taking a disruption', () => {
    const unready = pod({ ready: false });
    assert.deepEqual(decideEviction(unready, [pdb('web', { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 })], NOW, false), { kind: 'delete' });
    assert.equal(refusal(() => decideEviction(unready, [pdb('web', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 })], NOW, false)).code, 429);
    assert.deepEqual(decideEviction(unready, [pdb('web', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 }, { policy: 'AlwaysAllow' })], NOW, false), { kind: 'delete' });
    // desiredHealthy 0 is no budget being met: the pod takes a disruption like a healthy one.
    assert.equal(decideEviction(unready, [pdb('web', { disruptionsAllowed: 1, currentHealthy: 0, desiredHealthy: 0 })], NOW, false).kind, 'takeDisruption');
  });

  it('a pod under two budgets is refused with 409, naming the cause', () => {
    const err = refusal(() => decideEviction(pod(), [pdb('a', {}), pdb('b', {}, { selector: {} })], NOW, false));
    assert.equal(err.code, 409);
    assert.match(err.message, /more than one PodDisruptionBudget/);
  });
});
