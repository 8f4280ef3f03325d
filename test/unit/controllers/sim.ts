/**
 * A tiny in-memory cluster for the controller tests: applies reconcile actions the way the
 * handler would (names from generateName, uids, resourceVersions, generations), plays the
 * kubelet (pods start, become ready, finish terminating) and garbage-collects pods of deleted
 * ReplicaSets.
 */
import type { Deployment, Namespace, Pod, ReplicaSet } from '../../../lib/api/schema/index.ts';
import { reconcileDeployment } from '../../../lib/controllers/deployment.ts';
import { reconcileReplicaSet } from '../../../lib/controllers/replicaset.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { controllerOf, timeString } from '../../../lib/controllers/types.ts';

export const T0 = new Date('2026-01-01T00:00:00Z');
export const NS = 'default';

/** A Namespace `name` in a phase (null: none yet), optionally being deleted since T0. */
export function namespaceIn(name: string, o: { phase?: 'Active' | 'Terminating' | null; deleting?: boolean } = {}): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid: 'uid-ns', resourceVersion: '1', ...(o.deleting ? { deletionTimestamp: T0.toISOString() } : {}) },
    spec: { finalizers: ['kubernetes'] },
    status: o.phase === null ? {} : { phase: o.phase ?? 'Active' },
  } as Namespace;
}

export function deployment(spec: Partial<NonNullable<Deployment['spec']>> = {}, meta: Partial<NonNullable<Deployment['metadata']>> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS, uid: 'uid-web', generation: 1, resourceVersion: '1', creationTimestamp: timeString(T0), ...meta },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      ...spec,
    },
  } as Deployment;
}

export function pod(name: string, opts: {
  labels?: Record<string, string>; owner?: { name: string; uid: string }; phase?: string; node?: string;
  ready?: Date; restarts?: number; created?: Date; deleting?: boolean; rv?: string; cost?: number;
} = {}): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace: NS, uid: `uid-${name}`, resourceVersion: opts.rv ?? '1',
      labels: opts.labels ?? { app: 'web' },
      creationTimestamp: timeString(opts.created ?? T0),
    },
    spec: { containers: [{ name: 'app', image: 'nginx:1' }], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: { phase: (opts.phase ?? (opts.ready ? 'Running' : 'Pending')) as 'Pending' },
  } as Pod;
  if (opts.owner) p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.owner.name, uid: opts.owner.uid, controller: true, blockOwnerDeletion: true }];
  if (opts.ready) p.status!.conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: timeString(opts.ready) }];
  if (opts.restarts) p.status!.containerStatuses = [{ name: 'app', image: 'nginx:1', imageID: '', ready: !!opts.ready, restartCount: opts.restarts }] as never;
  if (opts.deleting) p.metadata!.deletionTimestamp = timeString(T0);
  if (opts.cost !== undefined) p.metadata!.annotations = { 'controller.kubernetes.io/pod-deletion-cost': String(opts.cost) };
  return p;
}

type Obj = Deployment | ReplicaSet | Pod;

export class Cluster {
  now = new Date(T0);
  deployments = new Map<string, Deployment>();
  replicaSets = new Map<string, ReplicaSet>();
  pods = new Map<string, Pod>();
  events: Action[] = [];
  /** Seconds a pod takes from creation to Ready; undefined = never ready. */
  readyAfter: number | undefined = 0;
  private seq = 0;
  private rv = 100;

  constructor(...ds: Deployment[]) {
    for (const d of ds) this.deployments.set(d.metadata!.name!, structuredClone(d));
  }

  private nextRV(): string {
    return String(++this.rv);
  }

  private store(kind: string): Map<string, Obj> {
    if (kind === 'Pod') return this.pods as Map<string, Obj>;
    if (kind === 'ReplicaSet') return this.replicaSets as Map<string, Obj>;
    return this.deployments as Map<string, Obj>;
  }

