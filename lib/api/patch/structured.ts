/**
 * Schema-directed walks over objects, as structured-merge-diff does them for server-side apply and
 * field tracking: the set of fields a value sets, the difference between two values, the merge of an
 * applied configuration into a live object, and the removal of a set of fields. The schema is the
 * patch metadata (`patch-meta.ts`): which lists are associative (and their keys), which are sets,
 * which maps and lists are atomic.
 *
 * Values are plain JSON. `undefined` means "absent". Live objects are read tolerantly (a list whose
 * elements cannot be keyed is treated as atomic; duplicates are allowed), applied configurations
 * strictly (such a list is a 400).
 */
import { BadRequestError } from '../../core/errors.ts';
import { FieldSet, fieldElement, keyElement, pathToString, valueElement, type PathElement } from './field-set.ts';
import { clone, deepEqual, getKey, hasKey, isObject, setKey, type JsonObject } from './json.ts';
import { childField, elementField, isAtomicMap, listTypeOf, type FieldMeta } from './patch-meta.ts';

type Path = PathElement[];

/** An applied configuration that does not fit the schema (kube: "failed to create typed patch object"). */
function invalid(path: Path, message: string): BadRequestError {
  return new BadRequestError(path.length ? `${pathToString(path)}: ${message}` : message);
}

interface ListIndex {
  /** The path element of each item, in list order. */
  elements: PathElement[];
  /** The first item for each element. */
  first: Map<PathElement, unknown>;
  /** Elements that occur more than once. */
  duplicates: Set<PathElement>;
}

function itemElement(item: unknown, field: FieldMeta | undefined): PathElement | string[] {
  if (listTypeOf(field) === 'map') {
    if (item === null) return ['associative list with keys may not have a null element'];
    if (!isObject(item)) return ['associative list with keys may not have non-map elements'];
    const keys = field?.listMapKeys ?? [];
    const key: Record<string, unknown> = {};
    for (const k of keys) {
      if (hasKey(item, k) && item[k] !== null) key[k] = item[k];
      else if (field?.keyDefaults && Object.hasOwn(field.keyDefaults, k)) key[k] = field.keyDefaults[k];
    }
    if (Object.keys(key).length === 0) {
      return [`associative list with keys has an element that omits all key fields ${JSON.stringify(keys)} (and doesn't have default values for any key fields)`];
    }
    return keyElement(key);
  }
  if (isObject(item)) return ["associative list without keys has an element that's a map type"];
  if (Array.isArray(item)) return ['not supported: associative list with lists as elements'];
  if (item === null) return ["associative list without keys has an element that's an explicit null"];
  return valueElement(item);
}

/**
 * Keys every element of an associative or set list. Strict: throws on an element that has no key and
 * on duplicates. Tolerant: undefined when some element has no key (the caller treats the list as atomic).
 */
function indexList(list: unknown[], field: FieldMeta | undefined, path: Path, strict: boolean): ListIndex | undefined {
  const index: ListIndex = { elements: [], first: new Map(), duplicates: new Set() };
  for (const item of list) {
    const pe = itemElement(item, field);
    if (Array.isArray(pe)) {
      if (strict) throw invalid(path, pe[0]);
      return undefined;
    }
    if (index.first.has(pe)) {
      if (strict) throw invalid(path, `duplicate entries for key ${pathToString([pe])}`);
      index.duplicates.add(pe);
    } else {
      index.first.set(pe, item);
    }
    index.elements.push(pe);
  }
  return index;
}

