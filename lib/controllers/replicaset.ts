/**
 * The ReplicaSet controller as a pure function (kube's pkg/controller/replicaset): claim the
 * namespace's pods (adopt matching orphans, release owned pods that stopped matching), create or
 * delete pods toward spec.replicas, and report status.
 */
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../api/schema/index.ts';
import { semanticEqual } from '../api/schema/index.ts';
import { matchesLabelSelectorSpec } from '../api/selectors.ts';
import type { KubeObject } from '../core/object.ts';
import { availableAt, deletionOrder, isActive, isReady } from './pods.ts';
import type { Action, ReconcileResult } from './types.ts';
import { BURST_REPLICAS, controllerOf, controllerRef, referenceTo } from './types.ts';

export interface ReplicaSetInput {
  rs: ReplicaSet;
  /** Every pod in the ReplicaSet's namespace: claiming needs the orphans too. */
  pods: Pod[];
  now: Date;
  /** Most creations or deletions per reconcile; kube's burstReplicas (500). */
  burstReplicas?: number;
}

const clone = <T>(v: T): T => structuredClone(v);
const kube = (o: unknown) => o as KubeObject;

/** The pods this ReplicaSet controls after claiming, and the writes that claiming takes. */
export function claimPods(rs: ReplicaSet, pods: Pod[]): { owned: Pod[]; actions: Action[] } {
  const uid = rs.metadata?.uid;
  const selector = rs.spec?.selector;
  const deleting = !!rs.metadata?.deletionTimestamp;
  const owned: Pod[] = [];
  const actions: Action[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    const matches = matchesLabelSelectorSpec(selector, pod.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        owned.push(pod);
      } else if (!pod.metadata?.deletionTimestamp && !deleting) {
        // Release: the pod no longer matches, so it is no longer ours (kube: patch removing the ref).
        const released = clone(pod);
        released.metadata!.ownerReferences = pod.metadata!.ownerReferences!.filter((r) => r.uid !== uid);
        if (released.metadata!.ownerReferences.length === 0) delete released.metadata!.ownerReferences;
        actions.push({ kind: 'update', object: kube(released) });
      }
      continue;
    }
    if (!matches || deleting || pod.metadata?.deletionTimestamp || !isActive(pod)) continue;
    const adopted = clone(pod);
    adopted.metadata!.ownerReferences = [...(pod.metadata!.ownerReferences ?? []), controllerRef(kube(rs))];
    actions.push({ kind: 'update', object: kube(adopted) });
    owned.push(adopted);
  }
  return { owned, actions };
}

/** controller.GetPodFromTemplate: what a created pod looks like. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template = clone(rs.spec?.template ?? {});
  const tm = template.metadata ?? {};
  const metadata: NonNullable<Pod['metadata']> = {
    generateName: `${rs.metadata?.name ?? ''}-`,
    namespace: rs.metadata?.namespace,
    ownerReferences: [controllerRef(kube(rs))],
  };
  if (tm.labels) metadata.labels = tm.labels;
  if (tm.annotations) metadata.annotations = tm.annotations;
  if (tm.finalizers) metadata.finalizers = tm.finalizers;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: template.spec } as Pod;
}

/** Fields kube leaves out when zero (omitempty); `replicas` is required and always written. */
function omitZero<T extends Record<string, unknown>>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === 0 || v === undefined) delete o[k];
  return o;
}

export function reconcileReplicaSet(input: ReplicaSetInput): ReconcileResult {
  const { rs, now } = input;
  const burst = input.burstReplicas ?? BURST_REPLICAS;
  const ns = rs.metadata?.namespace ?? '';
  const inNamespace = input.pods.filter((p) => (p.metadata?.namespace ?? '') === ns);
  const { owned, actions } = claimPods(rs, inNamespace);
  const active = owned.filter(isActive);
  const replicas = rs.spec?.replicas ?? 1;
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  const ref = referenceTo(kube(rs));

  // Status reports what was observed, as kube's does: the writes show up on the next reconcile.
  const status = active;
  if (!rs.metadata?.deletionTimestamp) {
    const diff = active.length - replicas;
    if (diff < 0) {
      const n = Math.min(-diff, burst);
      for (let i = 0; i < n; i++) {
        const pod = podFromTemplate(rs);
        actions.push({ kind: 'create', object: kube(pod) });
        actions.push({
          kind: 'event', involvedObject: ref, type: 'Normal', reason: 'SuccessfulCreate',
          message: `Created pod: ${pod.metadata!.generateName}`, createIndex: actions.length - 1,
        });
      }
    } else if (diff > 0) {
      const n = Math.min(diff, burst);
      // Ranks: more of this ReplicaSet's pods on the same node go first (spreads what remains).
      const perNode = new Map<string, number>();
      for (const p of active) if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
      const rank = (p: Pod) => (p.spec?.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
      const doomed = [...active].sort((a, b) => deletionOrder(a, b, rank)).slice(0, n);
      for (const pod of doomed) {
        actions.push({
          kind: 'delete', resource: 'pods', namespace: ns, name: pod.metadata?.name ?? '',
          preconditions: { uid: pod.metadata?.uid ?? '', resourceVersion: pod.metadata?.resourceVersion },
        });
        actions.push({ kind: 'event', involvedObject: ref, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata?.name ?? ''}` });
      }
    }
  }

  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  let ready = 0;
  let available = 0;
  let fullyLabeled = 0;
  let soonest = Number.POSITIVE_INFINITY;
  for (const pod of status) {
    const labels = pod.metadata?.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (!isReady(pod)) continue;
    ready++;
    const at = availableAt(pod, minReadySeconds);
    if (at === undefined) continue;
    if (at < now.getTime()) available++;
    else soonest = Math.min(soonest, at);
  }
  const newStatus: ReplicaSetStatus = {
    ...omitZero({
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata?.generation,
    }),
    replicas: status.length,
  };
  if (rs.status?.conditions?.length) newStatus.conditions = rs.status.conditions;
  if (rs.status?.terminatingReplicas !== undefined) newStatus.terminatingReplicas = rs.status.terminatingReplicas;
  if (!semanticEqual(rs.status ?? {}, newStatus) || rs.status?.replicas === undefined) {
    const updated = clone(rs);
    updated.status = newStatus;
    actions.push({ kind: 'updateStatus', object: kube(updated) });
  }

  const result: ReconcileResult = { actions };
  // Available is strictly after readyTime + minReadySeconds: come back just past it.
  if (Number.isFinite(soonest)) result.requeueAfterMs = Math.max(0, soonest - now.getTime()) + 1;
  // More than one burst to go: come back for the rest once these writes are through.
  if (!rs.metadata?.deletionTimestamp && Math.abs(active.length - replicas) > burst) result.requeueAfterMs = 0;
  return result;
}
