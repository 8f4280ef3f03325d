/**
 * Applies a reconciler's actions through the API's write path (the Registry): same validation,
 * admission, versioning and audit as a kubectl request, with the controller as the actor.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Registry, WriteOptions } from '../api/registry.ts';
import { rfc3339 } from '../api/meta.ts';
import { AlreadyExistsError, ApiError, ConflictError } from '../core/errors.ts';
import type { Actor, Clock, KubeObject } from '../core/object.ts';
import { findByKind, RESOURCE_TYPES, type ResourceType } from '../core/resources.ts';
import type { Action, ObjectReference } from '../controllers/types.ts';
import { slowStartBatches } from '../controllers/types.ts';

/** Who a controller writes as: kube's service account for it in kube-system. */
export function controllerActor(name: string): Actor {
  return {
    user: `system:serviceaccount:kube-system:${name}`,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  };
}

export interface WriterOptions {
  registry: Registry;
  clock: Clock;
  actor: Actor;
  /** The Events' `source.component` and `reportingComponent` (e.g. `replicaset-controller`). */
  component: string;
  /** Field manager for managedFields (kube's controllers write as `kube-controller-manager`). */
  fieldManager: string;
  userAgent: string;
  /** Deletes run this many at a time (default 16). */
  deleteParallelism?: number;
  log?: (entry: Record<string, unknown>) => void;
}

const byPlural = new Map<string, ResourceType>(RESOURCE_TYPES.map((t) => [t.resource, t]));
const EVENTS = byPlural.get('events')!;

export function typeOfResource(resource: string): ResourceType {
  const type = byPlural.get(resource);
  if (!type) throw new Error(`unknown resource ${resource}`);
  return type;
}

function typeOfObject(obj: KubeObject): ResourceType {
  const type = findByKind(obj.apiVersion, obj.kind);
  if (!type) throw new Error(`unknown kind ${obj.apiVersion} ${obj.kind}`);
  return type;
}

