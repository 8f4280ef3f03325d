/**
 * The Kubernetes REST API as one function from request to response: authentication, routing,
 * content negotiation and the verbs, over the write path (`Registry`) and the store port.
 */
import {
  ApiError,
  BadRequestError,
  ConflictError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  type Status,
} from '../core/errors.ts';
import type { Clock, KubeObject, RequestContext } from '../core/object.ts';
import { apiVersionOf, findByKind, findByResource, type ResourceType } from '../core/resources.ts';
import type { ListResult, ObjectStore, WatchEvent } from '../store/types.ts';
import type { Authenticator } from './auth.ts';
import { decodeObjectBody, decodePatchBody, mediaType, negotiate, type Representation } from './codec.ts';
import { aggregatedDiscovery, aggregatedDiscoveryContentType, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery } from './discovery.ts';
import { json, text, type ApiRequest, type ApiResponse } from './http.ts';
import { partialMetadata, refOf, typeMeta } from './meta.ts';
import { answerReview, answerTokenReview, reviewAt } from './reviews.ts';
import { jwks, openIdConfiguration } from './service-account-tokens.ts';
import { answerTokenRequest, type TokenIssuing } from './token-request.ts';
import { canIgnoreBudgets, decideEviction } from './eviction.ts';
import { validateKind, type Pod, type PodDisruptionBudget } from './schema/index.ts';
import { NODE_LEASE_NAMESPACE, renewalOf, withHeartbeat, type HeartbeatPath } from './heartbeats.ts';
import { applyPatch } from './patch/index.ts';
import { openApiV3Document, openApiV3Index } from './openapi.ts';
import { Registry, type DeleteOptions, type FieldValidation, type WriteOptions } from './registry.ts';
import { labelSelectorToString, selectorPredicate } from './selectors.ts';
import { toTable } from './table.ts';

export const SKIFF_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-skiff.0.1.0',
  gitCommit: 'skiff',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'n/a',
  compiler: 'tsc',
  platform: 'aws/lambda',
};

export interface ApiOptions {
  store: ObjectStore;
  auth: Authenticator;
  clock: Clock;
  /** The address clients use, for legacy discovery. */
  serverAddress?: string;
  /** Longest a watch stays open (the client's timeoutSeconds is honoured below this). */
  maxWatchSeconds?: number;
  /** Readiness: resolves true once the backing services answer. */
  ready?: () => Promise<boolean>;
  /** The cheap path for node lease renewals; without it they are ordinary writes. */
  heartbeats?: HeartbeatPath;
  /** ServiceAccount tokens (`serviceaccounts/<name>/token`); without it that subresource answers 503. */
  tokens?: TokenIssuing;
  log?: (entry: Record<string, unknown>) => void;
}

export type Api = (req: ApiRequest, signal?: AbortSignal) => Promise<ApiResponse>;

