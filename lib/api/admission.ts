/**
 * Admission on create: what kube-apiserver decides beyond an object's own defaults. Today that is
 * Service ClusterIP and NodePort allocation, and for Pods the ServiceAccount plugin
 * (`service-account-admission.ts`, run before the write's turn) and DefaultTolerationSeconds.
 */
import { InvalidError } from '../core/errors.ts';
import type { Clock, KubeObject } from '../core/object.ts';
import { findByResource, type ResourceType } from '../core/resources.ts';
import { podLandsOn, type ObjectStore, type WriteGuards } from '../store/types.ts';
import { admitServiceAccount, storeServiceAccounts } from './service-account-admission.ts';

export interface AdmissionInput {
  type: ResourceType;
  object: KubeObject;
  store: ObjectStore;
  clock: Clock;
  /**
   * The tolerationSeconds DefaultTolerationSeconds gives a Pod for the not-ready and unreachable
   * taints: one number for both, or each on its own (kube-apiserver's
   * --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds).
   * Defaults to 300.
   */
  defaultTolerationSeconds?: DefaultTolerationSeconds;
}

/** kube-apiserver's default for both DefaultTolerationSeconds flags. */
export const DEFAULT_TOLERATION_SECONDS = 300;

export type DefaultTolerationSeconds = number | { notReady?: number; unreachable?: number };

const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/**
 * kube's DefaultTolerationSeconds admission plugin: a pod that does not already tolerate the
 * NoExecute not-ready or unreachable taint (a toleration with that key or no key, and effect
 * NoExecute or none) gets `{key, operator: Exists, effect: NoExecute, tolerationSeconds}` for it,
 * after its own tolerations. So a pod stays on a node that stops responding for five minutes by
 * default, then the taint eviction controller deletes it. Mutates `pod`.
 */
export function addDefaultTolerations(pod: KubeObject, seconds: DefaultTolerationSeconds = DEFAULT_TOLERATION_SECONDS): void {
  const spec = (pod.spec ?? {}) as { tolerations?: Toleration[] };
  const tolerations = spec.tolerations ?? [];
  const tolerates = (key: string) => tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const forKey = (key: string) => {
    if (typeof seconds === 'number') return seconds;
    return (key === TAINT_NOT_READY ? seconds.notReady : seconds.unreachable) ?? DEFAULT_TOLERATION_SECONDS;
  };
  const added = [TAINT_NOT_READY, TAINT_UNREACHABLE]
    .filter((key) => !tolerates(key))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: forKey(key) }));
  if (!added.length) return;
  spec.tolerations = [...tolerations, ...added];
  pod.spec = spec;
}

/** The Service CIDR (kube's default 10.96.0.0/12) and the NodePort range. */
export const SERVICE_CIDR = { base: (10 << 24) | (96 << 16), size: 1 << 20 };
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

const SERVICES = findByResource('', 'v1', 'services')!;

