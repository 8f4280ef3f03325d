/**
 * The Endpoints controller as a pure function (kube's pkg/controller/endpoint): the Endpoints
 * object named like a Service lists the IPs of the pods its selector picks, ready ones under
 * `addresses` and the rest under `notReadyAddresses`, grouped into subsets by the ports they
 * offer. Services without a selector (and ExternalName ones) are left to whoever writes their
 * Endpoints; a Service that is gone takes its Endpoints with it.
 */
import type { EndpointSubset, Endpoints, Pod, Service, ServicePort } from '../api/schema/index.ts';
import { semanticEqual } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { isReady, isTerminal } from './pods.ts';
import type { Action, ReconcileResult } from './types.ts';
import { timeString } from './types.ts';

/** v1.EndpointsLastChangeTriggerTime: when the change behind this write happened. */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** v1.EndpointsOverCapacity: set to `truncated` when more than MAX_CAPACITY addresses were cut. */
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** v1.IsHeadlessService: the label on the Endpoints of a Service without a cluster IP. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** resourcelock.LeaderElectionRecordAnnotationKey: Endpoints used as a lock, never cleaned up. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** kube's maxCapacity: the most addresses (ready and not) one Endpoints object holds. */
export const MAX_CAPACITY = 1000;

export interface EndpointsInput {
  /** The Service; undefined once it is gone (then its Endpoints are deleted). */
  service: Service | undefined;
  /** The pods of the Service's namespace; the selector is applied here. */
  pods: Pod[];
  /** The Endpoints named like the Service, when there is one. */
  endpoints: Endpoints | undefined;
  /** The decisions depend on the objects only; kept so every controller takes the same input shape. */
  now: Date;
}

type Subset = EndpointSubset;
type Address = NonNullable<Subset['addresses']>[number];
type Port = NonNullable<Subset['ports']>[number];

const kube = (o: unknown) => o as KubeObject;
const clone = <T>(v: T): T => structuredClone(v);
const isIPv6 = (ip: string) => ip.includes(':');

/** ShouldPodBeInEndpoints: not finished, has an IP, and not terminating unless the Service publishes not-ready pods. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** The pod's IPs: status.podIPs, or status.podIP alone when only that was written. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean);
  if (ips.length) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/**
 * podToEndpointAddressForService: the pod IP of the Service's first IP family (from ipFamilies,
 * else the cluster IP, else for a headless Service the pod's own primary IP).
 */
function endpointAddress(svc: Service, pod: Pod): Address | undefined {
  const spec = svc.spec ?? {};
  let v6: boolean;
  if (spec.ipFamilies?.length) v6 = spec.ipFamilies[0] === 'IPv6';
  else if (spec.clusterIP && spec.clusterIP !== 'None') v6 = isIPv6(spec.clusterIP);
  else v6 = isIPv6(pod.status?.podIP ?? '');
  const ip = podIPs(pod).find((p) => isIPv6(p) === v6);
  if (!ip) return undefined;
  const addr: Address = { ip };
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  // ShouldSetHostname: a pod naming this Service as its subdomain gets its hostname published.
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace) {
    addr.hostname = pod.spec.hostname;
  }
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
  return addr;
}

