/**
 * The router's core: which keys one log event must wake, and in which consumer's queue
 * (kube's informer event handlers, as a pure function). The router Lambda feeds it the log
 * stream's entries and sends the routes as key-only messages.
 */
import type { KubeObject, OwnerReference } from '../core/object.ts';
import type { LogEntry, Selectable } from '../store/types.ts';
import { matchesLabelSelectorSpec } from '../api/selectors.ts';
import { ROOT_CA_CONFIGMAP } from '../controllers/rootca.ts';
import { controllerOf } from '../controllers/types.ts';
import { formatKey, keyOf, type ReconcileKey } from './keys.ts';

/** The consumers' queues, by topology id. */
export const QUEUES = {
  deployment: 'deployment',
  replicaset: 'replicaset',
  scheduler: 'scheduler',
  endpoints: 'endpoints',
  namespace: 'namespace',
  gc: 'gc',
  serviceaccount: 'serviceaccount',
  disruption: 'disruption',
  nodelifecycle: 'nodelifecycle',
} as const;
export type QueueId = (typeof QUEUES)[keyof typeof QUEUES];

export interface Route {
  queue: QueueId;
  key: string;
}

/**
 * What routing needs beyond the event itself, loaded by the caller for the event's namespace
 * before routing (see `lookupsFor`): pods wake the Services that select them and the
 * ReplicaSets that may adopt them; deletions in a terminating namespace wake its controller.
 */
export interface RouteContext {
  services(namespace: string): readonly KubeObject[];
  /** The namespace's PodDisruptionBudgets (optional: without it, pods wake none). */
  budgets?(namespace: string): readonly KubeObject[];
  replicaSets(namespace: string): readonly KubeObject[];
  namespaceTerminating(namespace: string): boolean;
}

export type Lookup = 'services' | 'replicaSets' | 'budgets' | 'namespace';

/** The lookups `routeEntry` will make for this entry, so a caller can load them for a whole batch. */
export function lookupsFor(e: LogEntry): Lookup[] {
  const out: Lookup[] = [];
  if (e.type === 'pods') {
    out.push('services', 'budgets');
    if (!controllerOf(e.object)) out.push('replicaSets');
  }
  if (e.eventType === 'DELETED' && e.namespace && e.type !== 'events') out.push('namespace');
  return out;
}

const SCHEDULER_NAME = 'default-scheduler';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The EndpointSlice controller's user (`controllerActor('endpointslice-controller')`). */
export const SLICE_CONTROLLER_USER = 'system:serviceaccount:kube-system:endpointslice-controller';
/** The EndpointSlice mirroring controller's user. */
export const MIRRORING_CONTROLLER_USER = 'system:serviceaccount:kube-system:endpointslicemirroring-controller';
/** The Endpoints controller's user: the Endpoints it writes are its own business. */
export const ENDPOINTS_CONTROLLER_USER = 'system:serviceaccount:kube-system:endpoint-controller';
/** The root CA publisher's user (`controllerActor('root-ca-cert-publisher')`). */
export const ROOT_CA_PUBLISHER_USER = 'system:serviceaccount:kube-system:root-ca-cert-publisher';
const GC_FINALIZERS = new Set(['foregroundDeletion', 'orphan']);
/**
 * Kinds whose Background deletion does not wake the garbage collector: they own nothing in
 * practice, and they are the most deleted (every pod replaced, every event expired). Foreground
 * and Orphan deletion of them still do.
 */
const RARELY_OWNERS = new Set(['pods', 'events', 'endpoints', 'endpointslices.discovery.k8s.io', 'poddisruptionbudgets.policy', 'leases.coordination.k8s.io']);

function ownerKey(ref: OwnerReference, namespace: string): ReconcileKey {
  const slash = ref.apiVersion.indexOf('/');
  // Owners of namespaced objects share their namespace; kube allows cluster-scoped owners too,
  // whose key then has no namespace: the consumer resolves the kind's scope.
  return { group: slash < 0 ? '' : ref.apiVersion.slice(0, slash), kind: ref.kind, namespace, name: ref.name };
}

function selectsPod(service: KubeObject, labels: Record<string, string> | undefined): boolean {
  const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  return matchesLabelSelectorSpec({ matchLabels: selector }, labels ?? {});
}

const podSpec = (o: KubeObject) => (o.spec ?? {}) as { nodeName?: string; schedulerName?: string };
const podPhase = (o: KubeObject) => (o.status as { phase?: string } | undefined)?.phase;
const terminal = (phase: string | undefined) => phase === 'Succeeded' || phase === 'Failed';

/**
 * Kinds whose creation wakes no consumer (their changes matter only when they are deleted or
 * start deleting): the router need not even decode such an entry.
 */
const QUIET_WHEN_ADDED = new Set(['configmaps', 'secrets', 'events', 'serviceaccounts', 'leases.coordination.k8s.io']);

/** Whether an entry of this type and event type can wake anything (checked before decoding it). */
export function mayRoute(type: string, eventType: string | undefined): boolean {
  return !(eventType === 'ADDED' && QUIET_WHEN_ADDED.has(type));
}

