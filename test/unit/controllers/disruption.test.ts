/**
 * reconcileDisruption against kube's disruption controller (pkg/controller/disruption/disruption.go:
 * trySync, getExpectedPodCount, getExpectedScale and its finders, buildDisruptedPodMap,
 * countHealthyPods, updatePdbStatus, failSafe; k8s.io/component-helpers/apps/poddisruptionbudget:
 * UpdateDisruptionAllowedCondition, ConditionsAreUpToDate). Condition types, reasons and event
 * reasons are spelled out rather than imported, so a wrong constant fails here too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, Deployment, LabelSelector, Pod, PodDisruptionBudget, ReplicaSet } from '../../../lib/api/schema/index.ts';
import { reconcileDisruption } from '../../../lib/controllers/disruption.ts';
import type { Action, ReconcileResult } from '../../../lib/controllers/types.ts';
import { timeString } from '../../../lib/controllers/types.ts';
import { NS, T0, deployment } from './sim.ts';

const date = (s: number) => new Date(T0.getTime() + s * 1000);
const at = (s: number) => timeString(date(s));

/** The instant (seconds after T0) most tests reconcile at. */
const NOW = 1000;
const GENERATION = 3;
/** kube's DeletionTimeout. */
const TIMEOUT_MS = 2 * 60_000;

type Spec = NonNullable<PodDisruptionBudget['spec']>;
type Status = NonNullable<PodDisruptionBudget['status']>;
type Meta = NonNullable<PodDisruptionBudget['metadata']>;
type Event = Extract<Action, { kind: 'event' }>;
type StatusWrite = Extract<Action, { kind: 'updateStatus' }>;

const SELECT_WEB: LabelSelector = { matchLabels: { app: 'web' } };

function budget(spec: Partial<Spec>, o: { status?: Status; meta?: Partial<Meta> } = {}): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'budget', namespace: NS, uid: 'uid-budget', resourceVersion: '11', generation: GENERATION, creationTimestamp: at(0), ...o.meta },
    spec: { selector: SELECT_WEB, ...spec },
    ...(o.status ? { status: o.status } : {}),
  } as PodDisruptionBudget;
}

interface PodOpts {
  labels?: Record<string, string>;
  ns?: string;
  /** Default true. */
  ready?: boolean;
  deleting?: boolean;
  phase?: string;
  /** The ReplicaSet controlling the pod (uid `uid-<name>`); none by default. */
  rs?: string;
  /** A controller of another kind: [apiVersion, kind, name]. */
  controller?: [string, string, string];
}

function pod(name: string, o: PodOpts = {}): Pod {
  const owner = o.rs ? ['apps/v1', 'ReplicaSet', o.rs] : o.controller;
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace: o.ns ?? NS, uid: `uid-${name}`, resourceVersion: '5', creationTimestamp: at(1),
      labels: o.labels ?? { app: 'web' },
      ...(owner ? { ownerReferences: [{ apiVersion: owner[0], kind: owner[1], name: owner[2], uid: `uid-${owner[2]}`, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx' }] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: at(10) }],
    },
  } as Pod;
  if (o.deleting) p.metadata!.deletionTimestamp = at(NOW - 5);
  return p;
}

const pods = (names: string[], o: PodOpts = {}) => names.map((n) => pod(n, o));

function replicaSet(name: string, replicas: number, o: { deployment?: string; uid?: string } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name, namespace: NS, uid: o.uid ?? `uid-${name}`, resourceVersion: '4', generation: 1,
      ...(o.deployment ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: o.deployment, uid: `uid-${o.deployment}`, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  } as ReplicaSet;
}

const dep = (name: string, replicas: number): Deployment => deployment({ replicas }, { name, uid: `uid-${name}` });

interface Env {
  replicaSets?: ReplicaSet[];
  deployments?: Deployment[];
  /** Seconds after T0; NOW by default. */
  now?: number | Date;
}

function reconcile(pdb: PodDisruptionBudget, podList: Pod[], env: Env = {}): ReconcileResult {
  const now = env.now instanceof Date ? env.now : date(env.now ?? NOW);
  return reconcileDisruption({ pdb, pods: podList, replicaSets: env.replicaSets ?? [], deployments: env.deployments ?? [], now });
}

const writes = (actions: Action[]) => actions.filter((a): a is StatusWrite => a.kind === 'updateStatus');
const events = (actions: Action[]) => actions.filter((a): a is Event => a.kind === 'event');

/** The one PodDisruptionBudget written through the status subresource. */
function written(actions: Action[]): PodDisruptionBudget {
  const w = writes(actions);
  assert.equal(w.length, 1, JSON.stringify(actions, null, 1));
  return w[0]!.object as unknown as PodDisruptionBudget;
}
const statusOf = (actions: Action[]): Status => written(actions).status!;
const conditionOf = (s: Status) => {
  const c = (s.conditions ?? []).filter((x) => x.type === 'DisruptionAllowed');
  assert.equal(c.length, 1, JSON.stringify(s.conditions));
  return c[0]!;
};

/** The DisruptionAllowed condition UpdateDisruptionAllowedCondition sets. */
function allowedCondition(allowed: boolean, lastTransitionTime = at(NOW), observedGeneration = GENERATION): Condition {
  return {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration,
    lastTransitionTime,
  };
}

/** The status updatePdbStatus writes for these counts (no disruptedPods). */
function fullStatus(c: { expected: number; desired: number; healthy: number; allowed: number }, generation = GENERATION): Status {
  return {
    currentHealthy: c.healthy,
    desiredHealthy: c.desired,
    disruptionsAllowed: c.allowed,
    expectedPods: c.expected,
    observedGeneration: generation,
    conditions: [allowedCondition(c.allowed > 0, at(NOW), generation)],
  };
}

const PDB_REF = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: NS, name: 'budget', uid: 'uid-budget' };
const podRef = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace: NS, name, uid: `uid-${name}` });