/**
 * podutil.FindPort: a numeric targetPort as is (port when unset); a named one is the port of that
 * name and protocol among the pod's containers, then its sidecars (restartPolicy Always init
 * containers). Undefined when the pod has no such port.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

function endpointPort(sp: ServicePort, port: number): Port {
  const out: Port = { port, protocol: sp.protocol ?? 'TCP' };
  if (sp.name) out.name = sp.name;
  if (sp.appProtocol) out.appProtocol = sp.appProtocol;
  return out;
}

/** The identity kube dedups addresses by: IP and target uid. */
const addressKey = (a: Address) => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
const portKey = (p: Port) => JSON.stringify([p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']);

/** LessEndpointAddress: by IP (bytewise), then target uid; an address without target first. */
function compareAddresses(a: Address, b: Address): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const au = a.targetRef?.uid;
  const bu = b.targetRef?.uid;
  if (au === bu) return 0;
  if (au === undefined) return -1;
  if (bu === undefined) return 1;
  return au < bu ? -1 : 1;
}

function comparePorts(a: Port, b: Port): number {
  const ak = portKey(a);
  const bk = portKey(b);
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}

/**
 * endpoints.RepackSubsets: every address once per port, not-ready winning over ready for the
 * same port, then addresses that offer the same ports (with the same readiness) share a subset.
 * kube orders ports and subsets by a hash; here they go by value, which is as stable.
 */
export function repackSubsets(subsets: readonly Subset[]): Subset[] {
  const addrs = new Map<string, Address>();
  const NO_PORT = '';
  const ports = new Map<string, Port | undefined>();
  const byPort = new Map<string, Map<string, boolean>>();
  const note = (port: string, addr: Address, ready: boolean) => {
    const key = addressKey(addr);
    if (!addrs.has(key)) addrs.set(key, clone(addr));
    let set = byPort.get(port);
    if (!set) byPort.set(port, (set = new Map()));
    if (set.get(key) !== false) set.set(key, ready);
  };
  for (const s of subsets) {
    const sPorts: (Port | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const p of sPorts) {
      const pk = p ? portKey(p) : NO_PORT;
      if (!ports.has(pk)) ports.set(pk, p);
      for (const a of s.addresses ?? []) note(pk, a, true);
      for (const a of s.notReadyAddresses ?? []) note(pk, a, false);
    }
  }
  // Group ports by the exact set of (address, readiness) that offers them.
  const groups = new Map<string, { set: Map<string, boolean>; ports: Port[] }>();
  for (const [pk, set] of byPort) {
    const sig = JSON.stringify([...set].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { set, ports: [] }));
    const port = ports.get(pk);
    if (port) g.ports.push(port);
  }
  const out: Subset[] = [];
  for (const { set, ports: gp } of groups.values()) {
    const ready: Address[] = [];
    const notReady: Address[] = [];
    for (const [key, isReadyAddr] of set) (isReadyAddr ? ready : notReady).push(addrs.get(key)!);
    const s: Subset = {};
    if (ready.length) s.addresses = ready.sort(compareAddresses);
    if (notReady.length) s.notReadyAddresses = notReady.sort(compareAddresses);
    if (gp.length) s.ports = gp.sort(comparePorts);
    out.push(s);
  }
  return out.sort((a, b) => {
    const ak = JSON.stringify(a);
    const bk = JSON.stringify(b);
    return ak < bk ? -1 : ak > bk ? 1 : 0;
  });
}

/**
 * truncateEndpoints: over MAX_CAPACITY addresses, keep ready ones first and share what fits
 * among the subsets in proportion (rounding up, so the last subsets may get fewer).
 */
