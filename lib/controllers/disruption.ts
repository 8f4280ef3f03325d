/**
 * The disruption controller as a pure function (kube's pkg/controller/disruption): a
 * PodDisruptionBudget's status — how many of its pods are healthy, how many it wants healthy, and
 * so how many may be evicted now. The eviction subresource (`lib/api/eviction.ts`) reads that
 * status, takes one disruption from it and records the pod under `disruptedPods`; this controller
 * forgets such a pod once it is deleted, or after two minutes if it never is.
 */
import type { Deployment, Pod, PodDisruptionBudget, ReplicaSet } from '../api/schema/index.ts';
import { selectorMatches, semanticEqual } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { isReady } from './pods.ts';
import type { Action, ReconcileResult } from './types.ts';
import { controllerOf, referenceTo, timeString } from './types.ts';

/** How long an eviction the API allowed counts against the budget before the pod must be gone. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
export const DISRUPTION_ALLOWED = 'DisruptionAllowed';

export interface DisruptionInput {
  pdb: PodDisruptionBudget;
  /** The pods of the budget's namespace; the selector is applied here. */
  pods: Pod[];
  /** The namespace's workload controllers, for the scale a percentage or maxUnavailable is taken of. */
  replicaSets: ReplicaSet[];
  deployments: Deployment[];
  now: Date;
}

type Status = NonNullable<PodDisruptionBudget['status']>;
type Condition = NonNullable<Status['conditions']>[number];
type IntOrString = number | string;

const kube = (o: unknown) => o as KubeObject;

/** The pods the budget covers: a null selector selects none, an empty one all (policy/v1). */
export function podsOf(pdb: PodDisruptionBudget, pods: Pod[]): Pod[] {
  const selector = pdb.spec?.selector;
  if (!selector) return [];
  const ns = pdb.metadata?.namespace ?? '';
  return pods.filter((p) => (p.metadata?.namespace ?? '') === ns && selectorMatches(selector, p.metadata?.labels));
}

/** intstr.GetScaledValueFromIntOrPercent, rounding up. */
export function scaledValue(v: IntOrString, total: number): number {
  if (typeof v === 'number') return v;
  return Math.ceil((Number(v.slice(0, -1)) * total) / 100);
}

class NoController extends Error {}

/**
 * getExpectedScale: the sum of `spec.replicas` of the controllers of the budget's pods, each
 * counted once — a Deployment's for pods of its ReplicaSets, else the ReplicaSet's. Pods without a
 * controller are returned apart (kube warns about them); a controller Skiff cannot scale fails
 * the sync.
 */
function expectedScale(pods: Pod[], replicaSets: ReplicaSet[], deployments: Deployment[]): { expected: number; unmanaged: Pod[] } {
  const scales = new Map<string, number>();
  const unmanaged: Pod[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(pod);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const rs = ref.kind === 'ReplicaSet' && ref.apiVersion.startsWith('apps/') ? replicaSets.find((r) => r.metadata?.uid === ref.uid) : undefined;
    if (!rs) throw new NoController(`found no controllers for pod "${pod.metadata?.name ?? ''}"`);
    const owner = controllerOf(rs);
    if (owner?.kind === 'Deployment') {
      const d = deployments.find((x) => x.metadata?.uid === owner.uid);
      if (d) {
        if (!scales.has(owner.uid)) scales.set(owner.uid, d.spec?.replicas ?? 1);
        scales.set(ref.uid, 0);
        continue;
      }
    }
    scales.set(ref.uid, rs.spec?.replicas ?? 1);
  }
  let expected = 0;
  for (const n of scales.values()) expected += n;
  return { expected, unmanaged };
}

