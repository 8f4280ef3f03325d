/**
 * The EndpointSlice controller as a pure function (kube's pkg/controller/endpointslice): the pods
 * a Service selects, as EndpointSlices of at most `maxEndpointsPerSlice` endpoints, one set per
 * IP family of the Service and per set of ports the pods offer. Unlike Endpoints, slices keep
 * terminating pods, with their `ready`, `serving` and `terminating` conditions.
 *
 * Changes are made with the least churn, as kube's reconciler does: an endpoint stays in the
 * slice it is in; new endpoints fill the slices already being updated, then whole new slices,
 * then the fullest unchanged slice they fit in; a slice left empty is reused for a slice that
 * would be created, or deleted. A Service with no endpoints at all keeps one empty placeholder
 * slice, so its consumers can tell "no endpoints" from "not yet processed".
 */
import type { Node, Pod, Service } from '../api/schema/index.ts';
import {
  ENDPOINTSLICE_CONTROLLER, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, semanticEqual,
  type AddressType, type Endpoint, type EndpointSlice, type EndpointSlicePort,
} from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { findPort, HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME, podIPs, selects, shouldPodBeInEndpoints, triggerTime } from './endpoints.ts';
import { isReady } from './pods.ts';
import type { Action, ReconcileResult } from './types.ts';
import { controllerRef } from './types.ts';

/** kube-controller-manager's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** The zone label a node's endpoints carry into `zone`. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface EndpointSliceInput {
  /** The Service; undefined once it is gone (then the slices this controller made for it go). */
  service: Service | undefined;
  /** The pods of the Service's namespace; the selector is applied here. */
  pods: Pod[];
  /** The EndpointSlices of the namespace labelled with the Service's name (others are ignored). */
  slices: EndpointSlice[];
  /** The nodes, for each endpoint's zone. */
  nodes: Node[];
  maxEndpointsPerSlice?: number;
  now: Date;
}

type Slice = EndpointSlice;
type Port = EndpointSlicePort;

const clone = <T>(v: T): T => structuredClone(v);
const kube = (o: unknown) => o as KubeObject;
const isIPv6 = (ip: string) => ip.includes(':');

/**
 * getAddressTypesForService: spec.ipFamilies, else its cluster IP's family, else (a headless
 * Service from before IP families) both.
 */
export function addressTypesOf(svc: Service): AddressType[] {
  const families: AddressType[] = (svc.spec?.ipFamilies ?? []).filter((f) => f === 'IPv4' || f === 'IPv6');
  if (families.length) return [...new Set(families)];
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None') return [isIPv6(ip) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** getEndpointPorts: each Service port the pod offers, in the Service's order. */
function endpointPorts(svc: Service, pod: Pod): Port[] {
  const out: Port[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: Port = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol !== undefined) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** The identity of a set of ports, whatever their order (kube's PortMapKey). */
export function portsKey(ports: readonly Port[] | undefined): string {
  return JSON.stringify(
    (ports ?? []).map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }),
  );
}

/** The identity of an endpoint across writes (kube's endpointHash): the object behind it, its addresses and hostname. */
export const endpointKey = (ep: Endpoint) => JSON.stringify([ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '', [...ep.addresses].sort(), ep.hostname ?? '']);

/** podToEndpoint: the pod's address of one family, with its conditions, node, zone and hostname. */
function podToEndpoint(svc: Service, pod: Pod, addressType: AddressType, zones: Map<string, string>): Endpoint | undefined {
  const addresses = podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6'));
  if (!addresses.length) return undefined;
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const serving = isReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // For compatibility, a terminating endpoint is never ready unless not-ready addresses are published.
  const ready = publishNotReady || (serving && !terminating);
  const ep: Endpoint = {
    addresses,
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  const nodeName = pod.spec?.nodeName;
  if (nodeName) {
    ep.nodeName = nodeName;
    const zone = zones.get(nodeName);
    if (zone) ep.zone = zone;
  }
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace) {
    ep.hostname = pod.spec.hostname;
  }
  return ep;
}

/** setEndpointSliceLabels: the Service's labels, then the reserved ones the controller owns. */
function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL && k !== HEADLESS_LABEL) labels[k] = v;
  }
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = ENDPOINTSLICE_CONTROLLER;
  const ip = svc.spec?.clusterIP;
  if (!ip || ip === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

/** kube's getEndpointSlicePrefix: `<service>-`, or the bare name when that is no valid name prefix. */
export function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return prefix.length <= 253 && /^[a-z0-9]([-a-z0-9.]*)?$/.test(prefix) ? prefix : serviceName;
}