interface ResourceRoute {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Kinds whose immediate delete answers with the deleted object; the rest answer a Status. */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Namespace', 'Service', 'Node']);
/** Pod subresources a node's runtime would stream (SPDY or WebSocket upgrades). */
const NODE_STREAMS = new Set(['exec', 'attach', 'portforward']);
const PDBS = findByResource('policy', 'v1', 'poddisruptionbudgets')!;
/** Evictions racing for one budget's last disruptions decide again this many times before a 409. */
const EVICTION_ATTEMPTS = 20;

export function createApi(opts: ApiOptions): Api {
  const registry = new Registry({ store: opts.store, clock: opts.clock });
  const log = opts.log ?? (() => {});

  return async function handle(req, signal) {
    try {
      return await route(req, signal ?? new AbortController().signal);
    } catch (err) {
      return errorResponse(err, req, log);
    }
  };

  async function route(req: ApiRequest, signal: AbortSignal): Promise<ApiResponse> {
    const p = req.path;
    if (p === '/healthz' || p === '/livez') return text(200, 'ok');
    if (p === '/readyz') {
      const ok = opts.ready ? await opts.ready() : true;
      return ok ? text(200, 'ok') : text(503, 'not ready');
    }
    const actor = await opts.auth.authenticate(req.headers);
    const ctx: RequestContext = { actor, verb: '', requestId: req.requestId, userAgent: req.userAgent, sourceIp: req.sourceIp };

    if (p === '/version') return json(200, SKIFF_VERSION);
    if (p === '/api' || p === '/apis') {
      requireMethod(req, 'GET');
      const form = negotiateDiscovery(req.headers['accept']);
      if (form !== 'legacy') {
        return { statusCode: 200, headers: { 'content-type': aggregatedDiscoveryContentType(form), vary: 'Accept' }, body: JSON.stringify(aggregatedDiscovery(p === '/api', form)) };
      }
      return json(200, p === '/api' ? apiVersions(opts.serverAddress ?? '127.0.0.1:6443') : apiGroupList(), { vary: 'Accept' });
    }
    if (p === '/.well-known/openid-configuration' || p === '/openid/v1/jwks') {
      requireMethod(req, 'GET');
      if (!opts.tokens) throw NotFoundError.path(p);
      if (p === '/openid/v1/jwks') return json(200, jwks([opts.tokens.signer]), { 'content-type': 'application/jwk-set+json' });
      return json(200, openIdConfiguration(opts.tokens.issuer, `https://${req.headers['host'] ?? opts.serverAddress ?? '127.0.0.1:6443'}`));
    }
    if (p === '/openapi/v3') return json(200, openApiV3Index());
    if (p.startsWith('/openapi/v3/')) {
      const doc = openApiV3Document(p.slice('/openapi/v3/'.length));
      if (!doc) throw NotFoundError.path(p);
      return json(200, doc, { 'cache-control': 'public, immutable' });
    }

    const review = reviewAt(p);
    if (review) {
      requireMethod(req, 'POST');
      const { fieldValidation } = writeOptions(req, ctx);
      const { object, warnings } = validateKind(review, decodeObjectBody(req.headers['content-type'], req.body), { fieldValidation, rawJson: rawJsonOf(req), namespaced: false }, review.resource);
      const answer = review.kind === 'TokenReview' ? await answerTokenReview(object, opts.auth.review.bind(opts.auth)) : answerReview(review, object, actor, opts.clock());
      return json(201, answer, warnings.length ? { warning: warnings.map(warningHeader).join(', ') } : {});
    }

    const segs = p.split('/').filter(Boolean);
    let group: string;
    let version: string | undefined;
    let rest: string[];
    if (segs[0] === 'api') {
      group = '';
      version = segs[1];
      rest = segs.slice(2);
    } else if (segs[0] === 'apis') {
      group = segs[1] ?? '';
      version = segs[2];
      rest = segs.slice(3);
      if (!version) {
        const doc = apiGroup(group);
        if (!doc) throw NotFoundError.path(p);
        return json(200, doc);
      }
    } else {
      throw NotFoundError.path(p);
    }
    if (!version) throw NotFoundError.path(p);
    if (rest.length === 0) {
      const doc = apiResourceList(group, version);
      if (!doc) throw NotFoundError.path(p);
      return json(200, doc);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, subresource, ...extra] = rest;
    const type = findByResource(group, version, resource);
    if (!type || extra.length) throw NotFoundError.path(p);
    if (namespace !== undefined && !type.namespaced) throw NotFoundError.path(p);
    if (type.kind === 'Pod' && name !== undefined && namespace !== undefined && subresource && NODE_STREAMS.has(subresource)) {
      return nodeStream(type, namespace, name, subresource);
    }
    if (subresource && !type.subresources.some((s) => s.name === subresource)) throw NotFoundError.path(p);
    const r: ResourceRoute = { type, namespace, name, subresource };
    return name === undefined ? collection(req, r, ctx, signal) : item(req, r, ctx);
  }

  // ------------------------------------------------------------ collections

  async function collection(req: ApiRequest, r: ResourceRoute, ctx: RequestContext, signal: AbortSignal): Promise<ApiResponse> {
    const q = req.query;
    switch (req.method) {
      case 'GET': {
        if (isTrue(q.get('watch'))) return watch(req, r, signal);
        return list(req, r);
      }
      case 'POST': {
        if (r.type.namespaced && r.namespace === undefined) throw new MethodNotAllowedError(`POST is not supported on the cluster-wide ${r.type.resource} collection; name a namespace`);
        const body = decodeObjectBody(req.headers['content-type'], req.body);
        const result = await registry.create(r.type, body, r.namespace, { ...writeOptions(req, { ...ctx, verb: 'create' }), rawJson: rawJsonOf(req) });
        return objectResponse(req, 201, result.object, result.warnings);
      }
      case 'DELETE': {
        if (r.type.namespaced && r.namespace === undefined) throw new MethodNotAllowedError(`DELETE is not supported on the cluster-wide ${r.type.resource} collection; name a namespace`);
        const options = deleteOptions(req);
        const { predicate } = selectorPredicate({ labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, r.type);
        const found = await opts.store.list(r.type, { namespace: r.namespace, filter: predicate });
        const base = writeOptions(req, { ...ctx, verb: 'deletecollection' });
        const wopts = { ...base, dryRun: base.dryRun || options.dryRun };
        const items: KubeObject[] = [];
        for (const obj of found.items) {
          try {
            items.push((await registry.delete(r.type, obj.metadata.namespace, obj.metadata.name!, options, wopts)).object);
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
          }
        }
        return json(200, { ...typeMeta(r.type), kind: r.type.listKind, metadata: { resourceVersion: found.resourceVersion }, items });
      }
      default:
        throw new MethodNotAllowedError(`${req.method} is not supported on a collection`);
    }
  }

  async function list(req: ApiRequest, r: ResourceRoute): Promise<ApiResponse> {
    const q = req.query;
    const { predicate, nodeName } = selectorPredicate({ labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, r.type);
    const limit = q.get('limit');
    const match = q.get('resourceVersionMatch') ?? undefined;
    if (match !== undefined && match !== 'Exact' && match !== 'NotOlderThan') {
      throw new BadRequestError(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    }
    if (match && !q.get('resourceVersion')) {
      throw new BadRequestError('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    }
    const n = limit ? Number(limit) : undefined;
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new BadRequestError(`limit: Invalid value: "${limit}": must be a non-negative integer`);
    const result = await opts.store.list(r.type, {
      namespace: r.namespace,
      limit: n || undefined,
      continue: q.get('continue') || undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: match as 'Exact' | 'NotOlderThan' | undefined,
      filter: predicate,
      nodeName,
    });
    if (opts.heartbeats && r.type.kind === 'Lease' && (r.namespace === undefined || r.namespace === NODE_LEASE_NAMESPACE)) {
      const beats = new Map((await opts.heartbeats.store.all()).map((b) => [b.node, b]));
      result.items = result.items.map((o) => (o.metadata.namespace === NODE_LEASE_NAMESPACE ? withHeartbeat(o, beats.get(o.metadata.name ?? '')) : o));
    }
    return listResponse(req, r, result);
  }

  /** Whether reads and renewals of this Lease go through the heartbeat path. */
  function nodeLease(type: ResourceType, namespace: string | undefined): boolean {
    return !!opts.heartbeats && type.kind === 'Lease' && namespace === NODE_LEASE_NAMESPACE;
  }

  function listResponse(req: ApiRequest, r: ResourceRoute, result: ListResult): ApiResponse {
    const metadata = {
      resourceVersion: result.resourceVersion,
      ...(result.continue ? { continue: result.continue } : {}),
      ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
    };
    const rep = negotiate(req.headers['accept']);
    if (rep === 'table') {
      return json(200, toTable(r.type, result.items, { now: opts.clock(), includeObject: includeObject(req), listMeta: metadata }));
    }
    if (rep === 'metadata') {
      return json(200, { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadataList', metadata, items: result.items.map(partialMetadata) });
    }
    return json(200, { apiVersion: apiVersionOf(r.type), kind: r.type.listKind, metadata, items: result.items });
  }

  async function watch(req: ApiRequest, r: ResourceRoute, signal: AbortSignal): Promise<ApiResponse> {
    const q = req.query;
    const { predicate, nodeName } = selectorPredicate({ labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, r.type);
    const rep = negotiate(req.headers['accept']);
    const timeout = Math.min(Number(q.get('timeoutSeconds') ?? Infinity) || Infinity, opts.maxWatchSeconds ?? 1800);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    if (signal.aborted) stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop.abort(), timeout * 1000);
    let started!: () => void;
    const accepted = new Promise<void>((ok) => (started = ok));
    const events = opts.store.watch(r.type, {
      namespace: r.namespace,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      sendInitialEvents: q.has('sendInitialEvents') ? isTrue(q.get('sendInitialEvents')) : undefined,
      allowBookmarks: isTrue(q.get('allowWatchBookmarks')),
      filter: predicate,
      nodeName,
      signal: stop.signal,
      onStarted: () => started(),
    });
    const iterator = events[Symbol.asyncIterator]();
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      stop.abort();
    };
    // A watch the store refuses (too old: 410, too new: 504) is answered with that status code;
    // failures after it started travel in the stream as ERROR events, as kube-apiserver does.
    const pending = iterator.next();
    pending.catch(() => {});
    try {
      await Promise.race([pending, accepted]);
    } catch (err) {
      cleanup();
      throw err;
    }
    let headers = true;
    const encode = (ev: WatchEvent): string => {
      let object: unknown = ev.object;
      if (ev.type !== 'BOOKMARK' && ev.type !== 'ERROR') {
        if (rep === 'table') {
          const table = toTable(r.type, [ev.object], { now: opts.clock(), includeObject: includeObject(req) });
          // Like kube, only the first event of a Table watch carries the column definitions.
          if (!headers) table.columnDefinitions = [];
          headers = false;
          object = table;
        } else if (rep === 'metadata') {
          object = partialMetadata(ev.object);
        }
      }
      return JSON.stringify({ type: ev.type, object }) + '\n';
    };
    async function* stream(): AsyncGenerator<string> {
      try {
        let step = await pending;
        while (!step.done) {
          yield encode(step.value);
          step = await iterator.next();
        }
      } catch (err) {
        if (!stop.signal.aborted) {
          const status = err instanceof ApiError ? err.toStatus() : new InternalError().toStatus();
          yield JSON.stringify({ type: 'ERROR', object: status }) + '\n';
        }
      } finally {
        cleanup();
        await iterator.return?.();
      }
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' },
      stream: stream(),
    };
  }

  // ------------------------------------------------------------ items

  async function item(req: ApiRequest, r: ResourceRoute, ctx: RequestContext): Promise<ApiResponse> {
    const { type, namespace, name, subresource } = r;
    if (type.namespaced && namespace === undefined) throw NotFoundError.path(req.path);
    const n = name!;
    if (subresource === 'scale') return scale(req, r, ctx);
    if (subresource === 'binding') return binding(req, r, ctx);
    if (subresource === 'eviction') return eviction(req, r, ctx);
    if (subresource === 'log') return podLog(r);
    if (subresource === 'token') return serviceAccountToken(req, r, ctx);
    const sub = subresource === 'status' || subresource === 'finalize' ? subresource : undefined;
    switch (req.method) {
      case 'GET': {
        const obj = await registry.get(type, namespace, n);
        return objectResponse(req, 200, nodeLease(type, namespace) ? withHeartbeat(obj, await opts.heartbeats!.store.get(n)) : obj);
      }
      case 'PUT': {
        const body = decodeObjectBody(req.headers['content-type'], req.body);
        if (nodeLease(type, namespace) && !sub && !req.query.getAll('dryRun').length) {
          const live = await registry.store.get(type, namespace, n);
          const beat = live && renewalOf(live, body);
          if (live && beat) {
            await opts.heartbeats!.send(beat);
            return objectResponse(req, 200, withHeartbeat(live, beat));
          }
        }
        const wopts = { ...writeOptions(req, { ...ctx, verb: 'update' }), subresource: sub === 'finalize' ? undefined : sub, rawJson: rawJsonOf(req) };
        const result =
          sub === 'finalize'
            ? await registry.finalizeNamespace(n, body, wopts)
            : await registry.update(type, namespace, n, body, wopts);
        return objectResponse(req, result.created ? 201 : 200, result.object, result.warnings);
      }
      case 'PATCH': {
        if (sub === 'finalize') throw new MethodNotAllowedError('PATCH is not supported on namespaces/finalize');
        const { patchType, patch } = decodePatchBody(req.headers['content-type'], req.body);
        const wopts = { ...writeOptions(req, { ...ctx, verb: 'patch' }), subresource: sub, force: isTrue(req.query.get('force')) };
        const result = await registry.patch(type, namespace, n, patchType, patch, wopts);
        return objectResponse(req, result.created ? 201 : 200, result.object, result.warnings);
      }
      case 'DELETE': {
        if (sub) throw new MethodNotAllowedError(`DELETE is not supported on ${type.resource}/${sub}`);
        const options = deleteOptions(req);
        const base = writeOptions(req, { ...ctx, verb: 'delete' });
        const result = await registry.delete(type, namespace, n, options, { ...base, dryRun: base.dryRun || options.dryRun });
        // kube answers 202 only when a cascading delete is still pending; otherwise 200.
        const code = result.pending && options.orphanDependents === false ? 202 : 200;
        if (!result.pending && !RETURNS_DELETED_OBJECT.has(type.kind)) {
          return json(code, { ...successStatus(code), details: { name: n, group: type.group || undefined, kind: type.resource, uid: result.object.metadata.uid } });
        }
        return objectResponse(req, code, result.object);
      }
      default:
        throw new MethodNotAllowedError(`${req.method} is not supported on ${type.resource}`);
    }
  }

  async function scale(req: ApiRequest, r: ResourceRoute, ctx: RequestContext): Promise<ApiResponse> {
    const { type, namespace } = r;
    const name = r.name!;
    const toScale = (obj: KubeObject) => {
      const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof labelSelectorToString>[0] };
      const status = (obj.status ?? {}) as { replicas?: number };
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion,
          creationTimestamp: obj.metadata.creationTimestamp,
        },
        spec: { replicas: spec.replicas ?? 0 },
        status: { replicas: status.replicas ?? 0, selector: labelSelectorToString(spec.selector) },
      };
    };
    if (req.method === 'GET') return json(200, toScale(await registry.get(type, namespace, name)));
    if (req.method !== 'PUT' && req.method !== 'PATCH') throw new MethodNotAllowedError(`${req.method} is not supported on ${type.resource}/scale`);
    const verb = req.method === 'PUT' ? 'update' : 'patch';
    const wopts = { ...writeOptions(req, { ...ctx, verb }), subresource: 'scale' };
    let replicasFrom: (live: KubeObject) => { replicas: number; rv?: string };
    if (req.method === 'PUT') {
      const body = decodeObjectBody(req.headers['content-type'], req.body) as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };
      replicasFrom = () => ({ replicas: body?.spec?.replicas as number, rv: body?.metadata?.resourceVersion });
    } else {
      const { patchType, patch } = decodePatchBody(req.headers['content-type'], req.body);
      replicasFrom = (live) => {
        const patched = applyPatch(patchType, toScale(live) as KubeObject, patch, { kind: 'Scale', apiVersion: 'autoscaling/v1' });
        return { replicas: (patched.spec as { replicas?: unknown })?.replicas as number, rv: undefined };
      };
    }
    const result = await registry.mutate(type, namespace, name, wopts, undefined, (live) => {
      if (!live) throw new NotFoundError(refOf(type, name));
      const { replicas, rv } = replicasFrom(live);
      if (rv && rv !== live.metadata.resourceVersion) throw new ConflictError(refOf(type, name));
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
          name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }],
        });
      }
      const next = structuredClone(live);
      next.spec = { ...((next.spec as object) ?? {}), replicas };
      if ((live.metadata.generation ?? 0) > 0 && (live.spec as { replicas?: number })?.replicas !== replicas) next.metadata.generation = (live.metadata.generation ?? 0) + 1;
      return { update: registry.recordUpdate(type, live, next, wopts, 'scale') };
    });
    return json(200, toScale(result.object));
  }

  async function binding(req: ApiRequest, r: ResourceRoute, ctx: RequestContext): Promise<ApiResponse> {
    if (req.method !== 'POST') throw new MethodNotAllowedError('only POST is supported on pods/binding');
    const body = decodeObjectBody(req.headers['content-type'], req.body) as { target?: { name?: string }; metadata?: { uid?: string } };
    const node = body?.target?.name;
    const name = r.name!;
    if (!node) {
      throw new ApiError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`, { name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }] });
    }
    await registry.bind(r.namespace!, name, node, body.metadata?.uid, writeOptions(req, { ...ctx, verb: 'create' }));
    return json(201, successStatus(201));
  }

  /**
   * An eviction: the pod is deleted once its PodDisruptionBudget (if any) spares a disruption,
   * taken with a write of the budget's status at the version read (a concurrent eviction that
   * took it first makes this one decide again); refused with 429 while the budget has none.
   */
  async function eviction(req: ApiRequest, r: ResourceRoute, ctx: RequestContext): Promise<ApiResponse> {
    if (req.method !== 'POST') throw new MethodNotAllowedError('only POST is supported on pods/eviction');
    const body = decodeObjectBody(req.headers['content-type'], req.body) as { deleteOptions?: DeleteOptions & { dryRun?: string[] } };
    const options: DeleteOptions = { ...(body?.deleteOptions ?? {}) };
    const dryRun = checkDryRun(body?.deleteOptions?.dryRun) || req.query.getAll('dryRun').includes('All');
    const write = { ...writeOptions(req, { ...ctx, verb: 'create' }), dryRun };
    for (let attempt = 1; ; attempt++) {
      const pod = (await registry.get(r.type, r.namespace, r.name!)) as Pod;
      const budgets = canIgnoreBudgets(pod) ? [] : ((await registry.store.list(PDBS, { namespace: r.namespace })).items as PodDisruptionBudget[]);
      const decision = decideEviction(pod, budgets, opts.clock(), dryRun);
      if (decision.kind === 'delete' || dryRun) break;
      try {
        const b = decision.pdb;
        await registry.update(PDBS, r.namespace, b.metadata?.name ?? '', b, { ...write, verb: 'update', subresource: 'status' });
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= EVICTION_ATTEMPTS) throw err;
      }
    }
    await registry.delete(r.type, r.namespace, r.name!, options, write);
    return json(201, successStatus(201));
  }

  /** A TokenRequest: a signed token for the ServiceAccount, bound to an object if asked; nothing written. */
  async function serviceAccountToken(req: ApiRequest, r: ResourceRoute, ctx: RequestContext): Promise<ApiResponse> {
    if (req.method !== 'POST') throw new MethodNotAllowedError('only POST is supported on serviceaccounts/token');
    const issuing = opts.tokens;
    if (!issuing) throw new ServiceUnavailableError('this server has no key to sign ServiceAccount tokens with');
    const { fieldValidation } = writeOptions(req, ctx);
    const gvk = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
    const body = decodeObjectBody(req.headers['content-type'], req.body);
    const { object, warnings } = validateKind(gvk, body, { fieldValidation, rawJson: rawJsonOf(req), namespaced: true }, 'tokenrequests');
    const serviceAccount = await registry.get(r.type, r.namespace, r.name!);
    const answer = await answerTokenRequest(object, {
      issuing,
      serviceAccount,
      now: opts.clock(),
      getBound: (kind, name) => {
        const type = findByKind('v1', kind)!;
        return registry.get(type, type.namespaced ? r.namespace : undefined, name);
      },
    });
    return json(201, answer, warnings.length ? { warning: warnings.map(warningHeader).join(', ') } : {});
  }

  async function podLog(r: ResourceRoute): Promise<ApiResponse> {
    const pod = await registry.get(r.type, r.namespace, r.name!);
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    throw new BadRequestError(node ? `pod "${r.name}" runs on node "${node}", which serves no container logs` : `pod "${r.name}" has not been scheduled to a node: no logs yet`);
  }

  /** exec, attach and port-forward: streams a node's runtime would serve; none here does. */
  async function nodeStream(type: ResourceType, namespace: string, name: string, subresource: string): Promise<ApiResponse> {
    const pod = await registry.get(type, namespace, name);
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    const what = subresource === 'portforward' ? 'port-forward' : subresource;
    throw new BadRequestError(node ? `pod "${name}" runs on node "${node}", which does not serve ${what}` : `pod "${name}" has not been scheduled to a node: cannot ${what}`);
  }

  // ------------------------------------------------------------ helpers

  function objectResponse(req: ApiRequest, code: number, obj: KubeObject, warnings: string[] = []): ApiResponse {
    const headers: Record<string, string> = {};
    if (warnings.length) headers['warning'] = warnings.map(warningHeader).join(', ');
    const rep: Representation = negotiate(req.headers['accept']);
    const r = findByKind(obj.apiVersion, obj.kind);
    if (rep === 'table' && r) return json(code, toTable(r, [obj], { now: opts.clock(), includeObject: includeObject(req) }), headers);
    if (rep === 'metadata') return json(code, partialMetadata(obj), headers);
    return json(code, obj, headers);
  }
}

/** One RFC 7234 warning: header values must stay ASCII without line breaks. */
function warningHeader(text: string): string {
  const ascii = JSON.stringify(text.replace(/[\r\n]+/g, ' ')).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `299 - ${ascii}`;
}

/** The body as text when it is JSON, for duplicate-field detection. */
function rawJsonOf(req: ApiRequest): string | undefined {
  const type = mediaType(req.headers['content-type']);
  return type === '' || type === 'application/json' ? req.body.toString('utf8') : undefined;
}

function includeObject(req: ApiRequest): 'None' | 'Metadata' | 'Object' {
  const v = req.query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** Go's strconv.ParseBool, which kube-apiserver uses for boolean query parameters. */
function isTrue(v: string | null | undefined): boolean {
  return v === '1' || v === 't' || v === 'T' || v === 'true' || v === 'TRUE' || v === 'True';
}

function requireMethod(req: ApiRequest, method: string): void {
  if (req.method !== method) throw new MethodNotAllowedError(`${req.method} is not supported on ${req.path}`);
}

function successStatus(code: number): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code } as unknown as Status;
}

function writeOptions(req: ApiRequest, ctx: RequestContext): WriteOptions {
  const q = req.query;
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw new BadRequestError(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv)) {
    throw new BadRequestError(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const fieldManager = q.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > 128) throw new BadRequestError('fieldManager: Too long: may not be more than 128 bytes');
  return { ...ctx, dryRun: dryRun.includes('All'), fieldManager, fieldValidation: fv as FieldValidation };
}

/** DeleteOptions.dryRun: absent, or a list whose only allowed value is "All". */
function checkDryRun(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value) || value.some((v) => v !== 'All')) {
    throw new BadRequestError(`dryRun: Unsupported value: ${JSON.stringify(value)}: supported values: "All"`);
  }
  return value.length > 0;
}

/** The request's DeleteOptions (query and body), and whether its body asked for a dry run. */
function deleteOptions(req: ApiRequest): DeleteOptions & { dryRun: boolean } {
  const q = req.query;
  let body: Record<string, unknown> = {};
  if (req.body.length) {
    const decoded = decodeObjectBody(req.headers['content-type'], req.body);
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw new BadRequestError('the delete options must be a DeleteOptions object');
    body = decoded as Record<string, unknown>;
  }
  const policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw new BadRequestError(`propagationPolicy: Unsupported value: "${policy}": supported values: "Background", "Foreground", "Orphan"`);
  }
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const g = grace === undefined || grace === null ? undefined : Number(grace);
  if (g !== undefined && (!Number.isInteger(g) || g < 0)) throw new BadRequestError(`gracePeriodSeconds: Invalid value: ${String(grace)}: must be a non-negative integer`);
  return {
    dryRun: checkDryRun(body.dryRun),
    preconditions: body.preconditions as DeleteOptions['preconditions'],
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    gracePeriodSeconds: g,
    orphanDependents: body.orphanDependents as boolean | undefined,
  };
}

function errorResponse(err: unknown, req: ApiRequest, log: (e: Record<string, unknown>) => void): ApiResponse {
  if (err instanceof ApiError) {
    const headers: Record<string, string> = {};
    if (err.code === 401) headers['www-authenticate'] = 'Bearer realm="skiff"';
    if (err.details?.retryAfterSeconds) headers['retry-after'] = String(err.details.retryAfterSeconds);
    return json(err.code, err.toStatus(), headers);
  }
  log({ level: 'error', message: 'unhandled error', path: req.path, method: req.method, requestId: req.requestId, error: (err as Error)?.stack ?? String(err) });
  return json(500, new InternalError(`an internal error occurred (request ${req.requestId})`).toStatus());
}
