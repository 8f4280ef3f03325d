/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), applied the way
 * apimachinery's `strategicpatch.StrategicMergeMapPatch` applies it on the server:
 *
 * - maps merge key by key; `null` deletes a key;
 * - lists whose field has `patchStrategy: merge` merge: maps by their merge key, scalars as a set;
 *   every other list is replaced whole;
 * - `$patch: replace` (map or list element) replaces instead of merging, `$patch: delete` removes a
 *   map or the list element with that merge key; `$patch: merge` is the default, spelled out;
 * - `$retainKeys: [...]` drops every key of the live map not listed (Deployment `strategy`, volumes);
 * - `$setElementOrder/<field>` fixes the order of a merged list (what `kubectl apply` sends);
 * - `$deleteFromPrimitiveList/<field>` removes values from a merged list of scalars.
 *
 * Result order follows kube: items of a merged list keep the live order, items named in the patch
 * follow the patch's (or `$setElementOrder`'s) order, and an item new to the list is placed before the
 * live items it is not ordered against, i.e. a single new element lands first.
 *
 * Deviations, all towards accepting or cleaning: kube answers 500 for several malformed patches (no
 * merge key in an element, `$setElementOrder` not matching the patch list); we answer 400. kube rejects
 * `$patch: merge`; we accept it as the default it names. Values new to the object are cleaned of
 * `null`s and directives recursively (kube cleans only the outermost level of some of them).
 */
import { BadRequestError } from '../../core/errors.ts';
import { PatchApplyError } from './errors.ts';
import { clone, getKey, goFormat, hasKey, isObject, jsonType, setKey, type JsonObject } from './json.ts';
import { childField, elementField, rootField, smpStrategy, type FieldMeta } from './patch-meta.ts';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';

// mergepatch's error texts, which clients (and kube's own tests) match on.
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_SET_ORDER = 'invalid patch format of setElementOrder list';

const bad = (message: string) => new BadRequestError(message);
const noMergeKey = (m: unknown, key: string) => bad(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);

