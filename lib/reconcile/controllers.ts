/**
 * Each controller's load → reconcile → apply step for one key: reads current state through the
 * store (consistent reads), runs the pure reconciler of `lib/controllers`, and applies its actions
 * through the write path. The Lambda handlers in `functions/controllers` wrap these in a queue
 * consumer.
 */
import type { Registry } from '../api/registry.ts';
import type { ConfigMap, Deployment, EndpointSlice, Endpoints, Namespace, Node, Pod, PodDisruptionBudget, ReplicaSet, Service, ServiceAccount } from '../api/schema/index.ts';
import { NODE_LEASE_NAMESPACE } from '../api/heartbeats.ts';
import { reconcileNodeLifecycle, type NodeLifecycleConfig } from '../controllers/nodelifecycle.ts';
import type { HeartbeatStore } from '../store/heartbeats.ts';
import type { Clock, KubeObject, OwnerReference } from '../core/object.ts';
import { findByKind, findByResource, RESOURCE_TYPES, type ResourceType } from '../core/resources.ts';
import { reconcileDeployment } from '../controllers/deployment.ts';
import { reconcileEndpoints } from '../controllers/endpoints.ts';
import { reconcileEndpointSlices } from '../controllers/endpointslice.ts';
import { reconcileMirroring } from '../controllers/endpointslicemirroring.ts';
import { reconcileDisruption } from '../controllers/disruption.ts';
import { collectGarbage, FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type OwnerState } from '../controllers/gc.ts';
import { reconcileNamespace } from '../controllers/namespace.ts';
import { reconcileServiceAccounts } from '../controllers/serviceaccount.ts';
import { reconcileRootCa, ROOT_CA_CONFIGMAP } from '../controllers/rootca.ts';
import { reconcileReplicaSet } from '../controllers/replicaset.ts';
import type { ReconcileResult } from '../controllers/types.ts';
import { SERVICE_NAME_LABEL } from '../api/schema/index.ts';
import { typeKeyOf } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import type { ReconcileOutcome, Requeue } from './consumer.ts';
import { typeOfKey, type ReconcileKey } from './keys.ts';
import { listAll, WarmList } from './lists.ts';
import { ControllerWriter, controllerActor } from './writer.ts';

export const DEPLOYMENTS = findByResource('apps', 'v1', 'deployments')!;
export const REPLICASETS = findByResource('apps', 'v1', 'replicasets')!;
export const PODS = findByResource('', 'v1', 'pods')!;

export interface ControllerDeps {
  registry: Registry;
  clock: Clock;
  /** Where reconcilers' requeueAfter goes (the timer path); without it, keys wait for the next event. */
  requeue?: Requeue;
  /** Node heartbeats off the log (the node lifecycle controller reads them). */
  heartbeats?: HeartbeatStore;
  nodeLifecycle?: NodeLifecycleConfig;
  /**
   * The CA bundle that verifies the API server, published as `kube-root-ca.crt` in every
   * namespace (kube's root CA publisher); nothing is published without one.
   */
  rootCaPem?: string;
  log?: (entry: Record<string, unknown>) => void;
}

export type KeyReconciler = (key: ReconcileKey) => Promise<ReconcileOutcome>;

export function writerFor(deps: ControllerDeps, component: string): ControllerWriter {
  return new ControllerWriter({
    registry: deps.registry,
    clock: deps.clock,
    actor: controllerActor(component),
    component,
    fieldManager: 'kube-controller-manager',
    userAgent: `kube-controller-manager/v1.32.0 (linux) skiff/${component}`,
    log: deps.log,
  });
}

/**
 * Lists a namespace's objects of one type, noting the list's resourceVersion in `observed`; from
 * `warm` (kept between invocations) when given.
 */
export async function listInto<T>(store: ObjectStore, type: ResourceType, namespace: string, observed: Record<string, number>, warm?: WarmList): Promise<T[]> {
  const { items, resourceVersion } = warm ? await warm.list(namespace) : await listAll(store, type, namespace);
  observed[typeKeyOf(type)] = Number(resourceVersion);
  return items as T[];
}