const identity = (obj: KubeObject) => `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

const EVENT_PARALLELISM = 16;

/**
 * kube's event spam filter (EventSourceObjectSpamFilter): per involved object, a burst of 25
 * events, then one more every 5 minutes; the rest are dropped. A ReplicaSet creating 1,000 pods
 * records its first 25 `SuccessfulCreate`s, as kube's would.
 */
export class EventSpamFilter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(readonly burst = 25, readonly refillMs = 300_000, readonly maxKeys = 4096) {}

  allow(key: string, now: number): boolean {
    let b = this.#buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      if (this.#buckets.size >= this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
      this.#buckets.set(key, b);
    }
    const refill = Math.floor((now - b.at) / this.refillMs);
    if (refill > 0) {
      b.tokens = Math.min(this.burst, b.tokens + refill);
      b.at += refill * this.refillMs;
    }
    if (b.tokens <= 0) return false;
    b.tokens--;
    return true;
  }
}

export class ControllerWriter {
  readonly #o: WriterOptions;
  readonly #spam = new EventSpamFilter();

  constructor(opts: WriterOptions) {
    this.#o = opts;
  }

  #ctx(verb: string): WriteOptions {
    return {
      actor: this.#o.actor,
      verb,
      requestId: randomUUID(),
      userAgent: this.#o.userAgent,
      fieldManager: this.#o.fieldManager,
      // What the controllers build is well-formed by construction; unknown fields would be a bug
      // worth refusing loudly.
      fieldValidation: 'Strict',
    };
  }

  /**
   * Applies `actions` in order. Runs of creates go in kube's slow-start batches (1, 2, 4, …) and
   * stop at the first batch with a failure; runs of deletes go in parallel. An `updateStatus`
   * after an `update` of the same object lands on top of that update. The first error other than
   * a missing object on delete is thrown after the run it happened in (the consumer retries or
   * drops the key); Events never fail a reconcile.
   */
  async apply(actions: readonly Action[]): Promise<void> {
    const written = new Map<string, KubeObject>();
    const created = new Map<number, KubeObject | undefined>();
    for (let i = 0; i < actions.length; ) {
      const a = actions[i];
      if (a.kind === 'create') {
        let j = i;
        while (j < actions.length && (actions[j].kind === 'create' || actions[j].kind === 'event')) j++;
        const run = actions.slice(i, j).map((action, k) => ({ action, index: i + k }));
        await this.#createRun(run, created);
        i = j;
        continue;
      }
      if (a.kind === 'delete') {
        let j = i;
        while (j < actions.length && (actions[j].kind === 'delete' || actions[j].kind === 'event')) j++;
        await this.#deleteRun(actions.slice(i, j));
        i = j;
        continue;
      }
      if (a.kind === 'event') await this.#event(a, created);
      else await this.#single(a, written);
      i++;
    }
  }

  async #single(a: Action, written: Map<string, KubeObject>): Promise<void> {
    const { registry } = this.#o;
    if (a.kind === 'update') {
      const type = typeOfObject(a.object);
      const res = await registry.update(type, a.object.metadata.namespace, a.object.metadata.name!, a.object, this.#ctx('update'));
      written.set(identity(a.object), res.object);
      return;
    }
    if (a.kind === 'updateStatus') {
      const type = typeOfObject(a.object);
      const base = written.get(identity(a.object));
      const body = base ? { ...base, status: a.object.status } : a.object;
      const res = await registry.update(type, a.object.metadata.namespace, a.object.metadata.name!, body, { ...this.#ctx('update'), subresource: 'status' });
      written.set(identity(a.object), res.object);
      return;
    }
    if (a.kind === 'finalize') {
      const base = written.get(identity(a.object));
      const body = base ? { ...base, spec: a.object.spec } : a.object;
      const res = await registry.finalizeNamespace(a.object.metadata.name!, body, this.#ctx('update'));
      written.set(identity(a.object), res.object);
      return;
    }
    throw new Error(`unknown action ${a.kind}`);
  }

  async #createRun(run: { action: Action; index: number }[], created: Map<number, KubeObject | undefined>): Promise<void> {
    const creates = run.filter((r) => r.action.kind === 'create');
    let failure: unknown;
    let done = 0;
    for (const size of slowStartBatches(creates.length)) {
      const batch = creates.slice(done, done + size);
      done += size;
      const results = await Promise.allSettled(
        batch.map(async ({ action, index }) => {
          const obj = (action as Extract<Action, { kind: 'create' }>).object;
          const res = await this.#o.registry.create(typeOfObject(obj), obj, obj.metadata.namespace, this.#ctx('create'));
          created.set(index, res.object);
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        failure = failed.reason;
        break;
      }
    }
    await this.#events(run.map((r) => r.action), created);
    if (failure) throw failure;
  }

  async #deleteRun(run: Action[]): Promise<void> {
    const deletes = run.filter((a): a is Extract<Action, { kind: 'delete' }> => a.kind === 'delete');
    const parallel = this.#o.deleteParallelism ?? 16;
    const gone = new Set<Action>();
    let failure: unknown;
    for (let i = 0; i < deletes.length; i += parallel) {
      const batch = deletes.slice(i, i + parallel);
      const results = await Promise.allSettled(batch.map(async (d) => {
        try {
          await this.#o.registry.delete(typeOfResource(d.resource), d.namespace || undefined, d.name, {
            preconditions: d.preconditions,
            ...(d.propagationPolicy ? { propagationPolicy: d.propagationPolicy } : {}),
            ...(d.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: d.gracePeriodSeconds } : {}),
          }, this.#ctx('delete'));
          gone.add(d);
        } catch (err) {
          if (err instanceof ApiError && err.code === 404) return;
          throw err;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) failure ??= failed.reason;
    }
    // Events for the deletes that happened (`Deleted pod: web-x` follows its delete).
    await this.#events(run.filter((a, i) => a.kind === 'event' && !(run[i - 1]?.kind === 'delete' && !gone.has(run[i - 1]))), new Map());
    if (failure) throw failure;
  }

  /** Records a run's events, several at once (their order does not matter: each has its own key). */
  async #events(actions: Action[], created: Map<number, KubeObject | undefined>): Promise<void> {
    const events = actions.filter((a): a is Extract<Action, { kind: 'event' }> => a.kind === 'event');
    let next = 0;
    const lane = async () => {
      while (next < events.length) await this.#event(events[next++], created);
    };
    await Promise.all(Array.from({ length: Math.min(EVENT_PARALLELISM, events.length) }, lane));
  }

  async #event(a: Extract<Action, { kind: 'event' }>, created: Map<number, KubeObject | undefined>): Promise<void> {
    if (!this.#spam.allow(a.involvedObject.uid || `${a.involvedObject.kind}/${a.involvedObject.namespace}/${a.involvedObject.name}`, this.#o.clock().getTime())) return;
    let message = a.message;
    if (a.createIndex !== undefined) {
      const obj = created.get(a.createIndex);
      if (!obj) return;
      const generateName = obj.metadata.generateName;
      if (generateName && message.endsWith(generateName)) message = message.slice(0, -generateName.length) + (obj.metadata.name ?? '');
    }
    try {
      await recordEvent(this.#o.registry, this.#o.clock, {
        involvedObject: a.involvedObject, type: a.type, reason: a.reason, message, component: this.#o.component,
      }, this.#ctx('create'));
    } catch (err) {
      this.#o.log?.({ level: 'WARN', message: 'could not record event', reason: a.reason, error: String(err) });
    }
  }
}

export interface EventInput {
  involvedObject: ObjectReference;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string;
}

/** The names of the events this process recorded lately, oldest first (bounded). */
const recordedEvents = new Set<string>();
const RECORDED_EVENTS_MAX = 4096;

/**
 * Records an Event the way kube's recorder aggregates them: one Event per (object, component,
 * type, reason, message), whose `count` and `lastTimestamp` grow on repeats. The Event's name is
 * derived from that tuple (kube uses the first occurrence's time), so repeats find it without
 * remembering anything between invocations.
 */
export async function recordEvent(registry: Registry, clock: Clock, e: EventInput, opts: WriteOptions): Promise<KubeObject> {
  const involved = e.involvedObject;
  const namespace = involved.namespace || 'default';
  const digest = createHash('sha256').update([involved.uid, involved.kind, involved.name, e.component, e.type, e.reason, e.message].join('\n')).digest('hex');
  const name = `${involved.name}.${digest.slice(0, 16)}`;
  const now = rfc3339(clock());
  const key = `${namespace}/${name}`;
  // Most events are new: try the create first, without even an existence read, and read only
  // when it exists already. A repeat this process recorded before goes straight to the count.
  const repeat = recordedEvents.has(key);
  recordedEvents.delete(key);
  recordedEvents.add(key);
  if (recordedEvents.size > RECORDED_EVENTS_MAX) recordedEvents.delete(recordedEvents.values().next().value!);
  for (let attempt = repeat ? 1 : 0; attempt < 6; attempt++) {
    const live = attempt === 0 ? undefined : await registry.store.get(EVENTS, namespace, name);
    if (!live) {
      const event = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { apiVersion: involved.apiVersion, kind: involved.kind, namespace: involved.namespace || undefined, name: involved.name, uid: involved.uid },
        reason: e.reason, message: e.message, type: e.type,
        source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
        firstTimestamp: now, lastTimestamp: now, count: 1,
        reportingComponent: e.component, reportingInstance: e.host ?? e.component,
      };
      try {
        return (await registry.create(EVENTS, event, namespace, { ...opts, expectNew: true })).object;
      } catch (err) {
        if (err instanceof AlreadyExistsError) continue;
        throw err;
      }
    }
    const next = { ...live, count: ((live as { count?: number }).count ?? 1) + 1, lastTimestamp: now };
    try {
      return (await registry.update(EVENTS, namespace, name, next, opts)).object;
    } catch (err) {
      if (err instanceof ConflictError) continue;
      throw err;
    }
  }
  throw new ConflictError({ group: '', resource: 'events', name }, `event ${name} kept changing`);
}