  /** Apply one reconcile's actions, as the handler would; returns them for inspection. */
  apply(actions: Action[]): Action[] {
    const createdNames: string[] = [];
    actions.forEach((a, i) => {
      switch (a.kind) {
        case 'create': {
          const o = structuredClone(a.object) as Obj;
          const m = o.metadata!;
          if (!m.name) m.name = `${m.generateName}${(++this.seq).toString(36).padStart(5, '0')}`;
          const map = this.store(o.kind!);
          if (map.has(m.name)) throw new Error(`AlreadyExists: ${m.name}`);
          m.uid = `uid-${m.name}`;
          m.resourceVersion = this.nextRV();
          m.creationTimestamp = timeString(this.now);
          if (o.kind === 'ReplicaSet') m.generation = 1;
          if (o.kind === 'Pod') (o as Pod).status = { phase: 'Pending' };
          map.set(m.name, o);
          createdNames[i] = m.name;
          break;
        }
        case 'update': {
          const o = structuredClone(a.object) as Obj;
          const map = this.store(o.kind!);
          const cur = map.get(o.metadata!.name!);
          if (!cur) throw new Error(`NotFound: ${o.metadata!.name}`);
          if (o.metadata!.resourceVersion !== cur.metadata!.resourceVersion) throw new Error(`Conflict: ${o.metadata!.name}`);
          o.status = cur.status as never;
          if (JSON.stringify((o as ReplicaSet).spec) !== JSON.stringify((cur as ReplicaSet).spec)) o.metadata!.generation = (cur.metadata!.generation ?? 0) + 1;
          o.metadata!.resourceVersion = this.nextRV();
          map.set(o.metadata!.name!, o);
          break;
        }
        case 'updateStatus': {
          // Status writes after an update of the same object in one result go on top of it.
          const map = this.store(a.object.kind);
          const cur = map.get(a.object.metadata.name!);
          if (!cur) throw new Error(`NotFound: ${a.object.metadata.name}`);
          cur.status = structuredClone(a.object.status) as never;
          // Like the API's Deployment and ReplicaSet status strategies: annotations ride along.
          cur.metadata!.annotations = structuredClone(a.object.metadata.annotations);
          cur.metadata!.resourceVersion = this.nextRV();
          break;
        }
        case 'delete': {
          const map = this.store(a.resource === 'pods' ? 'Pod' : 'ReplicaSet');
          const cur = map.get(a.name);
          if (!cur) throw new Error(`NotFound: ${a.name}`);
          if (a.preconditions && a.preconditions.uid !== cur.metadata!.uid) throw new Error(`Conflict: uid of ${a.name}`);
          if (a.resource === 'pods') {
            cur.metadata!.deletionTimestamp = timeString(this.now);
          } else {
            map.delete(a.name);
            for (const p of this.pods.values()) if (controllerOf(p)?.uid === cur.metadata!.uid) p.metadata!.deletionTimestamp = timeString(this.now);
          }
          break;
        }
        case 'event': {
          const e = structuredClone(a);
          if (e.createIndex !== undefined) e.message = e.message.replace(/\S+$/, createdNames[e.createIndex]);
          this.events.push(e);
          break;
        }
      }
    });
    return actions;
  }

  reconcileRS(name: string): Action[] {
    const rs = this.replicaSets.get(name);
    if (!rs) return [];
    return this.apply(reconcileReplicaSet({ rs, pods: [...this.pods.values()], now: this.now }).actions);
  }

  reconcileAllRS(): Action[] {
    return [...this.replicaSets.keys()].sort().flatMap((n) => this.reconcileRS(n));
  }

  reconcileDeployment(name = 'web'): Action[] {
    const d = this.deployments.get(name)!;
    return this.apply(reconcileDeployment({ deployment: d, replicaSets: [...this.replicaSets.values()], pods: [...this.pods.values()], now: this.now }).actions);
  }

  /** The kubelet: terminating pods go away, pending pods get a node and turn Ready in time. */
  kubelet(): boolean {
    let changed = false;
    for (const [name, p] of this.pods) {
      if (p.metadata!.deletionTimestamp) {
        this.pods.delete(name);
        changed = true;
        continue;
      }
      if (this.readyAfter === undefined || p.status?.phase === 'Running') continue;
      if (Date.parse(p.metadata!.creationTimestamp!) + this.readyAfter * 1000 > this.now.getTime()) continue;
      p.spec!.nodeName = `node-${this.seq % 3}`;
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: timeString(this.now) }] };
      p.metadata!.resourceVersion = this.nextRV();
      changed = true;
    }
    return changed;
  }

  /** Edit the deployment's spec as a client would (generation bumps). */
  edit(f: (d: Deployment) => void, name = 'web'): void {
    const d = this.deployments.get(name)!;
    f(d);
    d.metadata!.generation = (d.metadata!.generation ?? 0) + 1;
    d.metadata!.resourceVersion = this.nextRV();
  }

  /**
   * One round: ReplicaSets report, the deployment decides, ReplicaSets act, the kubelet runs,
   * a second passes. `check` runs after the controllers and again after the kubelet.
   */
  round(check?: (c: Cluster) => void): boolean {
    let acted = this.reconcileAllRS().length > 0;
    for (const name of [...this.deployments.keys()]) acted = this.reconcileDeployment(name).length > 0 || acted;
    acted = this.reconcileAllRS().length > 0 || acted;
    check?.(this);
    acted = this.kubelet() || acted;
    check?.(this);
    // Pods still starting are work to come even when nothing else moved.
    if (this.readyAfter !== undefined && [...this.pods.values()].some((p) => p.status?.phase !== 'Running' && !p.metadata!.deletionTimestamp)) acted = true;
    this.now = new Date(this.now.getTime() + 1000);
    return acted;
  }

  /** Rounds until nothing happens (or `max` rounds): returns how many it took. */
  settle(check?: (c: Cluster) => void, max = 200): number {
    for (let i = 1; i <= max; i++) if (!this.round(check)) return i;
    throw new Error(`not stable after ${max} rounds`);
  }

  ownedRSs(name = 'web'): ReplicaSet[] {
    const uid = this.deployments.get(name)!.metadata!.uid;
    return [...this.replicaSets.values()].filter((rs) => controllerOf(rs)?.uid === uid);
  }

  podsOf(rs: ReplicaSet): Pod[] {
    return [...this.pods.values()].filter((p) => controllerOf(p)?.uid === rs.metadata!.uid);
  }
}

/** kubectl rollout status's test (KUBECTL.md). */
export function rolloutDone(d: Deployment): boolean {
  const s = d.status ?? {};
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  return (d.metadata!.generation ?? 0) <= (s.observedGeneration ?? 0)
    && (s.updatedReplicas ?? 0) === (d.spec!.replicas ?? 1)
    && (s.replicas ?? 0) === (s.updatedReplicas ?? 0)
    && (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0)
    && progressing?.reason !== 'ProgressDeadlineExceeded';
}
