/**
 * OpenAPI v3 documents (`GET /openapi/v3`, `GET /openapi/v3/apis/apps/v1`) generated from the zod
 * schemas in `lib/api/schema`, so what `kubectl explain` prints and what validation enforces cannot
 * drift apart. Components carry kube's names (`io.k8s.api.apps.v1.Deployment`), descriptions, the
 * `x-kubernetes-*` list and patch annotations, and `x-kubernetes-group-version-kind` on kinds;
 * operations carry `x-kubernetes-group-version-kind` and a `fieldValidation` parameter on
 * POST/PUT/PATCH, which makes kubectl leave validation to the server (`fieldValidation=Strict`).
 * Documents are generated once per process and cached with their content hash.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type GroupVersion, type ResourceType, type SubresourceInfo, groupVersions } from '#lib/core/resources.ts';
import { REVIEW_RESOURCES } from './reviews.ts';
import { KINDS } from './schema/kinds.ts';
import { emptyAllowed, jsonOverrides, registry } from './schema/kit.ts';

type Json = Record<string, unknown>;
interface GVK { group: string; kind: string; version: string }

const REF = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const INT32 = { min: -2147483648, max: 2147483647 };
const SAFE = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Rewrites zod's JSON Schema into the shape kube publishes. */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (!isObj(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$id' || k === '$schema' || k === 'propertyNames') continue;
    if (k === 'additionalProperties' && v === false) continue;
    out[k] = clean(v);
  }
  if (out.type === 'integer') {
    const bounds = out.minimum === INT32.min && out.maximum === INT32.max ? 'int32' : out.minimum === SAFE.min && out.maximum === SAFE.max ? 'int64' : undefined;
    if (bounds) {
      delete out.minimum;
      delete out.maximum;
      out.format = bounds;
    }
  }
  // A lone `allOf: [$ref]` is just the `$ref`; with siblings (a description) kube keeps the allOf.
  if (Array.isArray(out.allOf) && out.allOf.length === 1 && Object.keys(out).length === 1) return out.allOf[0];
  return out;
}

let componentCache: Record<string, Json> | undefined;

