/**
 * The eviction subresource's decision (kube's registry/core/pod/storage/eviction.go): an eviction
 * is a delete that a PodDisruptionBudget may refuse. A pod that is not running (or already being
 * deleted) goes at once; a pod covered by a budget goes only if the budget's status has a
 * disruption to spare, which the eviction takes (recording the pod under `disruptedPods`, for
 * the disruption controller) before the pod is deleted. Pure: the handler reads, then writes what
 * this decides, retrying on a conflict.
 */
import type { Pod, PodDisruptionBudget } from './schema/index.ts';
import { ApiError, ConflictError, ForbiddenError } from '../core/errors.ts';
import { isReady } from '../controllers/pods.ts';
import { podsOf, withDisruptionAllowedCondition } from '../controllers/disruption.ts';
import { timeString } from '../controllers/types.ts';

/** kube's MaxDisruptedPodSize: evictions the controller has not confirmed yet, per budget. */
export const MAX_DISRUPTED_PODS = 2000;

export type EvictionDecision =
  /** Delete the pod; no budget is involved (or the pod is unhealthy and the budget lets it go). */
  | { kind: 'delete' }
  /** Write this budget (its status, at the resourceVersion read) first, then delete the pod. */
  | { kind: 'takeDisruption'; pdb: PodDisruptionBudget };

const tooManyRequests = (message: string) =>
  new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: 'DisruptionBudget', message }] });

/** canIgnorePDB: a pod that is done, not started, or already going disrupts nothing more. */
export function canIgnoreBudgets(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

/** What an eviction of `pod` does, given the budgets of its namespace; throws the refusal. */
export function decideEviction(pod: Pod, budgets: PodDisruptionBudget[], now: Date, dryRun: boolean): EvictionDecision {
  if (canIgnoreBudgets(pod)) return { kind: 'delete' };
  const matching = budgets.filter((b) => podsOf(b, [pod]).length > 0);
  if (matching.length === 0) return { kind: 'delete' };
  if (matching.length > 1) {
    // kube answers 500 here; it is the cluster's configuration, not the request, that is wrong.
    throw new ConflictError(
      { group: '', resource: 'pods', name: pod.metadata?.name ?? '' },
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  }
  const pdb = matching[0]!;
  const status = pdb.status;
  // An unhealthy pod counts toward nothing: it may go while the budget is met, or always.
  if (!isReady(pod)) {
    if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { kind: 'delete' };
    if (status && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) return { kind: 'delete' };
  }
  const name = pdb.metadata?.name ?? '';
  if ((status?.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0) || !status) {
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
  }
  if (status.disruptionsAllowed < 0) throw new ForbiddenError(`poddisruptionbudgets.policy "${name}" is forbidden: pdb disruptions allowed is negative`);
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
    throw new ForbiddenError(`poddisruptionbudgets.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`);
  }
  if (status.disruptionsAllowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
  }
  let next = { ...status, disruptionsAllowed: status.disruptionsAllowed - 1 };
  if (next.disruptionsAllowed === 0) next = withDisruptionAllowedCondition(next, now);
  if (!dryRun) next.disruptedPods = { ...(status.disruptedPods ?? {}), [pod.metadata?.name ?? '']: timeString(now) };
  return { kind: 'takeDisruption', pdb: { ...pdb, status: next } };
}