interface Counts { expected: number; desired: number; healthy: number; allowed: number }

describe('reconcileDisruption: an integer minAvailable', () => {
  const cases: { name: string; minAvailable: number; pods: Pod[]; want: Counts }[] = [
    {
      name: 'all pods ready, above the minimum: the surplus may be disrupted',
      minAvailable: 2, pods: pods(['p1', 'p2', 'p3']),
      want: { expected: 3, desired: 2, healthy: 3, allowed: 1 },
    },
    {
      name: 'a not-ready pod is expected but not healthy',
      minAvailable: 2, pods: [pod('p1'), pod('p2'), pod('p3', { ready: false })],
      want: { expected: 3, desired: 2, healthy: 2, allowed: 0 },
    },
    {
      name: 'a terminating pod is expected but not healthy, even when Ready',
      minAvailable: 1, pods: [pod('p1'), pod('p2'), pod('p3', { deleting: true })],
      want: { expected: 3, desired: 1, healthy: 2, allowed: 1 },
    },
    {
      name: 'finished pods still count as expected',
      minAvailable: 1, pods: [pod('p1'), pod('p2'), pod('p3', { phase: 'Succeeded', ready: false }), pod('p4', { phase: 'Failed', ready: false })],
      want: { expected: 4, desired: 1, healthy: 2, allowed: 1 },
    },
    {
      name: 'fewer healthy pods than wanted allow none, never a negative number',
      minAvailable: 5, pods: pods(['p1', 'p2', 'p3']),
      want: { expected: 3, desired: 5, healthy: 3, allowed: 0 },
    },
    {
      name: 'exactly the minimum allows none',
      minAvailable: 3, pods: pods(['p1', 'p2', 'p3']),
      want: { expected: 3, desired: 3, healthy: 3, allowed: 0 },
    },
    {
      name: 'minAvailable 0 allows every healthy pod',
      minAvailable: 0, pods: [pod('p1'), pod('p2'), pod('p3', { ready: false })],
      want: { expected: 3, desired: 0, healthy: 2, allowed: 2 },
    },
    {
      name: 'pods without controller, or whose controller is gone, count as they are (no scale is looked up)',
      minAvailable: 1, pods: [pod('p1'), pod('p2', { rs: 'gone' }), pod('p3', { controller: ['batch/v1', 'Job', 'cron-1'] })],
      want: { expected: 3, desired: 1, healthy: 3, allowed: 2 },
    },
    {
      name: 'unselected pods and pods of other namespaces are not counted',
      minAvailable: 1, pods: [pod('p1'), pod('p2'), pod('p3', { labels: { app: 'db' } }), pod('p4', { ns: 'other' }), pod('p5', { labels: {} })],
      want: { expected: 2, desired: 1, healthy: 2, allowed: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = reconcile(budget({ minAvailable: c.minAvailable }), c.pods);
      assert.equal(r.actions.length, 1, JSON.stringify(r.actions, null, 1));
      assert.deepEqual(statusOf(r.actions), fullStatus(c.want));
      assert.equal(r.requeueAfterMs, undefined);
    });
  }

  it('writes the whole budget through the status subresource, as observed, with observedGeneration = metadata.generation', () => {
    const pdb = budget({ minAvailable: 1 }, { meta: { generation: 7, labels: { team: 'a' } } });
    const a = reconcile(pdb, pods(['p1', 'p2'])).actions;
    assert.equal(a.length, 1);
    assert.equal(a[0]!.kind, 'updateStatus');
    const out = written(a);
    assert.deepEqual({ ...out, status: undefined }, { ...pdb, status: undefined });
    assert.deepEqual(out.status, fullStatus({ expected: 2, desired: 1, healthy: 2, allowed: 1 }, 7));
    assert.equal(conditionOf(out.status!).observedGeneration, 7);
  });

  it('the condition is False/InsufficientPods when nothing may be disrupted', () => {
    const s = statusOf(reconcile(budget({ minAvailable: 3 }), pods(['p1', 'p2'])).actions);
    assert.deepEqual(s.conditions, [allowedCondition(false)]);
  });

  it('the condition is True/SufficientPods with an empty message when something may', () => {
    const s = statusOf(reconcile(budget({ minAvailable: 1 }), pods(['p1', 'p2'])).actions);
    assert.deepEqual(s.conditions, [allowedCondition(true)]);
  });

  it('keeps conditions of other types', () => {
    const other: Condition = { type: 'example.com/Audited', status: 'True', reason: 'Done', message: 'ok', lastTransitionTime: at(3) };
    const pdb = budget({ minAvailable: 1 }, { status: { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0, conditions: [other] } });
    const s = statusOf(reconcile(pdb, pods(['p1', 'p2'])).actions);
    assert.deepEqual(s.conditions, [other, allowedCondition(true)]);
  });
});

