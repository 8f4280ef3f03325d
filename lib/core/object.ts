/** The shape every Kubernetes object shares. Kind-specific schemas live in `lib/api/schema`. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [extra: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Who made a change, as the log records it. */
export interface Actor {
  user: string;
  groups: string[];
  uid?: string;
}

/** Everything the log records about one request, beside the object itself. */
export interface RequestContext {
  actor: Actor;
  /** The Kubernetes verb: create, update, patch, delete, deletecollection. */
  verb: string;
  requestId: string;
  userAgent?: string;
  sourceIp?: string;
  /**
   * Where the write stands in line when the store's writes wait their turn (see `WriteGate`): a
   * time in ms, earlier first. Unset, a create ranks by its arrival and any other write by its
   * object's creation. Not recorded.
   */
  rank?: number;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