const granularList = (field: FieldMeta | undefined) => listTypeOf(field) !== 'atomic';
const isEmptyValue = (v: unknown) => (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

// ---- field sets ---------------------------------------------------------------------------------

/**
 * The fields a value sets: every scalar, atomic list or atomic map is a leaf; every element of an
 * associative or set list is a member too (`k:…`/`v:…` with `.`); a map is not, unless it is empty or
 * null (`f:resources: {}`).
 */
export function toFieldSet(value: unknown, field: FieldMeta | undefined, opts: { strict?: boolean } = {}): FieldSet {
  const set = FieldSet.empty();
  const strict = !!opts.strict;
  const walk = (v: unknown, f: FieldMeta | undefined, path: Path): void => {
    if (Array.isArray(v)) {
      if (!granularList(f)) {
        set.insert(path);
        return;
      }
      const index = indexList(v, f, path, strict);
      if (!index) {
        set.insert(path);
        return;
      }
      for (const pe of index.first.keys()) {
        const at = [...path, pe];
        if (!index.duplicates.has(pe)) walk(index.first.get(pe), elementField(f), at);
        set.insert(at);
      }
      return;
    }
    if (isObject(v)) {
      if (path.length && isAtomicMap(f)) {
        set.insert(path);
        return;
      }
      for (const k of Object.keys(v)) {
        const child = v[k];
        const at = [...path, fieldElement(k)];
        walk(child, childField(f, k), at);
        if (child === null || (isObject(child) && Object.keys(child).length === 0)) set.insert(at);
      }
      return;
    }
    set.insert(path);
  };
  walk(value, field, []);
  return set;
}

// ---- comparison ---------------------------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

const isEmptyComposite = (v: unknown) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);

function shape(v: unknown): 'list' | 'map' | 'scalar' | 'absent' {
  if (v === undefined) return 'absent';
  if (Array.isArray(v)) return 'list';
  if (isObject(v)) return 'map';
  return 'scalar';
}

/**
 * What changed from `lhs` to `rhs`: leaves added, modified, removed, plus the paths of maps and list
 * elements that appeared or disappeared as a whole. `null` and absent count as the same.
 */
export function compare(lhs: unknown, rhs: unknown, field: FieldMeta | undefined): Comparison {
  const out: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  const visit = (l: unknown, r: unknown, f: FieldMeta | undefined, path: Path): void => {
    // null and absent are the same; so is null against a map or a list.
    if (l === null && r !== null && (r === undefined || typeof r === 'object')) l = undefined;
    if (r === null && l !== null && (l === undefined || typeof l === 'object')) r = undefined;
    if (l === undefined && r === undefined) return;
    // So is an empty map or list against nothing: kube's typed objects omit both alike.
    if ((l === undefined && isEmptyValue(r)) || (r === undefined && isEmptyValue(l))) return;
    const leaf = () => {
      if (l === undefined) out.added.insert(path);
      else if (r === undefined) out.removed.insert(path);
      else if (!deepEqual(l, r)) out.modified.insert(path);
    };
    const ls = shape(l);
    const rs = shape(r);
    if (ls !== 'absent' && rs !== 'absent' && ls !== rs) return leaf();
    const s = ls === 'absent' ? rs : ls;
    if (s === 'scalar') return leaf();
    if (s === 'list') {
      if (!granularList(f) || (isEmptyComposite(l) && isEmptyComposite(r))) return leaf();
      const li = indexList((l as unknown[] | undefined) ?? [], f, path, false);
      const ri = indexList((r as unknown[] | undefined) ?? [], f, path, false);
      if (!li || !ri) return leaf();
      const all = [...li.first.keys(), ...[...ri.first.keys()].filter((pe) => !li.first.has(pe))];
      for (const pe of all) {
        const at = [...path, pe];
        if (li.duplicates.has(pe) || ri.duplicates.has(pe)) {
          const ls2 = ((l as unknown[] | undefined) ?? []).filter((_, i) => li.elements[i] === pe);
          const rs2 = ((r as unknown[] | undefined) ?? []).filter((_, i) => ri.elements[i] === pe);
          if (!rs2.length) out.removed.insert(at);
          else if (!ls2.length) out.added.insert(at);
          else if (!deepEqual(ls2, rs2)) out.modified.insert(at);
          continue;
        }
        visit(li.first.get(pe), ri.first.get(pe), elementField(f), at);
      }
    } else if (s === 'map') {
      if ((path.length && isAtomicMap(f)) || (isEmptyComposite(l) && isEmptyComposite(r))) return leaf();
      const lm = l as JsonObject | undefined;
      const rm = r as JsonObject | undefined;
      const keys = [...Object.keys(lm ?? {}), ...Object.keys(rm ?? {}).filter((k) => !lm || !hasKey(lm, k))];
      for (const k of keys) {
        const cf = childField(f, k);
        let lv = lm ? getKey(lm, k) : undefined;
        let rv = rm ? getKey(rm, k) : undefined;
        // A non-pointer Go struct exists (empty) wherever its parent does.
        if (cf?.present) {
          if (lm && lv === undefined) lv = cf.present === 'list' ? [] : {};
          if (rm && rv === undefined) rv = cf.present === 'list' ? [] : {};
        }
        visit(lv, rv, cf, [...path, fieldElement(k)]);
      }
    }
    if (path.length) {
      if (l === undefined) out.added.insert(path);
      else if (r === undefined) out.removed.insert(path);
    }
  };
  visit(lhs, rhs, field, []);
  return out;
}

