/**
 * The garbage collector as pure decisions about one owner and its dependents (kube's
 * pkg/controller/garbagecollector): dependents of an owner that is gone are deleted, or lose the
 * dangling reference when another owner remains; an owner deleted with `orphan` first lets go of
 * its dependents; an owner deleted in the foreground deletes its dependents and goes once none
 * that block it remain. kube keeps a graph of every object; here the handler passes what the
 * decision needs, read from lists: the owner, its dependents, and what it found of their other
 * owners.
 */
import type { KubeObject, OwnerReference } from '../core/object.ts';
import type { Action, ObjectReference, PropagationPolicy, ReconcileResult } from './types.ts';
import { resourceOf } from './types.ts';

/** metav1.FinalizerOrphanDependents. */
export const ORPHAN_FINALIZER = 'orphan';
/** metav1.FinalizerDeleteDependents. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/**
 * When to look at an owner deleted in the foreground again while its blocking dependents are
 * still going (a dependent's deletion should bring it back sooner).
 */
export const FOREGROUND_RECHECK_MS = 5000;

/** An owner as looked up from an ownerReference. */
export interface OwnerState {
  /**
   * apiVersion, kind, name and uid as the dependents' ownerReferences give them, and the
   * namespace the owner was looked up in: the dependents' own for namespaced kinds, '' for
   * cluster-scoped ones.
   */
  ref: ObjectReference;
  /** What that kind, namespace and name hold now; undefined when nothing does. */
  object: KubeObject | undefined;
}

export interface GarbageInput {
  /** The owner this pass is about. */
  owner: OwnerState;
  /** Every object whose ownerReferences name `owner.ref.uid`. */
  dependents: KubeObject[];
  /**
   * The dependents' other owners, looked up the same way. A reference that neither this nor
   * `owner` describes counts as an existing owner, so an incomplete lookup never deletes.
   */
  otherOwners?: OwnerState[];
  /**
   * Uids of dependents that own objects themselves. When the owner is deleted in the
   * foreground, kube deletes these in the foreground too, so the owner also waits for theirs.
   */
  ownersAmongDependents?: readonly string[];
}

type Verdict = 'solid' | 'dangling' | 'waiting';

const clone = <T>(v: T): T => structuredClone(v);
const hasFinalizer = (o: KubeObject | undefined, f: string) => !!o?.metadata.finalizers?.includes(f);
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** The owner state `ref` (seen from `dependent`) is looked up under, if the handler provided it. */
function lookup(states: readonly OwnerState[], ref: OwnerReference, namespace: string): OwnerState | undefined {
  const group = groupOf(ref.apiVersion);
  return states.find((s) => groupOf(s.ref.apiVersion) === group && s.ref.kind === ref.kind && s.ref.name === ref.name && s.ref.namespace === namespace);
}

/** Gone: nothing there, or something else by the same name (another uid). */
const absent = (state: OwnerState, uid: string) => !state.object || state.object.metadata.uid !== uid;

/**
 * kube's classifyReferences: solid (the owner exists and is not waiting for its dependents),
 * dangling (it is gone) or waiting (it is being deleted in the foreground). Undefined when a
 * reference cannot be resolved (a kind Skiff does not serve, or a namespaced owner of a
 * cluster-scoped object): kube leaves such an object alone.
 */
export function classifyReferences(dependent: KubeObject, states: readonly OwnerState[]): Map<OwnerReference, Verdict> | undefined {
  const out = new Map<OwnerReference, Verdict>();
  const ns = dependent.metadata.namespace ?? '';
  for (const ref of dependent.metadata.ownerReferences ?? []) {
    const info = resourceOf(ref.apiVersion, ref.kind);
    if (!info) return undefined;
    if (info.namespaced && !ns) return undefined;
    const state = lookup(states, ref, info.namespaced ? ns : '');
    if (!state) out.set(ref, 'solid');
    else if (absent(state, ref.uid)) out.set(ref, 'dangling');
    else if (state.object!.metadata.deletionTimestamp && hasFinalizer(state.object, FOREGROUND_FINALIZER)) out.set(ref, 'waiting');
    else out.set(ref, 'solid');
  }
  return out;
}

