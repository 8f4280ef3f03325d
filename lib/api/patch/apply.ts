/**
 * Server-side apply (`application/apply-patch+yaml`): structured merge of an applied configuration
 * into the live object, with field ownership. The algorithm is structured-merge-diff's
 * `Updater.Apply` as kube-apiserver wires it:
 *
 * 1. merge the configuration into the live object (associative lists by key, atomic values replaced);
 * 2. the applier now owns exactly the fields its configuration sets;
 * 3. prune: fields the applier owned last time and no longer sets are removed, unless another
 *    manager (apply or update) owns them;
 * 4. conflicts: a field the result adds or changes that another manager owns is a conflict (409) —
 *    unless `force`, which takes it from that manager. Setting a field to the value it already has is
 *    no change: managers that agree share ownership;
 * 5. fields the result removes are removed from every other manager.
 *
 * Around it, as kube's field manager does: the configuration may not carry managedFields; its
 * apiVersion and kind must be the endpoint's; an object without managedFields is first given to
 * `before-first-apply`; for the manager `kubectl`, conflicts on fields the client-side-apply
 * annotation (last-applied-configuration) recorded with the live value are taken over, and that
 * annotation is kept in step. Main-resource applies never touch `status`; status applies touch only it.
 *
 * `metadata.resourceVersion` in the configuration is a precondition: it must equal the live one
 * (409 otherwise; also when there is no live object). Server-owned metadata (uid, creationTimestamp,
 * generation, resourceVersion, deletion fields) is taken from the live object, not the configuration,
 * and dropped on a create for the caller to set. Defaulting and validation are the caller's.
 */
import { BadRequestError, ConflictError, type ResourceRef } from '../../core/errors.ts';
import type { KubeObject } from '../../core/object.ts';
import { findByKind } from '../../core/resources.ts';
import { ApplyConflictError, type ApplyConflict } from './errors.ts';
import { FieldSet, pathToString } from './field-set.ts';
import { clone, deepEqual, isObject, setKey, type JsonObject } from './json.ts';
import {
  BEFORE_FIRST_APPLY,
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  filterComparison,
  managerId,
  normalizeTime,
  resetFilter,
  stripMeta,
  withoutManagedFields,
  type Managers,
} from './managed-fields.ts';
import { rootField, type FieldMeta } from './patch-meta.ts';
import { compare, dropConfigArtifacts, merge, removeItems, restoreStructs, toFieldSet } from './structured.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata the server owns: never taken from an applied configuration. */
const SERVER_METADATA = ['uid', 'creationTimestamp', 'generation', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];

export interface ServerSideApplyOptions {
  /** The current object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the PATCH body). */
  applied: KubeObject;
  /** `?fieldManager=`; required. */
  manager: string;
  /** `?force=true`: take conflicting fields over instead of failing. */
  force: boolean;
  /** The endpoint's apiVersion (`apps/v1`); the configuration must use the same. */
  apiVersion: string;
  kind: string;
  /** When the apply happens (RFC 3339). */
  time: string;
  /** `status` for `…/status`; anything else is treated as the main resource. */
  subresource?: string;
}

function refOf(apiVersion: string, kind: string, name: string | undefined): ResourceRef {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const t = findByKind(apiVersion, kind);
  return { group, resource: t?.resource ?? `${kind.toLowerCase()}s`, kind, name };
}

/**
 * Applies `applied` on behalf of `manager` and returns the resulting object with its new
 * managedFields. Throws `ApplyConflictError` (409) on conflicts, `BadRequestError` for a
 * configuration that is not acceptable, `ConflictError` for a failed resourceVersion precondition.
 */