/** Every route one log entry wakes, without duplicates. */
export function routeEntry(e: LogEntry, ctx: RouteContext): Route[] {
  const out = new Map<string, Route>();
  const add = (queue: QueueId, key: ReconcileKey) => {
    const route = { queue, key: formatKey(key) };
    out.set(`${queue}\n${route.key}`, route);
  };
  const obj = e.object;
  const self = keyOf(obj);
  const prev: Selectable | undefined = e.prevSelectable;
  const deleted = e.eventType === 'DELETED';
  const owners = [...(obj.metadata.ownerReferences ?? []), ...(prev?.ownerReferences ?? [])];

  switch (e.type) {
    case 'deployments.apps':
      add(QUEUES.deployment, self);
      break;
    case 'replicasets.apps':
      add(QUEUES.replicaset, self);
      for (const ref of owners) if (ref.controller && ref.kind === 'Deployment') add(QUEUES.deployment, ownerKey(ref, e.namespace));
      break;
    case 'pods': {
      for (const ref of owners) if (ref.controller && ref.kind === 'ReplicaSet') add(QUEUES.replicaset, ownerKey(ref, e.namespace));
      const labels = obj.metadata.labels;
      if (!controllerOf(obj) && !deleted && !obj.metadata.deletionTimestamp) {
        for (const rs of ctx.replicaSets(e.namespace)) {
          const selector = (rs.spec as { selector?: Parameters<typeof matchesLabelSelectorSpec>[0] } | undefined)?.selector;
          if (!rs.metadata.deletionTimestamp && matchesLabelSelectorSpec(selector, labels)) add(QUEUES.replicaset, keyOf(rs));
        }
      }
      for (const svc of ctx.services(e.namespace)) {
        if (selectsPod(svc, labels) || (prev && selectsPod(svc, prev.labels))) add(QUEUES.endpoints, keyOf(svc));
      }
      for (const pdb of ctx.budgets?.(e.namespace) ?? []) {
        const selector = (pdb.spec as { selector?: Parameters<typeof matchesLabelSelectorSpec>[0] } | undefined)?.selector;
        // A null selector selects nothing (policy/v1); an empty one every pod.
        if (selector && (matchesLabelSelectorSpec(selector, labels ?? {}) || (prev && matchesLabelSelectorSpec(selector, prev.labels ?? {})))) add(QUEUES.disruption, keyOf(pdb));
      }
      const spec = podSpec(obj);
      const mine = (spec.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME;
      if (mine && !spec.nodeName && !deleted && !obj.metadata.deletionTimestamp && !terminal(podPhase(obj))) {
        add(QUEUES.scheduler, self);
      } else if (spec.nodeName && (deleted || (terminal(podPhase(obj)) && !terminal(prev?.fields['status.phase'])))) {
        // A bound pod gave its node's room back: parked pods may fit now.
        add(QUEUES.scheduler, self);
      }
      break;
    }
    case 'services':
      add(QUEUES.endpoints, self);
      break;
    case 'endpoints':
      // Endpoints written by anyone but the Endpoints controller (by hand, for a Service without a
      // selector) are mirrored into EndpointSlices, and restored if they were the controller's.
      if (e.actor.user !== ENDPOINTS_CONTROLLER_USER) add(QUEUES.endpoints, { group: '', kind: 'Service', namespace: e.namespace, name: e.name });
      break;
    case 'poddisruptionbudgets.policy':
      add(QUEUES.disruption, self);
      break;
    case 'endpointslices.discovery.k8s.io': {
      // A slice someone else changed or deleted wakes its Service, so the controller restores what
      // it manages; its own writes need no second look.
      if (e.actor.user === SLICE_CONTROLLER_USER || e.actor.user === MIRRORING_CONTROLLER_USER) break;
      const services = new Set([obj.metadata.labels?.[SERVICE_NAME_LABEL], prev?.labels?.[SERVICE_NAME_LABEL]]);
      for (const name of services) if (name) add(QUEUES.endpoints, { group: '', kind: 'Service', namespace: e.namespace, name });
      break;
    }
    case 'namespaces':
      add(QUEUES.namespace, self);
      if (!deleted) add(QUEUES.serviceaccount, self);
      break;
    case 'serviceaccounts':
      if (deleted && e.name === 'default') add(QUEUES.serviceaccount, { group: '', kind: 'Namespace', namespace: '', name: e.namespace });
      break;
    case 'configmaps':
      // A kube-root-ca.crt someone else changed or deleted is put back by the publisher.
      if (e.name === ROOT_CA_CONFIGMAP && e.actor.user !== ROOT_CA_PUBLISHER_USER) add(QUEUES.serviceaccount, { group: '', kind: 'Namespace', namespace: '', name: e.namespace });
      break;
    case 'nodes':
      add(QUEUES.scheduler, self);
      break;
  }

  // The garbage collector: owners that went away (Background), owners waiting on their dependents
  // (Foreground) or releasing them (Orphan), and waiting owners whose dependent went away.
  const finalizers = obj.metadata.finalizers ?? [];
  if ((deleted && !RARELY_OWNERS.has(e.type)) || (obj.metadata.deletionTimestamp && finalizers.some((f) => GC_FINALIZERS.has(f)))) add(QUEUES.gc, self);
  if (deleted) for (const ref of obj.metadata.ownerReferences ?? []) add(QUEUES.gc, ownerKey(ref, e.namespace));
  // A namespace being emptied is checked again as each of its objects goes.
  if (deleted && e.namespace && e.type !== 'events' && ctx.namespaceTerminating(e.namespace)) {
    add(QUEUES.namespace, { group: '', kind: 'Namespace', namespace: '', name: e.namespace });
  }
  return [...out.values()];
}
