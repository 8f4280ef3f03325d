/**
 * The one write path. The API handler and every controller go through it, so validation, defaults,
 * admission, versioning and the audit actor are the same whoever writes. It sits on the store port
 * and is backend-agnostic.
 */
import { randomUUID } from 'node:crypto';
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
} from '../core/errors.ts';
import type { Clock, KubeObject, RequestContext } from '../core/object.ts';
import { apiVersionOf, findByResource, type ResourceType } from '../core/resources.ts';
import { nodeAllocationClaim, podLandsOn, type ObjectStore, type WriteGuards } from '../store/types.ts';
import { CycleState, newPodInfo, Snapshot } from '../scheduler/framework.ts';
import { nodeResourcesFit } from '../scheduler/plugins/node-resources-fit.ts';
import { addDefaultTolerations, admitCreate, admitCreateFromStore, admitUpdate, DEFAULT_TOLERATION_SECONDS, keepServiceAllocations } from './admission.ts';
import { deepCopy, sameButVersion, randomSuffix, refOf, rfc3339, typeMeta } from './meta.ts';
import { applyPatch, managerFromUserAgent, serverSideApply, updateManagedFields, withManagedFields } from './patch/index.ts';
import type { PatchType } from './codec.ts';
import { applyDefaults, generationChanged, tracksGeneration, validateObject, validateUpdate } from './schema/index.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions extends RequestContext {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Server-side apply: take over conflicting fields. */
  force?: boolean;
  /** The request body as JSON text, when it was JSON: lets strict validation report duplicate fields. */
  rawJson?: string;
  /** A create whose name is most likely free (see `WriteGuards.expectNew`). */
  expectNew?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  /** True when the write created the object (201). */
  created?: boolean;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
}

export interface DeleteResult {
  object: KubeObject;
  /** The object still exists (finalizers or graceful deletion): 202. */
  pending: boolean;
}

export interface RegistryOptions {
  store: ObjectStore;
  clock: Clock;
  /**
   * How many times a write without a resourceVersion precondition retries on conflict (with a
   * jittered backoff). kube-apiserver retries until its request timeout; so does this, in effect.
   */
  conflictRetries?: number;
}

/** Jittered backoff between conflict retries, so racing writers spread out instead of colliding again. */
function backoff(attempt: number): Promise<void> {
  const cap = Math.min(100, 2 * 2 ** Math.min(attempt, 6));
  return new Promise((ok) => setTimeout(ok, Math.random() * cap));
}

const NAMESPACES = findByResource('', 'v1', 'namespaces')!;
const PODS = findByResource('', 'v1', 'pods')!;
const NODES = findByResource('', 'v1', 'nodes')!;

/** A generated name is the prefix cut to 58 characters plus 5 random ones: a 63-character label. */
const MAX_GENERATE_NAME_PREFIX = 58;

/** Namespaces kube-apiserver refuses to delete. */
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

const STATUS_KINDS_WITH_SUBRESOURCE = (type: ResourceType) => type.subresources.some((s) => s.name === 'status');

const STATUS_KEEPS_ANNOTATIONS = new Set(['Deployment', 'ReplicaSet']);

/** Kinds kube lets PUT create when the object is missing. */
const CREATE_ON_UPDATE = new Set(['Endpoints', 'Lease', 'Event']);

export class Registry {
  readonly store: ObjectStore;
  private readonly clock: Clock;
  private readonly retries: number;

  constructor(opts: RegistryOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.retries = opts.conflictRetries ?? 200;
  }

