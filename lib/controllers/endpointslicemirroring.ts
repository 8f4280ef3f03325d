/**
 * The EndpointSlice mirroring controller as a pure function (kube's
 * pkg/controller/endpointslicemirroring): the Endpoints someone wrote by hand for a Service without
 * a selector, mirrored as EndpointSlices, so that what reads slices (`kubectl describe service`
 * since kubectl 1.31, proxies, DNS) sees them as it sees a selector's endpoints.
 *
 * One slice per address type and set of ports, of at most `maxEndpointsPerSubset` endpoints per
 * subset (the rest are skipped with a warning, as are addresses that are no IP). Slices carry the
 * Endpoints' labels and annotations (less the two kube leaves out), are owned by the Endpoints and
 * are named after them; an existing slice is updated in place and a surplus one reused before a new
 * one is made. Endpoints labelled `endpointslice.kubernetes.io/skip-mirror: "true"` (the
 * `kubernetes` Service's), or holding a leader-election record, are not mirrored; nor are those of
 * a Service that has a selector (the EndpointSlice controller serves it) or of no Service at all.
 */
import type { Endpoints, Service } from '../api/schema/index.ts';
import { MANAGED_BY_LABEL, semanticEqual, SERVICE_NAME_LABEL, SKIP_MIRROR_LABEL, type AddressType, type Endpoint, type EndpointSlice, type EndpointSlicePort } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { LAST_CHANGE_TRIGGER_TIME, repackSubsets } from './endpoints.ts';
import { endpointKey, portsKey, slicePrefix } from './endpointslice.ts';
import type { Action, ReconcileResult } from './types.ts';

/** The managed-by value of mirrored slices. */
export const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';
/** client-go's leader election record: such Endpoints are a lock, not endpoints. */
export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** kube-controller-manager's --mirroring-max-endpoints-per-subset default. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

export interface MirroringInput {
  service: Service | undefined;
  endpoints: Endpoints | undefined;
  /** EndpointSlices of the namespace labelled with the Service's name (others are ignored). */
  slices: EndpointSlice[];
  maxEndpointsPerSubset?: number;
}

type Slice = EndpointSlice;
type Port = EndpointSlicePort;


/** Whether these Endpoints are meant to be mirrored at all (kube's shouldMirror). */
export function shouldMirror(endpoints: Endpoints | undefined): boolean {
  if (!endpoints) return false;
  return endpoints.metadata?.labels?.[SKIP_MIRROR_LABEL] !== 'true' && !(LEADER_ANNOTATION in (endpoints.metadata?.annotations ?? {}));
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function addressType(ip: string): AddressType | undefined {
  if (IPV4.test(ip)) return 'IPv4';
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) {
    try {
      new URL(`http://[${ip}]/`);
      return 'IPv6';
    } catch {
      return undefined;
    }
  }
  return undefined;
}

type Address = NonNullable<NonNullable<Endpoints['subsets']>[number]['addresses']>[number];

function addressToEndpoint(a: Address, ready: boolean): Endpoint {
  const ep: Endpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.targetRef) ep.targetRef = structuredClone(a.targetRef);
  if (a.nodeName) ep.nodeName = a.nodeName;
  if (a.hostname) ep.hostname = a.hostname;
  return ep;
}

/** newEndpointSlice: what a mirrored slice says besides its endpoints. */
function sliceFor(endpoints: Endpoints, ports: Port[], type: AddressType, name: string | undefined): Slice {
  const labels: Record<string, string> = { ...(endpoints.metadata?.labels ?? {}) };
  labels[SERVICE_NAME_LABEL] = endpoints.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = MIRRORING_CONTROLLER;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoints.metadata?.annotations ?? {})) if (k !== LAST_CHANGE_TRIGGER_TIME && k !== LAST_APPLIED) annotations[k] = v;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      ...(name ? { name } : { generateName: slicePrefix(endpoints.metadata?.name ?? '') }),
      namespace: endpoints.metadata?.namespace ?? '',
      labels,
      annotations,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: endpoints.metadata?.name ?? '', uid: endpoints.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: type,
    endpoints: [],
    ports: structuredClone(ports),
  };
}

interface Desired {
  type: AddressType;
  ports: Port[];
  endpoints: Map<string, Endpoint>;
}