function outcome(result: ReconcileResult, observed: Record<string, number>): ReconcileOutcome {
  return { observed, ...(result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : {}) };
}

export function replicaSetReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'replicaset-controller');
  const store = deps.registry.store;
  const warmPods = new WarmList(store, PODS);
  return async (key) => {
    const rs = (await store.get(REPLICASETS, key.namespace, key.name)) as ReplicaSet | undefined;
    if (!rs) return {};
    const observed: Record<string, number> = {};
    const pods = await listInto<Pod>(store, PODS, key.namespace, observed, warmPods);
    const result = reconcileReplicaSet({ rs, pods, now: deps.clock() });
    await writer.apply(result.actions);
    // Its own writes come back as events above what it read, so they still wake it.
    return outcome(result, observed);
  };
}

export function deploymentReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'deployment-controller');
  const store = deps.registry.store;
  const warmReplicaSets = new WarmList(store, REPLICASETS);
  const warmPods = new WarmList(store, PODS);
  return async (key) => {
    const deployment = (await store.get(DEPLOYMENTS, key.namespace, key.name)) as Deployment | undefined;
    if (!deployment) return {};
    const observed: Record<string, number> = {};
    const replicaSets = await listInto<ReplicaSet>(store, REPLICASETS, key.namespace, observed, warmReplicaSets);
    // Only Recreate looks at pods (it waits for the old ones to be gone).
    const pods = deployment.spec?.strategy?.type === 'Recreate' ? await listInto<Pod>(store, PODS, key.namespace, observed, warmPods) : [];
    const result = reconcileDeployment({ deployment, replicaSets, pods, now: deps.clock() });
    await writer.apply(result.actions);
    return outcome(result, observed);
  };
}

export const SERVICES = findByResource('', 'v1', 'services')!;
export const ENDPOINTS = findByResource('', 'v1', 'endpoints')!;
export const NAMESPACES = findByResource('', 'v1', 'namespaces')!;
export const SERVICEACCOUNTS = findByResource('', 'v1', 'serviceaccounts')!;
export const CONFIGMAPS = findByResource('', 'v1', 'configmaps')!;
/** kube's name for the root CA publisher (its writer's service account). */
export const ROOT_CA_PUBLISHER = 'root-ca-cert-publisher';

export const ENDPOINTSLICES = findByResource('discovery.k8s.io', 'v1', 'endpointslices')!;
export const NODES = findByResource('', 'v1', 'nodes')!;

/**
 * Both views of a Service's backends, from one read of the Service and its pods: kube's Endpoints
 * controller and its EndpointSlice controller (each pure, each writing as itself). They are woken
 * by the same events, so one queue and one consumer serve both.
 */
export function endpointsReconciler(deps: ControllerDeps): KeyReconciler {
  const endpointsWriter = writerFor(deps, 'endpoint-controller');
  const slicesWriter = writerFor(deps, 'endpointslice-controller');
  const mirrorWriter = writerFor(deps, 'endpointslicemirroring-controller');
  const store = deps.registry.store;
  const warmPods = new WarmList(store, PODS);
  const warmSlices = new WarmList(store, ENDPOINTSLICES);
  const warmNodes = new WarmList(store, NODES);
  return async (key) => {
    const observed: Record<string, number> = {};
    const service = (await store.get(SERVICES, key.namespace, key.name)) as Service | undefined;
    const endpoints = (await store.get(ENDPOINTS, key.namespace, key.name)) as Endpoints | undefined;
    const slices = (await listInto<EndpointSlice>(store, ENDPOINTSLICES, key.namespace, observed, warmSlices))
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === key.name);
    if (!service && !endpoints && !slices.length) return {};
    const pods = service ? await listInto<Pod>(store, PODS, key.namespace, observed, warmPods) : [];
    const nodes = service ? ((await warmNodes.list()).items as Node[]) : [];
    const now = deps.clock();
    const result = reconcileEndpoints({ service, pods, endpoints, now });
    const sliced = reconcileEndpointSlices({ service, pods, slices, nodes, now });
    await endpointsWriter.apply(result.actions);
    await slicesWriter.apply(sliced.actions);
    await mirrorWriter.apply(reconcileMirroring({ service, endpoints, slices }).actions);
    return outcome(result, observed);
  };
}

