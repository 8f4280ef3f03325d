/**
 * `metadata.managedFields`: who owns which fields. Decoding and encoding of the entries, and the
 * bookkeeping of non-apply writes (`operation: Update`), as kube-apiserver's field manager does it:
 *
 * - an entry is identified by (manager, operation, subresource) plus apiVersion for updates; the
 *   JSON of those is the identity, as in kube;
 * - an update takes every field it adds or changes away from the other managers and gives it to its
 *   manager; a field it removes is removed from everyone; entries left empty disappear;
 * - an update's entry gets the write's time only when the update changed something;
 * - never tracked: apiVersion, kind, and metadata name, namespace, uid, resourceVersion, generation,
 *   creationTimestamp, managedFields, selfLink; `status` is tracked only by writes to the status
 *   subresource, and such writes track only `status`;
 * - at most 10 update entries: the oldest are merged into `ancient-changes` (per apiVersion);
 * - an object that exists without any managedFields stays untracked by updates until it is first
 *   applied to (then `before-first-apply` takes everything it has); a create always tracks;
 * - a write may set managedFields itself (they replace the live ones); `[]` or `[{}]` clears them.
 */
import type { KubeObject, ManagedFieldsEntry } from '../../core/object.ts';
import { FieldSet, FieldSetError, fieldElement } from './field-set.ts';
import { clone, deepEqual, isObject } from './json.ts';
import { rootField } from './patch-meta.ts';
import { compare, toFieldSet, type Comparison } from './structured.ts';

export type Operation = 'Apply' | 'Update';

/** One decoded managedFields entry. */
export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Entries by identity (see `managerId`). */
export type Managers = Map<string, ManagerEntry>;

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** kube's manager identifier: the entry's JSON without time and fields; appliers without apiVersion. */
export function managerId(e: { manager: string; operation: Operation; apiVersion?: string; subresource?: string }): string {
  return JSON.stringify({
    manager: e.manager,
    operation: e.operation,
    ...(e.operation === 'Update' && e.apiVersion ? { apiVersion: e.apiVersion } : {}),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  });
}

/** How a conflict names a manager: `"kubectl-client-side-apply" using apps/v1`, `"kubectl"`. */
export function describeManager(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/**
 * The manager of a write without `?fieldManager=`: the user agent up to its first `/`, printable
 * characters only, at most 128 bytes (kube's `managerOrUserAgent`). `kubectl/v1.32.0 (linux/amd64)`
 * → `kubectl`.
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  let out = '';
  let bytes = 0;
  for (const ch of (userAgent ?? '').split('/')[0]) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > 128) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Decodes entries; undefined when they are not valid managedFields (kube then falls back). */
export function decodeManagedFields(entries: unknown): Managers | undefined {
  if (entries === undefined || entries === null) return new Map();
  if (!Array.isArray(entries)) return undefined;
  const out: Managers = new Map();
  try {
    for (const raw of entries) {
      if (!isObject(raw)) return undefined;
      const e = raw as ManagedFieldsEntry;
      if (e.fieldsType !== 'FieldsV1') return undefined;
      if (e.operation !== 'Apply' && e.operation !== 'Update') return undefined;
      const entry: ManagerEntry = {
        manager: typeof e.manager === 'string' ? e.manager : '',
        operation: e.operation,
        apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
        ...(typeof e.subresource === 'string' && e.subresource ? { subresource: e.subresource } : {}),
        ...(typeof e.time === 'string' ? { time: e.time } : {}),
        set: e.fieldsV1 === undefined ? FieldSet.empty() : FieldSet.fromFieldsV1(e.fieldsV1),
      };
      out.set(managerId(entry), entry);
    }
  } catch (err) {
    if (err instanceof FieldSetError) return undefined;
    throw err;
  }
  return out;
}

const seconds = (t?: string) => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

/** Entries in kube's order: Apply before Update, then oldest first, then by manager, version, subresource. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries = [...managers.values()].filter((m) => !m.set.isEmpty());
  entries.sort((a, b) => {
    if (a.operation !== b.operation) return a.operation < b.operation ? -1 : 1;
    const ta = seconds(a.time);
    const tb = seconds(b.time);
    if (ta !== tb) return ta - tb;
    for (const k of ['manager', 'apiVersion', 'subresource'] as const) {
      const x = a[k] ?? '';
      const y = b[k] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return entries.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1' as const,
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function normalizeTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const STATUS = FieldSet.of([fieldElement('status')]);
const meta = (name: string) => [fieldElement('metadata'), fieldElement(name)];
/** Fields no manager ever owns (kube's stripMetaManager). */
const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(meta),
);

export function stripMeta(set: FieldSet): FieldSet {
  return set.difference(STRIPPED);
}

/** What a write to `subresource` may own: status only for `status`, everything but status otherwise. */
export function resetFilter(subresource?: string): (set: FieldSet) => FieldSet {
  return subresource === 'status' ? (s) => s.recursiveIntersection(STATUS) : (s) => s.recursiveDifference(STATUS);
}

export function filterComparison(c: Comparison, filter: (s: FieldSet) => FieldSet): Comparison {
  return { added: filter(c.added), modified: filter(c.modified), removed: filter(c.removed) };
}