const ownedBy = (slice: Slice, svc: Service) =>
  (slice.metadata?.ownerReferences ?? []).some((r) => r.apiVersion === 'v1' && r.kind === 'Service' && r.uid === svc.metadata?.uid);

interface Desired {
  ports: Port[];
  endpoints: Map<string, Endpoint>;
}

/** A slice as it will be written: an existing one (updated) or a new one (created). */
interface Planned {
  existing?: Slice;
  addressType: AddressType;
  ports: Port[];
  endpoints: Endpoint[];
}

function byKey<T>(items: T[], key: (t: T) => string): T[] {
  return items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The plan for one address type (kube's reconcileByAddressType). */
function planAddressType(
  addressType: AddressType, desired: Map<string, Desired>, existing: Slice[], labels: Record<string, string>, max: number,
): { updates: Planned[]; creates: Planned[]; deletes: Slice[] } {
  const updates: Planned[] = [];
  const creates: Planned[] = [];
  const deletes: Slice[] = [];
  const unchanged = new Map<string, Slice[]>();

  // 1. Each existing slice keeps the endpoints still wanted, in their wanted form.
  for (const slice of existing) {
    const pk = portsKey(slice.ports);
    const want = desired.get(pk);
    const kept: Endpoint[] = [];
    let changed = !semanticEqual(slice.metadata?.labels ?? {}, labels);
    for (const ep of slice.endpoints ?? []) {
      const next = want?.endpoints.get(endpointKey(ep));
      if (!next) {
        changed = true;
        continue;
      }
      if (!semanticEqual(ep, next)) changed = true;
      kept.push(next);
      want!.endpoints.delete(endpointKey(ep));
    }
    if (kept.length === 0) deletes.push(slice);
    else if (changed) updates.push({ existing: slice, addressType, ports: clone(slice.ports ?? []), endpoints: kept });
    else {
      const list = unchanged.get(pk) ?? [];
      list.push(slice);
      unchanged.set(pk, list);
    }
  }

  // 2. The endpoints not placed yet: into slices being updated, then whole new slices, then the
  //    fullest unchanged slice that takes the rest, else one more new slice.
  for (const [pk, want] of desired) {
    const remaining = byKey([...want.endpoints.values()], endpointKey);
    for (const u of [...updates].sort((a, b) => b.endpoints.length - a.endpoints.length)) {
      if (!remaining.length) break;
      if (portsKey(u.ports) !== pk) continue;
      while (remaining.length && u.endpoints.length < max) u.endpoints.push(remaining.shift()!);
    }
    while (remaining.length >= max) creates.push({ addressType, ports: clone(want.ports), endpoints: remaining.splice(0, max) });
    if (!remaining.length) continue;
    const fits = (unchanged.get(pk) ?? [])
      .filter((s) => (s.endpoints?.length ?? 0) + remaining.length <= max)
      .sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0))[0];
    if (fits) {
      updates.push({ existing: fits, addressType, ports: clone(fits.ports ?? []), endpoints: [...clone(fits.endpoints ?? []), ...remaining] });
    } else {
      creates.push({ addressType, ports: clone(want.ports), endpoints: remaining });
    }
  }
  return { updates, creates, deletes };
}