export const BUDGETS = findByResource('policy', 'v1', 'poddisruptionbudgets')!;

/** The disruption controller: a PodDisruptionBudget's status from its pods and their controllers' scale. */
export function disruptionReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'disruption-controller');
  const store = deps.registry.store;
  const warmPods = new WarmList(store, PODS);
  const warmReplicaSets = new WarmList(store, REPLICASETS);
  const warmDeployments = new WarmList(store, DEPLOYMENTS);
  return async (key) => {
    const pdb = (await store.get(BUDGETS, key.namespace, key.name)) as PodDisruptionBudget | undefined;
    if (!pdb) return {};
    const observed: Record<string, number> = {};
    const pods = await listInto<Pod>(store, PODS, key.namespace, observed, warmPods);
    const replicaSets = await listInto<ReplicaSet>(store, REPLICASETS, key.namespace, observed, warmReplicaSets);
    const deployments = await listInto<Deployment>(store, DEPLOYMENTS, key.namespace, observed, warmDeployments);
    const result = reconcileDisruption({ pdb, pods, replicaSets, deployments, now: deps.clock() });
    await writer.apply(result.actions);
    return outcome(result, observed);
  };
}

/** Every namespaced kind: a namespace is emptied of all of them, Events included. */
const NAMESPACED = RESOURCE_TYPES.filter((t) => t.namespaced);

export function namespaceReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'namespace-controller');
  const store = deps.registry.store;
  return async (key) => {
    const namespace = (await store.get(NAMESPACES, undefined, key.name)) as Namespace | undefined;
    if (!namespace) return {};
    const contents: Record<string, KubeObject[]> = {};
    if (namespace.metadata?.deletionTimestamp) {
      for (const type of NAMESPACED) contents[type.resource] = (await listAll(store, type, key.name)).items;
    }
    const result = reconcileNamespace({ namespace, contents, now: deps.clock() });
    await writer.apply(result.actions);
    return outcome(result, {});
  };
}

/**
 * What every namespace is given, for one namespace key: its `default` ServiceAccount (the
 * ServiceAccount controller) and its `kube-root-ca.crt` (the root CA publisher, with a bundle to
 * publish). Two of kube's controllers on one queue: both are woken by the same namespace events.
 */
export function serviceAccountReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'serviceaccount-controller');
  const publisher = writerFor(deps, ROOT_CA_PUBLISHER);
  const store = deps.registry.store;
  return async (key) => {
    const namespace = (await store.get(NAMESPACES, undefined, key.name)) as Namespace | undefined;
    if (!namespace) return {};
    const observed: Record<string, number> = {};
    const serviceAccounts = await listInto<ServiceAccount>(store, SERVICEACCOUNTS, key.name, observed);
    const result = reconcileServiceAccounts({ namespace, serviceAccounts });
    await writer.apply(result.actions);
    if (deps.rootCaPem) {
      const configMap = (await store.get(CONFIGMAPS, key.name, ROOT_CA_CONFIGMAP)) as ConfigMap | undefined;
      await publisher.apply(reconcileRootCa({ namespace, configMap, caPem: deps.rootCaPem }).actions);
    }
    return outcome(result, observed);
  };
}

/**
 * The garbage collector for one owner key: nothing to do while the owner exists and is not
 * deleting in the foreground or orphaning; otherwise its dependents (every object in its
 * namespace, or in all namespaces for a cluster-scoped owner, whose ownerReferences name it) are
 * deleted, released or waited for, one pass per owner uid they reference.
 */