describe('reconcileDisruption: a percentage or maxUnavailable takes the scale of the controllers', () => {
  // A Deployment of 4 in the middle of a rollout: its old ReplicaSet has 2 pods, the new one 3.
  // A bare ReplicaSet of 3 (selected by tier=solo) has 2 pods.
  const rollout = [...pods(['o1', 'o2'], { rs: 'web-old' }), ...pods(['n1', 'n2', 'n3'], { rs: 'web-new' })];
  const solo = pods(['s1', 's2'], { rs: 'solo', labels: { app: 'web', tier: 'solo' } });
  const env: Env = {
    deployments: [dep('web', 4)],
    replicaSets: [replicaSet('web-old', 1, { deployment: 'web' }), replicaSet('web-new', 4, { deployment: 'web' }), replicaSet('solo', 3)],
  };
  const NOT_SOLO: LabelSelector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] };
  const SOLO: LabelSelector = { matchLabels: { tier: 'solo' } };

  const cases: { name: string; spec: Partial<Spec>; pods: Pod[]; want: Counts; env?: Env }[] = [
    {
      name: "minAvailable 50%: the Deployment's replicas, counted once over its two ReplicaSets",
      spec: { minAvailable: '50%', selector: NOT_SOLO }, pods: rollout,
      want: { expected: 4, desired: 2, healthy: 5, allowed: 3 },
    },
    {
      name: 'maxUnavailable 1 of the Deployment',
      spec: { maxUnavailable: 1, selector: NOT_SOLO }, pods: rollout,
      want: { expected: 4, desired: 3, healthy: 5, allowed: 2 },
    },
    {
      name: 'maxUnavailable 25% of the Deployment',
      spec: { maxUnavailable: '25%', selector: NOT_SOLO }, pods: rollout,
      want: { expected: 4, desired: 3, healthy: 5, allowed: 2 },
    },
    {
      name: "a bare ReplicaSet's replicas; minAvailable 50% of 3 rounds up to 2",
      spec: { minAvailable: '50%', selector: SOLO }, pods: solo,
      want: { expected: 3, desired: 2, healthy: 2, allowed: 0 },
    },
    {
      name: 'maxUnavailable 50% of 3 rounds up to 2, leaving 1 desired',
      spec: { maxUnavailable: '50%', selector: SOLO }, pods: solo,
      want: { expected: 3, desired: 1, healthy: 2, allowed: 1 },
    },
    {
      name: 'maxUnavailable 34% of 3 rounds up to 2 too',
      spec: { maxUnavailable: '34%', selector: SOLO }, pods: solo,
      want: { expected: 3, desired: 1, healthy: 2, allowed: 1 },
    },
    {
      name: 'minAvailable 1% of 3 rounds up to 1',
      spec: { minAvailable: '1%', selector: SOLO }, pods: solo,
      want: { expected: 3, desired: 1, healthy: 2, allowed: 1 },
    },
    {
      name: 'maxUnavailable above the scale leaves 0 desired, not a negative number',
      spec: { maxUnavailable: 5, selector: SOLO }, pods: solo,
      want: { expected: 3, desired: 0, healthy: 2, allowed: 2 },
    },
    {
      name: 'maxUnavailable 0% wants every expected pod',
      spec: { maxUnavailable: '0%', selector: SOLO }, pods: solo,
      want: { expected: 3, desired: 3, healthy: 2, allowed: 0 },
    },
    {
      name: 'a Deployment and a bare ReplicaSet add up; 100% wants all of them',
      spec: { minAvailable: '100%' }, pods: [...rollout, ...solo],
      want: { expected: 7, desired: 7, healthy: 7, allowed: 0 },
    },
    {
      name: 'a Deployment and a bare ReplicaSet add up; maxUnavailable 2',
      spec: { maxUnavailable: 2 }, pods: [...rollout, ...solo],
      want: { expected: 7, desired: 5, healthy: 7, allowed: 2 },
    },
    {
      name: 'not-ready and terminating pods are not healthy; the scale does not change',
      spec: { minAvailable: '50%', selector: NOT_SOLO },
      pods: [pod('o1', { rs: 'web-old', deleting: true }), pod('o2', { rs: 'web-old', ready: false }), ...pods(['n1', 'n2', 'n3'], { rs: 'web-new' })],
      want: { expected: 4, desired: 2, healthy: 3, allowed: 1 },
    },
    {
      name: "the scale is the controller's, not the pod count: one pod of a ReplicaSet of 5",
      spec: { maxUnavailable: 1 }, pods: [pod('x1', { rs: 'five' })], env: { replicaSets: [replicaSet('five', 5)] },
      want: { expected: 5, desired: 4, healthy: 1, allowed: 0 },
    },
    {
      name: "a ReplicaSet whose Deployment is gone counts with its own replicas (kube's scale-subresource finder)",
      spec: { minAvailable: '50%' }, pods: pods(['x1', 'x2'], { rs: 'orphan' }), env: { replicaSets: [replicaSet('orphan', 2, { deployment: 'gone' })] },
      want: { expected: 2, desired: 1, healthy: 2, allowed: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = reconcile(budget(c.spec), c.pods, c.env ?? env);
      assert.deepEqual(events(r.actions), []);
      assert.deepEqual(statusOf(r.actions), fullStatus(c.want));
    });
  }
});