/** Every registered component, converted once. */
function components(): Record<string, Json> {
  if (componentCache) return componentCache;
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    metadata: registry,
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `${REF}${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      const json = jsonSchema as Json;
      const replacement = jsonOverrides.get(zodSchema);
      if (replacement) {
        const { description } = json;
        for (const k of Object.keys(json)) if (!k.startsWith('x-kubernetes-')) delete json[k];
        Object.assign(json, replacement, description === undefined ? {} : { description });
      }
      if (emptyAllowed.has(zodSchema) && Array.isArray(json.enum)) json.enum = json.enum.filter((v) => v !== '');
    },
  });
  const all = Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, clean(s) as Json]));
  // zod drops a field's description when it repeats the referenced component's; explain prints the field's own.
  for (const schema of Object.values(all)) {
    const props = (schema.properties ?? {}) as Record<string, Json>;
    for (const [name, prop] of Object.entries(props)) {
      const target = typeof prop.$ref === 'string' ? all[prop.$ref.slice(REF.length)] : undefined;
      if (!prop.description && target?.description) props[name] = { description: target.description, allOf: [{ $ref: prop.$ref }] };
    }
  }
  componentCache = all;
  return componentCache;
}

/** The components a set of roots needs, following `$ref`s. */
function closure(roots: string[]): Record<string, Json> {
  const all = components();
  const out: Record<string, Json> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObj(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) add(v.slice(REF.length));
        else visit(v);
      }
    }
  };
  const add = (id: string) => {
    if (out[id] || !all[id]) return;
    out[id] = all[id];
    visit(all[id]);
  };
  roots.forEach(add);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---- paths ----------------------------------------------------------------------------------

const ref = (id: string) => ({ $ref: `${REF}${id}` });

function groupWord(group: string): string {
  if (!group) return 'Core';
  return group.replace(/\.k8s\.io$/, '').split('.').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function query(name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string', uniqueItems = true): Json {
  return { name, in: 'query', description, schema: { type, uniqueItems } };
}

const P = {
  pretty: query('pretty', "If 'true', the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  dryRun: query('dryRun', 'When present, indicates that modifications should not be persisted. The only valid value is "All": all dry run stages will be processed.'),
  fieldManager: query('fieldManager', 'A name associated with the actor or entity making these changes: at most 128 printable characters. Required for apply requests (application/apply-patch), optional otherwise.'),
  fieldValidation: query('fieldValidation', 'How the server handles objects with unknown or duplicate fields: Ignore drops them silently, Warn (the default) drops them with a warning per field, Strict fails the request with a BadRequest error naming every such field.'),
  force: query('force', 'Force "Apply" requests: re-acquire conflicting fields owned by other managers. Must be unset for non-apply patches.', 'boolean'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'Seconds before the object should be deleted; 0 means delete immediately. Defaults to the default grace period of the kind when unset.', 'integer'),
  orphanDependents: query('orphanDependents', 'Deprecated: use propagationPolicy. Whether dependent objects should be orphaned.', 'boolean'),
  propagationPolicy: query('propagationPolicy', "Whether and how garbage collection is performed: 'Orphan', 'Background' or 'Foreground'."),
  ignoreStoreReadError: query('ignoreStoreReadErrorWithClusterBreakingPotential', 'Delete an object that cannot be read from storage, bypassing finalizers and admission. Dangerous.', 'boolean'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'Requests watch events of type BOOKMARK. Servers may ignore it.', 'boolean'),
  continue: query('continue', 'The continue token returned by a previous limited list, to fetch the next page.'),
  fieldSelector: query('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  labelSelector: query('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: query('limit', 'The maximum number of items to return in a list call; a continue token is returned when there are more.', 'integer'),
  resourceVersion: query('resourceVersion', 'Constrains which resource versions a request may be served from. Defaults to unset (the most recent).'),
  resourceVersionMatch: query('resourceVersionMatch', 'How resourceVersion applies to list calls: Exact or NotOlderThan.'),
  sendInitialEvents: query('sendInitialEvents', 'With watch=true, starts the watch stream with synthetic ADDED events for the current state, then a bookmark.', 'boolean'),
  timeoutSeconds: query('timeoutSeconds', 'Timeout for the list/watch call, regardless of any activity.', 'integer'),
  watch: query('watch', 'Watch for changes to the described resources and return them as a stream of add, update and remove notifications.', 'boolean'),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];

const pathParam = (name: string, description: string): Json => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const LIST_TYPES = [...OBJECT_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function content(types: string[], schema: Json): Json {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(codes: Record<string, string>, schema: Json, types = OBJECT_TYPES): Json {
  const out: Json = {};
  for (const [code, description] of Object.entries(codes)) out[code] = { description, content: content(types, schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

interface OperationSpec {
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  operationId: string;
  description: string;
  gvk: GVK;
  parameters?: Json[];
  requestBody?: Json;
  responses: Json;
  tag: string;
}

function operation(o: OperationSpec): Json {
  return {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
    ...(o.parameters?.length ? { parameters: o.parameters } : {}),
    ...(o.requestBody ? { requestBody: o.requestBody } : {}),
    responses: o.responses,
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': o.gvk,
  };
}

const body = (id: string): Json => ({ content: { '*/*': { schema: ref(id) } }, required: true });
const patchBody = (): Json => ({ content: content(PATCH_TYPES, ref(`${META}.Patch`)), required: true });

function idOf(gvk: GVK): string {
  for (const k of KINDS.values()) if (k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind) return k.id;
  throw new Error(`no schema for ${gvk.group}/${gvk.version}/${gvk.kind}`);
}

/** The paths of one resource type, shaped (and named) like kube-apiserver's. */
function resourcePaths(t: ResourceType, paths: Record<string, Json>, roots: Set<string>): void {
  const gvk: GVK = { group: t.group, kind: t.kind, version: t.version };
  const id = idOf(gvk);
  const listId = `${id}List`;
  roots.add(id).add(listId);
  const tag = `${t.group ? t.group.replace(/\.k8s\.io$/, '').replace(/\./g, '_') : 'core'}_${t.version}`;
  const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced ? 'Namespaced' : '';
  const name = `${groupWord(t.group)}${pascal(t.version)}`;
  const collection = `${prefix}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
  const item = `${collection}/{name}`;
  const nsParam = t.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const verbs = new Set(t.verbs);
  const kind = t.kind;

  const coll: Json = { parameters: [...nsParam, P.pretty] };
  if (verbs.has('list')) {
    coll.get = operation({
      action: 'list', operationId: `list${name}${ns}${kind}`, description: `list or watch objects of kind ${kind}`, gvk, tag,
      parameters: LIST_PARAMS, responses: responses({ 200: 'OK' }, ref(listId), LIST_TYPES),
    });
  }
  if (verbs.has('create')) {
    coll.post = operation({
      action: 'post', operationId: `create${name}${ns}${kind}`, description: `create a ${kind}`, gvk, tag,
      parameters: WRITE_PARAMS, requestBody: body(id), responses: responses({ 200: 'OK', 201: 'Created', 202: 'Accepted' }, ref(id)),
    });
  }
  if (verbs.has('deletecollection')) {
    coll.delete = operation({
      action: 'deletecollection', operationId: `delete${name}Collection${ns}${kind}`, description: `delete collection of ${kind}`, gvk, tag,
      parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')],
      requestBody: { content: { '*/*': { schema: ref(`${META}.DeleteOptions`) } } },
      responses: responses({ 200: 'OK' }, ref(`${META}.Status`)),
    });
  }
  paths[collection] = coll;

  const itemPath: Json = { parameters: [pathParam('name', `name of the ${kind}`), ...nsParam, P.pretty] };
  if (verbs.has('get')) {
    itemPath.get = operation({
      action: 'get', operationId: `read${name}${ns}${kind}`, description: `read the specified ${kind}`, gvk, tag, responses: responses({ 200: 'OK' }, ref(id)),
    });
  }
  if (verbs.has('update')) {
    itemPath.put = operation({
      action: 'put', operationId: `replace${name}${ns}${kind}`, description: `replace the specified ${kind}`, gvk, tag,
      parameters: WRITE_PARAMS, requestBody: body(id), responses: responses({ 200: 'OK', 201: 'Created' }, ref(id)),
    });
  }
  if (verbs.has('patch')) {
    itemPath.patch = operation({
      action: 'patch', operationId: `patch${name}${ns}${kind}`, description: `partially update the specified ${kind}`, gvk, tag,
      parameters: [...WRITE_PARAMS, P.force], requestBody: patchBody(), responses: responses({ 200: 'OK', 201: 'Created' }, ref(id)),
    });
  }
  if (verbs.has('delete')) {
    itemPath.delete = operation({
      action: 'delete', operationId: `delete${name}${ns}${kind}`, description: `delete a ${kind}`, gvk, tag,
      parameters: DELETE_PARAMS, requestBody: { content: { '*/*': { schema: ref(`${META}.DeleteOptions`) } } },
      responses: responses({ 200: 'OK', 202: 'Accepted' }, ref(`${META}.Status`)),
    });
  }
  paths[item] = itemPath;

  if (t.namespaced && verbs.has('list')) {
    paths[`${prefix}/${t.resource}`] = {
      parameters: [P.pretty],
      get: operation({
        action: 'list', operationId: `list${name}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, gvk, tag,
        parameters: LIST_PARAMS, responses: responses({ 200: 'OK' }, ref(listId), LIST_TYPES),
      }),
    };
  }

  for (const sub of t.subresources) subresourcePath(t, sub, { item, name, ns, tag, paths, roots, nsParam });
}

interface SubContext {
  item: string;
  name: string;
  ns: string;
  tag: string;
  paths: Record<string, Json>;
  roots: Set<string>;
  nsParam: Json[];
}

function subresourcePath(t: ResourceType, sub: SubresourceInfo, c: SubContext): void {
  const gvk: GVK = { group: sub.group, kind: sub.kind, version: sub.version };
  const suffix = `${t.kind}${pascal(sub.name)}`;
  const path: Json = { parameters: [pathParam('name', `name of the ${sub.kind}`), ...c.nsParam, P.pretty] };
  const verbs = new Set(sub.verbs);
  const opName = (verb: string) => `${verb}${c.name}${c.ns}${suffix}`;

  if (sub.name === 'log') {
    path.get = operation({
      action: 'get', operationId: opName('read'), description: `read log of the specified ${t.kind}`, gvk, tag: c.tag,
      parameters: [
        query('container', 'The container for which to stream logs. Defaults to the only container if there is one.'),
        query('follow', 'Follow the log stream of the pod.', 'boolean'),
        query('limitBytes', 'The number of bytes to read from the server before terminating the log output.', 'integer'),
        query('previous', 'Return the logs of the previous terminated container.', 'boolean'),
        query('sinceSeconds', 'A relative time in seconds before the current time from which to show logs.', 'integer'),
        query('tailLines', 'The number of lines from the end of the logs to show.', 'integer'),
        query('timestamps', 'Add an RFC 3339 timestamp at the beginning of every line of log output.', 'boolean'),
      ],
      responses: { 200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }, 401: { description: 'Unauthorized' } },
    });
    c.paths[`${c.item}/log`] = path;
    return;
  }

  const id = sub.name === 'finalize' || sub.name === 'status' ? idOf({ group: t.group, version: t.version, kind: t.kind }) : idOf(gvk);
  c.roots.add(id);
  if (verbs.has('get')) {
    path.get = operation({
      action: 'get', operationId: opName('read'), description: `read ${sub.name} of the specified ${t.kind}`, gvk, tag: c.tag, responses: responses({ 200: 'OK' }, ref(id)),
    });
  }
  if (verbs.has('update')) {
    path.put = operation({
      action: 'put', operationId: opName('replace'), description: `replace ${sub.name} of the specified ${t.kind}`, gvk, tag: c.tag,
      parameters: WRITE_PARAMS, requestBody: body(id), responses: responses({ 200: 'OK', 201: 'Created' }, ref(id)),
    });
  }
  if (verbs.has('patch')) {
    path.patch = operation({
      action: 'patch', operationId: opName('patch'), description: `partially update ${sub.name} of the specified ${t.kind}`, gvk, tag: c.tag,
      parameters: [...WRITE_PARAMS, P.force], requestBody: patchBody(), responses: responses({ 200: 'OK', 201: 'Created' }, ref(id)),
    });
  }
  if (verbs.has('create')) {
    path.post = operation({
      action: 'post', operationId: opName('create'), description: `create ${sub.name} of a ${t.kind}`, gvk, tag: c.tag,
      parameters: WRITE_PARAMS, requestBody: body(id), responses: responses({ 200: 'OK', 201: 'Created', 202: 'Accepted' }, ref(id)),
    });
  }
  c.paths[`${c.item}/${sub.name}`] = path;
}

// ---- documents ------------------------------------------------------------------------------

/** The index key of a group version: `api/v1`, `apis/apps/v1`. */
const keyOf = (gv: Pick<GroupVersion, 'group' | 'version'>) => (gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`);

/** A group version's document: its paths and the components they reach from `roots`. */
function documentOf(paths: Record<string, Json>, roots: Set<string>): Json {
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {
      schemas: closure([...roots]),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

function buildDocument(gv: GroupVersion): Json {
  const paths: Record<string, Json> = {};
  const roots = new Set<string>([`${META}.DeleteOptions`, `${META}.Status`, `${META}.Patch`]);
  for (const t of gv.resources) resourcePaths(t, paths, roots);
  return documentOf(paths, roots);
}

/** The document of a review group version: one create-only path per review (`lib/api/reviews.ts`). */
function buildReviewDocument(group: string, version: string): Json {
  const paths: Record<string, Json> = {};
  const roots = new Set<string>();
  for (const r of REVIEW_RESOURCES.filter((x) => x.group === group && x.version === version)) {
    const gvk: GVK = { group, version, kind: r.kind };
    const id = idOf(gvk);
    roots.add(id);
    paths[`/apis/${group}/${version}/${r.resource}`] = {
      parameters: [P.pretty],
      post: operation({
        action: 'post', operationId: `create${groupWord(group)}${pascal(version)}${r.kind}`, description: `create a ${r.kind}`, gvk, tag: `${group.replace(/\.k8s\.io$/, '')}_${version}`,
        parameters: WRITE_PARAMS, requestBody: body(id), responses: responses({ 200: 'OK', 201: 'Created', 202: 'Accepted' }, ref(id)),
      }),
    };
  }
  return documentOf(paths, roots);
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

interface Serialized {
  document: Json;
  /** The JSON text served. */
  body: string;
  /** Uppercase hex SHA-512 of `body`, as kube's `?hash=` and ETag use. */
  hash: string;
}

let documents: Map<string, Serialized> | undefined;

function allDocuments(): Map<string, Serialized> {
  if (documents) return documents;
  documents = new Map();
  const add = (key: string, built: Json) => {
    const document = deepFreeze(built);
    const json = JSON.stringify(document);
    documents!.set(key, { document, body: json, hash: createHash('sha512').update(json).digest('hex').toUpperCase() });
  };
  for (const gv of groupVersions()) add(keyOf(gv), buildDocument(gv));
  for (const gv of new Set(REVIEW_RESOURCES.map((r) => `${r.group}/${r.version}`))) {
    const [group, version] = gv.split('/');
    add(keyOf({ group, version }), buildReviewDocument(group, version));
  }
  return documents;
}

const normalize = (path: string) => path.split('?')[0].replace(/^\/+/, '').replace(/^openapi\/v3\/?/, '').replace(/\/+$/, '');

/** `GET /openapi/v3`: one entry per served group version, each with a content-hashed URL. */
export function openApiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, doc] of allDocuments()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  return { paths };
}

/**
 * The document of one group version, by its index key (`api/v1`, `apis/apps/v1`; a leading
 * `/openapi/v3/` and a query string are tolerated). Cached and frozen: do not mutate.
 */
export function openApiV3Document(path: string): object | undefined {
  return allDocuments().get(normalize(path))?.document;
}

/** The same document serialized, with its hash (for ETag and `?hash=` cache checks). */
export function openApiV3Serialized(path: string): { body: string; hash: string } | undefined {
  const doc = allDocuments().get(normalize(path));
  return doc && { body: doc.body, hash: doc.hash };
}

/** Every component schema (for tests and tools). */
export function openApiComponents(): Readonly<Record<string, Json>> {
  return components();
}
