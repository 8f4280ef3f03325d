/**
 * Node lease renewals on the cheap path (DESIGN: "Reconcile model", heartbeats): a PUT of a Lease
 * in `kube-node-lease` that changes nothing but `spec.renewTime` is not written through the log;
 * it is handed to the heartbeat queue, whose consumer keeps the latest renewal per node. Reads of
 * node leases show that latest renewal. Every other change to a Lease takes the normal write path.
 */
import type { KubeObject } from '../core/object.ts';
import type { Heartbeat, HeartbeatStore } from '../store/heartbeats.ts';
import { canonicalJson } from '../store/hash.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface HeartbeatPath {
  /** Sends a renewal to the heartbeat queue (or records it directly). */
  send(beat: Heartbeat): Promise<void>;
  store: HeartbeatStore;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

const specOf = (o: KubeObject) => (o.spec ?? {}) as LeaseSpec;

/** What a renewal must leave unchanged: everything but renewTime (and bookkeeping). */
function identity(o: KubeObject): string {
  const { renewTime: _renewTime, ...spec } = specOf(o);
  const m = o.metadata;
  return canonicalJson({ spec, labels: m.labels ?? {}, annotations: m.annotations ?? {}, ownerReferences: m.ownerReferences ?? [], finalizers: m.finalizers ?? [] });
}

/**
 * The renewal `body` makes of `live`, or undefined when it is any other change (or stale):
 * the same resourceVersion (when given), the same everything but a later renewTime.
 */
export function renewalOf(live: KubeObject, body: unknown): Heartbeat | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as KubeObject;
  if (!b.metadata || typeof b.metadata !== 'object') return undefined;
  const rv = b.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== live.metadata.resourceVersion) return undefined;
  const renewTime = specOf(b).renewTime;
  if (typeof renewTime !== 'string' || Number.isNaN(Date.parse(renewTime))) return undefined;
  if (identity(live) !== identity(b)) return undefined;
  const holder = specOf(live).holderIdentity;
  return { node: live.metadata.name ?? '', renewTime, ...(holder ? { holderIdentity: holder } : {}) };
}

/** `lease` showing `beat`'s renewTime when it is later than the stored one. */
export function withHeartbeat(lease: KubeObject, beat: Heartbeat | undefined): KubeObject {
  const stored = specOf(lease).renewTime;
  if (!beat || (stored && Date.parse(stored) >= Date.parse(beat.renewTime))) return lease;
  return { ...lease, spec: { ...specOf(lease), renewTime: beat.renewTime } };
}
