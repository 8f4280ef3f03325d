/**
 * The store on DynamoDB: the storage contract of docs/architecture.md ("Storage contract").
 *
 * - Numbers: one sequence per type in `meta`, taken last with `UpdateItem ADD`.
 * - One change = one TransactWriteItems (with a ClientRequestToken): the object item conditioned on
 *   the exact state read, the log item at (type, rev) conditioned on absence, a namespace
 *   ConditionCheck for creates, the pods-by-node index items and any payload chunks.
 * - A number that fails to commit is filled at once by its writer; one a writer abandoned is filled
 *   by a reader after `holeTimeoutMs` (see `log-tailer.ts`). Readers only serve up to the watermark.
 * - Lists are snapshots at R: items newer than R are rewound through the log.
 *
 * Key layout: `keys.ts`. Item encoding: `codec.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  type ApiError,
  type ResourceRef,
} from '../core/errors.ts';
import { systemClock, type Clock, type KubeObject, type RequestContext } from '../core/object.ts';
import { apiVersionOf, type ResourceType } from '../core/resources.ts';
import type { TableNames } from '../topology.ts';
import { bool, encodePayload, flag, logItem, n, num, s, sameContent, stamp, str, type EncodedPayload, type Item } from './codec.ts';
import { DynamoIo } from './dynamo-io.ts';
import { cancellationReasons, continueTooOld, toApiError, tooOldResourceVersion } from './errors.ts';
import { entryHash } from './hash.ts';
import { NAMESPACES_KEY, PODS_KEY, nodeIndexPk, objectSk, typeKeyOf } from './keys.ts';
import { LogTailer } from './log-tailer.ts';
import { selectableOf } from './selectable.ts';
import { Subscription } from './subscription.ts';
import type { ListOptions, ListResult, LogEntry, ObjectStore, WatchEvent, WatchOptions, WriteGuards } from './types.ts';
import { eventFor, selectsObject, type Selection } from './watch-filter.ts';
import { WriteGate } from './write-gate.ts';

/** Test seams. Production code passes none. */
export interface StoreHooks {
  /** Runs after a writer took its number and before it commits: a test can stall or crash a writer here. */
  beforeCommit?(info: { type: string; rev: number; verb: string; attempt: number }): Promise<void> | void;
}

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tables: TableNames;
  clock?: Clock;
  /** How far back a watch (or an exact list, or a continue token) may start. Default 3600. */
  watchWindowSeconds?: number;
  /** How long a reader leaves a hole open before filling it. Default 1000. */
  holeTimeoutMs?: number;
  /** How often the log is polled for watchers. Default 50. */
  pollIntervalMs?: number;
  /** How often a watch with allowBookmarks gets a BOOKMARK. Default 2000. */
  bookmarkIntervalMs?: number;
  /** How long a request for a resourceVersion not yet issued waits before its 504. Default 3000. */
  tooLargeWaitMs?: number;
  hooks?: StoreHooks;
  /**
   * Most writes running at once, oldest object first (see `WriteGate`): updates and deletes wait
   * for a turn in the store, creates in `admit` (their caller's). Unset, no limit. For a database of
   * fixed capacity, as DynamoDB Local is on the machine's cores; DynamoDB itself scales with load.
   */
  writeConcurrency?: number;
}

/**
 * Attempts for one write when its number was lost without a verdict on its preconditions: a reader
 * filled the slot, a TransactionConflict, a create racing a re-create. Each attempt re-reads.
 */
const MAX_WRITE_ATTEMPTS = 5;
/** Rewinds and chunk reads in flight at once while serving a list page. */
const PAGE_CONCURRENCY = 16;

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Cancellation reasons the write path handles itself; any other is a failure to report. */
const RETRYABLE_REASONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);

type Verb = 'create' | 'update' | 'delete';

/** One change's transaction, and where in it the items whose failures mean something are. */
interface Plan {
  items: TransactWriteItem[];
  objectIndex: number;
  namespaceIndex?: number;
  /** Where the claim updates start in `items`. */
  claimsAt?: number;
}

/** Claim counters live in the objects table under this partition (no type is named so). */
const CLAIMS_PK = 'claims';

/**
 * Object items this process read or wrote a moment ago, by key. An entry is only ever used as
 * "the item at version N" (immutable) or, for namespaces, as a hint the transaction re-checks.
 */
class RecentItems {
  static readonly MAX_BODY_BYTES = 16 * 1024;
  readonly #items = new Map<string, { item: Item; at: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  remember(typeKey: string, sk: string, item: Item): void {
    const key = `${typeKey}|${sk}`;
    this.#items.delete(key);
    // Bounded memory: large inline payloads are read again rather than kept.
    if ((item.body?.B?.length ?? 0) > RecentItems.MAX_BODY_BYTES) return;
    this.#items.set(key, { item, at: performance.now() });
    if (this.#items.size > this.max) this.#items.delete(this.#items.keys().next().value!);
  }