describe('reconcileDisruption: the selector', () => {
  const all = [
    pod('p1'), pod('p2', { labels: { app: 'db' } }), pod('p3', { labels: {} }), pod('p4', { labels: { app: 'web', tier: 'canary' } }),
    pod('p5', { ns: 'other' }), pod('p6', { ns: 'other', labels: { app: 'db' } }),
  ];
  const cases: { name: string; selector: LabelSelector | undefined; want: number }[] = [
    { name: 'a null selector selects nothing', selector: undefined, want: 0 },
    { name: 'an empty selector selects every pod of the namespace, and only those', selector: {}, want: 4 },
    { name: 'matchLabels', selector: { matchLabels: { app: 'web' } }, want: 2 },
    { name: 'matchExpressions In', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, want: 3 },
    { name: 'matchExpressions NotIn (pods without the label match)', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, want: 2 },
    { name: 'matchExpressions Exists', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, want: 1 },
    { name: 'matchExpressions DoesNotExist', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, want: 1 },
    {
      name: 'matchLabels and matchExpressions together',
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['canary'] }] }, want: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = statusOf(reconcile(budget({ minAvailable: 0, selector: c.selector }), all).actions);
      assert.equal(s.expectedPods, c.want);
      assert.equal(s.currentHealthy, c.want);
      assert.equal(s.disruptionsAllowed, c.want);
    });
  }

  it('a null selector: expectedPods 0, so no disruption at all', () => {
    const pdb = budget({ minAvailable: 0 });
    delete pdb.spec!.selector;
    const r = reconcile(pdb, pods(['p1', 'p2']));
    assert.deepEqual(statusOf(r.actions), fullStatus({ expected: 0, desired: 0, healthy: 0, allowed: 0 }));
  });

  it('an empty selector with maxUnavailable takes the scale of every controller in the namespace', () => {
    const r = reconcile(budget({ maxUnavailable: 1, selector: {} }), [pod('a1', { rs: 'a', labels: { x: '1' } }), pod('b1', { rs: 'b', labels: {} }), pod('c1', { rs: 'c', ns: 'other' })], {
      replicaSets: [replicaSet('a', 2), replicaSet('b', 3)],
    });
    assert.deepEqual(statusOf(r.actions), fullStatus({ expected: 5, desired: 4, healthy: 2, allowed: 0 }));
  });
});

describe('reconcileDisruption: no expected pods, no disruptions', () => {
  const cases: { name: string; spec: Partial<Spec>; pods: Pod[]; env?: Env; want: Counts }[] = [
    {
      name: 'only unmanaged pods under maxUnavailable',
      spec: { maxUnavailable: 1 }, pods: pods(['u1', 'u2']),
      want: { expected: 0, desired: 0, healthy: 2, allowed: 0 },
    },
    {
      name: 'only unmanaged pods under minAvailable 0%',
      spec: { minAvailable: '0%' }, pods: pods(['u1', 'u2']),
      want: { expected: 0, desired: 0, healthy: 2, allowed: 0 },
    },
    {
      name: 'a ReplicaSet scaled to 0 whose pods are still there',
      spec: { maxUnavailable: 0 }, pods: pods(['x1', 'x2'], { rs: 'zero' }), env: { replicaSets: [replicaSet('zero', 0)] },
      want: { expected: 0, desired: 0, healthy: 2, allowed: 0 },
    },
    {
      name: 'a Deployment scaled to 0 whose pods are still there',
      spec: { minAvailable: '10%' }, pods: pods(['x1', 'x2'], { rs: 'web-1' }),
      env: { deployments: [dep('web', 0)], replicaSets: [replicaSet('web-1', 2, { deployment: 'web' })] },
      want: { expected: 0, desired: 0, healthy: 2, allowed: 0 },
    },
    {
      name: 'no pods at all',
      spec: { minAvailable: 0 }, pods: [],
      want: { expected: 0, desired: 0, healthy: 0, allowed: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = reconcile(budget(c.spec), c.pods, c.env);
      assert.deepEqual(statusOf(r.actions), fullStatus(c.want));
    });
  }

  it('records a Normal NoPods event when the selector matches no pod', () => {
    const r = reconcile(budget({ minAvailable: 1 }), [pod('p1', { labels: { app: 'db' } })]);
    assert.deepEqual(events(r.actions), [{ kind: 'event', involvedObject: PDB_REF, type: 'Normal', reason: 'NoPods', message: 'No matching pods found' }]);
  });
});