export function reconcileEndpointSlices(input: EndpointSliceInput): ReconcileResult {
  const { service: svc } = input;
  const name = svc?.metadata?.name;
  const mine = (s: Slice) => s.metadata?.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER;
  const deleteAction = (s: Slice): Action => ({
    kind: 'delete', resource: 'endpointslices', namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '',
    preconditions: { uid: s.metadata?.uid ?? '', resourceVersion: s.metadata?.resourceVersion },
  });
  if (!svc) {
    // The garbage collector would remove them too (they are owned by the Service); this is sooner.
    return { actions: input.slices.filter((s) => mine(s) && !s.metadata?.deletionTimestamp).map(deleteAction) };
  }
  const spec = svc.spec ?? {};
  const selector = spec.selector ?? {};
  // ExternalName Services get no endpoints; selector-less ones get slices from their users; one
  // being deleted gets no new slices (the garbage collector takes the ones it has).
  if (spec.type === 'ExternalName' || Object.keys(selector).length === 0 || svc.metadata?.deletionTimestamp) return { actions: [] };

  const ns = svc.metadata?.namespace ?? '';
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const addressTypes = addressTypesOf(svc);
  const labels = sliceLabels(svc);
  const zones = new Map<string, string>();
  const nodes = new Set<string>();
  for (const n of input.nodes) {
    const zone = n.metadata?.labels?.[ZONE_LABEL];
    if (n.metadata?.name) nodes.add(n.metadata.name);
    if (n.metadata?.name && zone) zones.set(n.metadata.name, zone);
  }

  const slices = input.slices.filter((s) => mine(s) && s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && !s.metadata?.deletionTimestamp);
  const pods = input.pods.filter((p) => (p.metadata?.namespace ?? '') === ns && selects(selector, p.metadata?.labels));

  // What the pods make, per address type and set of ports.
  const desired = new Map<AddressType, Map<string, Desired>>(addressTypes.map((t) => [t, new Map()]));
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    // A pod on a node that does not exist is left out (its pod is on its way out), unless the
    // Service publishes not-ready addresses.
    const nodeName = pod.spec?.nodeName;
    if (nodeName && !nodes.has(nodeName) && spec.publishNotReadyAddresses !== true) continue;
    const ports = endpointPorts(svc, pod);
    const pk = portsKey(ports);
    for (const t of addressTypes) {
      const ep = podToEndpoint(svc, pod, t, zones);
      if (!ep) continue;
      const group = desired.get(t)!;
      if (!group.has(pk)) group.set(pk, { ports, endpoints: new Map() });
      group.get(pk)!.endpoints.set(endpointKey(ep), ep);
    }
  }

  const updates: Planned[] = [];
  const creates: Planned[] = [];
  const deletes: Slice[] = [];
  for (const t of addressTypes) {
    const existing = slices.filter((s) => s.addressType === t && ownedBy(s, svc));
    const plan = planAddressType(t, desired.get(t)!, existing, labels, max);
    // A family without endpoints keeps one empty placeholder slice, so its consumers can tell
    // "no endpoints" from "not processed yet"; a placeholder that is already right stays as it is.
    if (existing.length === plan.deletes.length && plan.creates.length === 0) {
      const same = plan.deletes.length === 1 ? plan.deletes[0]! : undefined;
      if (same && !(same.endpoints ?? []).length && !(same.ports ?? []).length && semanticEqual(same.metadata?.labels ?? {}, labels)) plan.deletes.length = 0;
      else plan.creates.push({ addressType: t, ports: [], endpoints: [] });
    }
    updates.push(...plan.updates);
    creates.push(...plan.creates);
    deletes.push(...plan.deletes);
  }
  // Slices of a family the Service no longer has, or made for an earlier Service of this name.
  deletes.push(...slices.filter((s) => !addressTypes.includes(s.addressType as AddressType) || !ownedBy(s, svc)));

  // A slice about to be deleted becomes one about to be created, when their address types agree.
  for (let c = 0; c < creates.length;) {
    const d = deletes.findIndex((s) => s.addressType === creates[c]!.addressType && ownedBy(s, svc));
    if (d < 0) {
      c++;
      continue;
    }
    const [reused] = deletes.splice(d, 1);
    const [created] = creates.splice(c, 1);
    updates.push({ ...created!, existing: reused });
  }

  const trigger = updates.length || creates.length ? triggerTime(svc, pods, slices) : undefined;
  const actions: Action[] = [];
  const owner = controllerRef(kube(svc));
  const write = (p: Planned): Slice => {
    const next: Slice = p.existing
      ? clone(p.existing)
      : { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { generateName: slicePrefix(name ?? ''), namespace: ns }, addressType: p.addressType };
    const meta = (next.metadata ??= {});
    meta.labels = { ...labels };
    if (!p.existing) meta.ownerReferences = [owner];
    const annotations = { ...(meta.annotations ?? {}) };
    if (trigger) annotations[LAST_CHANGE_TRIGGER_TIME] = trigger;
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
    next.ports = p.ports;
    next.endpoints = p.endpoints;
    return next;
  };
  for (const p of updates) actions.push({ kind: 'update', object: kube(write(p)) });
  for (const p of creates) actions.push({ kind: 'create', object: kube(write(p)) });
  for (const s of deletes) actions.push(deleteAction(s));
  return { actions };
}