  async get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.store.get(type, namespace, name);
    if (!obj) throw new NotFoundError(refOf(type, name));
    return obj;
  }

  // ---------------------------------------------------------------- create

  async create(type: ResourceType, body: unknown, namespace: string | undefined, opts: WriteOptions): Promise<WriteResult> {
    const rank = opts.rank ?? this.clock().getTime();
    for (let attempt = 0; ; attempt++) {
      const input = withNamespace(type, body, namespace);
      const meta = input.metadata;
      // kube generates the name before validating it, and retries a generated name that collides.
      const generated = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
      if (generated) meta.name = `${(meta.generateName as string).slice(0, MAX_GENERATE_NAME_PREFIX)}${randomSuffix()}`;
      const { object, warnings } = validateObject(type, input, { fieldValidation: opts.fieldValidation ?? 'Strict', rawJson: opts.rawJson });
      await admitCreateFromStore(type, object, this.store);
      // The object is stamped (uid, creationTimestamp) once it has its write turn (see
      // ObjectStore.admit); a dry run writes nothing and takes none.
      const commit = async (): Promise<{ result: WriteResult } | { backoff: boolean }> => {
        const prepared = this.prepareCreate(type, object, opts);
        const guards = await admitCreate({ type, object: prepared, store: this.store, clock: this.clock });
        try {
          if (opts.dryRun) {
            await this.checkCreatable(type, prepared);
            return { result: { object: prepared, warnings, created: true } };
          }
          return { result: { object: await this.store.create(type, prepared, opts, opts.expectNew ? { ...guards, expectNew: true } : guards), warnings, created: true } };
        } catch (err) {
          if (generated && err instanceof ApiError && err.reason === 'AlreadyExists' && attempt < 3) return { backoff: false };
          // An allocation decided from a view another allocation changed: decide again.
          if (guards && err instanceof ApiError && err.reason === 'Conflict' && attempt < this.retries) return { backoff: true };
          throw err;
        }
      };
      const outcome = opts.dryRun || !this.store.admit ? await commit() : await this.store.admit(rank, commit);
      if ('result' in outcome) return outcome.result;
      if (outcome.backoff) await backoff(attempt);
    }
  }

  private prepareCreate(type: ResourceType, input: KubeObject, opts: WriteOptions): KubeObject {
    const obj = deepCopy(input);
    const meta = obj.metadata;
    if (meta.resourceVersion) {
      throw new BadRequestError('resourceVersion should not be set on objects to be created');
    }
    if (!meta.name) {
      if (!meta.generateName) {
        throw new InvalidError(refOf(type, ''), [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
      }
      meta.name = `${meta.generateName.slice(0, MAX_GENERATE_NAME_PREFIX)}${randomSuffix()}`;
    }
    const now = this.now();
    meta.uid = randomUUID();
    meta.creationTimestamp = now;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (tracksGeneration(type)) meta.generation = 1;
    else delete meta.generation;
    resetStatusOnCreate(type, obj);
    const defaulted = applyDefaults(type, obj);
    return withManagedFields(
      defaulted,
      updateManagedFields({ live: undefined, updated: defaulted, manager: managerOf(opts), operation: 'Update', apiVersion: apiVersionOf(type), time: now }),
    );
  }

  /** The checks a real create would meet, for dry runs: exists already, namespace missing. */
  private async checkCreatable(type: ResourceType, obj: KubeObject): Promise<void> {
    const existing = await this.store.get(type, obj.metadata.namespace, obj.metadata.name!);
    if (existing) throw new AlreadyExistsError(refOf(type, obj.metadata.name));
    if (type.namespaced) {
      const ns = await this.store.get(NAMESPACES, undefined, obj.metadata.namespace!);
      if (!ns) throw new NotFoundError({ group: '', resource: 'namespaces', name: obj.metadata.namespace });
      if (ns.metadata.deletionTimestamp) {
        throw new ForbiddenError(`${type.resource} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns.metadata.name} because it is being terminated`, { name: obj.metadata.name, kind: type.resource });
      }
    }
  }

  // ---------------------------------------------------------------- update (PUT)

  async update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions & { subresource?: string }): Promise<WriteResult> {
    const input = withNamespace(type, body, namespace);
    checkName(type, input, name);
    const precondition = typeof input.metadata.resourceVersion === 'string' && input.metadata.resourceVersion ? input.metadata.resourceVersion : undefined;
    const warnings: string[] = [];
    return this.mutate(type, namespace, name, opts, precondition, (live) => {
      const body = deepCopy(input);
      if (live && type.kind === 'Service') keepServiceAllocations(live, body);
      const { object, warnings: w } = validateObject(type, body, { fieldValidation: opts.fieldValidation ?? 'Strict', rawJson: opts.rawJson });
      warnings.splice(0, warnings.length, ...w);
      if (!live) {
        if (opts.subresource || !CREATE_ON_UPDATE.has(type.kind)) throw new NotFoundError(refOf(type, name));
        return { create: this.prepareCreate(type, { ...object, metadata: { ...object.metadata, resourceVersion: undefined } }, opts) };
      }
      return { update: this.prepareUpdate(type, live, object, opts, opts.subresource) };
    }, warnings);
  }

  // ---------------------------------------------------------------- patch

  async patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    opts: WriteOptions & { subresource?: string },
  ): Promise<WriteResult> {
    const warnings: string[] = [];
    let precondition: string | undefined;
    if (patchType === 'application/apply-patch+yaml') {
      if (!opts.fieldManager) throw new BadRequestError('PATCH with apply requires fieldManager to be set');
      const applied = withNamespace(type, patch, namespace);
      checkName(type, applied, name);
      precondition = applied.metadata.resourceVersion;
    } else if (patch && typeof patch === 'object' && !Array.isArray(patch)) {
      const meta = (patch as { metadata?: { resourceVersion?: unknown } }).metadata;
      if (meta && typeof meta.resourceVersion === 'string' && meta.resourceVersion) precondition = meta.resourceVersion;
    }
    return this.mutate(type, namespace, name, opts, precondition, (live) => {
      const time = this.now();
      if (patchType === 'application/apply-patch+yaml') {
        const applied = withNamespace(type, patch, namespace);
        const merged = serverSideApply({ live, applied, manager: opts.fieldManager!, force: !!opts.force, apiVersion: apiVersionOf(type), kind: type.kind, time, subresource: opts.subresource });
        if (live && type.kind === 'Service') keepServiceAllocations(live, merged);
        const { object, warnings: w } = validateObject(type, merged, { fieldValidation: opts.fieldValidation ?? 'Strict' });
        warnings.splice(0, warnings.length, ...w);
        if (!live) {
          if (opts.subresource) throw new NotFoundError(refOf(type, name));
          const created = this.prepareCreate(type, object, { ...opts, fieldManager: opts.fieldManager });
          created.metadata.managedFields = merged.metadata.managedFields;
          return { create: created };
        }
        const next = this.prepareUpdate(type, live, object, opts, opts.subresource, { keepManagedFields: true });
        return { update: next };
      }
      if (!live) throw new NotFoundError(refOf(type, name));
      const patched = applyPatch(patchType, live, patch, { kind: type.kind, apiVersion: apiVersionOf(type) });
      if (patched.metadata && !patched.metadata.resourceVersion) patched.metadata.resourceVersion = live.metadata.resourceVersion;
      checkTypeMeta(type, patched);
      if (patched.metadata?.name !== live.metadata.name || (patched.metadata?.namespace ?? undefined) !== (live.metadata.namespace ?? undefined)) {
        throw new BadRequestError('a patch may not change metadata.name or metadata.namespace');
      }
      if (type.kind === 'Service') keepServiceAllocations(live, patched);
      const { object, warnings: w } = validateObject(type, patched, { fieldValidation: opts.fieldValidation ?? 'Strict' });
      warnings.splice(0, warnings.length, ...w);
      return { update: this.prepareUpdate(type, live, object, opts, opts.subresource) };
    }, warnings);
  }

  /**
   * Read, compute, write; on a conflict without a caller-given resourceVersion, read again and
   * recompute (kube-apiserver's GuaranteedUpdate), so busy controllers don't fail `kubectl scale`.
   */
  async mutate(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    precondition: string | undefined,
    compute: (live: KubeObject | undefined) => { create?: KubeObject; update?: KubeObject },
    warnings: string[] = [],
  ): Promise<WriteResult> {
    let trustKnown = !opts.dryRun;
    for (let attempt = 0; ; attempt++) {
      let guards: WriteGuards | undefined;
      // A precondition names the version the client saw; when this process has that version at
      // hand it stands in for the read (the write is conditioned on that version anyway).
      const known = attempt === 0 && trustKnown && precondition ? await this.store.knownAt?.(type, namespace, name, precondition) : undefined;
      const live = known ?? (await this.store.get(type, namespace, name));
      if (live && precondition && precondition !== live.metadata.resourceVersion) {
        throw new ConflictError(refOf(type, name));
      }
      let next: ReturnType<typeof compute>;
      try {
        next = compute(live);
      } catch (err) {
        // Refused by the version held in memory: the answer must come from the current one.
        if (known) {
          trustKnown = false;
          attempt = -1;
          continue;
        }
        throw err;
      }
      try {
        if (next.create) {
          await admitCreateFromStore(type, next.create, this.store);
          guards = await admitCreate({ type, object: next.create, store: this.store, clock: this.clock });
          if (opts.dryRun) return { object: next.create, warnings, created: true };
          // (Stamped already: the turn's wait, short unless the store is saturated, is in its age.)
          const create = () => this.store.create(type, next.create!, opts, guards);
          const rank = opts.rank ?? this.clock().getTime();
          return { object: await (this.store.admit ? this.store.admit(rank, create) : create()), warnings, created: true };
        }
        const updated = next.update!;
        guards = await admitUpdate({ type, object: updated, live: live!, store: this.store, clock: this.clock });
        if (sameButVersion(updated, live!)) {
          // Nothing to write, so no conditioned write to find out whether the version the client
          // named is still current: read it, and answer 409 if it is not.
          if (known) {
            trustKnown = false;
            attempt = -1;
            continue;
          }
          return { object: live!, warnings };
        }
        if (opts.dryRun) return { object: updated, warnings };
        if (shouldDeleteDuringUpdate(type, live!, updated)) {
          return { object: await this.store.delete(type, updated, opts), warnings };
        }
        return { object: await this.store.update(type, updated, opts, guards), warnings };
      } catch (err) {
        // Anything but a conflict (which a stale version answers rightly) is answered again from
        // the current object: it may be gone (a PUT may then create it) or refuse differently.
        if (known && !(err instanceof ApiError && err.code === 409 && err.reason === 'Conflict')) {
          trustKnown = false;
          attempt = -1;
          continue;
        }
        // With a claim, a conflict may be the claim's: deciding again is safe even under a
        // precondition, which the next attempt checks against the object first.
        const retriable = err instanceof ApiError && err.code === 409 && err.reason === 'Conflict' && (!precondition || !!guards);
        const createRace = err instanceof ApiError && err.reason === 'AlreadyExists' && next.create;
        if ((retriable || createRace) && attempt < this.retries) {
          await backoff(attempt);
          continue;
        }
        throw err;
      }
    }
  }

  /** PUT semantics on top of the live object: what a client may and may not change. */
  private prepareUpdate(
    type: ResourceType,
    live: KubeObject,
    input: KubeObject,
    opts: WriteOptions,
    subresource?: string,
    flags: { keepManagedFields?: boolean } = {},
  ): KubeObject {
    if (input.metadata.uid && input.metadata.uid !== live.metadata.uid) {
      throw new ConflictError(refOf(type, live.metadata.name), `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${live.metadata.uid}`);
    }
    let next: KubeObject;
    if (subresource === 'status') {
      // A status write changes status only (kube's ResetObjectMetaForStatus), except that the
      // Deployment and ReplicaSet status strategies keep the writer's annotations: their
      // controllers record revisions there without bumping metadata.generation.
      // Shallow copies are enough: `input` is this attempt's own validated object, and the
      // defaulting below returns a deep copy before anything is changed in place.
      next = { ...live, metadata: { ...live.metadata } };
      if ('status' in input) next.status = input.status;
      else delete next.status;
      if (STATUS_KEEPS_ANNOTATIONS.has(type.kind)) {
        if (input.metadata.annotations) next.metadata.annotations = input.metadata.annotations;
        else delete next.metadata.annotations;
      }
    } else {
      next = deepCopy(input);
      const meta = next.metadata;
      meta.uid = live.metadata.uid;
      meta.creationTimestamp = live.metadata.creationTimestamp;
      meta.name = live.metadata.name;
      if (live.metadata.namespace) meta.namespace = live.metadata.namespace;
      if (live.metadata.deletionTimestamp) {
        meta.deletionTimestamp = live.metadata.deletionTimestamp;
        if (live.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = live.metadata.deletionGracePeriodSeconds;
        const added = (meta.finalizers ?? []).filter((f) => !(live.metadata.finalizers ?? []).includes(f));
        if (added.length) {
          throw new InvalidError(refOf(type, live.metadata.name), [
            { field: 'metadata.finalizers', reason: 'FieldValueForbidden', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` },
          ]);
        }
      } else {
        delete meta.deletionTimestamp;
        delete meta.deletionGracePeriodSeconds;
      }
      if (type.kind === 'Namespace') {
        // Only the finalize subresource may change a namespace's spec.finalizers.
        const finalizers = (live.spec as { finalizers?: string[] } | undefined)?.finalizers;
        next.spec = { ...((next.spec as object) ?? {}), ...(finalizers ? { finalizers: [...finalizers] } : {}) };
        if (!finalizers) delete (next.spec as { finalizers?: string[] }).finalizers;
      }
      if (STATUS_KINDS_WITH_SUBRESOURCE(type)) {
        if ('status' in live) next.status = deepCopy(live.status);
        else delete next.status;
      }
      meta.generation = live.metadata.generation;
    }
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    const defaulted = applyDefaults(type, next);
    // kube's DefaultTolerationSeconds admission also runs on update, before validation: a PUT
    // that leaves out the default tolerations gets them back instead of changing the pod's spec.
    if (type.kind === 'Pod' && !subresource) addDefaultTolerations(defaulted, DEFAULT_TOLERATION_SECONDS);
    validateUpdate(type, live, defaulted);
    // Status writes never move generation (the status strategies keep it), even when they carry
    // annotations.
    if (subresource !== 'status' && live.metadata.generation !== undefined && generationChanged(type, live, defaulted)) {
      defaulted.metadata.generation = (live.metadata.generation ?? 0) + 1;
    }
    if (flags.keepManagedFields) return defaulted;
    return withManagedFields(
      defaulted,
      updateManagedFields({ live, updated: defaulted, manager: managerOf(opts), operation: 'Update', apiVersion: apiVersionOf(type), subresource, time: this.now() }),
    );
  }

  /** `next` with managedFields recording this write, for writes built outside prepareUpdate (scale, finalize, binding). */
  recordUpdate(type: ResourceType, live: KubeObject, next: KubeObject, opts: WriteOptions, subresource?: string): KubeObject {
    return withManagedFields(
      next,
      updateManagedFields({ live, updated: next, manager: managerOf(opts), operation: 'Update', apiVersion: apiVersionOf(type), subresource, time: this.now() }),
    );
  }

  // ---------------------------------------------------------------- finalize

  /**
   * `namespaces/x/finalize`: only `spec.finalizers` changes (the namespace controller removes
   * `kubernetes` once the namespace is empty; a terminating namespace with none left goes).
   */
  async finalizeNamespace(name: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    const type = NAMESPACES;
    const finalizers = ((body as { spec?: { finalizers?: unknown } })?.spec?.finalizers ?? []) as string[];
    if (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string')) {
      throw new BadRequestError('spec.finalizers must be a list of strings');
    }
    const rv = (body as { metadata?: { resourceVersion?: unknown } })?.metadata?.resourceVersion;
    return this.mutate(type, undefined, name, opts, typeof rv === 'string' && rv ? rv : undefined, (live) => {
      if (!live) throw new NotFoundError(refOf(type, name));
      const next = structuredClone(live);
      next.spec = { ...((next.spec as object) ?? {}), finalizers };
      return { update: this.recordUpdate(type, live, next, opts, 'finalize') };
    });
  }

  // ---------------------------------------------------------------- bind

  /**
   * pods/binding: set the pod's node, once. Refused with 409 when the pod is already bound (to any
   * node), is being deleted, or (with `uid`) is another incarnation of the name: a pod is never
   * bound twice, whichever scheduler asks. When the node is known, the bind is also refused if the
   * pod does not fit beside the pods bound there now (requests against allocatable, pod count),
   * and it claims the node's allocation counter in its transaction: two binds decided from the
   * same view of a node cannot both commit, so no number of schedulers overfills a node.
   *
   * Binds to one node through this registry run one at a time, and each remembers the node's
   * bound pods as of the claim version it moved the counter to: the next bind there decides from
   * that view without reading, and its claim fails if anything else put a pod on the node since.
   * A view only ever holds too many pods (ones that finished or left), so a pod that does not fit
   * by it is checked again against a fresh read before it is refused.
   */
  async bind(
    namespace: string,
    name: string,
    node: string,
    uid: string | undefined,
    opts: WriteOptions,
    /** The pod and node as the caller read them (a scheduler's snapshot): used on the first try. */
    seen?: { pod?: KubeObject; node?: KubeObject },
  ): Promise<KubeObject> {
    return this.#onNode(node, (view) => this.#bind(namespace, name, node, uid, opts, seen, view));
  }

  /**
   * Per node: the tail of this registry's binds there, how many wait on it, and the node's view
   * after the last one. Most recently used last; idle entries beyond MAX_NODE_VIEWS are dropped.
   */
  readonly #nodes = new Map<string, { tail: Promise<unknown>; waiting: number; view?: NodeView }>();

  #onNode<T>(node: string, fn: (view: { current?: NodeView }) => Promise<T>): Promise<T> {
    const box = this.#nodes.get(node) ?? { tail: Promise.resolve(), waiting: 0 };
    this.#nodes.delete(node);
    this.#nodes.set(node, box);
    box.waiting++;
    const run = box.tail.then(async () => {
      const holder: { current?: NodeView } = { current: box.view };
      try {
        return await fn(holder);
      } finally {
        box.view = holder.current;
        box.waiting--;
        this.#pruneNodes();
      }
    });
    box.tail = run.catch(() => undefined);
    return run;
  }

  #pruneNodes(): void {
    for (const [name, box] of this.#nodes) {
      if (this.#nodes.size <= MAX_NODE_VIEWS) return;
      if (box.waiting === 0) this.#nodes.delete(name);
    }
  }

  async #nodeView(node: string): Promise<NodeView> {
    // The claim first: a bind that commits after this read moves it on, so a pod list read after
    // it that misses such a bind's pod can only be used by a claim that fails.
    const version = await this.store.claimVersion?.(nodeAllocationClaim(node));
    const pods = (await this.store.list(PODS, { nodeName: node })).items.map(fitOnly);
    return { version, pods, fresh: true };
  }

  async #bind(
    namespace: string,
    name: string,
    node: string,
    uid: string | undefined,
    opts: WriteOptions,
    seen: { pod?: KubeObject; node?: KubeObject } | undefined,
    view: { current?: NodeView },
  ): Promise<KubeObject> {
    const type = PODS;
    const bindingRef = { group: '', resource: 'pods/binding', name };
    const claimKey = nodeAllocationClaim(node);
    for (let attempt = 0; ; attempt++) {
      // A pod the caller read is good for a first try: the write is conditioned on its
      // resourceVersion, and a conflict reads it again.
      const live = attempt === 0 && seen?.pod ? seen.pod : await this.store.get(type, namespace, name);
      if (!live) throw new NotFoundError(refOf(type, name));
      if (uid && uid !== live.metadata.uid) throw new ConflictError(bindingRef, `the UID in the precondition (${uid}) does not match the UID in record (${live.metadata.uid}). The object might have been deleted and then recreated`);
      const spec = (live.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) throw new ConflictError(bindingRef, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      if (live.metadata.deletionTimestamp) throw new ConflictError(bindingRef, `pod ${name} is being deleted, cannot be assigned to a host`);

      const nodeObj = attempt === 0 && seen?.node ? seen.node : await this.store.get(NODES, undefined, node);
      let onNode: NodeView | undefined;
      if (nodeObj) {
        onNode = (attempt === 0 ? view.current : undefined) ?? (await this.#nodeView(node));
        let reasons = misfit(live, nodeObj, onNode.pods);
        if (reasons.length && !onNode.fresh) {
          onNode = await this.#nodeView(node);
          reasons = misfit(live, nodeObj, onNode.pods);
        }
        if (reasons.length) {
          view.current = { ...onNode, fresh: false }; // still the node's view at that version
          throw new ConflictError(bindingRef, `pod ${name} does not fit on node "${node}": ${reasons.join(', ')}`);
        }
      }
      const next = structuredClone(live);
      next.spec = { ...spec, nodeName: node };
      const status = (next.status ?? {}) as { conditions?: { type: string }[] };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.clock()) } as never);
      next.status = { ...status, conditions };
      const recorded = this.recordUpdate(type, live, next, opts, 'binding');
      if (opts.dryRun) return recorded;
      try {
        // Without a Node object there is nothing to check the pod against, but the pod still
        // lands on the node: move the counter on, so views from before miss nothing.
        const bound = await this.store.update(type, recorded, opts, onNode ? { claims: [{ key: claimKey, expect: onNode.version }] } : podLandsOn(node));
        view.current = onNode ? { version: (onNode.version ?? 0) + 1, pods: [...onNode.pods, fitOnly(bound)], fresh: false } : undefined;
        return bound;
      } catch (err) {
        view.current = undefined;
        // Another bind to this node (or a change to this pod) got in first: decide again.
        if (err instanceof ApiError && err.reason === 'Conflict' && attempt < this.retries) {
          await backoff(attempt);
          continue;
        }
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- delete

  async delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions, opts: WriteOptions): Promise<DeleteResult> {
    if (type.kind === 'Namespace' && UNDELETABLE_NAMESPACES.has(name)) {
      throw new ForbiddenError(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    for (let attempt = 0; ; attempt++) {
      const live = await this.get(type, namespace, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== live.metadata.uid) {
        throw new ConflictError(refOf(type, name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
        throw new ConflictError(refOf(type, name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`);
      }
      const next = this.prepareDelete(type, live, options);
      try {
        if (!next) {
          if (opts.dryRun) return { object: live, pending: false };
          return { object: await this.store.delete(type, live, opts), pending: false };
        }
        if (sameButVersion(next, live)) return { object: live, pending: true };
        if (opts.dryRun) return { object: next, pending: true };
        return { object: await this.store.update(type, next, opts), pending: true };
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'Conflict' && !pre?.resourceVersion && attempt < this.retries) {
          await backoff(attempt);
          continue;
        }
        throw err;
      }
    }
  }

  /** The object marked for deletion, or undefined when it can go at once. */
  private prepareDelete(type: ResourceType, live: KubeObject, options: DeleteOptions): KubeObject | undefined {
    const finalizers = [...(live.metadata.finalizers ?? [])];
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const grace = gracePeriod(type, live, options);
    const held = finalizers.length > 0 || namespaceFinalizers(type, live).length > 0;
    const next = deepCopy(live);
    const now = this.clock();
    if (!live.metadata.deletionTimestamp) {
      if (!held && !(grace && grace > 0)) return undefined;
      next.metadata.deletionTimestamp = rfc3339(new Date(now.getTime() + (grace ?? 0) * 1000));
      if (grace !== undefined) next.metadata.deletionGracePeriodSeconds = grace;
      if (next.metadata.generation !== undefined) next.metadata.generation += 1;
    } else if (grace !== undefined && (live.metadata.deletionGracePeriodSeconds ?? Infinity) > grace) {
      // A shorter grace period than the pending one (e.g. --force --grace-period=0) brings the
      // deletion forward, as kube allows.
      next.metadata.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
      next.metadata.deletionGracePeriodSeconds = grace;
    }
    if (!held && !(next.metadata.deletionGracePeriodSeconds ?? 0)) return undefined;
    if (finalizers.length) next.metadata.finalizers = finalizers;
    if (type.kind === 'Namespace') next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
    return next;
  }

  // ---------------------------------------------------------------- helpers

  private now(): string {
    return rfc3339(this.clock());
  }
}

/**
 * Pods on a node are deleted gracefully: the node's agent stops them, then deletes with grace 0.
 * Undefined for everything else (deleted at once unless finalizers hold them).
 */
function gracePeriod(type: ResourceType, live: KubeObject, options: DeleteOptions): number | undefined {
  if (type.kind !== 'Pod') return undefined;
  const spec = live.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  const status = live.status as { phase?: string } | undefined;
  // kube's CheckGracefulDelete: an unscheduled or finished pod has nothing to stop, so its grace
  // period is 0 (which also completes a deletion already pending).
  if (!spec?.nodeName) return 0;
  if (status?.phase === 'Succeeded' || status?.phase === 'Failed') return 0;
  return options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

/**
 * kube's rule for an update that completes a pending deletion: the object was already being
 * deleted, its graceful period (if any) is over, and the update leaves no finalizers (for
 * namespaces, neither metadata nor spec finalizers).
 */
function shouldDeleteDuringUpdate(type: ResourceType, live: KubeObject, updated: KubeObject): boolean {
  if (!live.metadata.deletionTimestamp) return false;
  if (live.metadata.deletionGracePeriodSeconds) return false;
  if (updated.metadata.finalizers?.length) return false;
  return namespaceFinalizers(type, updated).length === 0;
}

function namespaceFinalizers(type: ResourceType, obj: KubeObject): string[] {
  return type.kind === 'Namespace' ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
}

/** What kube's create strategies reset: status a client may not set at create. */
function resetStatusOnCreate(type: ResourceType, obj: KubeObject): void {
  switch (type.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      obj.status = {};
      break;
    case 'Pod':
      obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
      break;
    case 'Namespace':
      obj.status = { phase: 'Active' };
      break;
    case 'Service':
      obj.status = { loadBalancer: {} };
      break;
    case 'PodDisruptionBudget':
      // Until the disruption controller has seen it, a budget allows no disruption.
      obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
      break;
    default:
      break;
  }
}

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };

/** The pod's QoS class, as kube computes it from requests and limits. */
export function qosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = (pod.spec ?? {}) as { containers?: { resources?: Resources }[]; initContainers?: { resources?: Resources }[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function managerOf(opts: WriteOptions): string {
  if (opts.fieldManager) return opts.fieldManager;
  return managerFromUserAgent(opts.userAgent ?? '') || 'unknown';
}

/** Rejects a body whose apiVersion/kind is not the URL's. */
function checkTypeMeta(type: ResourceType, body: unknown): asserts body is KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError(`the body of the request must be a ${type.kind} object`);
  }
  const b = body as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  const want = typeMeta(type);
  if (b.apiVersion !== undefined && b.apiVersion !== want.apiVersion) {
    throw new BadRequestError(`the API version in the data (${String(b.apiVersion)}) does not match the expected API version (${want.apiVersion})`);
  }
  if (b.kind !== undefined && b.kind !== want.kind) {
    throw new BadRequestError(`the kind in the data (${String(b.kind)}) does not match the expected kind (${want.kind})`);
  }
  if (b.metadata !== undefined && (b.metadata === null || typeof b.metadata !== 'object' || Array.isArray(b.metadata))) {
    throw new InvalidError(refOf(type, ''), [{ field: 'metadata', reason: 'FieldValueTypeMismatch', message: 'Invalid value: must be an object' }]);
  }
}

/** Fills apiVersion/kind and the URL's namespace; a body naming another namespace is refused. */
function withNamespace(type: ResourceType, body: unknown, namespace: string | undefined): KubeObject {
  checkTypeMeta(type, body);
  const obj = deepCopy(body);
  obj.apiVersion = typeMeta(type).apiVersion;
  obj.kind = type.kind;
  obj.metadata = { ...(obj.metadata ?? {}) };
  if (type.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  return obj;
}

function checkName(type: ResourceType, obj: KubeObject, name: string): void {
  if (obj.metadata.name && obj.metadata.name !== name) {
    throw new BadRequestError(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  obj.metadata.name = name;
}

/** A node's bound pods as of a version of its allocation claim (`fresh`: just read). */
interface NodeView {
  version: number | undefined;
  pods: KubeObject[];
  fresh: boolean;
}

/** Node views kept per registry (each holds the fit-relevant part of its node's pods). */
const MAX_NODE_VIEWS = 1000;

/** What NodeResourcesFit reads of a pod bound to a node: its identity, requests and phase. */
function fitOnly(pod: KubeObject): KubeObject {
  type Spec = { nodeName?: string; overhead?: unknown; containers?: Record<string, unknown>[]; initContainers?: Record<string, unknown>[] };
  const spec = (pod.spec ?? {}) as Spec;
  const containers = (cs: Record<string, unknown>[] | undefined) => cs?.map((c) => ({ name: c.name, resources: c.resources, restartPolicy: c.restartPolicy }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
    spec: { nodeName: spec.nodeName, overhead: spec.overhead, containers: containers(spec.containers), initContainers: containers(spec.initContainers) },
    status: { phase: (pod.status as { phase?: string } | undefined)?.phase },
  };
}

/** Why `pod` does not fit on `node` beside `pods` (NodeResourcesFit); empty when it fits. */
function misfit(pod: KubeObject, node: KubeObject, pods: KubeObject[]): string[] {
  const snapshot = new Snapshot({ nodes: [node as never], pods: pods as never[] });
  const info = snapshot.node(node.metadata.name ?? '')!;
  const fit = nodeResourcesFit.filter(pod as never, info, new CycleState(newPodInfo(pod as never), snapshot));
  return fit.code === 'Success' ? [] : fit.reasons;
}