// ---- merge --------------------------------------------------------------------------------------

/**
 * Merges an applied configuration `rhs` into `lhs`: the configuration's values win, maps merge
 * field by field, associative and set lists merge element by element (live-only elements keep their
 * place, configured elements follow the configuration's order), atomic values are replaced. `null`s
 * of the configuration are kept (the caller drops them at the end).
 */
export function merge(lhs: unknown, rhs: unknown, field: FieldMeta | undefined, path: Path = []): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined || lhs === null || rhs === null) return clone(rhs);
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (!granularList(field)) return clone(rhs);
    const ri = indexList(rhs, field, path, true)!;
    const li = indexList(lhs, field, path, false);
    if (!li) return clone(rhs);
    return mergeListItems(lhs, li, ri, field, path);
  }
  if (isObject(lhs) && isObject(rhs)) {
    if (path.length && isAtomicMap(field)) return clone(rhs);
    const out = clone(lhs);
    for (const k of Object.keys(rhs)) setKey(out, k, merge(getKey(lhs, k), rhs[k], childField(field, k), [...path, fieldElement(k)]));
    return out;
  }
  return clone(rhs);
}

function mergeListItems(lhs: unknown[], li: ListIndex, ri: ListIndex, field: FieldMeta | undefined, path: Path): unknown[] {
  const out: unknown[] = [];
  const elem = elementField(field);
  // A live element that occurs twice is not merged with the configured one: the configuration wins.
  const live = (pe: PathElement) => (li.duplicates.has(pe) ? null : li.first.get(pe));
  const mergeItem = (pe: PathElement) => merge(live(pe), ri.first.get(pe), elem, [...path, pe]);
  const shared = ri.elements.filter((pe) => li.first.has(pe));
  let next = shared.shift();
  const done = new Set<PathElement>();
  let l = 0;
  let r = 0;
  while (l < li.elements.length || r < ri.elements.length) {
    if (l < li.elements.length && r < ri.elements.length) {
      const pe = li.elements[l];
      if (pe === ri.elements[r]) {
        done.add(pe);
        out.push(mergeItem(pe));
        l++;
        r++;
        next = shared.shift();
        continue;
      }
      if (ri.first.has(pe) && next !== undefined && next !== pe) {
        l++;
        continue;
      }
    }
    if (l < li.elements.length) {
      const pe = li.elements[l];
      if (!ri.first.has(pe)) {
        out.push(clone(lhs[l]));
        l++;
        continue;
      }
      if (done.has(pe)) l++;
    }
    if (r < ri.elements.length) {
      const pe = ri.elements[r];
      done.add(pe);
      out.push(mergeItem(pe));
      r++;
      if (next === pe) next = shared.shift();
    }
  }
  return out;
}

// ---- removal ------------------------------------------------------------------------------------

/**
 * `value` without the members of `set` (a member removes its whole subtree). A map or list emptied
 * by the removal stays, empty: structured-merge-diff leaves a null there, which kube's conversion
 * back to the Go type turns into an absent field or an empty struct; keeping it empty is what makes
 * re-applying a configuration that sets `spec: {}` a no-op.
 */