/** metav1 SetStatusCondition: the transition time moves only when the status does. */
function setCondition(conditions: Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : timeString(now);
  const updated: Condition = { ...next, lastTransitionTime };
  return old ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

/** pdbhelper.UpdateDisruptionAllowedCondition; with `failure`, failSafe's SyncFailed and its error. */
export function withDisruptionAllowedCondition(status: Status, now: Date, failure?: string): Status {
  const allowed = status.disruptionsAllowed > 0;
  const condition = {
    type: DISRUPTION_ALLOWED,
    status: allowed ? 'True' as const : 'False' as const,
    reason: failure !== undefined ? 'SyncFailed' : allowed ? 'SufficientPods' : 'InsufficientPods',
    message: failure ?? '',
    ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
  };
  return { ...status, conditions: setCondition(status.conditions ?? [], condition, now) };
}

/** pdbhelper.ConditionsAreUpToDate: the condition is there, for this generation, with the right status and reason. */
function conditionUpToDate(status: Partial<Status>): boolean {
  const c = status.conditions?.find((x) => x.type === DISRUPTION_ALLOWED);
  if (!c || c.observedGeneration !== status.observedGeneration) return false;
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  return c.status === (allowed ? 'True' : 'False') && c.reason === (allowed ? 'SufficientPods' : 'InsufficientPods');
}

export function reconcileDisruption(input: DisruptionInput): ReconcileResult {
  // No deletion check, as in kube: a budget a finalizer holds is still kept up to date.
  const { pdb, now } = input;
  const spec = pdb.spec ?? {};
  const pods = podsOf(pdb, input.pods);
  const generation = pdb.metadata?.generation;
  const actions: Action[] = [];
  const old: Partial<Status> = pdb.status ?? {};
  if (pods.length === 0) actions.push({ kind: 'event', involvedObject: referenceTo(kube(pdb)), type: 'Normal', reason: 'NoPods', message: 'No matching pods found' });

  let expected = 0;
  let desired = 0;
  try {
    if (spec.maxUnavailable !== undefined) {
      const scale = expectedScale(pods, input.replicaSets, input.deployments);
      expected = scale.expected;
      warnUnmanaged(pdb, scale.unmanaged, actions);
      desired = Math.max(0, expected - scaledValue(spec.maxUnavailable, expected));
    } else if (spec.minAvailable !== undefined) {
      if (typeof spec.minAvailable === 'number') {
        desired = spec.minAvailable;
        expected = pods.length;
      } else {
        const scale = expectedScale(pods, input.replicaSets, input.deployments);
        expected = scale.expected;
        warnUnmanaged(pdb, scale.unmanaged, actions);
        desired = scaledValue(spec.minAvailable, expected);
      }
    }
  } catch (err) {
    if (!(err instanceof NoController)) throw err;
    // failSafe: no disruptions until the budget can be computed again. observedGeneration stays
    // where it was, so evictions also hear the budget is still being processed.
    actions.push({ kind: 'event', involvedObject: referenceTo(kube(pdb)), type: 'Warning', reason: 'CalculateExpectedPodCountFailed', message: `Failed to calculate the number of expected pods: ${err.message}` });
    const status = withDisruptionAllowedCondition({ ...(old as Status), disruptionsAllowed: 0, currentHealthy: old.currentHealthy ?? 0, desiredHealthy: old.desiredHealthy ?? 0, expectedPods: old.expectedPods ?? 0 }, now, err.message);
    if (!semanticEqual(status, pdb.status)) actions.push({ kind: 'updateStatus', object: kube({ ...pdb, status }) });
    return { actions };
  }

  // buildDisruptedPodMap: evictions not yet seen through, until their pod goes or two minutes pass.
  const disrupted: Record<string, string> = {};
  let recheck: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const at = old.disruptedPods?.[name];
    if (pod.metadata?.deletionTimestamp || at === undefined) continue;
    const due = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (due < now.getTime()) {
      actions.push({ kind: 'event', involvedObject: referenceTo(kube(pod)), type: 'Warning', reason: 'NotDeleted', message: `Pod was expected by PDB ${pdb.metadata?.namespace ?? ''}/${pdb.metadata?.name ?? ''} to be deleted but it wasn't` });
    } else {
      disrupted[name] = at;
      recheck = recheck === undefined ? due : Math.min(recheck, due);
    }
  }

  // countHealthyPods: Ready, not being deleted, not just evicted (an eviction whose two minutes
  // are up counts no more, even at the instant its entry is still kept).
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now.getTime()) continue;
    if (isReady(pod)) healthy++;
  }

  // A budget over no pods yet allows nothing: its first pods may appear before it is synced again.
  let allowed = healthy - desired;
  if (expected <= 0 || allowed <= 0) allowed = 0;

  const unchanged = old.currentHealthy === healthy && old.desiredHealthy === desired && old.expectedPods === expected
    && old.disruptionsAllowed === allowed && semanticEqual(old.disruptedPods ?? {}, disrupted) && old.observedGeneration === generation && conditionUpToDate(old);
  const requeue = recheck !== undefined ? { requeueAfterMs: Math.max(0, recheck - now.getTime()) + 1 } : {};
  if (unchanged) return { actions, ...requeue };
  const status: Status = {
    ...(old.conditions ? { conditions: old.conditions } : {}),
    currentHealthy: healthy,
    desiredHealthy: desired,
    disruptionsAllowed: allowed,
    expectedPods: expected,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const next = withDisruptionAllowedCondition(status, now);
  actions.push({ kind: 'updateStatus', object: kube({ ...pdb, status: next }) });
  return { actions, ...requeue };
}

function warnUnmanaged(pdb: PodDisruptionBudget, unmanaged: Pod[], actions: Action[]): void {
  if (!unmanaged.length) return;
  actions.push({
    kind: 'event', involvedObject: referenceTo(kube(pdb)), type: 'Warning', reason: 'UnmanagedPods',
    message: `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec?.selector ?? {})}) were found to be unmanaged. `
      + 'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
      + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
  });
}
