/**
 * What a pure reconciler returns: the writes a thin handler applies, in order, through the normal
 * write path (DESIGN.md, "Reconcile model"). Reconcilers never do I/O and never read the clock.
 */
import type { KubeObject, OwnerReference } from '../core/object.ts';
import { RESOURCE_TYPES } from '../core/resources.ts';

/** Enough to name an object in an Event's involvedObject. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** The plural resource names of the kinds Skiff serves (lib/core/resources.ts); each names one kind. */
export const RESOURCE_NAMES = [
  'namespaces', 'pods', 'nodes', 'services', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'events',
  'deployments', 'replicasets', 'leases', 'endpointslices', 'poddisruptionbudgets',
] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

/** kube's DeleteOptions.propagationPolicy. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export type Action =
  /** Create; `metadata.generateName` may stand in for the name. */
  | { kind: 'create'; object: KubeObject }
  /**
   * Full replace of the object as observed, carrying the observed `metadata.resourceVersion`
   * so a concurrent change is a conflict (the handler re-reads and reconciles again).
   */
  | { kind: 'update'; object: KubeObject }
  /**
   * Write `object.status` through the status subresource, with the observed resourceVersion.
   * When an `update` of the same object comes earlier in the same list, the handler applies the
   * status on top of that update's result (its new resourceVersion): the reconciler saw both
   * changes as one consistent step.
   */
  | { kind: 'updateStatus'; object: KubeObject }
  /**
   * Delete any kind, named by its plural resource (unique across the kinds Skiff serves).
   * `namespace` is '' for cluster-scoped kinds. The options are kube's DeleteOptions: the
   * preconditions make a stale decision a conflict; `propagationPolicy` chooses what happens to
   * the object's dependents (Foreground and Orphan add the `foregroundDeletion` / `orphan`
   * finalizer); `gracePeriodSeconds` overrides a pod's terminationGracePeriodSeconds. A delete
   * of an object that is already gone counts as done.
   */
  | {
    kind: 'delete';
    resource: ResourceName;
    namespace: string;
    name: string;
    preconditions?: { uid: string; resourceVersion?: string };
    propagationPolicy?: PropagationPolicy;
    gracePeriodSeconds?: number;
  }
  /**
   * Write a Namespace's `spec.finalizers` through the `namespaces/{name}/finalize` subresource
   * (the only way to change them), with the observed resourceVersion. As with `updateStatus`,
   * when an earlier action in the same list wrote the same namespace, the handler applies this
   * on top of that write's result. A namespace being deleted that is left with no finalizers at
   * all is removed from storage by this write.
   */
  | { kind: 'finalize'; object: KubeObject }
  | {
    kind: 'event';
    involvedObject: ObjectReference;
    type: 'Normal' | 'Warning';
    reason: string;
    message: string;
    /**
     * The index (in the same `actions` list) of the `create` this event reports. The name of a
     * pod made from `generateName` is only known once it is created: the handler replaces
     * `message`'s trailing generateName with the created name (kube's `Created pod: web-7d9f-x2k4q`)
     * and drops the event if that create failed.
     */
    createIndex?: number;
  };

export interface ReconcileResult {
  actions: Action[];
  /** Reconcile this key again after this long even if nothing changes (e.g. minReadySeconds). */
  requeueAfterMs?: number;
}

/** kube's `burstReplicas`: the most pods one ReplicaSet reconcile creates or deletes. */
export const BURST_REPLICAS = 500;

/**
 * kube's slowStartBatch sizes for `count` creations: 1, 2, 4, … A handler applies a result's
 * creates in these batches and stops at the first batch with a failure, so a broken template
 * (quota, admission) costs one failed create, not five hundred.
 */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    out.push(size);
    remaining -= size;
  }
  return out;
}

export function referenceTo(obj: KubeObject): ObjectReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
  };
}

/** The controller reference kube puts on what a controller creates or adopts. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.Time as kube writes it: RFC 3339, whole seconds. */
export function timeString(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The plural resource of a kind Skiff serves and whether it is namespaced, found by API group and
 * kind (the version is not compared, as kube's REST mapping of an owner reference does not).
 */
export function resourceOf(apiVersion: string, kind: string): { resource: ResourceName; group: string; namespaced: boolean } | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const t = RESOURCE_TYPES.find((r) => r.group === group && r.kind === kind);
  return t ? { resource: t.resource as ResourceName, group: t.group, namespaced: t.namespaced } : undefined;
}