  forget(typeKey: string, sk: string): void {
    this.#items.delete(`${typeKey}|${sk}`);
  }

  /** The item if it is at version `rv` (any age: a version's item never changes). */
  at(typeKey: string, sk: string, rv: number): Item | undefined {
    const e = this.#items.get(`${typeKey}|${sk}`);
    return e && num(e.item, 'rv') === rv ? e.item : undefined;
  }

  /** A live, not-terminating item seen within the TTL. */
  fresh(typeKey: string, sk: string): Item | undefined {
    const e = this.#items.get(`${typeKey}|${sk}`);
    if (!e || performance.now() - e.at > this.ttlMs) return undefined;
    return flag(e.item, 'deleted') || flag(e.item, 'terminating') ? undefined : e.item;
  }
}

export class DynamoStore implements ObjectStore {
  readonly #recent = new RecentItems(2000, 4096);
  readonly #io: DynamoIo;
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #holeTimeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #bookmarkIntervalMs: number;
  readonly #tooLargeWaitMs: number;
  readonly #hooks: StoreHooks;
  readonly #tailers = new Map<string, LogTailer>();
  readonly #gate: WriteGate | undefined;
  #closed = false;

  constructor(opts: DynamoStoreOptions) {
    this.#clock = opts.clock ?? systemClock;
    this.#io = new DynamoIo({ client: opts.client, tables: opts.tables, clock: this.#clock });
    this.#windowMs = (opts.watchWindowSeconds ?? 3600) * 1000;
    this.#holeTimeoutMs = opts.holeTimeoutMs ?? 1000;
    this.#pollIntervalMs = opts.pollIntervalMs ?? 50;
    this.#bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 2000;
    this.#tooLargeWaitMs = opts.tooLargeWaitMs ?? 3000;
    this.#hooks = opts.hooks ?? {};
    this.#gate = opts.writeConcurrency === undefined ? undefined : new WriteGate(opts.writeConcurrency);
  }

  /** Stops every log tailer; open watches end. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#tailers.values()) t.close();
    this.#tailers.clear();
  }

  // ---- reads --------------------------------------------------------------------------------

  async get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      const typeKey = typeKeyOf(type);
      const sk = objectSk(type.namespaced ? namespace : undefined, name);
      const item = await this.#io.getObjectItem(typeKey, sk);
      if (!item || flag(item, 'deleted')) return undefined;
      this.#recent.remember(typeKey, sk, item);
      return await this.#io.decodeObject(item);
    } catch (err) {
      throw toApiError(err);
    }
  }

  async knownAt(type: ResourceType, namespace: string | undefined, name: string, resourceVersion: string): Promise<KubeObject | undefined> {
    if (!/^[1-9]\d*$/.test(resourceVersion)) return undefined;
    const item = this.#recent.at(typeKeyOf(type), objectSk(type.namespaced ? namespace : undefined, name), Number(resourceVersion));
    if (!item || flag(item, 'deleted')) return undefined;
    try {
      return await this.#io.decodeObject(item);
    } catch (err) {
      throw toApiError(err);
    }
  }

  async currentResourceVersion(type: ResourceType): Promise<string> {
    try {
      return String(await this.#tailer(type).snapshot(this.#tooLargeWaitMs));
    } catch (err) {
      throw toApiError(err);
    }
  }

  /**
   * The entry a log item holds, e.g. a stream record's NewImage (with binary attributes as bytes);
   * undefined for a filler, which records no change. Loads chunked payloads from the objects table.
   */
  async decodeLogItem(item: Item): Promise<LogEntry | undefined> {
    if (flag(item, 'filler')) return undefined;
    try {
      return (await this.#io.decodeEntry(item)).entry;
    } catch (err) {
      throw toApiError(err);
    }
  }

  /**
   * One object's log entries, oldest first, across deletes and re-creates under the same name
   * (fillers are not entries). Follows the chain back from the object's item: one read per entry.
   */
  async history(type: ResourceType, namespace: string | undefined, name: string): Promise<LogEntry[]> {
    try {
      const typeKey = typeKeyOf(type);
      const item = await this.#io.getObjectItem(typeKey, objectSk(type.namespaced ? namespace : undefined, name));
      const out: LogEntry[] = [];
      let rev = item ? num(item, 'rv') : undefined;
      while (rev !== undefined) {
        const logItem = await this.#io.getLogItem(typeKey, rev);
        if (!logItem || flag(logItem, 'filler')) break;
        const stored = await this.#io.decodeEntry(logItem);
        out.push(stored.entry);
        rev = stored.prevEntryRev;
      }
      return out.reverse();
    } catch (err) {
      throw toApiError(err);
    }
  }

  // ---- writes -------------------------------------------------------------------------------

  create(type: ResourceType, obj: KubeObject, ctx: RequestContext, guards?: WriteGuards): Promise<KubeObject> {
    return this.#guard(() => this.#write('create', type, obj, ctx, guards));
  }

  /**
   * Replaces the object. With `metadata.resourceVersion` set it must equal the stored one (else
   * 409); without, the write applies to whatever is current. An update that leaves the object
   * byte-for-byte equal (after canonical JSON, resourceVersion aside) writes nothing and returns the
   * stored object. Normalizing what should not count as a change (managedFields times) is the
   * caller's job.
   */
  update(type: ResourceType, obj: KubeObject, ctx: RequestContext, guards?: WriteGuards): Promise<KubeObject> {
    return this.#guard(() => this.#write('update', type, obj, ctx, guards));
  }

  delete(type: ResourceType, obj: KubeObject, ctx: RequestContext): Promise<KubeObject> {
    return this.#guard(() => this.#write('delete', type, obj, ctx));
  }

  admit<T>(rank: number, work: () => Promise<T>): Promise<T> {
    return this.#gate ? this.#gate.run(rank, work) : work();
  }

  /** An update or delete in its turn, ranked by the caller's rank or else by its object's creation. */
  #inTurn<T>(obj: KubeObject, ctx: RequestContext, work: () => Promise<T>): Promise<T> {
    if (!this.#gate) return work();
    const born = ctx.rank ?? Date.parse(obj.metadata.creationTimestamp ?? '');
    return this.#gate.run(Number.isNaN(born) ? this.#clock().getTime() : born, work);
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toApiError(err);
    }
  }