export function reconcileMirroring(input: MirroringInput): ReconcileResult {
  const name = input.endpoints?.metadata?.name ?? input.service?.metadata?.name ?? '';
  const mirrored = input.slices.filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && s.metadata?.labels?.[MANAGED_BY_LABEL] === MIRRORING_CONTROLLER);
  const deleteAll = (): ReconcileResult => ({ actions: mirrored.map((s) => deleteAction(s)) });
  const { endpoints, service } = input;
  if (!endpoints || !shouldMirror(endpoints) || !service || service.spec?.selector !== undefined) return deleteAll();

  const max = input.maxEndpointsPerSubset ?? MAX_ENDPOINTS_PER_SUBSET;
  const actions: Action[] = [];
  // desiredCalc: per subset, its ports for both families (so a family that lost every address
  // has its slices removed), then its ready and not-ready addresses up to the limit.
  const desired = new Map<string, Desired>();
  let invalid = 0;
  let skipped = 0;
  for (const subset of repackSubsets(endpoints.subsets ?? [])) {
    const ports: Port[] = (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}) }));
    const keys = {} as Record<AddressType, string>;
    for (const type of ['IPv4', 'IPv6'] as const) {
      keys[type] = `${type}|${portsKey(ports)}`;
      if (!desired.has(keys[type])) desired.set(keys[type], { type, ports, endpoints: new Map() });
    }
    const all = [...(subset.addresses ?? []).map((a) => [a, true] as const), ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const)];
    let added = 0;
    for (const [address, ready] of all) {
      if (added >= max) break;
      const type = addressType(address.ip);
      if (!type) {
        invalid++;
        continue;
      }
      const ep = addressToEndpoint(address, ready);
      desired.get(keys[type])!.endpoints.set(endpointKey(ep), ep);
      added++;
    }
    skipped += all.length - added;
  }
  const involved = { apiVersion: 'v1', kind: 'Endpoints', namespace: endpoints.metadata?.namespace ?? '', name, uid: endpoints.metadata?.uid ?? '' };
  if (invalid > 0) actions.push({ kind: 'event', involvedObject: involved, type: 'Warning', reason: 'InvalidIPAddress', message: `Skipped ${invalid} invalid IP addresses when mirroring to EndpointSlices` });
  if (skipped > invalid) {
    actions.push({ kind: 'event', involvedObject: involved, type: 'Warning', reason: 'TooManyAddressesToMirror', message: `A max of ${max} addresses can be mirrored to EndpointSlices per Endpoints subset. ${skipped} addresses were skipped` });
  }

  const existingByKey = new Map<string, Slice[]>();
  for (const s of [...mirrored].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const key = `${s.addressType}|${portsKey(s.ports)}`;
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), s]);
  }
  const toCreate: Slice[] = [];
  const toUpdate: Slice[] = [];
  const toDelete: Slice[] = [];
  const compareAnnotations = Object.fromEntries(Object.entries(endpoints.metadata?.annotations ?? {}).filter(([k]) => k !== LAST_CHANGE_TRIGGER_TIME && k !== LAST_APPLIED));
  for (const [key, want] of desired) {
    const existing = existingByKey.get(key) ?? [];
    const wanted = [...want.endpoints.values()];
    if (wanted.length === 0) {
      toDelete.push(...existing);
      continue;
    }
    if (existing.length > 0) {
      toDelete.push(...existing.slice(1));
      const first = existing[0];
      const labels = { ...(first.metadata?.labels ?? {}) };
      delete labels[MANAGED_BY_LABEL];
      delete labels[SERVICE_NAME_LABEL];
      const firstEndpoints = first.endpoints ?? [];
      const endpointsSame = firstEndpoints.length === wanted.length && firstEndpoints.every((ep) => {
        const w = want.endpoints.get(endpointKey(ep));
        return w !== undefined && semanticEqual(w, ep);
      });
      if (endpointsSame && semanticEqual(endpoints.metadata?.labels ?? {}, labels) && semanticEqual(compareAnnotations, first.metadata?.annotations ?? {})) continue;
    }
    const slice = sliceFor(endpoints, want.ports, want.type, existing[0]?.metadata?.name);
    // The endpoints already in the slice keep their places; the rest follow in the Endpoints' order.
    const kept = (existing[0]?.endpoints ?? []).map((ep) => want.endpoints.get(endpointKey(ep))).filter((ep): ep is Endpoint => ep !== undefined);
    const keptKeys = new Set(kept.map(endpointKey));
    slice.endpoints = [...kept, ...wanted.filter((ep) => !keptKeys.has(endpointKey(ep)))];
    if (existing[0]) {
      slice.metadata = { ...slice.metadata, resourceVersion: existing[0].metadata?.resourceVersion, uid: existing[0].metadata?.uid };
      toUpdate.push(slice);
    } else {
      toCreate.push(slice);
    }
  }
  for (const [key, existing] of existingByKey) if (!desired.has(key)) toDelete.push(...existing);

  // recycleSlices: a slice that would go is reused for one of its address type that would be made.
  for (let i = 0; i < toCreate.length; ) {
    const j = toDelete.findIndex((d) => d.addressType === toCreate[i].addressType);
    if (j < 0) {
      i++;
      continue;
    }
    const [old] = toDelete.splice(j, 1);
    const [fresh] = toCreate.splice(i, 1);
    const { generateName: _unused, ...meta } = fresh.metadata ?? {};
    toUpdate.push({ ...fresh, metadata: { ...meta, name: old.metadata?.name, resourceVersion: old.metadata?.resourceVersion, uid: old.metadata?.uid } });
  }
  // No new slices for Endpoints on their way out.
  if (!endpoints.metadata?.deletionTimestamp) for (const s of toCreate) actions.push({ kind: 'create', object: s as KubeObject });
  for (const s of toUpdate) actions.push({ kind: 'update', object: s as KubeObject });
  for (const s of toDelete) actions.push(deleteAction(s));
  return { actions };
}

function deleteAction(s: Slice): Action {
  return {
    kind: 'delete', resource: 'endpointslices', namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '',
    preconditions: { uid: s.metadata?.uid ?? '' },
  };
}