describe('reconcileDisruption: disruptedPods', () => {
  const disrupted = (entries: Record<string, string>): Status => ({
    currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2, expectedPods: 3, observedGeneration: GENERATION,
    disruptedPods: entries,
  });

  it('keeps a recent eviction whose pod is still there: the pod is not healthy and a recheck is due at the expiry', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 30) }) });
    const r = reconcile(pdb, pods(['p1', 'p2', 'p3']));
    assert.deepEqual(events(r.actions), []);
    const s = statusOf(r.actions);
    assert.deepEqual(s.disruptedPods, { p1: at(NOW - 30) });
    assert.equal(s.currentHealthy, 2);
    assert.equal(s.expectedPods, 3);
    assert.equal(s.disruptionsAllowed, 1);
    const due = 90_000;
    assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs >= due && r.requeueAfterMs < due + 1000, String(r.requeueAfterMs));
  });

  it('rechecks at the earliest of several expiries', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 10), p2: at(NOW - 100), p3: at(NOW - 60) }) });
    const r = reconcile(pdb, pods(['p1', 'p2', 'p3', 'p4']));
    const s = statusOf(r.actions);
    assert.deepEqual(s.disruptedPods, { p1: at(NOW - 10), p2: at(NOW - 100), p3: at(NOW - 60) });
    assert.equal(s.currentHealthy, 1);
    assert.equal(s.disruptionsAllowed, 0);
    assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs >= 20_000 && r.requeueAfterMs < 21_000, String(r.requeueAfterMs));
  });

  it('at the recheck the entry has expired: dropped, with a NotDeleted event on the pod', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 30) }) });
    const first = reconcile(pdb, pods(['p1', 'p2']));
    const again = reconcile(written(first.actions), pods(['p1', 'p2']), { now: new Date(date(NOW).getTime() + first.requeueAfterMs!) });
    assert.deepEqual(events(again.actions).map((e) => [e.reason, e.involvedObject.name]), [['NotDeleted', 'p1']]);
    assert.equal(statusOf(again.actions).disruptedPods, undefined);
    assert.equal(statusOf(again.actions).currentHealthy, 2);
    assert.equal(again.requeueAfterMs, undefined);
  });

  it('drops an entry older than two minutes whose pod was not deleted, with a Warning NotDeleted event on the pod', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 121) }) });
    const r = reconcile(pdb, pods(['p1', 'p2', 'p3']));
    const ev = events(r.actions);
    assert.equal(ev.length, 1, JSON.stringify(ev));
    assert.equal(ev[0]!.type, 'Warning');
    assert.equal(ev[0]!.reason, 'NotDeleted');
    assert.deepEqual(ev[0]!.involvedObject, podRef('p1'));
    // kube: "Pod was expected by PDB %s/%s to be deleted but it wasn't" (kube passes the namespace twice).
    assert.match(ev[0]!.message, new RegExp(`^Pod was expected by PDB ${NS}/\\S+ to be deleted but it wasn't$`));
    const s = statusOf(r.actions);
    assert.equal('disruptedPods' in s, false);
    assert.deepEqual(s, fullStatus({ expected: 3, desired: 1, healthy: 3, allowed: 2 }));
    assert.equal(r.requeueAfterMs, undefined);
  });

  it('keeps an entry exactly two minutes old (kube drops it only once the expiry is strictly before now)', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 120) }) });
    const r = reconcile(pdb, pods(['p1', 'p2']));
    assert.deepEqual(events(r.actions), []);
    assert.deepEqual(statusOf(r.actions).disruptedPods, { p1: at(NOW - 120) });
  });

  it('counts a pod healthy once its entry has reached the expiry, even while the entry is still kept', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 120) }) });
    const r = reconcile(pdb, pods(['p1', 'p2']));
    const s = statusOf(r.actions);
    assert.deepEqual(s.disruptedPods, { p1: at(NOW - 120) });
    assert.equal(s.currentHealthy, 2);
    assert.equal(s.disruptionsAllowed, 1);
  });

  it('drops an entry whose pod is being deleted, without event; that pod is not healthy', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 30) }) });
    const r = reconcile(pdb, [pod('p1', { deleting: true }), pod('p2'), pod('p3')]);
    assert.deepEqual(events(r.actions), []);
    assert.deepEqual(statusOf(r.actions), fullStatus({ expected: 3, desired: 1, healthy: 2, allowed: 1 }));
    assert.equal(r.requeueAfterMs, undefined);
  });

  it('drops an entry whose pod is gone, without event', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ gone: at(NOW - 30), p9: at(NOW - 500) }) });
    const r = reconcile(pdb, pods(['p1', 'p2']));
    assert.deepEqual(events(r.actions), []);
    assert.deepEqual(statusOf(r.actions), fullStatus({ expected: 2, desired: 1, healthy: 2, allowed: 1 }));
    assert.equal(r.requeueAfterMs, undefined);
  });

  it('an entry for a pod the selector no longer covers is dropped', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 30) }) });
    const r = reconcile(pdb, [pod('p1', { labels: { app: 'db' } }), pod('p2')]);
    assert.equal(statusOf(r.actions).disruptedPods, undefined);
    assert.equal(r.requeueAfterMs, undefined);
  });

  it('a kept entry of a not-ready pod changes nothing in the count', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 30) }) });
    const s = statusOf(reconcile(pdb, [pod('p1', { ready: false }), pod('p2'), pod('p3')]).actions);
    assert.deepEqual(s.disruptedPods, { p1: at(NOW - 30) });
    assert.equal(s.currentHealthy, 2);
  });

  it('the recheck is scheduled even when the status needs no write', () => {
    const pdb = budget({ minAvailable: 1 }, { status: disrupted({ p1: at(NOW - 30) }) });
    const first = reconcile(pdb, pods(['p1', 'p2', 'p3']));
    const again = reconcile(written(first.actions), pods(['p1', 'p2', 'p3']), { now: NOW + 30 });
    assert.deepEqual(again.actions, []);
    assert.ok(again.requeueAfterMs !== undefined && again.requeueAfterMs >= 60_000 && again.requeueAfterMs < 61_000, String(again.requeueAfterMs));
  });

  it('a kept entry makes its pod unhealthy under maxUnavailable too', () => {
    const pdb = budget({ maxUnavailable: 1 }, { status: disrupted({ x1: at(NOW - 1) }) });
    const r = reconcile(pdb, pods(['x1', 'x2', 'x3'], { rs: 'rs' }), { replicaSets: [replicaSet('rs', 3)] });
    assert.deepEqual(statusOf(r.actions), { ...fullStatus({ expected: 3, desired: 2, healthy: 2, allowed: 0 }), disruptedPods: { x1: at(NOW - 1) } });
    assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs >= TIMEOUT_MS - 1000 && r.requeueAfterMs < TIMEOUT_MS, String(r.requeueAfterMs));
  });
});