/**
 * Applies `patch` to `original` (an object of `kind`) and returns the result. Neither input is
 * modified. Throws `BadRequestError` for a malformed patch and `PatchApplyError` (422) for one that
 * cannot apply (a list of lists).
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string): JsonObject {
  const base = isObject(original) ? clone(original) : {};
  // Go decodes `null` into a nil map: a patch that changes nothing.
  if (patch === null) return base;
  if (!isObject(patch)) {
    throw bad(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(base, clone(patch), rootField(kind), '');
}

function goJsonKind(v: unknown): string {
  const t = jsonType(v);
  return t === 'boolean' ? 'bool' : t === 'undefined' ? 'null' : t;
}

/** Merges `patch` into `original`. Both are private copies and may be consumed. */
function mergeMap(original: JsonObject, patch: JsonObject, field: FieldMeta | undefined, path: string): JsonObject {
  if (hasKey(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, field, path);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw bad(`unknown patch type: ${goFormat(directive)} in map: ${goFormat({ ...patch, [DIRECTIVE]: directive })}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, field, path);

  // Deletion lists go last: a patch may add and delete values of the same list.
  const deletions: string[] = [];
  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE)) deletions.push(key);
    else mergeField(original, key, patch[key], field, path, false);
  }
  for (const key of deletions) {
    const name = extractKey(key, DELETE_PRIMITIVE, ERR_BAD_PRIMITIVE_LIST);
    mergeField(original, name, patch[key], field, path, true);
  }
  return original;
}

function mergeField(original: JsonObject, key: string, patchValue: unknown, field: FieldMeta | undefined, path: string, isDeleteList: boolean): void {
  if (patchValue === null) {
    delete original[key];
    return;
  }
  const meta = childField(field, key);
  const at = `${path}.${key}`;
  if (!hasKey(original, key) || jsonType(original[key]) !== jsonType(patchValue)) {
    if (!isDeleteList) putCleaned(original, key, patchValue, meta, at);
    return;
  }
  const current = original[key];
  if (isObject(current) && isObject(patchValue)) {
    if (smpStrategy(meta) === 'replace') putCleaned(original, key, patchValue, meta, at);
    else setKey(original, key, mergeMap(current, patchValue, meta, at));
  } else if (Array.isArray(current) && Array.isArray(patchValue)) {
    if (smpStrategy(meta) === 'merge' || isDeleteList) setKey(original, key, mergeList(current, patchValue, meta, at, isDeleteList));
    else putCleaned(original, key, patchValue, meta, at);
  } else {
    setKey(original, key, patchValue);
  }
}

function putCleaned(target: JsonObject, key: string, value: unknown, meta: FieldMeta | undefined, path: string): void {
  const v = cleanNew(value, meta, path);
  if (v === undefined) delete target[key];
  else setKey(target, key, v);
}

/**
 * A patch value that lands where the object had nothing to merge with: nulls mean nothing,
 * directives apply against emptiness, `$patch: delete` elements vanish. Undefined: drop the key.
 */
function cleanNew(value: unknown, meta: FieldMeta | undefined, path: string): unknown {
  if (isObject(value)) {
    if (getKey(value, DIRECTIVE) === 'delete') return undefined;
    return mergeMap({}, value, meta, path);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (isObject(item)) {
        if (hasKey(item, DIRECTIVE)) continue;
        out.push(mergeMap({}, item, elementField(meta), path));
      } else {
        out.push(item);
      }
    }
    return out;
  }
  return value;
}

function extractKey(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw bad(error);
  return key.slice(slash + 1);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw bad(ERR_BAD_RETAIN_KEYS);
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw bad(ERR_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

type ElementKind = 'object' | 'string' | 'number' | 'boolean' | 'null' | 'none';

/** The one JSON type all elements share; lists of lists are a 422, mixed lists a 400. */
function elementKind(lists: unknown[][]): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = jsonType(v);
      if (t === 'array') throw new PatchApplyError('lists of lists are not supported');
      const k = t === 'undefined' ? 'null' : t;
      if (kind === undefined) kind = k;
      else if (kind !== k) throw bad(`list element types are not identical: ${goFormat(lists)}`);
    }
  }
  return kind ?? 'none';
}

/** The merge-key value of a list element (undefined when absent, as Go's nil for a missing key). */
const keyOf = (item: unknown, mergeKey: string) => (isObject(item) ? getKey(item, mergeKey) : undefined);

function sameItem(a: unknown, b: unknown, mergeKey: string, kind: ElementKind): boolean {
  return kind === 'object' ? keyOf(a, mergeKey) === keyOf(b, mergeKey) : a === b;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  return list.findIndex((x) => sameItem(x, item, mergeKey, kind));
}

function mergeList(original: unknown[], patch: unknown[], meta: FieldMeta | undefined, path: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind([original, patch]);
  let merged: unknown[];
  let mergeKey = '';
  if (kind !== 'object') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = dedupe([...original, ...patch]);
  } else {
    mergeKey = meta?.patchMergeKey ?? '';
    if (!mergeKey) throw bad(`cannot merge lists without merge key for ${path.slice(1) || 'the object'}`);
    [original, patch] = applyListDirectives(original, patch, mergeKey);
    merged = mergeByKey(original, patch, mergeKey, elementField(meta), path);
  }
  const { inPatch, serverOnly } = partition(merged, patch, mergeKey, kind);
  return normalizeOrder(inPatch, serverOnly, patch, original, mergeKey, kind);
}

function dedupe(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.includes(v)) out.push(v);
  return out;
}

/** Handles `$patch` elements: deletes by merge key, or marks the whole list for replacement. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const rest: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!hasKey(item, DIRECTIVE)) {
      rest.push(v);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
      original = original.filter((o) => {
        if (!isObject(o)) throw bad(`value for key ${mergeKey} is not a map`);
        return !(hasKey(o, mergeKey) && o[mergeKey] === item[mergeKey]);
      });
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive !== 'merge') {
      throw bad(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  return replace ? [rest, []] : [original, rest];
}

function mergeByKey(original: unknown[], patch: unknown[], mergeKey: string, elem: FieldMeta | undefined, path: string): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const item = v as JsonObject;
    if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const at = out.findIndex((o) => {
      if (!isObject(o)) throw bad(`value for key ${mergeKey} is not a map`);
      return hasKey(o, mergeKey) && o[mergeKey] === item[mergeKey];
    });
    if (at >= 0) out[at] = mergeMap(out[at] as JsonObject, item, elem, path);
    else out.push(mergeMap({}, item, elem, path));
  }
  return out;
}

/** Splits `list` into the items present in `by` (patch or order list) and the rest. */
function partition(list: unknown[], by: unknown[], mergeKey: string, kind: ElementKind): { inPatch: unknown[]; serverOnly: unknown[] } {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (kind === 'object' && !(isObject(v) && hasKey(v, mergeKey))) throw noMergeKey(v, mergeKey);
    (indexIn(by, v, mergeKey, kind) >= 0 ? inPatch : serverOnly).push(v);
  }
  return { inPatch, serverOnly };
}

/**
 * Orders patch items by `patchOrder` and server-only items by `serverOrder`, then interleaves them:
 * a server-only item goes before a patch item only when both are in the live list and it came first
 * there. Precedence: `$setElementOrder` > order in the patch > order in the live list.
 */
function normalizeOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let keep = items;
  let deletes: unknown[] = [];
  if (kind === 'object') {
    for (const v of [...items, ...order]) if (!(isObject(v) && hasKey(v, mergeKey))) throw noMergeKey(v, mergeKey);
    keep = items.filter((v) => getKey(v as JsonObject, DIRECTIVE) !== 'delete');
    deletes = items.filter((v) => getKey(v as JsonObject, DIRECTIVE) === 'delete');
  }
  const rank = (v: unknown) => {
    const i = indexIn(order, v, mergeKey, kind);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const sorted = keep.map((v, i) => ({ v, i, r: rank(v) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.v);
  return [...sorted, ...deletes];
}

/** Processes every `$setElementOrder/<field>` of `patch`, merging and ordering that field's list. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, field: FieldMeta | undefined, path: string): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw bad(ERR_BAD_SET_ORDER);
    const name = extractKey(key, SET_ORDER, ERR_BAD_SET_ORDER);
    const meta = childField(field, name);
    const mergeKey = meta?.patchMergeKey ?? '';
    const at = `${path}.${name}`;
    const originalList = listAt(original, name);
    const patchList = listAt(patch, name);
    validateOrder(patchList ?? [], order, mergeKey);

    let merged: unknown[];
    if (originalList && !patchList) merged = originalList;
    else if (!originalList && patchList) merged = cleanNew(patchList, meta, at) as unknown[];
    else if (originalList && patchList) {
      merged = smpStrategy(meta) === 'merge' ? mergeList(originalList, patchList, meta, at, false) : (cleanNew(patchList, meta, at) as unknown[]);
    } else continue;

    const kind = elementKind([originalList ?? [], patchList ?? []]);
    if (kind === 'none' || (kind === 'object' && !mergeKey)) {
      setKey(original, name, merged);
    } else {
      const { inPatch, serverOnly } = partition(merged, order, mergeKey, kind);
      setKey(original, name, normalizeOrder(inPatch, serverOnly, order, originalList ?? [], mergeKey, kind));
    }
    delete patch[name];
  }
}

function listAt(obj: JsonObject, name: string): unknown[] | undefined {
  if (!hasKey(obj, name)) return undefined;
  const v = obj[name];
  if (!Array.isArray(v)) throw bad(ERR_BAD_SET_ORDER);
  return v;
}

/** Every (non-deleting) patch item must appear in the order list, in the same relative order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isObject(v) && getKey(v, DIRECTIVE) === 'delete')) : patchList;
  const equal = (a: unknown, b: unknown) => {
    if (!mergeKey) return a === b;
    if (!isObject(a) || !hasKey(a, mergeKey)) throw noMergeKey(a, mergeKey);
    if (!isObject(b) || !hasKey(b, mergeKey)) throw noMergeKey(b, mergeKey);
    return a[mergeKey] === b[mergeKey];
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isObject(items[p]) && hasKey(items[p] as JsonObject, DIRECTIVE)) {
      p++;
      continue;
    }
    if (equal(items[p], order[o])) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw bad(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ORDER} list:\n${goFormat(order)}\n`);
  }
}
