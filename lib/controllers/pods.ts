/** Pod predicates the workload controllers share (kube's pkg/api/v1/pod and controller utils). */
import type { Pod } from '../api/schema/index.ts';

export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isActive(pod: Pod): boolean {
  return !isTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

/**
 * When a ready pod becomes available: Ready's lastTransitionTime plus minReadySeconds. kube
 * (IsPodAvailable) calls it available once that instant is strictly before now.
 * Undefined for a pod that is not ready or has no transition time (never available unless
 * minReadySeconds is 0).
 */
export function availableAt(pod: Pod, minReadySeconds: number): number | undefined {
  if (!isReady(pod)) return undefined;
  if (minReadySeconds <= 0) return Number.NEGATIVE_INFINITY;
  const since = ms(readyCondition(pod)?.lastTransitionTime);
  return since === undefined ? undefined : since + minReadySeconds * 1000;
}

export function isAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const at = availableAt(pod, minReadySeconds);
  return at !== undefined && at < now.getTime();
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function deletionCost(pod: Pod): number {
  const v = Number.parseInt(pod.metadata?.annotations?.[DELETION_COST] ?? '', 10);
  return Number.isFinite(v) ? v : 0;
}

/**
 * kube's ActivePodsWithRanks ordering: negative when `a` should be deleted before `b`.
 * Unscheduled before scheduled; Pending < Unknown < Running; not ready before ready; lower
 * pod-deletion-cost first; more of the owner's pods on the same node first (`rank`); more
 * recently ready first; more restarts first; newer first. Unlike kube's LogarithmicScaleDown
 * this compares the timestamps exactly rather than by power-of-two buckets, and there is no
 * random tie-break: ties go by name so the choice is deterministic.
 */
export function deletionOrder(a: Pod, b: Pod, rank: (p: Pod) => number): number {
  const aNode = !!a.spec?.nodeName;
  const bNode = !!b.spec?.nodeName;
  if (aNode !== bNode) return aNode ? 1 : -1;
  const ap = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const bp = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (ap !== bp) return ap - bp;
  const ar = isReady(a);
  const br = isReady(b);
  if (ar !== br) return ar ? 1 : -1;
  const ac = deletionCost(a);
  const bc = deletionCost(b);
  if (ac !== bc) return ac - bc;
  const ak = rank(a);
  const bk = rank(b);
  if (ak !== bk) return bk - ak;
  if (ar && br) {
    const at = ms(readyCondition(a)?.lastTransitionTime) ?? 0;
    const bt = ms(readyCondition(b)?.lastTransitionTime) ?? 0;
    if (at !== bt) return bt - at;
  }
  const arc = maxRestarts(a);
  const brc = maxRestarts(b);
  if (arc !== brc) return brc - arc;
  const act = ms(a.metadata?.creationTimestamp) ?? 0;
  const bct = ms(b.metadata?.creationTimestamp) ?? 0;
  if (act !== bct) return bct - act;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}
