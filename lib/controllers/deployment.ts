/**
 * The Deployment controller as a pure function, after kube's pkg/controller/deployment
 * (sync.go, rolling.go, recreate.go, progress.go, util/deployment_util.go). kube performs one
 * sync as a sequence of writes on in-memory copies; here the same sequence runs on working
 * copies and each object's writes are folded into one action, in the order they first happened.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, Pod, PodTemplateSpec, ReplicaSet } from '../api/schema/index.ts';
import { podTemplateDefaults, semanticEqual } from '../api/schema/index.ts';
import { labelSelectorFromSpec, matchesLabelSelectorSpec } from '../api/selectors.ts';
import type { KubeObject } from '../core/object.ts';
import { computeHash } from './hash.ts';
import type { Action, ReconcileResult } from './types.ts';
import { controllerOf, controllerRef, referenceTo, timeString } from './types.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Annotations a deployment does not hand down to its ReplicaSets (kube's annotationsToSkip). */
const SKIPPED_ANNOTATIONS = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);
const MAX_REV_HISTORY_CHARS = 2000;
const NO_DEADLINE = 2147483647;

export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export interface DeploymentInput {
  deployment: Deployment;
  /** Every ReplicaSet in the deployment's namespace (claiming needs the orphans too). */
  replicaSets: ReplicaSet[];
  /** Pods in the namespace; the Recreate strategy waits for old pods to be gone. */
  pods: Pod[];
  now: Date;
}

const clone = <T>(v: T): T => structuredClone(v);
const kube = (o: unknown) => o as KubeObject;
const nameOf = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '';
const specReplicas = (rs: ReplicaSet | undefined) => (rs ? rs.spec?.replicas ?? 1 : 0);
const sum = (rss: ReplicaSet[], f: (rs: ReplicaSet) => number) => rss.reduce((n, rs) => n + f(rs), 0);
const activeRSs = (rss: ReplicaSet[]) => rss.filter((rs) => specReplicas(rs) > 0);

function parseIntAnnotation(obj: { metadata?: { annotations?: Record<string, string> } }, key: string): number | undefined {
  const v = obj.metadata?.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}
const revisionOf = (rs: ReplicaSet) => parseIntAnnotation(rs, REVISION) ?? 0;

function created(o: { metadata?: { creationTimestamp?: string } }): number {
  const t = Date.parse(o.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}
/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
const byCreation = (a: ReplicaSet, b: ReplicaSet) => created(a) - created(b) || nameOf(a).localeCompare(nameOf(b));

// ---------------------------------------------------------------------------------------------
// Strategy arithmetic
// ---------------------------------------------------------------------------------------------

/** intstr.GetScaledValueFromIntOrPercent. A malformed percentage counts as 0. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return /^\d+$/.test(v) ? Number.parseInt(v, 10) : 0;
  const x = (Number.parseInt(m[1], 10) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

const isRolling = (d: Deployment) => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
const desired = (d: Deployment) => d.spec?.replicas ?? 1;

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 becomes unavailable 1. */
export function fenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const n = desired(d);
  const maxSurge = scaledValue(ru?.maxSurge ?? '25%', n, true);
  let maxUnavailable = scaledValue(ru?.maxUnavailable ?? '25%', n, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

function maxSurgeOf(d: Deployment): number {
  return isRolling(d) ? fenceposts(d).maxSurge : 0;
}

function maxUnavailableOf(d: Deployment): number {
  if (!isRolling(d) || desired(d) === 0) return 0;
  return Math.min(fenceposts(d).maxUnavailable, desired(d));
}

const deadlineSeconds = (d: Deployment) => d.spec?.progressDeadlineSeconds ?? 600;
const hasProgressDeadline = (d: Deployment) => deadlineSeconds(d) !== NO_DEADLINE;

// ---------------------------------------------------------------------------------------------
// Template equality
// ---------------------------------------------------------------------------------------------

/**
 * EqualIgnoreHash, made tolerant of what clients send: `kubectl rollout undo` writes back the
 * ReplicaSet's template with `creationTimestamp: null` and `resources: {}`; defaults are applied
 * to both sides so a template written before or after defaulting compares the same.
 */
export function templatesEqualIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const norm = (t: PodTemplateSpec | undefined) => {
    const c = podTemplateDefaults(clone(t ?? {}) as PodTemplateSpec);
    if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH];
    return c;
  };
  return semanticEqual(norm(a), norm(b));
}

