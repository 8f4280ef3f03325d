/** discovery.k8s.io/v1: EndpointSlice. */
import { z } from 'zod';
import { bool, component, defaultedEnum, int32, list, opt, req, reqStr, str, stringMap, typeMeta } from './kit.ts';
import { objectMeta } from './meta.ts';
import { ObjectReference } from './pod.ts';

const DISCOVERY = 'io.k8s.api.discovery.v1';
const c = (name: string) => `${DISCOVERY}.${name}`;

/** The address types kube accepts; the EndpointSlice controller writes only IPv4 and IPv6. */
export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'] as const;

export const EndpointConditions = component(
  c('EndpointConditions'),
  'EndpointConditions represents the current condition of an endpoint.',
  z.strictObject({
    ready: bool('Whether this endpoint is ready to receive traffic; unset means unknown, which consumers read as ready. Never true for a terminating endpoint, unless the Service publishes not-ready addresses.'),
    serving: bool('Like ready, but also true for a terminating endpoint that is still ready, so it can drain traffic.'),
    terminating: bool('Whether this endpoint is terminating (for a pod, whether it has a deletion timestamp).'),
  }),
);

export const ForZone = component(
  c('ForZone'),
  'ForZone provides information about which zones should consume this endpoint.',
  z.strictObject({ name: reqStr('The name of the zone.') }),
);

export const ForNode = component(
  c('ForNode'),
  'ForNode provides information about which nodes should consume this endpoint.',
  z.strictObject({ name: reqStr('The name of the node.') }),
);

export const EndpointHints = component(
  c('EndpointHints'),
  'EndpointHints provides hints describing how an endpoint should be consumed.',
  z.strictObject({
    forNodes: list(ForNode, 'The node(s) this endpoint should be consumed by with topology aware routing; at most 8 entries.'),
    forZones: list(ForZone, 'The zone(s) this endpoint should be consumed by with topology aware routing; at most 8 entries.'),
  }),
);

export const Endpoint = component(
  c('Endpoint'),
  'Endpoint represents a single logical "backend" implementing a service.',
  z.strictObject({
    addresses: req(z.array(z.string()), 'The addresses of this endpoint, of the slice\'s addressType; consumers use the first. At least 1 and at most 100.', { 'x-kubernetes-list-type': 'set' }),
    conditions: opt(EndpointConditions, 'The current condition of the endpoint.'),
    deprecatedTopology: stringMap('Deprecated, and not written by the EndpointSlice controller: topology labels of the endpoint. Use nodeName and zone.'),
    hints: opt(EndpointHints, 'How the endpoint should be consumed, e.g. by which zones.'),
    hostname: str('The hostname of this endpoint, a DNS label; consumers may use it to distinguish endpoints.'),
    nodeName: str('The name of the node hosting this endpoint.'),
    targetRef: opt(ObjectReference, 'The object providing the endpoint, usually a pod.'),
    zone: str('The name of the zone this endpoint exists in.'),
  }),
);

export const EndpointSlicePort = component(
  c('EndpointPort'),
  'EndpointPort represents a Port used by an EndpointSlice.',
  z.strictObject({
    appProtocol: str('The application protocol of the port, e.g. http or kubernetes.io/h2c.'),
    name: str('The name of the port, a DNS label or empty; the ServicePort name it serves. Defaults to "".'),
    port: int32('The port number; unset means all ports.'),
    protocol: defaultedEnum(['TCP', 'UDP', 'SCTP'], 'The IP protocol: TCP, UDP or SCTP. Defaults to TCP.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const EndpointSlice = component(
  c('EndpointSlice'),
  'EndpointSlice represents a set of service endpoints. The EndpointSlice controller makes them for the pods a Service selects; '
    + 'the slices of one Service carry its name in the kubernetes.io/service-name label and must be joined for the full set.',
  z.strictObject({
    ...typeMeta(),
    addressType: reqStr('The type of the addresses in this slice: IPv4, IPv6 or FQDN (deprecated). Immutable.'),
    endpoints: opt(z.array(Endpoint), 'The unique endpoints in this slice, at most 1000.', { 'x-kubernetes-list-type': 'atomic' }),
    metadata: objectMeta(),
    ports: list(EndpointSlicePort, 'The network ports of every endpoint in this slice, each with a unique name. Empty means no ports; a port without a number means all ports.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'discovery.k8s.io', kind: 'EndpointSlice', version: 'v1' }] },
);

export type EndpointSlice = z.infer<typeof EndpointSlice>;
export type Endpoint = z.infer<typeof Endpoint>;
export type EndpointSlicePort = z.infer<typeof EndpointSlicePort>;
export type AddressType = (typeof ADDRESS_TYPES)[number];

/** The EndpointSlice labels and annotations kube's controllers use. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** On Endpoints: "true" keeps them from being mirrored into EndpointSlices. */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
export const ENDPOINTSLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