  async changesSince(type: ResourceType, afterRv: string, max = 5000): Promise<{ events: WatchEvent[]; resourceVersion: string } | undefined> {
    try {
      const after = parseResourceVersion(afterRv);
      const through = Number(await this.currentResourceVersion(type));
      if (through - after > max) return undefined;
      const entries = await this.#io.readLogRange(typeKeyOf(type), after, through);
      return { events: entries.map(({ entry }) => ({ type: entry.eventType, object: entry.object })), resourceVersion: String(Math.max(after, through)) };
    } catch (err) {
      throw toApiError(err);
    }
  }

  async claimVersion(key: string): Promise<number | undefined> {
    try {
      const item = await this.#io.getObjectItem(CLAIMS_PK, key);
      return item ? num(item, 'v') : undefined;
    } catch (err) {
      throw toApiError(err);
    }
  }

  async #write(verb: Verb, type: ResourceType, obj: KubeObject, ctx: RequestContext, guards?: WriteGuards): Promise<KubeObject> {
    const typeKey = typeKeyOf(type);
    const name = obj.metadata.name;
    if (!name) throw new BadRequestError('metadata.name is required');
    const namespace = type.namespaced ? obj.metadata.namespace : undefined;
    if (type.namespaced && !namespace) throw new BadRequestError('metadata.namespace is required for a namespaced resource');
    const ref: ResourceRef = { group: type.group, resource: type.resource, name };
    const sk = objectSk(namespace, name);
    let expected: number | undefined;
    if (verb === 'create') {
      if (obj.metadata.resourceVersion) throw new BadRequestError('resourceVersion should not be set on objects to be created');
    } else if (obj.metadata.resourceVersion) {
      expected = parseResourceVersion(obj.metadata.resourceVersion);
    }
    const payload = await encodePayload(obj);