// ---------------------------------------------------------------------------------------------
// Working state: kube's sequence of writes, folded
// ---------------------------------------------------------------------------------------------

interface Tracked {
  rs: ReplicaSet;
  observedRV?: string;
  op: 'create' | 'update' | 'none';
}

class Work {
  readonly d: Deployment;
  readonly original: Deployment;
  readonly now: Date;
  readonly tracked = new Map<string, Tracked>();
  /** Names, in the order their first write happened. */
  readonly order: string[] = [];
  readonly deletes: Action[] = [];
  readonly events: Action[] = [];
  requeueAfterMs?: number;

  constructor(d: Deployment, now: Date) {
    this.original = d;
    this.d = clone(d);
    this.d.status ??= {};
    this.now = now;
  }

  track(rs: ReplicaSet): ReplicaSet {
    const t: Tracked = { rs: clone(rs), observedRV: rs.metadata?.resourceVersion, op: 'none' };
    this.tracked.set(nameOf(rs), t);
    return t.rs;
  }

  /** Record that `rs` (a tracked working copy) was written. */
  write(rs: ReplicaSet): void {
    const t = this.tracked.get(nameOf(rs));
    if (!t || t.op !== 'none') return;
    t.op = 'update';
    this.order.push(nameOf(rs));
  }

  create(rs: ReplicaSet): void {
    this.tracked.set(nameOf(rs), { rs, op: 'create' });
    this.order.push(nameOf(rs));
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ kind: 'event', involvedObject: referenceTo(kube(this.original)), type, reason, message });
  }

  condition(type: string): DeploymentCondition | undefined {
    return this.d.status?.conditions?.find((c) => c.type === type);
  }

  newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string): DeploymentCondition {
    const t = timeString(this.now);
    return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
  }

  actions(): Action[] {
    const out: Action[] = [];
    for (const name of this.order) {
      const t = this.tracked.get(name)!;
      const object = kube(clone(t.rs));
      if (t.op === 'create') {
        out.push({ kind: 'create', object });
      } else {
        object.metadata.resourceVersion = t.observedRV;
        out.push({ kind: 'update', object });
      }
    }
    out.push(...this.deletes);
    const o = this.original;
    // kube's controller writes its revision annotations through the status subresource (whose
    // strategy keeps them, unlike a spec write's, without bumping metadata.generation).
    const annotationsChanged = !semanticEqual(o.metadata?.annotations, this.d.metadata?.annotations);
    if (annotationsChanged || !semanticEqual(o.status ?? {}, this.d.status ?? {})) {
      const updated = clone(o);
      if (annotationsChanged) updated.metadata = { ...updated.metadata, annotations: clone(this.d.metadata?.annotations) };
      updated.status = clone(this.d.status);
      out.push({ kind: 'updateStatus', object: kube(updated) });
    }
    out.push(...this.events);
    return out;
  }
}

/** SetDeploymentCondition: no change when status and reason are the same. */
function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const conds = status.conditions ?? [];
  const current = conds.find((c) => c.type === cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...conds.filter((c) => c.type !== cond.type), cond];
}

function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

// ---------------------------------------------------------------------------------------------
// Claiming
// ---------------------------------------------------------------------------------------------