export function serverSideApply(opts: ServerSideApplyOptions): KubeObject {
  const config0 = opts.applied as unknown;
  if (!isObject(config0)) throw new BadRequestError('error decoding patch: the applied configuration must be an object');
  if (!opts.manager) throw new BadRequestError('PATCH with apply requires fieldManager to be set');
  if (config0.apiVersion !== opts.apiVersion) {
    throw new BadRequestError(`Incorrect version specified in apply patch. Specified patch version: ${String(config0.apiVersion ?? '')}, expected: ${opts.apiVersion}`);
  }
  if (config0.kind !== opts.kind) {
    throw new BadRequestError(`Incorrect kind specified in apply patch. Specified patch kind: ${String(config0.kind ?? '')}, expected: ${opts.kind}`);
  }
  const configMeta = isObject(config0.metadata) ? config0.metadata : {};
  if (configMeta.managedFields !== undefined && configMeta.managedFields !== null) throw new BadRequestError('metadata.managedFields must be nil');
  const name = typeof configMeta.name === 'string' ? configMeta.name : opts.live?.metadata.name;
  const ref = refOf(opts.apiVersion, opts.kind, name);
  const rv = configMeta.resourceVersion;
  if (typeof rv === 'string' && rv && rv !== opts.live?.metadata.resourceVersion) throw new ConflictError(ref);

  const field = rootField(opts.kind);
  const filter = resetFilter(opts.subresource);
  const live: JsonObject = opts.live ? (withoutManagedFields(clone(opts.live)) as JsonObject) : {};
  const config = configFor(config0, opts.subresource);
  const time = normalizeTime(opts.time);

  const previous = decodeManagedFields(opts.live?.metadata.managedFields) ?? new Map();
  const managers: Managers = new Map([...previous].map(([id, m]) => [id, { ...m }]));
  if (opts.live && managers.size === 0) {
    // Everything the object already has belongs to whoever wrote it before tracking began.
    const c = filterComparison(compare({}, live, field), filter);
    const set = stripMeta(c.added.union(c.modified));
    if (!set.isEmpty()) {
      const entry = { manager: BEFORE_FIRST_APPLY, operation: 'Update' as const, apiVersion: opts.apiVersion, time };
      managers.set(managerId(entry), { ...entry, set });
    }
  }

  const merged = merge(live, config, field);
  const configSet = filter(toFieldSet(config, field, { strict: true }));
  const applyEntry = { manager: opts.manager, operation: 'Apply' as const, apiVersion: opts.apiVersion, ...(opts.subresource ? { subresource: opts.subresource } : {}) };
  const applyId = managerId(applyEntry);
  const last = managers.get(applyId);
  managers.set(applyId, { ...applyEntry, time, set: configSet });
  const pruned = last && !last.set.isEmpty() ? prune(merged, managers, last.set, field) : merged;

  // Conflicts and ownership transfer.
  const cmp = filterComparison(compare(live, pruned, field), filter);
  const changed = cmp.modified.union(cmp.added);
  const conflicts: { id: string; set: FieldSet }[] = [];
  for (const [id, m] of [...managers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (id === applyId) continue;
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) conflicts.push({ id, set: c });
  }
  if (conflicts.length && !opts.force) {
    const allowed = opts.manager === 'kubectl' ? allowedByLastApplied(live, field, opts.apiVersion) : undefined;
    const remaining: ApplyConflict[] = [];
    for (const c of conflicts) {
      const m = managers.get(c.id)!;
      for (const p of c.set.paths()) if (!allowed?.has(p)) remaining.push({ manager: describeManager(m), field: pathToString(p) });
    }
    if (remaining.length) throw new ApplyConflictError(ref, remaining);
  }
  for (const c of conflicts) {
    const m = managers.get(c.id)!;
    m.set = m.set.difference(c.set);
  }
  for (const [id, m] of managers) {
    if (id !== applyId) m.set = m.set.difference(cmp.removed);
  }
  const applier = managers.get(applyId)!;
  applier.set = stripMeta(applier.set);
  for (const [id, m] of [...managers]) if (m.set.isEmpty()) managers.delete(id);

  // The object.
  const result = dropConfigArtifacts(pruned, config, live, field) as JsonObject;
  const resultMeta: JsonObject = isObject(result.metadata) ? { ...result.metadata } : {};
  for (const k of SERVER_METADATA) {
    const lv = opts.live?.metadata[k];
    if (lv === undefined) delete resultMeta[k];
    else setKey(resultMeta, k, clone(lv));
  }
  if (opts.manager === 'kubectl' && !opts.subresource) syncLastApplied(resultMeta, config0);
  result.metadata = resultMeta;

  const unchanged = !!opts.live && deepEqual(result, live);
  if (unchanged && last && last.set.equals(applier.set) && last.time) applier.time = last.time;
  let entries = encodeManagedFields(managers);
  if (unchanged && deepEqual(entries, opts.live?.metadata.managedFields)) entries = clone(opts.live!.metadata.managedFields!);
  if (entries.length) resultMeta.managedFields = entries;
  return result as KubeObject;
}