    const attempts = async (): Promise<KubeObject> => {
      for (let attempt = 1; ; attempt++) {
        // The item a caller just read at the version it names is that version's item: reuse it
        // instead of reading it again (the Put is conditioned on that exact version anyway).
        // Likewise a namespace seen alive a moment ago (the transaction checks it again).
        const known = attempt === 1 && expected !== undefined ? this.#recent.at(typeKey, sk, expected) : undefined;
        const nsKnown = attempt === 1 && verb === 'create' && namespace !== undefined ? this.#recent.fresh(NAMESPACES_KEY, objectSk(undefined, namespace)) : undefined;
        // A name generated from generateName a moment ago almost surely exists nowhere: skip the
        // fail-fast read (the transaction's condition still refuses a collision, and the caller
        // retries a generated name that collides).
        const generated = attempt === 1 && verb === 'create' && (!!guards?.expectNew || (!!obj.metadata.generateName && name.startsWith(obj.metadata.generateName)));
        const [cur, nsItem] = await Promise.all([
          known ?? (generated ? undefined : this.#io.getObjectItem(typeKey, sk)),
          verb === 'create' && namespace !== undefined ? (nsKnown ?? this.#io.getObjectItem(NAMESPACES_KEY, objectSk(undefined, namespace))) : undefined,
        ]);
        if (nsItem && namespace !== undefined && !nsKnown) this.#recent.remember(NAMESPACES_KEY, objectSk(undefined, namespace), nsItem);
        const live = cur !== undefined && !flag(cur, 'deleted');
        const curRv = cur ? num(cur, 'rv') : undefined;
        // Fail fast on what the transaction would refuse anyway, before taking a number.
        if (verb === 'create') {
          if (live) throw new AlreadyExistsError(ref);
          if (namespace !== undefined) namespaceCheck(ref, namespace, nsItem);
        } else {
          if (!live) throw new NotFoundError(ref);
          if (expected !== undefined && expected !== curRv) throw new ConflictError(ref);
        }
        const prev = live && cur ? await this.#io.decodeObject(cur) : undefined;
        if (verb === 'update' && prev && sameContent(prev, obj)) {
          // No write to condition on the version: when it came from memory, check it is current.
          if (known) {
            const fresh = await this.#io.getObjectItem(typeKey, sk);
            if (!fresh || flag(fresh, 'deleted')) throw new NotFoundError(ref);
            if (num(fresh, 'rv') !== curRv) throw new ConflictError(ref);
          }
          return prev;
        }

        // The number is taken last: every check that can fail without a write has run. From here on
        // any failure must settle the number (see #settle), or it stays a hole until a reader fills it.
        const rev = await this.#io.takeNumber(typeKey);
        const stamped = stamp(obj, rev);
        const entryBody: Omit<LogEntry, 'hash'> = {
          type: typeKey,
          rev: String(rev),
          eventType: verb === 'create' ? 'ADDED' : verb === 'update' ? 'MODIFIED' : 'DELETED',
          namespace: namespace ?? '',
          name,
          uid: obj.metadata.uid ?? prev?.metadata.uid ?? '',
          object: stamped,
          ...(prev && curRv !== undefined ? { prevRev: String(curRv), prevSelectable: selectableOf(type, prev) } : {}),
          actor: { user: ctx.actor.user, groups: [...ctx.actor.groups], ...(ctx.actor.uid ? { uid: ctx.actor.uid } : {}) },
          verb: ctx.verb,
          requestId: ctx.requestId,
          ...(ctx.userAgent !== undefined ? { userAgent: ctx.userAgent } : {}),
          ...(ctx.sourceIp !== undefined ? { sourceIp: ctx.sourceIp } : {}),
          time: this.#clock().toISOString(),
          ...(cur && str(cur, 'hash') ? { prevHash: str(cur, 'hash') } : {}),
        };
        let hash = '';
        let plan: Plan | undefined;
        try {
          const entry: LogEntry = { ...entryBody, hash: entryHash(entryBody) };
          hash = entry.hash;
          plan = this.#plan({ verb, typeKey, sk, rev, cur, curRv, prev, obj, payload, entry, namespace });
          const claimsAt = plan.items.length;
          for (const c of guards?.claims ?? []) {
            if (c.bump) {
              plan.items.push({
                Update: { TableName: this.#io.tables.objects, Key: { pk: s(CLAIMS_PK), sk: s(c.key) }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': n(1) } },
              });
              continue;
            }
            plan.items.push({
              Update: {
                TableName: this.#io.tables.objects,
                Key: { pk: s(CLAIMS_PK), sk: s(c.key) },
                UpdateExpression: 'SET v = :next',
                ConditionExpression: c.expect === undefined ? 'attribute_not_exists(v)' : 'v = :expect',
                ExpressionAttributeValues: { ':next': n((c.expect ?? 0) + 1), ...(c.expect === undefined ? {} : { ':expect': n(c.expect) }) },
              },
            });
          }
          plan.claimsAt = claimsAt;
          await this.#hooks.beforeCommit?.({ type: typeKey, rev, verb, attempt });
          await this.#io.transact(plan.items, randomUUID());
          const written = plan.items[plan.objectIndex].Put?.Item;
          if (written && verb !== 'delete') this.#recent.remember(typeKey, sk, written);
          else this.#recent.forget(typeKey, sk);
          this.#nudge(typeKey);
          return stamped;
        } catch (err) {
          // (Before the transaction was built `hash` is '', which no log item carries.)
          if (await this.#settle(typeKey, rev, hash)) {
            // The "failure" came after the commit (a timeout on the way back): it is a success.
            this.#nudge(typeKey);
            return stamped;
          }
          this.#recent.forget(typeKey, sk);
          // The namespace seen alive is forgotten only when the failure may be its doing.
          const forgetNamespace = () => {
            if (namespace !== undefined) this.#recent.forget(NAMESPACES_KEY, objectSk(undefined, namespace));
          };
          if (!plan) {
            forgetNamespace();
            throw toApiError(err);
          }
          const reasons = cancellationReasons(err);
          if (reasons.length === 0) {
            forgetNamespace();
            throw toApiError(err);
          }
          const unexpected = reasons.find((r) => r.Code && !RETRYABLE_REASONS.has(r.Code));
          if (unexpected) throw reasonError(unexpected.Code ?? '', err);
          if (plan.claimsAt !== undefined && reasons.slice(plan.claimsAt).some((r) => r.Code === 'ConditionalCheckFailed')) {
            // What the claim stood for changed since the writer read it: its decision is stale.
            throw new ConflictError(ref, 'the state this change was decided from has changed; please decide again');
          }
          const objectReason = reasons[plan.objectIndex];
          const nsReason = plan.namespaceIndex === undefined ? undefined : reasons[plan.namespaceIndex];
          if (nsReason?.Code === 'ConditionalCheckFailed') {
            forgetNamespace();
            namespaceCheck(ref, namespace ?? '', nsReason.Item);
          }
          if (objectReason?.Code === 'ConditionalCheckFailed') {
            const now = objectReason.Item;
            const nowLive = now !== undefined && !flag(now, 'deleted');
            if (verb === 'create' && nowLive) throw new AlreadyExistsError(ref);
            if (verb !== 'create' && !nowLive) throw new NotFoundError(ref);
            if (verb !== 'create' && expected !== undefined) throw new ConflictError(ref);
            // Otherwise the state moved under a write that did not pin it (a create over a tombstone
            // that changed, an update without a resourceVersion): read again.
          }
          // Anything left (our slot filled by a reader, a TransactionConflict) says nothing about the
          // preconditions: read again and retry with a new number.
          if (attempt >= MAX_WRITE_ATTEMPTS) throw new ConflictError(ref, 'the object is being modified too often; please retry');
        }
      }
    };
    // Updates and deletes wait for their turn here, payload ready; a create was admitted by its
    // caller before it was stamped (see ObjectStore.admit).
    return verb === 'create' ? attempts() : this.#inTurn(obj, ctx, attempts);
  }

  /**
   * Settles the number of a write that failed or may have failed: writes a filler there. If the
   * filler lands the write can never commit; if not, reads the slot to see whether our write is the
   * one there. True when the write committed.
   */
  async #settle(typeKey: string, rev: number, hash: string): Promise<boolean> {
    try {
      if (await this.#io.putFiller(typeKey, rev)) return false;
    } catch {
      // Could not fill: look at the slot anyway; if that fails too, readers fill the hole later.
    }
    try {
      const item = await this.#io.getLogItem(typeKey, rev, 'pk, rev, filler, hash');
      return item !== undefined && !flag(item, 'filler') && str(item, 'hash') === hash;
    } catch {
      return false;
    }
  }

  #plan(p: {
    verb: Verb;
    typeKey: string;
    sk: string;
    rev: number;
    cur: Item | undefined;
    curRv: number | undefined;
    prev: KubeObject | undefined;
    obj: KubeObject;
    payload: EncodedPayload;
    entry: LogEntry;
    namespace: string | undefined;
  }): Plan {
    const { objects, log } = this.#io.tables;
    const items: TransactWriteItem[] = [];
    const uid = p.entry.uid;
    const base: Item = { sk: s(p.sk), rv: n(p.rev), uid: s(uid), hash: s(p.entry.hash) };
    const tombstone = (pk: string): Item => ({
      ...base,
      pk: s(pk),
      deleted: bool(true),
      // For a table TTL on `expiresAt`: a tombstone only matters while the window can rewind past it.
      expiresAt: n(Math.floor(this.#clock().getTime() / 1000) + Math.ceil((2 * this.#windowMs) / 1000)),
    });
    const liveItem = (pk: string): Item => ({
      ...base,
      pk: s(pk),
      ...p.payload.attrs,
      ...(p.typeKey === NAMESPACES_KEY && isTerminating(p.obj) ? { terminating: bool(true) } : {}),
    });

    // The object item, conditioned on exactly the state read: the previous entry's hash and rev are
    // part of the new entry, so anything else in between must fail this write.
    let condition: string;
    const values: Item = {};
    const names: Record<string, string> = {};
    if (!p.cur) {
      condition = 'attribute_not_exists(pk)';
    } else {
      names['#rv'] = 'rv';
      names['#del'] = 'deleted';
      values[':cur'] = n(p.curRv ?? 0);
      values[':rev'] = n(p.rev);
      if (p.verb === 'create') {
        values[':t'] = bool(true);
        condition = '#rv = :cur AND #del = :t AND #rv < :rev';
      } else {
        condition = '#rv = :cur AND attribute_not_exists(#del) AND #rv < :rev';
      }
    }
    const objectIndex = items.length;
    items.push({
      Put: {
        TableName: objects,
        Item: p.verb === 'delete' ? tombstone(p.typeKey) : liveItem(p.typeKey),
        ConditionExpression: condition,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    items.push({
      Put: {
        TableName: log,
        Item: logItem(p.entry, p.payload.attrs, p.curRv),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });

    let namespaceIndex: number | undefined;
    if (p.verb === 'create' && p.namespace !== undefined) {
      namespaceIndex = items.length;
      items.push({
        ConditionCheck: {
          TableName: objects,
          Key: { pk: s(NAMESPACES_KEY), sk: s(objectSk(undefined, p.namespace)) },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#del) AND attribute_not_exists(#term)',
          ExpressionAttributeNames: { '#del': 'deleted', '#term': 'terminating' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }

    // Pods by node: a mirror of the pod's item under its node, so an agent's list is one consistent
    // Query. The object item's condition serializes writers, so the mirrors need none.
    if (p.typeKey === PODS_KEY) {
      const before = nodeNameOf(p.prev);
      const after = p.verb === 'delete' ? undefined : nodeNameOf(p.obj);
      if (after) items.push({ Put: { TableName: objects, Item: liveItem(nodeIndexPk(after)) } });
      if (before && before !== after) items.push({ Put: { TableName: objects, Item: tombstone(nodeIndexPk(before)) } });
    }

    for (const chunk of p.payload.chunkItems) items.push({ Put: { TableName: objects, Item: chunk } });
    return { items, objectIndex, ...(namespaceIndex === undefined ? {} : { namespaceIndex }) };
  }

  #nudge(typeKey: string): void {
    this.#tailers.get(typeKey)?.nudge();
  }

  #tailer(type: ResourceType): LogTailer {
    if (this.#closed) throw new Error('store is closed');
    const typeKey = typeKeyOf(type);
    let t = this.#tailers.get(typeKey);
    if (!t) {
      t = new LogTailer({ io: this.#io, typeKey, holeTimeoutMs: this.#holeTimeoutMs, pollIntervalMs: this.#pollIntervalMs });
      this.#tailers.set(typeKey, t);
    }
    return t;
  }

  // ---- lists --------------------------------------------------------------------------------

  async list(type: ResourceType, opts: ListOptions = {}): Promise<ListResult> {
    try {
      return await this.#list(type, opts);
    } catch (err) {
      throw toApiError(err);
    }
  }

  async #list(type: ResourceType, opts: ListOptions): Promise<ListResult> {
    const typeKey = typeKeyOf(type);
    const sel = selectionOf(type, opts);
    const rvParam = opts.resourceVersion ?? '';
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    let at: number;
    let startSk: string | undefined;
    if (opts.continue) {
      if (rvParam !== '' && rvParam !== '0') throw new BadRequestError('specifying resource version is not allowed when using continue');
      const token = decodeContinue(opts.continue);
      at = token.rv;
      startSk = token.start;
      const prefix = this.#range(type, sel).prefix;
      if (prefix && !startSk.startsWith(prefix)) throw new BadRequestError('continue key is not valid: it belongs to another list');
      await this.#checkWindow(typeKey, at, () => continueTooOld());
    } else {
      if (opts.resourceVersionMatch && rvParam === '') {
        throw new BadRequestError('resourceVersionMatch is forbidden unless resourceVersion is provided');
      }
      if (rvParam === '' || rvParam === '0') {
        if (rvParam === '0' && opts.resourceVersionMatch === 'Exact') {
          throw new BadRequestError('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
        }
        at = await this.#tailer(type).snapshot(this.#tooLargeWaitMs);
      } else {
        const wanted = parseResourceVersion(rvParam);
        // kube: an explicit version with a limit and no match is read exactly (the legacy paging).
        const exact = opts.resourceVersionMatch === 'Exact' || (opts.resourceVersionMatch === undefined && limit !== undefined);
        await this.#tailer(type).waitFor(wanted, this.#tooLargeWaitMs);
        if (exact) {
          await this.#checkWindow(typeKey, wanted, (oldest) => tooOldResourceVersion(wanted, oldest));
          at = wanted;
        } else {
          at = await this.#tailer(type).snapshot(this.#tooLargeWaitMs);
        }
      }
    }
    const page = await this.#page(type, at, sel, startSk, limit);
    return {
      items: page.items,
      resourceVersion: String(at),
      ...(page.nextSk !== undefined ? { continue: encodeContinue(at, page.nextSk) } : {}),
    };
  }

  /** The partition a selection reads, and the sort-key prefix of its namespace. */
  #range(type: ResourceType, sel: Selection): { pk: string; prefix?: string } {
    const typeKey = typeKeyOf(type);
    const pk = typeKey === PODS_KEY && sel.nodeName ? nodeIndexPk(sel.nodeName) : typeKey;
    return type.namespaced && sel.namespace ? { pk, prefix: `${sel.namespace}/` } : { pk };
  }

  /**
   * Up to `limit` objects in the selection as they were at `at`, after `startSk`. `nextSk` is where
   * the next page starts, when there may be more.
   */
  async #page(type: ResourceType, at: number, sel: Selection, startSk: string | undefined, limit: number | undefined): Promise<{ items: KubeObject[]; nextSk?: string }> {
    const typeKey = typeKeyOf(type);
    const { pk, prefix } = this.#range(type, sel);
    const filtered = sel.filter !== undefined || sel.nodeName !== undefined;
    const out: KubeObject[] = [];
    let cursor = startSk;
    for (;;) {
      const want = limit === undefined ? undefined : limit - out.length;
      // Unfiltered, one more than needed tells whether a next page exists; filtered, read ahead.
      const queryLimit = want === undefined ? undefined : filtered ? Math.max(want + 1, 100) : want + 1;
      const page = await this.#io.queryObjects(pk, { prefix, startSk: cursor, limit: queryLimit });
      const states = await mapLimit(page.items, PAGE_CONCURRENCY, (item) => this.#stateAt(typeKey, item, at));
      for (let i = 0; i < page.items.length; i++) {
        const obj = states[i];
        const sk = str(page.items[i], 'sk') ?? '';
        if (obj && selectsObject(type, sel, obj)) {
          if (limit !== undefined && out.length === limit) return { items: out, nextSk: cursor };
          out.push(obj);
        }
        cursor = sk;
      }
      if (!page.last) return { items: out };
      if (limit !== undefined && out.length === limit) {
        // Full, and DynamoDB has more: the next page starts after the last item read.
        return { items: out, nextSk: cursor };
      }
    }
  }

  /** What `item` (an object or index item) held at `at`: itself, or rewound through the log. */
  async #stateAt(typeKey: string, item: Item, at: number): Promise<KubeObject | undefined> {
    const rv = num(item, 'rv') ?? 0;
    if (rv <= at) return flag(item, 'deleted') ? undefined : this.#io.decodeObject(item);
    // Walk the key's chain back (projections only) to the first entry at or below `at`.
    let rev: number | undefined = rv;
    for (;;) {
      const link = await this.#io.getLogItem(typeKey, rev, 'pk, rev, prevEntryRev');
      rev = link ? num(link, 'prevEntryRev') : undefined;
      if (rev === undefined) return undefined; // created after `at`
      if (rev <= at) break;
    }
    const logEntryItem = await this.#io.getLogItem(typeKey, rev);
    if (!logEntryItem || str(logEntryItem, 'eventType') === 'DELETED') return undefined;
    return (await this.#io.decodeEntry(logEntryItem)).entry.object;
  }

  /**
   * 410 when `from` is below the watch window: the first change after it is older than the window.
   * A version nothing happened after is never too old.
   */
  async #checkWindow(typeKey: string, from: number, gone: (oldest: number) => ApiError): Promise<void> {
    const cutoff = this.#clock().getTime() - this.#windowMs;
    let start: Item | undefined;
    let tooOld = false;
    let last = from;
    for (let pages = 0; pages < 5; pages++) {
      // Usually the first item decides; read more only to name the oldest version still served.
      const page = await this.#io.queryLog(typeKey, { after: from, limit: pages === 0 ? 10 : 1000, start, projection: 'pk, rev, filler, time' });
      for (const item of page.items) {
        last = num(item, 'rev') ?? last;
        // Fillers are written when a hole is found, not when its number was taken: their time says nothing.
        if (flag(item, 'filler')) continue;
        const inWindow = Date.parse(str(item, 'time') ?? '') >= cutoff;
        if (!tooOld) {
          if (inWindow) return;
          tooOld = true;
        } else if (inWindow) {
          throw gone(last - 1);
        }
      }
      if (!page.last) break;
      start = page.last;
    }
    if (tooOld) throw gone(last);
  }

  // ---- watch --------------------------------------------------------------------------------

  watch(type: ResourceType, opts: WatchOptions): AsyncIterable<WatchEvent> {
    return this.#watch(type, opts);
  }

  async *#watch(type: ResourceType, opts: WatchOptions): AsyncGenerator<WatchEvent> {
    const typeKey = typeKeyOf(type);
    const sel = selectionOf(type, opts);
    const rvParam = opts.resourceVersion ?? '';
    let from: number;
    let initial: KubeObject[] | undefined;
    // Everything that can refuse the watch (400, 410, 504) happens before the first event.
    try {
      const tailer = this.#tailer(type);
      if (rvParam === '' || rvParam === '0') {
        from = await tailer.snapshot(this.#tooLargeWaitMs);
        // kube: an explicit sendInitialEvents=false starts at the newest version with no replay.
        if (opts.sendInitialEvents !== false) initial = (await this.#page(type, from, sel, undefined, undefined)).items;
      } else {
        const wanted = parseResourceVersion(rvParam);
        await tailer.waitFor(wanted, this.#tooLargeWaitMs);
        if (opts.sendInitialEvents) {
          // kube's streaming list serves the state NotOlderThan the version asked for.
          from = await tailer.snapshot(this.#tooLargeWaitMs);
          initial = (await this.#page(type, from, sel, undefined, undefined)).items;
        } else {
          await this.#checkWindow(typeKey, wanted, (oldest) => tooOldResourceVersion(wanted, oldest));
          from = wanted;
        }
      }
    } catch (err) {
      throw toApiError(err);
    }
    if (opts.signal.aborted) return;
    opts.onStarted?.();

    const tailer = this.#tailer(type);
    const sub = new Subscription();
    const { joinAt } = tailer.subscribe(sub, from);
    // A consumer that stops pulling after an abort must not keep collecting deliveries.
    const leave = () => tailer.unsubscribe(sub);
    opts.signal.addEventListener('abort', leave, { once: true });
    try {
      for (const obj of initial ?? []) yield { type: 'ADDED', object: obj };
      if (initial && opts.sendInitialEvents && opts.allowBookmarks) yield this.#bookmark(type, from, true);

      let cursor = from;
      if (from < joinAt) {
        // What the tailer delivered before this watcher joined.
        let backlog;
        try {
          backlog = await this.#io.readLogRange(typeKey, from, joinAt);
        } catch (err) {
          throw toApiError(err);
        }
        for (const { entry } of backlog) {
          const ev = eventFor(type, sel, entry);
          if (ev) yield { type: ev.type, object: structuredClone(ev.object) };
          cursor = Number(entry.rev);
        }
        cursor = joinAt;
      }

      let bookmarkDue = performance.now() + this.#bookmarkIntervalMs;
      while (!opts.signal.aborted) {
        const wait = opts.allowBookmarks ? bookmarkDue - performance.now() : 60_000;
        const d = await sub.next(wait, opts.signal);
        if (d?.kind === 'closed') return;
        if (d?.kind === 'error') throw d.error;
        if (d?.kind === 'entries') {
          for (const { entry } of d.entries) {
            const rev = Number(entry.rev);
            if (rev <= cursor) continue;
            const ev = eventFor(type, sel, entry);
            if (ev) yield { type: ev.type, object: structuredClone(ev.object) };
            cursor = rev;
          }
          if (d.watermark > cursor) cursor = d.watermark;
        }
        if (opts.allowBookmarks && performance.now() >= bookmarkDue && !opts.signal.aborted) {
          yield this.#bookmark(type, cursor, false);
          bookmarkDue = performance.now() + this.#bookmarkIntervalMs;
        }
      }
    } finally {
      opts.signal.removeEventListener('abort', leave);
      tailer.unsubscribe(sub);
    }
  }

  #bookmark(type: ResourceType, rv: number, initialEnd: boolean): WatchEvent {
    return {
      type: 'BOOKMARK',
      object: {
        apiVersion: apiVersionOf(type),
        kind: type.kind,
        metadata: { resourceVersion: String(rv), ...(initialEnd ? { annotations: { [INITIAL_EVENTS_END]: 'true' } } : {}) },
      },
    };
  }
}

// ---- helpers --------------------------------------------------------------------------------

function selectionOf(type: ResourceType, opts: { namespace?: string; nodeName?: string; filter?: ListOptions['filter'] }): Selection {
  return {
    ...(type.namespaced && opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
    ...(opts.filter ? { filter: opts.filter } : {}),
  };
}

export function parseResourceVersion(rv: string): number {
  if (!/^[0-9]{1,16}$/.test(rv) || !Number.isSafeInteger(Number(rv))) {
    throw new BadRequestError(`invalid resource version: "${rv}"`);
  }
  return Number(rv);
}

interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 1, rv, start }), 'utf8').toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('continue key is not valid: not a continue token');
  }
  const t = parsed as { v?: unknown; rv?: unknown; start?: unknown } | null;
  if (!t || typeof t !== 'object' || t.v !== 1 || typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv) || t.rv < 0 || typeof t.start !== 'string') {
    throw new BadRequestError('continue key is not valid: malformed token');
  }
  return { rv: t.rv, start: t.start };
}

/** A transaction canceled for a reason other than a condition or a conflict (throttling, validation). */
function reasonError(code: string, err: unknown): ApiError {
  const e = code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded' ? new TooManyRequestsError('storage is busy, please retry', 1) : toApiError(err);
  e.cause = err;
  return e;
}

function namespaceCheck(ref: ResourceRef, namespace: string, nsItem: Item | undefined): void {
  if (!nsItem || flag(nsItem, 'deleted')) throw new NotFoundError({ group: '', resource: 'namespaces', name: namespace });
  if (flag(nsItem, 'terminating')) {
    const what = ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
    throw new ForbiddenError(
      `${what} "${ref.name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      { name: ref.name, group: ref.group || undefined, kind: ref.resource },
    );
  }
}

function isTerminating(obj: KubeObject): boolean {
  const phase = (obj.status as { phase?: unknown } | undefined)?.phase;
  return Boolean(obj.metadata.deletionTimestamp) || phase === 'Terminating';
}

function nodeNameOf(obj: KubeObject | undefined): string | undefined {
  const v = (obj?.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export { verifyChain } from './hash.ts';