function claimReplicaSets(w: Work, all: ReplicaSet[]): ReplicaSet[] {
  const d = w.d;
  const uid = d.metadata?.uid;
  const out: ReplicaSet[] = [];
  for (const rs of all) {
    if ((rs.metadata?.namespace ?? '') !== (d.metadata?.namespace ?? '')) continue;
    const ref = controllerOf(rs);
    const matches = matchesLabelSelectorSpec(d.spec?.selector, rs.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        out.push(w.track(rs));
      } else if (!rs.metadata?.deletionTimestamp && !d.metadata?.deletionTimestamp) {
        const released = w.track(rs);
        released.metadata!.ownerReferences = rs.metadata!.ownerReferences!.filter((r) => r.uid !== uid);
        if (released.metadata!.ownerReferences.length === 0) delete released.metadata!.ownerReferences;
        w.write(released);
      }
      continue;
    }
    if (!matches || rs.metadata?.deletionTimestamp || d.metadata?.deletionTimestamp) continue;
    const adopted = w.track(rs);
    adopted.metadata!.ownerReferences = [...(rs.metadata!.ownerReferences ?? []), controllerRef(kube(d))];
    w.write(adopted);
    out.push(adopted);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// New ReplicaSet, revisions, annotations
// ---------------------------------------------------------------------------------------------

function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => templatesEqualIgnoringHash(rs.spec?.template, d.spec?.template));
}

function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const target = (rs.metadata!.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

function setReplicasAnnotations(rs: ReplicaSet, desiredReplicas: number, maxReplicas: number): boolean {
  const a = (rs.metadata!.annotations ??= {});
  const want = [String(desiredReplicas), String(maxReplicas)];
  if (a[DESIRED_REPLICAS] === want[0] && a[MAX_REPLICAS] === want[1]) return false;
  a[DESIRED_REPLICAS] = want[0];
  a[MAX_REPLICAS] = want[1];
  return true;
}

function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = rs.metadata!.annotations!;
  const oldRevision = a[REVISION];
  if (oldRevision !== undefined && !/^-?\d+$/.test(oldRevision)) return changed;
  const oldRevisionInt = oldRevision === undefined ? 0 : Number.parseInt(oldRevision, 10);
  if (oldRevisionInt < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    // A ReplicaSet that already had a revision and gets a newer one is a rollback target:
    // remember the revisions it had (`kubectl rollout history` shows them).
    if (oldRevision !== undefined) {
      const history = (a[REVISION_HISTORY] ?? '').split(',').filter(Boolean);
      history.push(oldRevision);
      while (history.join(',').length > MAX_REV_HISTORY_CHARS && history.length > 1) history.shift();
      a[REVISION_HISTORY] = history.join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired(d), desired(d) + maxSurgeOf(d))) changed = true;
  return changed;
}

function setDeploymentRevision(d: Deployment, revision: string | undefined): boolean {
  if (revision === undefined) return false;
  const a = (d.metadata ??= {}).annotations ?? {};
  if (a[REVISION] === revision) return false;
  d.metadata.annotations = { ...a, [REVISION]: revision };
  return true;
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
function newRSNewReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRolling(d)) return desired(d);
  const current = sum(all, specReplicas);
  const maxTotal = desired(d) + maxSurgeOf(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, desired(d) - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

interface Split { newRS?: ReplicaSet; old: ReplicaSet[] }

/** getAllReplicaSetsAndSyncRevision / getNewReplicaSet. */
function syncRevision(w: Work, owned: ReplicaSet[], all: ReplicaSet[], createIfMissing: boolean): Split {
  const d = w.d;
  let newRS = findNewReplicaSet(d, owned);
  const old = owned.filter((rs) => rs !== newRS);
  const newRevision = Math.max(0, ...old.map(revisionOf)) + 1;
  if (newRS) {
    const annotationsChanged = setNewReplicaSetAnnotations(d, newRS, newRevision, true);
    const mrs = d.spec?.minReadySeconds ?? 0;
    const mrsChanged = (newRS.spec?.minReadySeconds ?? 0) !== mrs;
    if (mrsChanged) newRS.spec!.minReadySeconds = mrs;
    if (annotationsChanged || mrsChanged) w.write(newRS);
    setDeploymentRevision(d, newRS.metadata?.annotations?.[REVISION]);
    if (hasProgressDeadline(d) && !w.condition('Progressing')) {
      setCondition(d.status!, w.newCondition('Progressing', 'True', REASONS.foundNewRS, `Found new replica set "${nameOf(newRS)}"`));
    }
    return { newRS, old };
  }
  if (!createIfMissing) return { old };

  // A name taken by a ReplicaSet that is not this template's is a hash collision: bump
  // collisionCount and try the next name, as kube does across retries.
  let hash = computeHash(d.spec?.template, d.status?.collisionCount);
  const taken = new Set(all.map(nameOf));
  while (taken.has(`${nameOf(d)}-${hash}`)) {
    d.status!.collisionCount = (d.status!.collisionCount ?? 0) + 1;
    hash = computeHash(d.spec?.template, d.status!.collisionCount);
  }
  const template = clone(d.spec?.template ?? {}) as PodTemplateSpec;
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  const selector = clone(d.spec!.selector);
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
  newRS = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${nameOf(d)}-${hash}`,
      namespace: d.metadata?.namespace,
      labels: clone(template.metadata.labels),
      ownerReferences: [controllerRef(kube(d))],
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  } as ReplicaSet;
  if (!newRS.spec!.minReadySeconds) delete newRS.spec!.minReadySeconds;
  newRS.spec!.replicas = newRSNewReplicas(d, [...old, newRS], newRS);
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);
  w.create(newRS);
  if (specReplicas(newRS) > 0) w.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${nameOf(newRS)} from 0 to ${specReplicas(newRS)}`);
  setDeploymentRevision(d, String(newRevision));
  if (hasProgressDeadline(d)) {
    setCondition(d.status!, w.newCondition('Progressing', 'True', REASONS.newRSCreated, `Created new replica set "${nameOf(newRS)}"`));
  }
  return { newRS, old };
}