/** A shallow copy of `obj` whose metadata has no managedFields. */
export function withoutManagedFields<T extends object>(obj: T): T {
  const o = obj as { metadata?: Record<string, unknown> };
  if (!isObject(o.metadata) || !('managedFields' in o.metadata)) return obj;
  const { managedFields: _dropped, ...rest } = o.metadata;
  return { ...obj, metadata: rest } as T;
}

/** Merges the oldest update entries into `ancient-changes` until at most `max` remain. */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= max) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (let i = 0; i < updaters.length && count > max; i++) {
    const [id, m] = updaters[i];
    const version = m.apiVersion;
    const bucketId = managerId({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: version });
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, id);
      continue;
    }
    if (!managers.has(bucketId)) {
      const f = managers.get(first)!;
      managers.delete(first);
      managers.set(bucketId, { ...f, manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: version, subresource: undefined });
    }
    const bucket = managers.get(bucketId)!;
    managers.set(bucketId, { ...bucket, set: bucket.set.union(m.set), time: m.time });
    managers.delete(id);
    count--;
  }
}

function sameManagers(a: Managers, b: Managers): boolean {
  if (a.size !== b.size) return false;
  for (const [id, m] of a) {
    const o = b.get(id);
    if (!o || o.time !== m.time || o.apiVersion !== m.apiVersion || !o.set.equals(m.set)) return false;
  }
  return true;
}

/** `[]` or `[{}]`: the writer asks for managedFields to be cleared. */
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  return entries.length === 0 || (entries.length === 1 && isObject(entries[0]) && Object.keys(entries[0]).length === 0);
}

export interface UpdateManagedFieldsOptions {
  /** The object before the write; undefined for a create. */
  live: KubeObject | undefined;
  /** The object the write produces (its managedFields, if a client set them, are honoured). */
  updated: KubeObject;
  /** The field manager (`?fieldManager=`, or derived from the user agent by the caller). */
  manager: string;
  operation?: 'Update';
  apiVersion: string;
  subresource?: string;
  /** When the write happens (RFC 3339). */
  time: string;
  /** Defaults to `updated.kind`. */
  kind?: string;
}

/**
 * The managedFields for a non-apply write (create, update, patch, status write). Pure: returns the
 * entries to store, the inputs are untouched. An empty list means "no managedFields".
 */
export function updateManagedFields(opts: UpdateManagedFieldsOptions): ManagedFieldsEntry[] {
  const kind = opts.kind ?? opts.updated.kind;
  const field = rootField(kind);
  const manager = opts.manager || 'unknown';
  const isCreate = !opts.live || !opts.live.metadata?.uid;
  const liveEntries = opts.live?.metadata?.managedFields;
  const requested = opts.updated.metadata?.managedFields;

  let base: Managers;
  let source: unknown = liveEntries;
  if (opts.subresource) {
    base = decodeManagedFields(liveEntries) ?? new Map();
  } else if (isReset(requested)) {
    base = new Map();
    source = undefined;
  } else {
    const fromRequest = requested === undefined ? undefined : decodeManagedFields(requested);
    if (fromRequest && fromRequest.size) {
      base = fromRequest;
      source = requested;
    } else {
      base = decodeManagedFields(liveEntries) ?? new Map();
    }
  }
  if (base.size === 0 && !isCreate) return [];

  const filter = resetFilter(opts.subresource);
  const before = withoutManagedFields(opts.live ?? {});
  const after = withoutManagedFields(opts.updated);
  const cmp = filterComparison(compare(before, after, field), filter);
  const changed = cmp.modified.union(cmp.added);

  const next: Managers = new Map();
  for (const [id, m] of base) {
    const set = m.set.difference(changed).difference(cmp.removed);
    if (!set.isEmpty()) next.set(id, { ...m, set });
  }
  const current = stripMeta(changed);
  if (!current.isEmpty()) {
    const entry = { manager, operation: 'Update' as const, apiVersion: opts.apiVersion, ...(opts.subresource ? { subresource: opts.subresource } : {}) };
    const id = managerId(entry);
    const previous = next.get(id);
    next.set(id, { ...entry, time: normalizeTime(opts.time), set: previous ? previous.set.union(current) : current });
  }
  capUpdateManagers(next);

  if (sameManagers(base, next) && Array.isArray(source)) return clone(source as ManagedFieldsEntry[]);
  return encodeManagedFields(next);
}

/** `obj` with these managedFields (none when empty). Does not modify `obj`. */
export function withManagedFields<T extends KubeObject>(obj: T, entries: ManagedFieldsEntry[]): T {
  const out = withoutManagedFields(obj);
  return entries.length ? { ...out, metadata: { ...out.metadata, managedFields: entries } } : { ...out, metadata: { ...out.metadata } };
}

/** The fields `obj` sets, as a FieldSet (no stripping or filtering). */
export function fieldSetOf(obj: unknown, kind: string): FieldSet {
  return toFieldSet(withoutManagedFields(isObject(obj) ? obj : {}), rootField(kind));
}

/** True when the two lists of entries describe the same ownership (times ignored). */
export function sameOwnership(a: ManagedFieldsEntry[] | undefined, b: ManagedFieldsEntry[] | undefined): boolean {
  const strip = (l: ManagedFieldsEntry[] | undefined) => (l ?? []).map(({ time: _t, ...rest }) => rest);
  return deepEqual(strip(a), strip(b));
}
