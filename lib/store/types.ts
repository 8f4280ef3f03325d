/**
 * The store's port: what the API and the controllers need from storage. The DynamoDB adapter
 * (`dynamo-store.ts`) implements it; nothing above this interface knows about DynamoDB.
 */
import type { KubeObject, OwnerReference, RequestContext, WatchEventType } from '../core/object.ts';
import type { ResourceType } from '../core/resources.ts';

/**
 * The parts of an object selectors look at. The log keeps these for the *previous* state too, so a
 * selector watch can tell when an object leaves its selection.
 */
export interface Selectable {
  labels: Record<string, string>;
  /** `metadata.name`, `metadata.namespace` and every field selector the type supports. */
  fields: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export type SelectablePredicate = (s: Selectable) => boolean;

export interface ListOptions {
  /** Only this namespace (namespaced types); all namespaces when absent. */
  namespace?: string;
  limit?: number;
  /** The opaque token a previous page returned. */
  continue?: string;
  /** Unset or '' = most recent; '0' = any; otherwise a number, read per `resourceVersionMatch`. */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  filter?: SelectablePredicate;
  /** Pods only: read the by-node index instead of the namespace range. */
  nodeName?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  /** Start after this resourceVersion; '' or '0' = start now, with the current state as ADDED events. */
  resourceVersion?: string;
  /** With a numeric resourceVersion: also send the state at it as ADDED events first (streaming list). */
  sendInitialEvents?: boolean;
  allowBookmarks?: boolean;
  filter?: SelectablePredicate;
  nodeName?: string;
  signal: AbortSignal;
  /**
   * Called once the watch has been accepted: after every check that can refuse it (400, 410,
   * 504) and before the first event. Lets an HTTP layer answer a refusal with its status code.
   */
  onStarted?: () => void;
}

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** One event of the log, as the audit trail and the router read it. */
export interface LogEntry {
  /** Storage key of the type (`deployments.apps`). */
  type: string;
  /** The event's number: the object's new resourceVersion. */
  rev: string;
  eventType: 'ADDED' | 'MODIFIED' | 'DELETED';
  namespace: string;
  name: string;
  uid: string;
  /** The object after the change (for DELETED, its final state). */
  object: KubeObject;
  /** The object's resourceVersion before this change; absent for a create. */
  prevRev?: string;
  prevSelectable?: Selectable;
  actor: RequestContext['actor'];
  verb: string;
  requestId: string;
  userAgent?: string;
  sourceIp?: string;
  /** ISO time of the write. */
  time: string;
  /** RFC 8785 hash of this entry chained to the object's previous entry. */
  hash: string;
  prevHash?: string;
}

/**
 * A version counter the write takes along in its transaction: the write commits only if the
 * counter still has the version the writer read (absent = never claimed), and moves it on by
 * one. Writers that read some shared state (a node's bound pods) and decide from it claim the
 * same key, so two decisions from the same state cannot both commit.
 */
export interface Claim {
  key: string;
  /** The version read with `claimVersion`; undefined when the key had none. */
  expect: number | undefined;
  /**
   * Move the counter on whatever its version (`expect` is ignored): for a write that changes the
   * shared state without deciding from it (a pod created already bound to a node), so decisions
   * taken from the state before it fail their claim.
   */
  bump?: boolean;
}

/** The claim key of a node's allocations: every write that puts a pod on the node moves it on. */
export function nodeAllocationClaim(node: string): string {
  return `node-allocation/${node}`;
}

/** The guard of a write that puts a pod on a node without deciding from the node's state. */
export function podLandsOn(node: string): WriteGuards {
  return { claims: [{ key: nodeAllocationClaim(node), expect: undefined, bump: true }] };
}

export interface WriteGuards {
  claims?: Claim[];
  /**
   * The caller expects the name to be free (it is unique by construction, or a collision is the
   * rare case the caller handles): a create skips its fail-fast existence read. A collision is
   * still refused with AlreadyExists, at the cost of a filler in the log.
   */
  expectNew?: boolean;
}

export interface ObjectStore {
  /** A consistent read of the current object, or undefined. */
  get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  /**
   * Stores a new object. `metadata.resourceVersion` must be unset; the result carries the new one.
   * Throws AlreadyExistsError when it exists, NotFoundError / ForbiddenError when its namespace is
   * missing / terminating.
   */
  create(type: ResourceType, obj: KubeObject, ctx: RequestContext, guards?: WriteGuards): Promise<KubeObject>;
  /**
   * Replaces an object whose stored resourceVersion equals `obj.metadata.resourceVersion`.
   * Throws ConflictError when it changed since, NotFoundError when it is gone.
   */
  update(type: ResourceType, obj: KubeObject, ctx: RequestContext, guards?: WriteGuards): Promise<KubeObject>;
  /**
   * The changes to a type after `afterRv`, up to its current watermark, oldest first (for caches
   * kept warm between invocations). Undefined when there are more than `max` of them: relist.
   */
  changesSince?(type: ResourceType, afterRv: string, max?: number): Promise<{ events: WatchEvent[]; resourceVersion: string } | undefined>;
  /**
   * The object at exactly `resourceVersion` if this process read or wrote that version a moment
   * ago, without reading the store; undefined otherwise. A version's content never changes, but it
   * may no longer be current: only a write conditioned on it may rely on it.
   */
  knownAt?(type: ResourceType, namespace: string | undefined, name: string, resourceVersion: string): Promise<KubeObject | undefined>;
  /** A claim key's current version (consistent read); undefined when never claimed. */
  claimVersion?(key: string): Promise<number | undefined>;
  /**
   * Runs `work` in one of the store's write turns, when the store limits its writes in flight
   * (absent otherwise): a caller creating an object takes its turn before it stamps the object's
   * uid and creationTimestamp, so waiting for the turn is not part of the object's age. `create`
   * itself does not wait for a turn; `update` and `delete` do, ranked by their object's creation.
   */
  admit?<T>(rank: number, work: () => Promise<T>): Promise<T>;
  /** Removes an object (its final state is `obj`, read at `obj.metadata.resourceVersion`). */
  delete(type: ResourceType, obj: KubeObject, ctx: RequestContext): Promise<KubeObject>;
  list(type: ResourceType, opts?: ListOptions): Promise<ListResult>;
  watch(type: ResourceType, opts: WatchOptions): AsyncIterable<WatchEvent>;
  /** The type's watermark: every change at or below it is readable. */
  currentResourceVersion(type: ResourceType): Promise<string>;
  /** One object's events, oldest first. */
  history(type: ResourceType, namespace: string | undefined, name: string): Promise<LogEntry[]>;
}