// ---------------------------------------------------------------------------------------------
// Scaling
// ---------------------------------------------------------------------------------------------

function scaleReplicaSet(w: Work, rs: ReplicaSet, newScale: number, operation: 'up' | 'down'): boolean {
  const d = w.d;
  const sizeChanged = specReplicas(rs) !== newScale;
  const probe = clone(rs);
  const annotationsChanged = setReplicasAnnotations(probe, desired(d), desired(d) + maxSurgeOf(d));
  if (!sizeChanged && !annotationsChanged) return false;
  const oldScale = specReplicas(rs);
  rs.spec!.replicas = newScale;
  setReplicasAnnotations(rs, desired(d), desired(d) + maxSurgeOf(d));
  w.write(rs);
  if (sizeChanged) w.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${nameOf(rs)} from ${oldScale} to ${newScale}`);
  return sizeChanged;
}

function scaleAndRecord(w: Work, rs: ReplicaSet, newScale: number): boolean {
  if (specReplicas(rs) === newScale) return false;
  return scaleReplicaSet(w, rs, newScale, specReplicas(rs) < newScale ? 'up' : 'down');
}

function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  return parseIntAnnotation(rs, DESIRED_REPLICAS) === desired(d)
    && specReplicas(rs) === desired(d)
    && (rs.status?.availableReplicas ?? 0) === desired(d);
}

/** The ReplicaSet's share of a proportional scale (getReplicaSetFraction). */
function fraction(d: Deployment, rs: ReplicaSet): number {
  if (desired(d) === 0) return -specReplicas(rs);
  const allowed = desired(d) + maxSurgeOf(d);
  const annotated = parseIntAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (annotated <= 0) return 0;
  const size = (specReplicas(rs) * allowed) / annotated;
  // Go's math.Round: halves away from zero.
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}

/** DeploymentController.scale: a scaling event, including proportional scaling mid-rollout. */
function scale(w: Work, split: Split): void {
  const d = w.d;
  const { newRS, old } = split;
  const latestFirst = [...old].sort((a, b) => byCreation(b, a));
  const active = activeRSs([...latestFirst, ...(newRS ? [newRS] : [])]);
  let activeOrLatest: ReplicaSet | undefined;
  if (newRS || old.length) {
    if (active.length === 0) activeOrLatest = newRS ?? latestFirst[0];
    else if (active.length === 1) activeOrLatest = active[0];
  }
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) !== desired(d)) scaleAndRecord(w, activeOrLatest, desired(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const rs of activeRSs(old)) scaleAndRecord(w, rs, 0);
    return;
  }
  if (!isRolling(d)) return;
  const all = activeRSs([...old, ...(newRS ? [newRS] : [])]);
  const allowedSize = desired(d) > 0 ? desired(d) + maxSurgeOf(d) : 0;
  const toAdd = allowedSize - sum(all, specReplicas);
  let operation: 'up' | 'down' = 'up';
  if (toAdd > 0) {
    all.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(b, a));
  } else if (toAdd < 0) {
    all.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(a, b));
    operation = 'down';
  }
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of all) {
    if (toAdd === 0) {
      sizes.set(rs, specReplicas(rs));
      continue;
    }
    let proportion = 0;
    if (specReplicas(rs) !== 0 && toAdd !== added) {
      const f = fraction(d, rs);
      proportion = toAdd > 0 ? Math.min(f, toAdd - added) : Math.max(f, toAdd - added);
    }
    sizes.set(rs, specReplicas(rs) + proportion);
    added += proportion;
  }
  all.forEach((rs, i) => {
    let size = sizes.get(rs)!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scaleReplicaSet(w, rs, size, operation);
  });
}

function isScalingEvent(w: Work, owned: ReplicaSet[], all: ReplicaSet[]): boolean {
  const { newRS, old } = syncRevision(w, owned, all, false);
  for (const rs of activeRSs([...old, ...(newRS ? [newRS] : [])])) {
    const want = parseIntAnnotation(rs, DESIRED_REPLICAS);
    if (want !== undefined && want !== desired(w.d)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Rolling update
// ---------------------------------------------------------------------------------------------

function reconcileNewReplicaSet(w: Work, all: ReplicaSet[], newRS: ReplicaSet): boolean {
  const d = w.d;
  if (specReplicas(newRS) === desired(d)) return false;
  if (specReplicas(newRS) > desired(d)) return scaleAndRecord(w, newRS, desired(d));
  return scaleAndRecord(w, newRS, newRSNewReplicas(d, all, newRS));
}

function cleanupUnhealthyReplicas(w: Work, old: ReplicaSet[], maxCleanup: number): number {
  let total = 0;
  for (const rs of [...old].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const want = specReplicas(rs);
    const avail = rs.status?.availableReplicas ?? 0;
    if (want === 0 || want === avail) continue;
    const down = Math.min(maxCleanup - total, want - avail);
    if (down <= 0) continue;
    scaleAndRecord(w, rs, want - down);
    total += down;
  }
  return total;
}

function scaleDownOldForRollingUpdate(w: Work, all: ReplicaSet[], old: ReplicaSet[]): number {
  const d = w.d;
  const minAvailable = desired(d) - maxUnavailableOf(d);
  const available = sum(all, (rs) => rs.status?.availableReplicas ?? 0);
  if (available <= minAvailable) return 0;
  const totalDown = available - minAvailable;
  let done = 0;
  for (const rs of [...old].sort(byCreation)) {
    if (done >= totalDown) break;
    if (specReplicas(rs) === 0) continue;
    const down = Math.min(specReplicas(rs), totalDown - done);
    scaleAndRecord(w, rs, specReplicas(rs) - down);
    done += down;
  }
  return done;
}

function reconcileOldReplicaSets(w: Work, all: ReplicaSet[], old: ReplicaSet[], newRS: ReplicaSet): boolean {
  const d = w.d;
  if (sum(old, specReplicas) === 0) return false;
  const minAvailable = desired(d) - maxUnavailableOf(d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sum(all, specReplicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(w, old, maxScaledDown);
  const scaled = scaleDownOldForRollingUpdate(w, all, old);
  return cleaned + scaled > 0;
}

function rolloutRolling(w: Work, owned: ReplicaSet[], all: ReplicaSet[]): void {
  const { newRS, old } = syncRevision(w, owned, all, true);
  const allRSs = [...old, newRS!];
  if (reconcileNewReplicaSet(w, allRSs, newRS!)) return syncRolloutStatus(w, allRSs, newRS);
  if (reconcileOldReplicaSets(w, allRSs, activeRSs(old), newRS!)) return syncRolloutStatus(w, allRSs, newRS);
  if (deploymentComplete(w.d, w.d.status!)) cleanupDeployment(w, old);
  syncRolloutStatus(w, allRSs, newRS);
}

// ---------------------------------------------------------------------------------------------
// Recreate
// ---------------------------------------------------------------------------------------------

function oldPodsRunning(newRS: ReplicaSet | undefined, old: ReplicaSet[], pods: Pod[]): boolean {
  if (sum(old, (rs) => rs.status?.replicas ?? 0) > 0) return true;
  const oldUids = new Set(old.map((rs) => rs.metadata?.uid).filter((u): u is string => !!u));
  return pods.some((p) => {
    const ref = controllerOf(p);
    if (!ref || !oldUids.has(ref.uid) || ref.uid === newRS?.metadata?.uid) return false;
    const phase = p.status?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
}

function rolloutRecreate(w: Work, owned: ReplicaSet[], all: ReplicaSet[], pods: Pod[]): void {
  let { newRS, old } = syncRevision(w, owned, all, false);
  let allRSs = [...old, ...(newRS ? [newRS] : [])];
  let scaledDown = false;
  for (const rs of activeRSs(old)) if (scaleAndRecord(w, rs, 0)) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(w, allRSs, newRS);
  if (oldPodsRunning(newRS, old, pods)) return syncRolloutStatus(w, allRSs, newRS);
  if (!newRS) {
    ({ newRS, old } = syncRevision(w, owned, all, true));
    allRSs = [...old, newRS!];
  }
  scaleAndRecord(w, newRS!, desired(w.d));
  if (deploymentComplete(w.d, w.d.status!)) cleanupDeployment(w, old);
  syncRolloutStatus(w, allRSs, newRS);
}

// ---------------------------------------------------------------------------------------------
// History cleanup and status
// ---------------------------------------------------------------------------------------------

function cleanupDeployment(w: Work, old: ReplicaSet[]): void {
  const limit = w.d.spec?.revisionHistoryLimit ?? 10;
  const cleanable = old.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
    if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    const t = w.tracked.get(nameOf(rs));
    w.deletes.push({
      kind: 'delete', resource: 'replicasets', namespace: rs.metadata?.namespace ?? '', name: nameOf(rs),
      preconditions: { uid: rs.metadata?.uid ?? '', ...(t?.op === 'none' ? { resourceVersion: t.observedRV } : {}) },
    });
  }
}

function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = desired(d);
  return (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n
    && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

function deploymentTimedOut(w: Work, s: DeploymentStatus): boolean {
  const d = w.d;
  if (!hasProgressDeadline(d)) return false;
  const c = s.conditions?.find((x) => x.type === 'Progressing');
  if (!c || c.reason === REASONS.newRSAvailable) return false;
  if (c.reason === REASONS.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return !Number.isNaN(from) && from + deadlineSeconds(d) * 1000 < w.now.getTime();
}

function calculateStatus(w: Work, all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const d = w.d;
  const available = sum(all, (rs) => rs.status?.availableReplicas ?? 0);
  const total = sum(all, specReplicas);
  const status: DeploymentStatus = {};
  const put = (k: 'observedGeneration' | 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas', v: number) => {
    if (v) status[k] = v;
  };
  put('observedGeneration', d.metadata?.generation ?? 0);
  put('replicas', sum(all, (rs) => rs.status?.replicas ?? 0));
  put('updatedReplicas', newRS?.status?.replicas ?? 0);
  put('readyReplicas', sum(all, (rs) => rs.status?.readyReplicas ?? 0));
  put('availableReplicas', available);
  put('unavailableReplicas', Math.max(0, total - available));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.terminatingReplicas !== undefined) status.terminatingReplicas = d.status.terminatingReplicas;
  if (d.status?.conditions) status.conditions = clone(d.status.conditions);
  if (available >= desired(d) - maxUnavailableOf(d)) {
    setCondition(status, w.newCondition('Available', 'True', REASONS.minAvailable, 'Deployment has minimum availability.'));
  } else {
    setCondition(status, w.newCondition('Available', 'False', REASONS.minUnavailable, 'Deployment does not have minimum availability.'));
  }
  return status;
}

function syncDeploymentStatus(w: Work, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
  w.d.status = calculateStatus(w, all, newRS);
}

function syncRolloutStatus(w: Work, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
  const d = w.d;
  const s = calculateStatus(w, all, newRS);
  if (!hasProgressDeadline(d)) removeCondition(s, 'Progressing');
  const current = w.condition('Progressing');
  const complete = s.replicas === s.updatedReplicas && current?.reason === REASONS.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${nameOf(newRS)}"` : `Deployment "${nameOf(d)}"`;
    if (deploymentComplete(d, s)) {
      setCondition(s, w.newCondition('Progressing', 'True', REASONS.newRSAvailable, `${subject} has successfully progressed.`));
    } else if (deploymentProgressing(d, s)) {
      const c = w.newCondition('Progressing', 'True', REASONS.rsUpdated, `${subject} is progressing.`);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(s, 'Progressing');
      }
      setCondition(s, c);
    } else if (deploymentTimedOut(w, s)) {
      setCondition(s, w.newCondition('Progressing', 'False', REASONS.timedOut, `${subject} has timed out progressing.`));
    }
  }
  const failure = [...(newRS ? [newRS] : []), ...all]
    .flatMap((rs) => rs.status?.conditions ?? [])
    .find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) setCondition(s, w.newCondition('ReplicaFailure', failure.status, failure.reason ?? '', failure.message ?? ''));
  else removeCondition(s, 'ReplicaFailure');
  d.status = s;

  // requeueStuckDeployment: look again when the progress deadline would pass.
  const c = s.conditions?.find((x) => x.type === 'Progressing');
  if (hasProgressDeadline(d) && c && !deploymentComplete(d, s) && c.reason !== REASONS.timedOut && c.reason !== REASONS.newRSAvailable) {
    const from = Date.parse(c.lastUpdateTime ?? '');
    if (!Number.isNaN(from)) {
      const after = from + deadlineSeconds(d) * 1000 - w.now.getTime();
      w.requeueAfterMs = after < 1000 ? 0 : after + 1000;
    }
  }
}