export function removeItems(value: unknown, set: FieldSet, field: FieldMeta | undefined): unknown {
  const walk = (v: unknown, s: FieldSet, f: FieldMeta | undefined, path: Path): unknown => {
    if (Array.isArray(v)) {
      if (!granularList(f)) return v;
      const index = indexList(v, f, path, false);
      if (!index) return v;
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const pe = index.elements[i];
        if (s.has([pe])) return;
        out.push(s.hasPrefix([pe]) ? walk(item, s.withPrefix([pe]), elementField(f), [...path, pe]) : item);
      });
      return out;
    }
    if (isObject(v)) {
      if (path.length && isAtomicMap(f)) return v;
      const out: JsonObject = {};
      for (const k of Object.keys(v)) {
        const pe = fieldElement(k);
        if (s.has([pe])) continue;
        setKey(out, k, s.hasPrefix([pe]) ? walk(v[k], s.withPrefix([pe]), childField(f, k), [...path, pe]) : v[k]);
      }
      return out;
    }
    return v;
  };
  return walk(value, set, field, []);
}

// ---- nulls from a configuration -----------------------------------------------------------------

function stripAllNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAllNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (v[k] !== null) setKey(out, k, stripAllNulls(v[k]));
    return out;
  }
  return v;
}

/**
 * Removes from an apply result what only lived until kube converts the merged value back to its Go
 * type: the configuration's `null`s (a nil pointer, map or slice is omitted), and the empty maps and
 * lists it introduced where the object had nothing (omitempty drops them; a non-pointer struct stays).
 * Without the second, re-applying `finalizers: []` would add and remove an empty list forever.
 */
export function dropConfigArtifacts(result: unknown, config: unknown, live: unknown, field: FieldMeta | undefined, path: Path = []): unknown {
  if (isObject(result) && isObject(config)) {
    if (path.length && isAtomicMap(field)) return stripAllNulls(result);
    const out: JsonObject = {};
    for (const k of Object.keys(result)) {
      const rv = result[k];
      const cv = getKey(config, k);
      const lv = isObject(live) ? getKey(live, k) : undefined;
      const cf = childField(field, k);
      if (cv === undefined) setKey(out, k, rv);
      else if (rv === null && cv === null) continue;
      else if (isEmptyValue(cv) && isEmptyValue(rv) && (lv === undefined || lv === null) && cf?.present !== 'map') continue;
      else setKey(out, k, dropConfigArtifacts(rv, cv, lv, cf, [...path, fieldElement(k)]));
    }
    return out;
  }
  if (Array.isArray(result) && Array.isArray(config)) {
    if (!granularList(field)) return stripAllNulls(result);
    const ci = indexList(config, field, path, false);
    const ri = indexList(result, field, path, false);
    const li = Array.isArray(live) ? indexList(live, field, path, false) : undefined;
    if (!ci || !ri) return stripAllNulls(result);
    return result.map((item, i) => {
      const pe = ri.elements[i];
      const cv = ci.first.get(pe);
      return cv === undefined ? item : dropConfigArtifacts(item, cv, li?.first.get(pe), elementField(field), [...path, pe]);
    });
  }
  return result;
}

/**
 * Puts back, empty, the non-pointer structs (`present: 'map'`) that pruning removed from `result`
 * but `before` had: in kube such a field cannot be absent, it becomes its zero value.
 */
export function restoreStructs(result: unknown, before: unknown, field: FieldMeta | undefined): unknown {
  if (!isObject(result) || !isObject(before)) return result;
  const out: JsonObject = { ...result };
  for (const k of Object.keys(before)) {
    const cf = childField(field, k);
    if (!hasKey(out, k)) {
      if (cf?.present === 'map' && isObject(before[k])) setKey(out, k, {});
    } else if (isObject(out[k])) {
      setKey(out, k, restoreStructs(out[k], before[k], cf));
    }
  }
  return out;
}