function withoutOwners(obj: KubeObject, uids: ReadonlySet<string>): KubeObject {
  const next = clone(obj);
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
  if (refs.length) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  return next;
}

function withoutFinalizer(obj: KubeObject, finalizer: string): KubeObject {
  const next = clone(obj);
  const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  if (rest.length) next.metadata.finalizers = rest;
  else delete next.metadata.finalizers;
  return next;
}

function deleteAction(obj: KubeObject, propagationPolicy: PropagationPolicy): Action | undefined {
  const info = resourceOf(obj.apiVersion, obj.kind);
  if (!info) return undefined;
  return {
    kind: 'delete', resource: info.resource, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '',
    preconditions: { uid: obj.metadata.uid ?? '', resourceVersion: obj.metadata.resourceVersion },
    propagationPolicy,
  };
}

/**
 * kube's attemptToDeleteItem for one dependent: keep it while a solid owner remains (dropping
 * references to owners that are gone or waiting), otherwise delete it, in the foreground when an
 * owner waits on it and it owns objects itself, else as its own finalizers ask.
 */
function attemptToDelete(dep: KubeObject, states: readonly OwnerState[], ownsObjects: boolean): Action | undefined {
  // Being deleted is a one-way trip; one deleting in the foreground is handled as an owner.
  if (dep.metadata.deletionTimestamp) return undefined;
  if (!dep.metadata.ownerReferences?.length) return undefined;
  const verdicts = classifyReferences(dep, states);
  if (!verdicts) return undefined;
  const of = (v: Verdict) => [...verdicts].filter(([, x]) => x === v).map(([r]) => r);
  const solid = of('solid');
  const dangling = of('dangling');
  const waiting = of('waiting');
  if (solid.length) {
    if (!dangling.length && !waiting.length) return undefined;
    return { kind: 'update', object: withoutOwners(dep, new Set([...dangling, ...waiting].map((r) => r.uid))) };
  }
  if (waiting.length && ownsObjects) return deleteAction(dep, 'Foreground');
  const policy: PropagationPolicy = hasFinalizer(dep, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(dep, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  return deleteAction(dep, policy);
}

/** What the garbage collector does about one owner and its dependents. */
export function collectGarbage(input: GarbageInput): ReconcileResult {
  const { owner } = input;
  const uid = owner.ref.uid;
  const states = [owner, ...(input.otherOwners ?? [])];
  const dependents = input.dependents.filter((d) => d.metadata.ownerReferences?.some((r) => r.uid === uid));
  const ownsObjects = new Set(input.ownersAmongDependents ?? []);
  const actions: Action[] = [];
  const attemptAll = () => {
    for (const dep of dependents) {
      const a = attemptToDelete(dep, states, ownsObjects.has(dep.metadata.uid ?? ''));
      if (a) actions.push(a);
    }
  };

  if (absent(owner, uid)) {
    attemptAll();
    return { actions };
  }
  const live = owner.object!;
  if (!live.metadata.deletionTimestamp) return { actions };

  if (hasFinalizer(live, ORPHAN_FINALIZER)) {
    // Orphan: every dependent lets go first; the finalizer comes off once none refers to the
    // owner any more (a pass later), so a failed release never turns into a deletion.
    for (const dep of dependents) actions.push({ kind: 'update', object: withoutOwners(dep, new Set([uid])) });
    if (actions.length) return { actions, requeueAfterMs: 0 };
    return { actions: [{ kind: 'update', object: withoutFinalizer(live, ORPHAN_FINALIZER) }] };
  }

  if (hasFinalizer(live, FOREGROUND_FINALIZER)) {
    attemptAll();
    // Dependents that block the owner's deletion keep it until they are gone, even those
    // themselves being deleted (in the foreground or gracefully).
    const blocking = dependents.filter((d) => d.metadata.ownerReferences!.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    if (!blocking.length) {
      actions.push({ kind: 'update', object: withoutFinalizer(live, FOREGROUND_FINALIZER) });
      return { actions };
    }
    return { actions, requeueAfterMs: actions.length ? 0 : FOREGROUND_RECHECK_MS };
  }
  return { actions };
}