/** checkPausedConditions: record pausing and resuming in Progressing. */
function checkPausedConditions(w: Work): void {
  const d = w.d;
  if (!hasProgressDeadline(d)) return;
  const c = w.condition('Progressing');
  if (c?.reason === REASONS.timedOut) return;
  const paused = !!d.spec?.paused;
  if (paused && c?.reason !== REASONS.paused) {
    setCondition(d.status!, w.newCondition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused'));
  } else if (!paused && c?.reason === REASONS.paused) {
    setCondition(d.status!, w.newCondition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed'));
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

export function reconcileDeployment(input: DeploymentInput): ReconcileResult {
  const w = new Work(input.deployment, input.now);
  const d = w.d;
  const ns = d.metadata?.namespace ?? '';
  const all = input.replicaSets.filter((rs) => (rs.metadata?.namespace ?? '') === ns);
  const pods = input.pods.filter((p) => (p.metadata?.namespace ?? '') === ns);

  let selector: ReturnType<typeof labelSelectorFromSpec>;
  try {
    selector = labelSelectorFromSpec(d.spec?.selector);
  } catch {
    selector = 'nothing';
  }
  if (selector === 'everything') {
    w.event('Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status!.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) d.status!.observedGeneration = d.metadata?.generation;
    return { actions: w.actions() };
  }

  const owned = claimReplicaSets(w, all);
  if (d.metadata?.deletionTimestamp) {
    const { newRS, old } = syncRevision(w, owned, all, false);
    syncDeploymentStatus(w, [...old, ...(newRS ? [newRS] : [])], newRS);
    return { actions: w.actions() };
  }

  checkPausedConditions(w);
  if (d.spec?.paused || isScalingEvent(w, owned, all)) {
    const split = syncRevision(w, owned, all, false);
    scale(w, split);
    if (d.spec?.paused) cleanupDeployment(w, split.old);
    syncDeploymentStatus(w, [...split.old, ...(split.newRS ? [split.newRS] : [])], split.newRS);
  } else if (isRolling(d)) {
    rolloutRolling(w, owned, all);
  } else {
    rolloutRecreate(w, owned, all, pods);
  }
  const result: ReconcileResult = { actions: w.actions() };
  if (w.requeueAfterMs !== undefined) result.requeueAfterMs = w.requeueAfterMs;
  return result;
}