describe('reconcileDisruption: unmanaged pods and controllers that cannot be found', () => {
  const UNMANAGED_TAIL = ') were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
    + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.';

  const warned: { name: string; spec: Partial<Spec>; want: Counts }[] = [
    { name: 'minAvailable 100%', spec: { minAvailable: '100%' }, want: { expected: 2, desired: 2, healthy: 3, allowed: 1 } },
    { name: 'maxUnavailable 1', spec: { maxUnavailable: 1 }, want: { expected: 2, desired: 1, healthy: 3, allowed: 2 } },
    { name: 'maxUnavailable 50%', spec: { maxUnavailable: '50%' }, want: { expected: 2, desired: 1, healthy: 3, allowed: 2 } },
  ];
  for (const c of warned) {
    it(`${c.name}: a Warning UnmanagedPods event on the budget; the unmanaged pod is not expected but is healthy`, () => {
      const r = reconcile(budget(c.spec), [...pods(['s1', 's2'], { rs: 'solo' }), pod('u1')], { replicaSets: [replicaSet('solo', 2)] });
      const ev = events(r.actions);
      assert.equal(ev.length, 1, JSON.stringify(ev));
      assert.equal(ev[0]!.type, 'Warning');
      assert.equal(ev[0]!.reason, 'UnmanagedPods');
      assert.deepEqual(ev[0]!.involvedObject, PDB_REF);
      assert.ok(ev[0]!.message.startsWith('Pods selected by this PodDisruptionBudget (selector: '), ev[0]!.message);
      assert.ok(ev[0]!.message.endsWith(UNMANAGED_TAIL), ev[0]!.message);
      assert.deepEqual(statusOf(r.actions), fullStatus(c.want));
    });
  }

  it('no UnmanagedPods event for an integer minAvailable, and the unmanaged pods are expected', () => {
    const r = reconcile(budget({ minAvailable: 1 }), [...pods(['s1', 's2'], { rs: 'solo' }), pod('u1')], { replicaSets: [replicaSet('solo', 5)] });
    assert.deepEqual(events(r.actions), []);
    assert.deepEqual(statusOf(r.actions), fullStatus({ expected: 3, desired: 1, healthy: 3, allowed: 2 }));
  });

  it('no UnmanagedPods event when every pod has a controller', () => {
    const r = reconcile(budget({ maxUnavailable: 1 }), pods(['s1', 's2'], { rs: 'solo' }), { replicaSets: [replicaSet('solo', 2)] });
    assert.deepEqual(events(r.actions), []);
  });

  // failSafe: the old status stays, but no disruption is allowed.
  const OLD: Status = {
    currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: GENERATION - 1,
    disruptedPods: { s9: at(NOW - 10) }, conditions: [allowedCondition(true, at(5), GENERATION - 1)],
  };
  const failing: { name: string; spec: Partial<Spec>; pods: Pod[]; replicaSets: ReplicaSet[]; culprit: string }[] = [
    { name: 'the ReplicaSet is not there', spec: { minAvailable: '50%' }, pods: [pod('s1', { rs: 'solo' }), pod('x1', { rs: 'missing' })], replicaSets: [replicaSet('solo', 2)], culprit: 'x1' },
    { name: 'the ReplicaSet of that name is another one (other uid)', spec: { maxUnavailable: 1 }, pods: [pod('x1', { rs: 'solo' })], replicaSets: [replicaSet('solo', 2, { uid: 'uid-recreated' })], culprit: 'x1' },
    { name: 'the controller is of a kind with no scale Skiff knows (a StatefulSet that is not there)', spec: { maxUnavailable: '10%' }, pods: [pod('x1', { controller: ['apps/v1', 'StatefulSet', 'db'] })], replicaSets: [], culprit: 'x1' },
    { name: 'an unmanaged pod as well: no UnmanagedPods event, only the failure', spec: { minAvailable: '50%' }, pods: [pod('u1'), pod('x1', { rs: 'missing' })], replicaSets: [], culprit: 'x1' },
  ];
  for (const c of failing) {
    it(`failSafe when ${c.name}: disruptionsAllowed 0, SyncFailed, and a CalculateExpectedPodCountFailed event`, () => {
      const r = reconcile(budget(c.spec, { status: OLD }), c.pods, { replicaSets: c.replicaSets });
      assert.deepEqual(events(r.actions), [{
        kind: 'event', involvedObject: PDB_REF, type: 'Warning', reason: 'CalculateExpectedPodCountFailed',
        message: `Failed to calculate the number of expected pods: found no controllers for pod "${c.culprit}"`,
      }]);
      const s = statusOf(r.actions);
      assert.equal(s.disruptionsAllowed, 0);
      // Everything else of the old status stays as it was.
      assert.equal(s.currentHealthy, 3);
      assert.equal(s.desiredHealthy, 2);
      assert.equal(s.expectedPods, 3);
      assert.deepEqual(s.disruptedPods, { s9: at(NOW - 10) });
      const cond = conditionOf(s);
      assert.equal(cond.status, 'False');
      assert.equal(cond.reason, 'SyncFailed');
      assert.equal(cond.lastTransitionTime, at(NOW));
      assert.equal(r.requeueAfterMs, undefined);
    });
  }

  it('failSafe of a budget never synced: zero counts and a False/SyncFailed condition', () => {
    const r = reconcile(budget({ maxUnavailable: 1 }), [pod('x1', { rs: 'missing' })]);
    const s = statusOf(r.actions);
    assert.equal(s.disruptionsAllowed, 0);
    assert.equal(s.currentHealthy, 0);
    assert.equal(s.desiredHealthy, 0);
    assert.equal(s.expectedPods, 0);
    assert.equal(s.disruptedPods, undefined);
    assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]), [['DisruptionAllowed', 'False', 'SyncFailed', at(NOW)]]);
  });

  it('failSafe keeps the transition time of a condition that was already False', () => {
    const old: Status = { ...OLD, disruptionsAllowed: 0, conditions: [allowedCondition(false, at(5), GENERATION - 1)] };
    const s = statusOf(reconcile(budget({ maxUnavailable: 1 }, { status: old }), [pod('x1', { rs: 'missing' })]).actions);
    assert.equal(conditionOf(s).lastTransitionTime, at(5));
    assert.equal(conditionOf(s).reason, 'SyncFailed');
  });

  it('failSafe again with nothing new: the event again, no second write', () => {
    const first = reconcile(budget({ maxUnavailable: 1 }, { status: OLD }), [pod('x1', { rs: 'missing' })]);
    const again = reconcile(written(first.actions), [pod('x1', { rs: 'missing' })], { now: NOW + 60 });
    assert.deepEqual(writes(again.actions), []);
    assert.deepEqual(events(again.actions).map((e) => e.reason), ['CalculateExpectedPodCountFailed']);
  });

  it('recovers from failSafe once the controller shows up: True/SufficientPods from now, empty message', () => {
    const failed = written(reconcile(budget({ maxUnavailable: 1 }, { status: OLD }), [pod('x1', { rs: 'rs' }), pod('x2', { rs: 'rs' })]).actions);
    const r = reconcile(failed, [pod('x1', { rs: 'rs' }), pod('x2', { rs: 'rs' })], { replicaSets: [replicaSet('rs', 2)], now: NOW + 60 });
    assert.deepEqual(events(r.actions), []);
    const s = statusOf(r.actions);
    assert.deepEqual(s, { ...fullStatus({ expected: 2, desired: 1, healthy: 2, allowed: 1 }), conditions: [allowedCondition(true, at(NOW + 60))] });
  });

  it('failSafe puts the error in the condition message', () => {
    const s = statusOf(reconcile(budget({ maxUnavailable: 1 }, { status: OLD }), [pod('x1', { rs: 'missing' })]).actions);
    assert.equal(conditionOf(s).message, 'found no controllers for pod "x1"');
  });

  it('failSafe does not advance observedGeneration', () => {
    const s = statusOf(reconcile(budget({ maxUnavailable: 1 }, { status: OLD }), [pod('x1', { rs: 'missing' })]).actions);
    assert.equal(s.observedGeneration, GENERATION - 1);
    assert.equal(conditionOf(s).observedGeneration, GENERATION - 1);
  });
});