function truncate(subsets: Subset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses?.length : s.notReadyAddresses?.length) ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    if (truncateReady) {
      if (s.addresses) s.addresses = s.addresses.slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses?.length ?? 0;
    } else {
      if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses?.length ?? 0;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

/** Subsets as compared: repacked (so order and grouping do not matter), target resourceVersions dropped. */
function canonical(subsets: readonly Subset[] | undefined): Subset[] {
  const stripped = clone([...(subsets ?? [])]);
  for (const s of stripped) {
    for (const a of [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]) {
      if (a.targetRef) delete a.targetRef.resourceVersion;
    }
  }
  return repackSubsets(stripped);
}

const ms = (t: string | undefined) => (t ? Date.parse(t) : Number.NaN);

/**
 * The last-change trigger time, after kube's TriggerTimeTracker without its memory: a first write
 * takes the Service's creation time; a later one takes the earliest pod Ready transition (or
 * Service creation) later than the last write of `current` (the Endpoints, or the Service's
 * EndpointSlices), and none (the annotation goes) when the change has no such time, e.g. a pod
 * that went away.
 */
export function triggerTime(svc: Service, pods: Pod[], current: readonly { metadata?: Endpoints['metadata'] }[]): string | undefined {
  const created = ms(svc.metadata?.creationTimestamp);
  if (!current.length) return Number.isFinite(created) ? timeString(new Date(created)) : undefined;
  const since = Math.max(
    ...current.flatMap(({ metadata: m = {} }) => [
      ms(m.annotations?.[LAST_CHANGE_TRIGGER_TIME]) || 0,
      ms(m.creationTimestamp) || 0,
      ...(m.managedFields ?? []).map((f) => ms(f.time) || 0),
    ]),
  );
  let min = Number.POSITIVE_INFINITY;
  const consider = (t: number) => {
    if (Number.isFinite(t) && t > since) min = Math.min(min, t);
  };
  for (const p of pods) consider(ms(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime));
  consider(created);
  return Number.isFinite(min) ? timeString(new Date(min)) : undefined;
}

/** The subsets the Service's pods make (unsorted input to repackSubsets). */
export function desiredSubsets(svc: Service, pods: Pod[]): Subset[] {
  const spec = svc.spec ?? {};
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const subsets: Subset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = endpointAddress(svc, pod);
    if (!addr) continue;
    const ready = publishNotReady || isReady(pod);
    const add = (ports: Port[]) => subsets.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    if (!spec.ports?.length) {
      // A headless Service may have no ports: its addresses are still published.
      if (spec.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of spec.ports) {
      const port = findPort(pod, sp);
      if (port !== undefined) add([endpointPort(sp, port)]);
    }
  }
  return repackSubsets(subsets);
}

export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function reconcileEndpoints(input: EndpointsInput): ReconcileResult {
  const { service: svc, endpoints: current } = input;
  if (!svc) {
    if (!current || current.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) return { actions: [] };
    return {
      actions: [{
        kind: 'delete', resource: 'endpoints', namespace: current.metadata?.namespace ?? '', name: current.metadata?.name ?? '',
        preconditions: { uid: current.metadata?.uid ?? '', resourceVersion: current.metadata?.resourceVersion },
      }],
    };
  }
  const spec = svc.spec ?? {};
  const selector = spec.selector ?? {};
  // ExternalName Services get no endpoints; selector-less ones get them from their users.
  if (spec.type === 'ExternalName' || Object.keys(selector).length === 0) return { actions: [] };

  const ns = svc.metadata?.namespace ?? '';
  const pods = input.pods.filter((p) => (p.metadata?.namespace ?? '') === ns && selects(selector, p.metadata?.labels));
  const subsets = desiredSubsets(svc, pods);
  const truncated = truncate(subsets);

  const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
  const headless = !spec.clusterIP || spec.clusterIP === 'None';
  if (headless) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];

  const currentAnnotations = current?.metadata?.annotations ?? {};
  if (
    current &&
    semanticEqual(canonical(current.subsets), canonical(subsets)) &&
    semanticEqual(current.metadata?.labels ?? {}, labels) &&
    (currentAnnotations[OVER_CAPACITY] !== undefined) === truncated
  ) {
    return { actions: [] };
  }

  const annotations: Record<string, string> = { ...currentAnnotations };
  const trigger = triggerTime(svc, pods, current ? [current] : []);
  if (trigger) annotations[LAST_CHANGE_TRIGGER_TIME] = trigger;
  else delete annotations[LAST_CHANGE_TRIGGER_TIME];
  if (truncated) annotations[OVER_CAPACITY] = 'truncated';
  else delete annotations[OVER_CAPACITY];

  const next: Endpoints = current
    ? clone(current)
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata?.name, namespace: ns } };
  const meta = (next.metadata ??= {});
  if (Object.keys(labels).length) meta.labels = labels;
  else delete meta.labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  if (subsets.length) next.subsets = subsets;
  else delete next.subsets;
  const action: Action = { kind: current ? 'update' : 'create', object: kube(next) };
  return { actions: [action] };
}