interface ServicePort {
  port?: number;
  nodePort?: number;
  name?: string;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/**
 * The admission of a create that reads the store and may wait: a Pod's ServiceAccount (kube's
 * plugin, `service-account-admission.ts`; `default` may take a moment to appear). Run before the
 * write takes its turn, so no turn is held while it waits. Mutates `object`.
 */
export async function admitCreateFromStore(type: ResourceType, object: KubeObject, store: ObjectStore): Promise<void> {
  if (type.kind === 'Pod') await admitServiceAccount(object, { lookup: storeServiceAccounts(store) });
}

/**
 * Admission on create. What it returns goes into the object's write: a Service that allocated a
 * ClusterIP or NodePorts claims the allocation counter it read before looking at the Services, so
 * two allocations decided from the same view cannot both commit (the loser decides again).
 */
export async function admitCreate(input: AdmissionInput): Promise<WriteGuards | undefined> {
  if (input.type.kind === 'Pod') {
    addDefaultTolerations(input.object, input.defaultTolerationSeconds);
    // A pod created already bound (no scheduler involved) changes what its node has room for:
    // binds decided from the node's earlier state must decide again.
    const node = (input.object.spec as { nodeName?: string } | undefined)?.nodeName;
    if (node) return podLandsOn(node);
  }
  if (input.type.kind === 'Service') return allocateService(input, undefined);
  return undefined;
}

/**
 * Admission on update. Services keep what was allocated to them when a client's update leaves it
 * out (`kubectl replace`, `helm upgrade --force`), drop fields their new type does not have, and get
 * node ports when they become NodePort or LoadBalancer.
 */
export async function admitUpdate(input: AdmissionInput & { live: KubeObject }): Promise<WriteGuards | undefined> {
  if (input.type.kind === 'Pod') {
    // An update may set an unbound pod's node once: like a pod created bound, it moves the
    // node's allocation counter on.
    const was = (input.live.spec as { nodeName?: string } | undefined)?.nodeName;
    const node = (input.object.spec as { nodeName?: string } | undefined)?.nodeName;
    return node && !was ? podLandsOn(node) : undefined;
  }
  if (input.type.kind !== 'Service') return undefined;
  keepServiceAllocations(input.live, input.object);
  return allocateService(input, input.live);
}

/** kube's patchAllocatedValues and dropTypeDependentFields, for a Service update. Pure. */
export function keepServiceAllocations(live: KubeObject, next: KubeObject): void {
  const old = (live.spec ?? {}) as ServiceSpec & { healthCheckNodePort?: number };
  const spec = (next.spec ?? {}) as ServiceSpec & { healthCheckNodePort?: number; externalTrafficPolicy?: string; externalName?: string };
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else if (!spec.clusterIP && old.clusterIP && (old.type ?? 'ClusterIP') !== 'ExternalName') {
    spec.clusterIP = old.clusterIP;
    if (old.clusterIPs) spec.clusterIPs = [...old.clusterIPs];
  }
  const exposed = type === 'NodePort' || type === 'LoadBalancer';
  for (const p of (spec.ports ?? []) as (ServicePort & { protocol?: string })[]) {
    if (!exposed) {
      delete p.nodePort;
      continue;
    }
    if (p.nodePort) continue;
    const was = ((old.ports ?? []) as (ServicePort & { protocol?: string })[]).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (was?.nodePort) p.nodePort = was.nodePort;
  }
  if (!exposed) delete spec.externalTrafficPolicy;
  if (type !== 'LoadBalancer') delete spec.healthCheckNodePort;
  next.spec = spec;
}

/** The claim every Service allocation takes: allocations are rare, so one counter serializes them. */
export const SERVICE_ALLOCATIONS_CLAIM = 'service-allocations';

type PortWithProtocol = ServicePort & { protocol?: string };

/** What of `spec` the Service did not hold before: a ClusterIP or NodePorts to allocate. */
function allocates(spec: ServiceSpec, live: KubeObject | undefined): boolean {
  const old = (live?.spec ?? {}) as ServiceSpec;
  if (!live) return true;
  if ((spec.clusterIP ?? '') !== (old.clusterIP ?? '')) return true;
  const had = new Set(((old.ports ?? []) as PortWithProtocol[]).map((p) => p.nodePort).filter((n) => n));
  return ((spec.ports ?? []) as PortWithProtocol[]).some((p) => !p.nodePort || !had.has(p.nodePort));
}

async function allocateService({ object, store }: AdmissionInput, live: KubeObject | undefined): Promise<WriteGuards | undefined> {
  const spec = (object.spec ?? {}) as ServiceSpec;
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return undefined;
  const exposed = type === 'NodePort' || type === 'LoadBalancer';
  const claim = allocates(spec, live) || (exposed && ((spec.ports ?? []) as PortWithProtocol[]).some((p) => !p.nodePort))
    ? { key: SERVICE_ALLOCATIONS_CLAIM, expect: await store.claimVersion?.(SERVICE_ALLOCATIONS_CLAIM) }
    : undefined;
  // Read after the claim's version: a Service allocated since is in the list, or the claim fails.
  const services = (await store.list(SERVICES)).items.filter((s) => s.metadata.uid !== object.metadata.uid);
  const usedIps = new Set<string>();
  const usedPorts = new Set<number>();
  for (const s of services) {
    const sp = (s.spec ?? {}) as ServiceSpec;
    if (sp.clusterIP && sp.clusterIP !== 'None') usedIps.add(sp.clusterIP);
    for (const p of sp.ports ?? []) if (p.nodePort) usedPorts.add(p.nodePort);
  }
  const ref = { group: '', resource: 'services', kind: 'Service', name: object.metadata.name };
  if (spec.clusterIP === 'None') {
    spec.clusterIPs = ['None'];
  } else if (spec.clusterIP) {
    const n = ipToNumber(spec.clusterIP);
    if (n === undefined || n - SERVICE_CIDR.base < 0 || n - SERVICE_CIDR.base >= SERVICE_CIDR.size) {
      throw new InvalidError(ref, [{ field: 'spec.clusterIPs', reason: 'FieldValueInvalid', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is 10.96.0.0/12` }]);
    }
    if (usedIps.has(spec.clusterIP)) {
      throw new InvalidError(ref, [{ field: 'spec.clusterIPs', reason: 'FieldValueInvalid', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
    }
    spec.clusterIPs = [spec.clusterIP];
  } else {
    // Random probing like kube's allocator; .0 and .1 are reserved (.1 is the kubernetes Service).
    for (;;) {
      const offset = 2 + Math.floor(Math.random() * (SERVICE_CIDR.size - 3));
      const ip = ipToString(SERVICE_CIDR.base + offset);
      if (!usedIps.has(ip)) {
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        break;
      }
    }
  }
  if (exposed) {
    // kube lets one Service use a NodePort for several protocols (DNS on TCP and UDP); another
    // Service may not use it at all.
    const mine = new Set<string>();
    for (const [i, p] of ((spec.ports ?? []) as PortWithProtocol[]).entries()) {
      if (p.nodePort) {
        if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
          throw new InvalidError(ref, [{ field: `spec.ports[${i}].nodePort`, reason: 'FieldValueInvalid', message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}` }]);
        }
        const own = `${p.nodePort}/${p.protocol ?? 'TCP'}`;
        if (mine.has(own) || (usedPorts.has(p.nodePort) && ![...mine].some((m) => m.startsWith(`${p.nodePort}/`)))) {
          throw new InvalidError(ref, [{ field: `spec.ports[${i}].nodePort`, reason: 'FieldValueInvalid', message: `Invalid value: ${p.nodePort}: provided port is already allocated` }]);
        }
        usedPorts.add(p.nodePort);
        mine.add(own);
        continue;
      }
      for (;;) {
        const port = NODE_PORT_RANGE.min + Math.floor(Math.random() * (NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1));
        if (!usedPorts.has(port)) {
          p.nodePort = port;
          usedPorts.add(port);
          mine.add(`${port}/${p.protocol ?? 'TCP'}`);
          break;
        }
      }
    }
  }
  object.spec = spec;
  return claim ? { claims: [claim] } : undefined;
}