describe('reconcileDisruption: writes only what changed', () => {
  const three = pods(['p1', 'p2', 'p3']);

  it('feeding back the written status changes nothing, at the same or a later time', () => {
    const first = reconcile(budget({ minAvailable: 2 }), three, { now: 100 });
    const stored = written(first.actions);
    assert.deepEqual(reconcile(stored, three, { now: 100 }).actions, []);
    assert.deepEqual(reconcile(stored, three, { now: 5000 }).actions, []);
  });

  it('feeding back a percentage budget with unmanaged pods writes nothing (the event repeats)', () => {
    const p = [...pods(['s1', 's2'], { rs: 'solo' }), pod('u1')];
    const env = { replicaSets: [replicaSet('solo', 2)] };
    const stored = written(reconcile(budget({ maxUnavailable: 1 }), p, env).actions);
    const again = reconcile(stored, p, env);
    assert.deepEqual(writes(again.actions), []);
    assert.deepEqual(events(again.actions).map((e) => e.reason), ['UnmanagedPods']);
  });

  it('the transition time moves only when the condition status flips', () => {
    const pdb1 = written(reconcile(budget({ minAvailable: 2 }), three, { now: 100 }).actions);
    assert.deepEqual(pdb1.status!.conditions, [allowedCondition(true, at(100))]);

    // A fourth pod: more disruptions allowed, still True — the transition time stays.
    const four = [...three, pod('p4')];
    const pdb2 = written(reconcile(pdb1, four, { now: 200 }).actions);
    assert.equal(pdb2.status!.disruptionsAllowed, 2);
    assert.deepEqual(pdb2.status!.conditions, [allowedCondition(true, at(100))]);

    // Two pods not ready: none allowed, the condition flips to False now.
    const sick = [pod('p1'), pod('p2'), pod('p3', { ready: false }), pod('p4', { ready: false })];
    const pdb3 = written(reconcile(pdb2, sick, { now: 300 }).actions);
    assert.equal(pdb3.status!.disruptionsAllowed, 0);
    assert.deepEqual(pdb3.status!.conditions, [allowedCondition(false, at(300))]);

    // Worse still, but still False: the transition time stays.
    const worse = [pod('p1'), pod('p2', { ready: false }), pod('p3', { ready: false }), pod('p4', { ready: false })];
    const pdb4 = written(reconcile(pdb3, worse, { now: 400 }).actions);
    assert.equal(pdb4.status!.currentHealthy, 1);
    assert.deepEqual(pdb4.status!.conditions, [allowedCondition(false, at(300))]);

    // Recovered: True again, from now.
    const pdb5 = written(reconcile(pdb4, four, { now: 500 }).actions);
    assert.deepEqual(pdb5.status!.conditions, [allowedCondition(true, at(500))]);
  });

  it('writes when the stored observedGeneration is behind, even with the same counts', () => {
    const stored = written(reconcile(budget({ minAvailable: 2 }), three, { now: 100 }).actions);
    const bumped = { ...stored, metadata: { ...stored.metadata, generation: GENERATION + 1 } } as PodDisruptionBudget;
    const s = statusOf(reconcile(bumped, three, { now: 200 }).actions);
    assert.equal(s.observedGeneration, GENERATION + 1);
    assert.deepEqual(s.conditions, [allowedCondition(true, at(100), GENERATION + 1)]);
  });

  it('writes when the stored status has the right counts but no condition', () => {
    const status: Status = { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: GENERATION };
    const s = statusOf(reconcile(budget({ minAvailable: 2 }, { status }), three).actions);
    assert.deepEqual(s, fullStatus({ expected: 3, desired: 2, healthy: 3, allowed: 1 }));
  });

  it('writes when the stored condition has the wrong reason for the count', () => {
    const status: Status = {
      currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: GENERATION,
      conditions: [{ ...allowedCondition(true, at(5)), reason: 'SyncFailed' }],
    };
    const s = statusOf(reconcile(budget({ minAvailable: 2 }, { status }), three).actions);
    assert.deepEqual(s.conditions, [allowedCondition(true, at(5))]);
  });

  it('an empty disruptedPods map stored is the same as none', () => {
    const stored = written(reconcile(budget({ minAvailable: 2 }), three, { now: 100 }).actions);
    const withEmpty = { ...stored, status: { ...stored.status!, disruptedPods: {} } } as PodDisruptionBudget;
    assert.deepEqual(reconcile(withEmpty, three, { now: 100 }).actions, []);
  });

  it('writes nothing when only the condition message differs', () => {
    const stored = written(reconcile(budget({ minAvailable: 2 }), three, { now: 100 }).actions);
    const noisy = structuredClone(stored);
    noisy.status!.conditions![0]!.message = 'set by someone else';
    assert.deepEqual(reconcile(noisy, three, { now: 100 }).actions, []);
  });
});

describe('reconcileDisruption: a budget being deleted', () => {
  const deleting = () => budget({ minAvailable: 1 }, { meta: { deletionTimestamp: at(NOW - 1), finalizers: ['example.com/hold'] } });

  it('is still synced while a finalizer holds it', () => {
    const r = reconcile(deleting(), pods(['p1', 'p2']));
    assert.deepEqual(statusOf(r.actions), fullStatus({ expected: 2, desired: 1, healthy: 2, allowed: 1 }));
  });
});