/** The part of the configuration this endpoint applies: no status for the main resource, only status for `status`. */
function configFor(applied: JsonObject, subresource: string | undefined): JsonObject {
  const c = clone(applied);
  if (isObject(c.metadata)) delete c.metadata.managedFields;
  if (subresource === 'status') {
    const out: JsonObject = { apiVersion: c.apiVersion, kind: c.kind, metadata: pick(isObject(c.metadata) ? c.metadata : {}, ['name', 'namespace']) };
    if ('status' in c) out.status = c.status;
    return out;
  }
  delete c.status;
  return c;
}

function pick(obj: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  return out;
}

/**
 * Removes what the applier owned last time and no longer sets, unless another manager (or the new
 * configuration) owns it; named fields emptied by that go too. structured-merge-diff's `prune`.
 */
function prune(merged: unknown, managers: Managers, lastSet: FieldSet, field: FieldMeta): unknown {
  const last = lastSet.ensureNamedFieldsAreMembers();
  const pruned = removeItems(merged, last, field);
  let owned = FieldSet.empty();
  for (const m of managers.values()) owned = owned.union(m.set);
  const mergedSet = toFieldSet(merged, field).ensureNamedFieldsAreMembers();
  const keep = toFieldSet(pruned, field).ensureNamedFieldsAreMembers().union(owned.ensureNamedFieldsAreMembers());
  const withOwned = removeItems(merged, mergedSet.difference(keep), field);
  const dangling = mergedSet.difference(toFieldSet(withOwned, field).ensureNamedFieldsAreMembers()).intersection(last);
  return restoreStructs(removeItems(merged, dangling, field), merged, field);
}

/**
 * For `kubectl`, moving from client-side to server-side apply: fields recorded in the
 * last-applied-configuration annotation whose value the live object still has may be taken over.
 */
function allowedByLastApplied(live: JsonObject, field: FieldMeta, apiVersion: string): FieldSet | undefined {
  const annotations = isObject(live.metadata) && isObject(live.metadata.annotations) ? live.metadata.annotations : undefined;
  const raw = annotations?.[LAST_APPLIED_ANNOTATION];
  if (typeof raw !== 'string' || !raw) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  try {
    const set = toFieldSet(lastApplied, field, { strict: true });
    const c = compare(lastApplied, live, field);
    return set.difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

/** Go's JSON: sorted keys, HTML-safe escapes, a trailing newline (json.Encoder). */
function goJson(v: unknown): string {
  const canonical = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(canonical);
    if (isObject(x)) {
      const out: JsonObject = {};
      for (const k of Object.keys(x).sort()) setKey(out, k, canonical(x[k]));
      return out;
    }
    return x;
  };
  const s = JSON.stringify(canonical(v)).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${s}\n`;
}

/** Keeps kubectl's client-side-apply annotation in step with what was applied, when it is present. */
function syncLastApplied(resultMeta: JsonObject, applied: JsonObject): void {
  const annotations = isObject(resultMeta.annotations) ? resultMeta.annotations : undefined;
  if (!annotations || typeof annotations[LAST_APPLIED_ANNOTATION] !== 'string' || !annotations[LAST_APPLIED_ANNOTATION]) return;
  const copy = clone(applied);
  if (isObject(copy.metadata) && isObject(copy.metadata.annotations)) {
    delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  resultMeta.annotations = { ...annotations, [LAST_APPLIED_ANNOTATION]: goJson(copy) };
}
