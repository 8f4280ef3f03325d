/**
 * Each controller's load → reconcile → apply step for one key: reads current state through the
 * store (consistent reads), runs the pure reconciler of `lib/controllers`, and applies its actions
 * through the write path. The Lambda handlers in `functions/controllers` wrap these in a queue
 * consumer.
 */
import type { Registry } from '../api/registry.ts';
import type { Deployment, Pod, ReplicaSet } from '../api/schema/index.ts';
import type { Clock } from '../core/object.ts';
import { findByResource, type ResourceType } from '../core/resources.ts';
import { reconcileDeployment } from '../controllers/deployment.ts';
import { reconcileReplicaSet } from '../controllers/replicaset.ts';
import type { ReconcileResult } from '../controllers/types.ts';
import { typeKeyOf } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import type { ReconcileOutcome, Requeue } from './consumer.ts';
import type { ReconcileKey } from './keys.ts';
import { listAll } from './lists.ts';
import { ControllerWriter, controllerActor } from './writer.ts';

export const DEPLOYMENTS = findByResource('apps', 'v1', 'deployments')!;
export const REPLICASETS = findByResource('apps', 'v1', 'replicasets')!;
export const PODS = findByResource('', 'v1', 'pods')!;

export interface ControllerDeps {
  registry: Registry;
  clock: Clock;
  /** Where reconcilers' requeueAfter goes (the timer path); without it, keys wait for the next event. */
  requeue?: Requeue;
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

/** Lists a namespace's objects of one type, noting the list's resourceVersion in `observed`. */
export async function listInto<T>(store: ObjectStore, type: ResourceType, namespace: string, observed: Record<string, number>): Promise<T[]> {
  const { items, resourceVersion } = await listAll(store, type, namespace);
  observed[typeKeyOf(type)] = Number(resourceVersion);
  return items as T[];
}

function outcome(result: ReconcileResult, observed: Record<string, number>): ReconcileOutcome {
  return { observed, ...(result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : {}) };
}

export function replicaSetReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'replicaset-controller');
  const store = deps.registry.store;
  return async (key) => {
    const rs = (await store.get(REPLICASETS, key.namespace, key.name)) as ReplicaSet | undefined;
    if (!rs) return {};
    const observed: Record<string, number> = {};
    const pods = await listInto<Pod>(store, PODS, key.namespace, observed);
    const result = reconcileReplicaSet({ rs, pods, now: deps.clock() });
    await writer.apply(result.actions);
    // Its own writes come back as events above what it read, so they still wake it.
    return outcome(result, observed);
  };
}

export function deploymentReconciler(deps: ControllerDeps): KeyReconciler {
  const writer = writerFor(deps, 'deployment-controller');
  const store = deps.registry.store;
  return async (key) => {
    const deployment = (await store.get(DEPLOYMENTS, key.namespace, key.name)) as Deployment | undefined;
    if (!deployment) return {};
    const observed: Record<string, number> = {};
    const replicaSets = await listInto<ReplicaSet>(store, REPLICASETS, key.namespace, observed);
    // Only Recreate looks at pods (it waits for the old ones to be gone).
    const pods = deployment.spec?.strategy?.type === 'Recreate' ? await listInto<Pod>(store, PODS, key.namespace, observed) : [];
    const result = reconcileDeployment({ deployment, replicaSets, pods, now: deps.clock() });
    await writer.apply(result.actions);
    return outcome(result, observed);
  };
}