export function garbageCollector(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'garbage-collector-controller');
  const store = deps.registry.store;
  return async (key) => {
    const ownerType = typeOfKey(key);
    if (!ownerType) return {};
    const owner = await store.get(ownerType, ownerType.namespaced ? key.namespace : undefined, key.name);
    const finalizers = owner?.metadata.finalizers ?? [];
    if (owner && !(owner.metadata.deletionTimestamp && (finalizers.includes(ORPHAN_FINALIZER) || finalizers.includes(FOREGROUND_FINALIZER)))) return {};

    const group = ownerType.group;
    const names = (r: OwnerReference) => r.kind === ownerType.kind && r.name === key.name && (r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : '') === group;
    const dependents: KubeObject[] = [];
    for (const type of RESOURCE_TYPES) {
      if (type.resource === 'events' || (ownerType.namespaced && !type.namespaced)) continue;
      const { items } = await listAll(store, type, ownerType.namespaced ? key.namespace : undefined);
      dependents.push(...items.filter((o) => o.metadata.ownerReferences?.some(names)));
    }
    if (dependents.length === 0 && !owner) return {};

    // The dependents' other owners, looked up where their references point.
    const others = new Map<string, OwnerState>();
    for (const dep of dependents) {
      for (const ref of dep.metadata.ownerReferences ?? []) {
        if (names(ref)) continue;
        const type = findByKind(ref.apiVersion, ref.kind) ?? RESOURCE_TYPES.find((t) => t.kind === ref.kind && t.group === (ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : ''));
        if (!type) continue;
        const ns = type.namespaced ? dep.metadata.namespace ?? '' : '';
        const id = `${type.resource}/${ns}/${ref.name}`;
        if (others.has(id)) continue;
        others.set(id, { ref: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ns, name: ref.name, uid: ref.uid }, object: await store.get(type, ns || undefined, ref.name) });
      }
    }
    const ownersAmongDependents = dependents
      .filter((d) => dependents.some((o) => o.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid)))
      .map((d) => d.metadata.uid ?? '');
    const uids = new Set(dependents.flatMap((d) => (d.metadata.ownerReferences ?? []).filter(names).map((r) => r.uid)));
    if (owner?.metadata.uid) uids.add(owner.metadata.uid);
    let requeueAfterMs: number | undefined;
    for (const uid of uids) {
      const ref = { apiVersion: `${group ? `${group}/` : ''}${ownerType.version}`, kind: ownerType.kind, namespace: ownerType.namespaced ? key.namespace : '', name: key.name, uid };
      const result = collectGarbage({ owner: { ref, object: owner }, dependents, otherOwners: [...others.values()], ownersAmongDependents });
      await writer.apply(result.actions);
      if (result.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, result.requeueAfterMs);
    }
    return requeueAfterMs === undefined ? {} : { requeueAfterMs };
  };
}

const LEASES = findByResource('coordination.k8s.io', 'v1', 'leases')!;

/**
 * The node lifecycle controller, one pass per tick over every node: heartbeats are the later of
 * each node Lease's stored renewTime and the heartbeat path's latest renewal.
 */
export function nodeLifecycleReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'node-lifecycle-controller');
  const store = deps.registry.store;
  return async () => {
    const nodes = (await listAll(store, NODES)).items as Node[];
    const heartbeats: Record<string, Date | undefined> = {};
    const later = (node: string, t: string | undefined) => {
      const ms = t ? Date.parse(t) : NaN;
      if (Number.isNaN(ms)) return;
      const cur = heartbeats[node];
      if (!cur || cur.getTime() < ms) heartbeats[node] = new Date(ms);
    };
    for (const lease of (await listAll(store, LEASES, NODE_LEASE_NAMESPACE)).items) later(lease.metadata.name ?? '', (lease.spec as { renewTime?: string } | undefined)?.renewTime);
    for (const beat of (await deps.heartbeats?.all()) ?? []) later(beat.node, beat.renewTime);
    const pods = ((await listAll(store, PODS)).items as Pod[]).filter((p) => p.spec?.nodeName);
    const result = reconcileNodeLifecycle({ nodes, heartbeats, pods, now: deps.clock(), config: deps.nodeLifecycle });
    await writer.apply(result.actions);
    return outcome(result, {});
  };
}
