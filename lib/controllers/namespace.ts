/**
 * The namespace controller as a pure function (kube's pkg/controller/namespace/deletion): a
 * namespace being deleted turns Terminating, everything in it is deleted, its status conditions
 * say what is left and which finalizers hold it, and once nothing is left the `kubernetes`
 * finalizer comes off through the finalize subresource, which lets the namespace go.
 */
import type { Namespace } from '../api/schema/index.ts';
import { semanticEqual } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { RESOURCE_TYPES } from '../core/resources.ts';
import type { Action, ReconcileResult, ResourceName } from './types.ts';
import { timeString } from './types.ts';

/** v1.FinalizerKubernetes: the namespace controller's token in spec.finalizers. */
export const FINALIZER = 'kubernetes';
/** kube's finalizerEstimateSeconds: how long finalizers of remaining content are given. */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export interface NamespaceInput {
  namespace: Namespace;
  /**
   * Every object still in the namespace, by plural resource (`pods`, `configmaps`, ...). It must
   * cover every namespaced kind: the finalizer comes off when all these lists are empty.
   */
  contents: Readonly<Partial<Record<string, readonly KubeObject[]>>>;
  now: Date;
}

type Condition = NonNullable<NonNullable<Namespace['status']>['conditions']>[number];
type ConditionType =
  | 'NamespaceDeletionDiscoveryFailure'
  | 'NamespaceDeletionGroupVersionParsingFailure'
  | 'NamespaceDeletionContentFailure'
  | 'NamespaceContentRemaining'
  | 'NamespaceFinalizersRemaining';

/** The condition types the deleter maintains, in kube's order, with their all-clear reason and message. */
const CONDITIONS: [ConditionType, string, string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

const clone = <T>(v: T): T => structuredClone(v);
const kube = (o: unknown) => o as KubeObject;

interface PodLike {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

const podGrace = (pod: PodLike) => pod.spec?.terminationGracePeriodSeconds ?? 30;
const podTerminal = (pod: PodLike) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * Whether an object is still there after this pass: it was already being deleted, finalizers
 * hold it, or it is a pod on a node that gets its grace period (the write path's rules for a
 * background delete).
 */
function outlivesDelete(resource: string, obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp) return true;
  if (obj.metadata.finalizers?.length) return true;
  if (resource !== 'pods') return false;
  const pod = obj as PodLike;
  return !!pod.spec?.nodeName && !podTerminal(pod) && podGrace(pod) > 0;
}

/** estimateGracefulTerminationForPods: the longest grace period among pods not yet finished. */
function podEstimate(pods: readonly KubeObject[]): number {
  let estimate = 0;
  for (const p of pods as readonly PodLike[]) if (!podTerminal(p)) estimate = Math.max(estimate, podGrace(p));
  return estimate;
}

/** kube's updateConditions: the wanted condition per type, an all-clear one when none; transitions stamped `now`. */
function mergeConditions(old: readonly Condition[], wanted: Partial<Record<ConditionType, Condition>>, now: string): Condition[] {
  const out = clone([...old]);
  for (const [type, reason, message] of CONDITIONS) {
    const next = wanted[type] ?? { type, status: 'False', reason, message };
    const cur = out.find((c) => c.type === type);
    if (!cur) {
      out.push({ ...next, lastTransitionTime: now });
    } else if (cur.status !== next.status || cur.reason !== next.reason || cur.message !== next.message) {
      if (cur.status !== next.status) cur.lastTransitionTime = now;
      cur.status = next.status;
      cur.reason = next.reason;
      cur.message = next.message;
    }
  }
  return out;
}

export function reconcileNamespace(input: NamespaceInput): ReconcileResult {
  const { namespace: ns, now } = input;
  const name = ns.metadata?.name ?? '';
  const actions: Action[] = [];
  const status = clone(ns.status ?? {});

  if (!ns.metadata?.deletionTimestamp) {
    if (status.phase) return { actions };
    status.phase = 'Active';
    return { actions: [{ kind: 'updateStatus', object: kube({ ...clone(ns), status }) }] };
  }

  status.phase = 'Terminating';
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) {
    // Our part is done (or was never asked for): only the phase is ours to keep right.
    if (!semanticEqual(ns.status ?? {}, status)) actions.push({ kind: 'updateStatus', object: kube({ ...clone(ns), status }) });
    return { actions };
  }

  const remaining = new Map<string, number>();
  const byFinalizer = new Map<string, number>();
  let observed = 0;
  let estimate = 0;
  const known = new Map<string, { group: string; namespaced: boolean }>(RESOURCE_TYPES.map((t) => [t.resource, t]));
  for (const resource of Object.keys(input.contents).sort()) {
    const type = known.get(resource);
    if (type && !type.namespaced) continue;
    const objs = (input.contents[resource] ?? []).filter((o) => (o.metadata.namespace ?? '') === name);
    observed += objs.length;
    for (const obj of objs) {
      if (obj.metadata.deletionTimestamp) continue;
      // Background, as kube's deleter asks: it purges everything itself, so no orphan finalizer.
      actions.push({
        kind: 'delete', resource: resource as ResourceName, namespace: name, name: obj.metadata.name ?? '',
        preconditions: { uid: obj.metadata.uid ?? '' }, propagationPolicy: 'Background',
      });
    }
    const left = objs.filter((o) => outlivesDelete(resource, o));
    if (!left.length) continue;
    remaining.set(`${resource}.${type?.group ?? ''}`, left.length);
    let withFinalizers = 0;
    for (const o of left) {
      if (o.metadata.finalizers?.length) withFinalizers++;
      for (const f of o.metadata.finalizers ?? []) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
    }
    const gvrEstimate = resource === 'pods' ? podEstimate(objs) : 0;
    estimate = Math.max(estimate, gvrEstimate || (withFinalizers ? FINALIZER_ESTIMATE_SECONDS : 0));
  }

  const wanted: Partial<Record<ConditionType, Condition>> = {};
  if (remaining.size) {
    const parts = [...remaining].map(([gr, n]) => `${gr} has ${n} resource instances`).sort();
    wanted.NamespaceContentRemaining = {
      type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain',
      message: `Some resources are remaining: ${parts.join(', ')}`,
    };
  }
  if (byFinalizer.size) {
    const parts = [...byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    wanted.NamespaceFinalizersRemaining = {
      type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`,
    };
  }
  status.conditions = mergeConditions(ns.status?.conditions ?? [], wanted, timeString(now));
  if (!semanticEqual(ns.status ?? {}, status)) actions.unshift({ kind: 'updateStatus', object: kube({ ...clone(ns), status }) });

  if (observed === 0) {
    // Nothing left: drop our token (kube writes the rest back sorted and de-duplicated).
    const rest = [...new Set(finalizers.filter((f) => f !== FINALIZER))].sort();
    const finalized = clone(ns);
    finalized.spec = { ...(finalized.spec ?? {}), finalizers: rest };
    actions.push({ kind: 'finalize', object: kube(finalized) });
    return { actions };
  }
  // kube requeues after half the estimate plus a second; with nothing expected to stay, come
  // back as soon as the deletes are through to finalize.
  return { actions, requeueAfterMs: remaining.size ? (Math.floor(estimate / 2) + 1) * 1000 : 0 };
}
