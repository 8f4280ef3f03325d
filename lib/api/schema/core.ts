/** core/v1 kinds besides Pod: Namespace, Node, Service, Endpoints, ConfigMap, Secret, ServiceAccount, Event, Binding. */
import { z } from 'zod';
import {
  IntOrString, MicroTime, Time, bool, bytes, component, defaultedEnum, enumField, int32, int64, list, map, oneOf, opt, req,
  reqInt32, reqStr, resourceList, str, stringMap, strings, typeMeta,
} from './kit.ts';
import { Condition, objectMeta, ObjectMeta } from './meta.ts';
import { CORE, LocalObjectReference, ObjectReference, TAINT_EFFECTS } from './pod.ts';

export * from './pod.ts';

const c = (name: string) => `${CORE}.${name}`;
const gvk = (kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group: '', kind, version: 'v1' }] });

// ---- Namespace ------------------------------------------------------------------------------

export const NamespaceSpec = component(
  c('NamespaceSpec'),
  'NamespaceSpec describes the attributes of a namespace.',
  z.strictObject({
    finalizers: strings('Finalizers that must be empty before the namespace is removed from storage. Set to ["kubernetes"] on creation; changed only through the finalize subresource.'),
  }),
);

export const NamespaceCondition = component(
  c('NamespaceCondition'),
  'NamespaceCondition is one aspect of the state of a namespace.',
  z.strictObject({
    lastTransitionTime: opt(Time, 'Last time the condition went from one status to another.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Unique, one-word, CamelCase reason for the last transition.'),
    status: req(oneOf(['True', 'False', 'Unknown']), 'Status of the condition: True, False or Unknown.'),
    type: reqStr('Type of the condition, e.g. NamespaceDeletionContentFailure.'),
  }),
);

export const NamespaceStatus = component(
  c('NamespaceStatus'),
  'NamespaceStatus is information about the current status of a namespace.',
  z.strictObject({
    conditions: list(NamespaceCondition, 'The latest available observations of the state of the namespace.', { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    phase: defaultedEnum(['Active', 'Terminating'], 'The current lifecycle phase of the namespace: Active or Terminating.'),
  }),
);

export const Namespace = component(
  c('Namespace'),
  'Namespace provides a scope for names. Use of multiple namespaces is optional.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(NamespaceSpec, 'The behavior of the namespace.'),
    status: opt(NamespaceStatus, 'The current status of the namespace. Read-only.'),
  }),
  gvk('Namespace'),
);

// ---- Node -----------------------------------------------------------------------------------

export const Taint = component(
  c('Taint'),
  'The node this taint is attached to repels every pod that does not tolerate the taint.',
  z.strictObject({
    effect: req(oneOf(TAINT_EFFECTS), 'Required: the effect on pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or NoExecute.'),
    key: reqStr('Required: the taint key to be applied to a node.'),
    timeAdded: opt(Time, 'When the taint was added. Only written for NoExecute taints.'),
    value: str('The taint value corresponding to the taint key.'),
  }),
);

export const ConfigMapNodeConfigSource = component(
  c('ConfigMapNodeConfigSource'),
  'Deprecated: a ConfigMap holding the configuration of a node.',
  z.strictObject({
    kubeletConfigKey: reqStr('The key holding the KubeletConfiguration.'),
    name: reqStr('Name of the ConfigMap.'),
    namespace: reqStr('Namespace of the ConfigMap.'),
    resourceVersion: str('The ResourceVersion of the ConfigMap.'),
    uid: str('The UID of the ConfigMap.'),
  }),
);

export const NodeConfigSource = component(
  c('NodeConfigSource'),
  'Deprecated: the source of the dynamic configuration of a node.',
  z.strictObject({ configMap: opt(ConfigMapNodeConfigSource, 'A ConfigMap as the config source.') }),
);

export const NodeSpec = component(
  c('NodeSpec'),
  'NodeSpec describes the attributes a node is created with.',
  z.strictObject({
    configSource: opt(NodeConfigSource, 'Deprecated: no longer used.'),
    externalID: str('Deprecated: not all kubelets set it.'),
    podCIDR: str('The pod IP range assigned to the node.'),
    podCIDRs: strings('The IP ranges assigned to the node for its pods; at most one per IP family. podCIDRs[0] equals podCIDR.', { type: 'set', strategy: 'merge' }),
    providerID: str('ID of the node assigned by the cloud provider: <ProviderName>://<ProviderSpecificNodeID>.'),
    taints: list(Taint, "The node's taints."),
    unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, a node is schedulable.'),
  }),
);

export const NodeAddress = component(
  c('NodeAddress'),
  "NodeAddress is an address of a node.",
  z.strictObject({
    address: reqStr('The node address.'),
    type: reqStr('Node address type: Hostname, ExternalIP, InternalIP, ExternalDNS or InternalDNS.'),
  }),
);

export const NodeCondition = component(
  c('NodeCondition'),
  'NodeCondition is one aspect of the state of a node.',
  z.strictObject({
    lastHeartbeatTime: opt(Time, 'Last time the condition was reported.'),
    lastTransitionTime: opt(Time, 'Last time the condition went from one status to another.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Unique, one-word, CamelCase reason for the last transition.'),
    status: req(oneOf(['True', 'False', 'Unknown']), 'Status of the condition: True, False or Unknown.'),
    type: reqStr('Type of node condition: Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.'),
  }),
);

export const NodeConfigStatus = component(
  c('NodeConfigStatus'),
  'Deprecated: the status of the config assigned by Node.spec.configSource.',
  z.strictObject({
    active: opt(NodeConfigSource, 'The config the node is actively using.'),
    assigned: opt(NodeConfigSource, 'The config the node will try to use.'),
    error: str('Any error with the config.'),
    lastKnownGood: opt(NodeConfigSource, 'The config the node falls back to.'),
  }),
);

export const DaemonEndpoint = component(
  c('DaemonEndpoint'),
  'DaemonEndpoint is a port a daemon on the node listens on.',
  z.strictObject({ Port: reqInt32('Port number of the endpoint.') }),
);

export const NodeDaemonEndpoints = component(
  c('NodeDaemonEndpoints'),
  'NodeDaemonEndpoints lists the ports the daemons on the node listen on.',
  z.strictObject({ kubeletEndpoint: opt(DaemonEndpoint, 'Endpoint on which the kubelet is listening.') }),
);

export const NodeFeatures = component(
  c('NodeFeatures'),
  'NodeFeatures describes the features a node supports.',
  z.strictObject({ supplementalGroupsPolicy: bool('Whether the node supports the supplementalGroupsPolicy field.') }),
);

export const ContainerImage = component(
  c('ContainerImage'),
  'A container image on the node.',
  z.strictObject({
    names: strings('Names by which the image is known, e.g. ["registry.k8s.io/hyperkube:v1.0.7"].'),
    sizeBytes: int64('The size of the image in bytes.'),
  }),
);

export const NodeSwapStatus = component(
  c('NodeSwapStatus'),
  'Swap memory information of the node.',
  z.strictObject({ capacity: int64('Total swap memory in bytes.') }),
);

export const NodeSystemInfo = component(
  c('NodeSystemInfo'),
  'Identifiers and versions describing the node.',
  z.strictObject({
    architecture: reqStr('The architecture reported by the node.'),
    bootID: reqStr('Boot ID reported by the node.'),
    containerRuntimeVersion: reqStr('Container runtime version, e.g. containerd://1.7.0.'),
    kernelVersion: reqStr('Kernel version from uname -r.'),
    kubeProxyVersion: reqStr('Deprecated: kube-proxy version; not reliable.'),
    kubeletVersion: reqStr('Kubelet version.'),
    machineID: reqStr('Machine ID reported by the node.'),
    operatingSystem: reqStr('The operating system reported by the node.'),
    osImage: reqStr('OS image, from /etc/os-release.'),
    swap: opt(NodeSwapStatus, 'Swap information.'),
    systemUUID: reqStr('System UUID reported by the node.'),
  }),
);

export const NodeRuntimeHandlerFeatures = component(
  c('NodeRuntimeHandlerFeatures'),
  'Features a runtime handler supports.',
  z.strictObject({
    recursiveReadOnlyMounts: bool('Whether recursive read-only mounts are supported.'),
    userNamespaces: bool('Whether user namespaces are supported.'),
  }),
);

export const NodeRuntimeHandler = component(
  c('NodeRuntimeHandler'),
  'A runtime handler of the node.',
  z.strictObject({
    features: opt(NodeRuntimeHandlerFeatures, 'Supported features.'),
    name: str('Runtime handler name; empty for the default handler.'),
  }),
);

export const AttachedVolume = component(
  c('AttachedVolume'),
  'A volume attached to the node.',
  z.strictObject({
    devicePath: reqStr('Where the volume is expected to be available.'),
    name: reqStr('Name of the attached volume.'),
  }),
);

export const NodeStatus = component(
  c('NodeStatus'),
  'NodeStatus is information about the current status of a node.',
  z.strictObject({
    addresses: list(NodeAddress, 'Addresses reachable to the node, as reported by the kubelet or cloud provider.', { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    allocatable: resourceList('The resources of the node available for scheduling. Defaults to capacity.'),
    capacity: resourceList('The total resources of the node.'),
    conditions: list(NodeCondition, 'Conditions are an array of current observed node conditions.', { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    config: opt(NodeConfigStatus, 'Deprecated: status of the config assigned to the node.'),
    daemonEndpoints: opt(NodeDaemonEndpoints, 'Endpoints of daemons running on the node.'),
    features: opt(NodeFeatures, 'Features the node supports.'),
    images: list(ContainerImage, 'Container images on the node.'),
    nodeInfo: opt(NodeSystemInfo, 'General information about the node: IDs and versions.'),
    phase: enumField(['Pending', 'Running', 'Terminated'], 'Deprecated: the node lifecycle phase.'),
    runtimeHandlers: list(NodeRuntimeHandler, 'The available runtime handlers.'),
    volumesAttached: list(AttachedVolume, 'Volumes attached to the node.'),
    volumesInUse: strings('Volumes in use (mounted) by the node.'),
  }),
);

export const Node = component(
  c('Node'),
  'Node is a worker node in Kubernetes. Each node has a unique identifier in the cache (i.e. in etcd).',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(NodeSpec, 'The behavior of the node.'),
    status: opt(NodeStatus, 'The most recently observed status of the node. Populated by the system. Read-only.'),
  }),
  gvk('Node'),
);

// ---- Service --------------------------------------------------------------------------------

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export const ServicePort = component(
  c('ServicePort'),
  "ServicePort contains information on a service's port.",
  z.strictObject({
    appProtocol: str('The application protocol of the port: an IANA service name, a kubernetes.io/ prefixed name, or a domain-prefixed name.'),
    name: str('The name of the port within the service: a DNS_LABEL. Required when there is more than one port; all names must be unique.'),
    nodePort: int32('The port on each node on which this service is exposed for NodePort and LoadBalancer services. Allocated by the system when unset.'),
    port: reqInt32('The port exposed by the service.'),
    protocol: defaultedEnum(PROTOCOLS, 'The IP protocol for the port: TCP, UDP or SCTP. Defaults to TCP.'),
    targetPort: opt(IntOrString, "Number or name of the port to access on the pods targeted by the service: a number 1-65535, or an IANA_SVC_NAME looked up in the target pod's container ports. Defaults to port."),
  }),
);

export const ClientIPConfig = component(
  c('ClientIPConfig'),
  'Configuration of client-IP based session affinity.',
  z.strictObject({ timeoutSeconds: int32('Seconds of ClientIP session stickiness: 0 < x <= 86400 (1 day). Defaults to 10800 (3 hours).') }),
);

export const SessionAffinityConfig = component(
  c('SessionAffinityConfig'),
  'Configuration of session affinity.',
  z.strictObject({ clientIP: opt(ClientIPConfig, 'Configuration of client-IP based session affinity.') }),
);

export const ServiceSpec = component(
  c('ServiceSpec'),
  'ServiceSpec describes the attributes a user creates on a service.',
  z.strictObject({
    allocateLoadBalancerNodePorts: bool('Whether node ports are allocated for LoadBalancer services. Defaults to true.'),
    clusterIP: str('The IP address of the service, usually assigned randomly. "None" makes a headless service. Cannot be changed once set, except to switch to or from ExternalName.'),
    clusterIPs: strings('The IP addresses of the service, at most one per family; clusterIPs[0] equals clusterIP. Assigned by the system unless given.'),
    externalIPs: strings('IP addresses for which nodes also accept traffic for this service. Not managed by Kubernetes.'),
    externalName: str('The external reference discovery returns as a CNAME record, for ExternalName services. A lowercase RFC-1123 hostname.'),
    externalTrafficPolicy: enumField(['Cluster', 'Local'], 'How nodes distribute traffic received on an externally-facing address: Cluster (all endpoints) or Local (node-local endpoints only, preserving the client source IP).'),
    healthCheckNodePort: int32('The health-check node port, for LoadBalancer services with externalTrafficPolicy Local.'),
    internalTrafficPolicy: enumField(['Cluster', 'Local'], 'How nodes distribute traffic received on the ClusterIP: Cluster (all endpoints, the default) or Local (node-local endpoints only).'),
    ipFamilies: list(oneOf(['IPv4', 'IPv6']), 'The IP families (IPv4, IPv6) assigned to the service, in order. Assigned from ipFamilyPolicy when unset.'),
    ipFamilyPolicy: enumField(['SingleStack', 'PreferDualStack', 'RequireDualStack'], 'The dual-stackness of the service: SingleStack, PreferDualStack or RequireDualStack. Defaults to SingleStack.'),
    loadBalancerClass: str('The class of the load balancer implementation, for LoadBalancer services.'),
    loadBalancerIP: str('Deprecated: only used with LoadBalancer, if the cloud provider supports it.'),
    loadBalancerSourceRanges: strings('Client IP ranges allowed to reach a cloud load balancer.'),
    ports: list(ServicePort, 'The list of ports exposed by the service.', { keys: ['port', 'protocol'], mergeKey: 'port', strategy: 'merge' }),
    publishNotReadyAddresses: bool("Publish endpoints of pods regardless of their readiness; used by headless services for peer discovery."),
    selector: stringMap("Routes service traffic to pods with label keys and values matching this selector. Endpoints are managed externally when empty. Ignored for ExternalName.", { 'x-kubernetes-map-type': 'atomic' }),
    sessionAffinity: defaultedEnum(['ClientIP', 'None'], 'ClientIP enables client-IP based session affinity. Defaults to None.'),
    sessionAffinityConfig: opt(SessionAffinityConfig, 'Configuration of session affinity.'),
    trafficDistribution: str('How traffic is distributed to endpoints, e.g. PreferClose (topologically close endpoints).'),
    type: defaultedEnum(SERVICE_TYPES, 'How the service is exposed: ClusterIP (the default), NodePort, LoadBalancer or ExternalName.'),
  }),
);

export const PortStatus = component(
  c('PortStatus'),
  'The status of a service port.',
  z.strictObject({
    error: str('Problem with the port, as a CamelCase reason.'),
    port: reqInt32('The port number.'),
    protocol: req(oneOf(PROTOCOLS), 'The protocol: TCP, UDP or SCTP.'),
  }),
);

export const LoadBalancerIngress = component(
  c('LoadBalancerIngress'),
  'An ingress point of a load balancer.',
  z.strictObject({
    hostname: str('Set for DNS-based load balancers.'),
    ip: str('Set for IP-based load balancers.'),
    ipMode: enumField(['VIP', 'Proxy'], 'How the load balancer IP behaves: VIP or Proxy.'),
    ports: list(PortStatus, 'The service ports of this ingress point.'),
  }),
);

export const LoadBalancerStatus = component(
  c('LoadBalancerStatus'),
  'The status of a load balancer.',
  z.strictObject({ ingress: list(LoadBalancerIngress, 'The ingress points of the load balancer.') }),
);

export const ServiceStatus = component(
  c('ServiceStatus'),
  'ServiceStatus is the current status of a service.',
  z.strictObject({
    conditions: list(Condition, 'The current state of the service.', { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    loadBalancer: opt(LoadBalancerStatus, 'The current status of the load balancer, if one is present.'),
  }),
);

export const Service = component(
  c('Service'),
  'Service is a named abstraction of a software service: a local port (e.g. 3306) the proxy listens on, and the selector that decides which pods answer requests sent through the proxy.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(ServiceSpec, 'The behavior of the service.'),
    status: opt(ServiceStatus, 'The most recently observed status of the service. Populated by the system. Read-only.'),
  }),
  gvk('Service'),
);

// ---- Endpoints ------------------------------------------------------------------------------

export const EndpointAddress = component(
  c('EndpointAddress'),
  'A single IP address of an endpoint.',
  z.strictObject({
    hostname: str('The hostname of the endpoint.'),
    ip: reqStr('The IP of the endpoint. May not be loopback, link-local or multicast.'),
    nodeName: str('The node hosting the endpoint.'),
    targetRef: opt(ObjectReference, 'The object providing the endpoint, usually a pod.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const EndpointPort = component(
  c('EndpointPort'),
  'A port of an endpoint.',
  z.strictObject({
    appProtocol: str('The application protocol of the port.'),
    name: str('The name of the port; must match a ServicePort name. Optional with a single port.'),
    port: reqInt32('The port number of the endpoint.'),
    protocol: defaultedEnum(PROTOCOLS, 'The IP protocol: TCP, UDP or SCTP. Defaults to TCP.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const EndpointSubset = component(
  c('EndpointSubset'),
  'A group of addresses with a common set of ports; the endpoints are the Cartesian product Addresses x Ports.',
  z.strictObject({
    addresses: list(EndpointAddress, 'IP addresses offering the ports that are ready.'),
    notReadyAddresses: list(EndpointAddress, 'IP addresses offering the ports that are not ready yet.'),
    ports: list(EndpointPort, 'Port numbers available on the addresses.'),
  }),
);

export const Endpoints = component(
  c('Endpoints'),
  'Endpoints is the set of endpoints that implement a service.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    subsets: list(EndpointSubset, 'The sets of addresses and ports of the service.'),
  }),
  gvk('Endpoints'),
);

// ---- ConfigMap, Secret, ServiceAccount ------------------------------------------------------

export const ConfigMap = component(
  c('ConfigMap'),
  'ConfigMap holds configuration data for pods to consume.',
  z.strictObject({
    ...typeMeta(),
    binaryData: map(bytes(), 'Binary data, base64 in JSON. Keys are [-._a-zA-Z0-9]+ and may not also appear in data.'),
    data: stringMap('Configuration data. Keys are [-._a-zA-Z0-9]+ and may not also appear in binaryData.'),
    immutable: bool('If true, data and binaryData cannot be updated (only the object deleted and recreated).'),
    metadata: objectMeta(),
  }),
  gvk('ConfigMap'),
);

export const Secret = component(
  c('Secret'),
  'Secret holds secret data of a certain type. The total bytes of the values may not exceed 1 MiB.',
  z.strictObject({
    ...typeMeta(),
    data: map(bytes(), 'Secret data, base64 in JSON. Keys are [-._a-zA-Z0-9]+.'),
    immutable: bool('If true, data cannot be updated (only the object deleted and recreated).'),
    metadata: objectMeta(),
    stringData: stringMap('Write-only convenience: non-binary values merged into data on write, overwriting existing keys. Never output.'),
    type: opt(z.string(), 'Used to facilitate programmatic handling of secret data, e.g. Opaque (the default), kubernetes.io/tls, kubernetes.io/dockerconfigjson.'),
  }),
  gvk('Secret'),
);

export const ServiceAccount = component(
  c('ServiceAccount'),
  'ServiceAccount binds together a name understood by users and systems, a principal that can be authenticated and authorized, and a set of secrets.',
  z.strictObject({
    ...typeMeta(),
    automountServiceAccountToken: bool('Whether pods running as this account mount an API token automatically. Overridable per pod.'),
    imagePullSecrets: list(LocalObjectReference, 'Secrets in the same namespace used to pull images of pods that reference this ServiceAccount.'),
    metadata: objectMeta(),
    secrets: list(ObjectReference, 'Deprecated: secrets pods running as this account may use.', { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
  }),
  gvk('ServiceAccount'),
);

// ---- Event ----------------------------------------------------------------------------------

export const EventSource = component(
  c('EventSource'),
  'EventSource names the component that generated an event.',
  z.strictObject({
    component: str('Component from which the event is generated.'),
    host: str('Node name on which the event is generated.'),
  }),
);

export const EventSeries = component(
  c('EventSeries'),
  'EventSeries is data about a series of events that happened repeatedly.',
  z.strictObject({
    count: int32('Number of occurrences in this series up to the last heartbeat time.'),
    lastObservedTime: opt(MicroTime, 'Time of the last occurrence observed.'),
  }),
);

export const Event = component(
  c('Event'),
  'Event is a report of an event somewhere in the cluster. Events have a limited retention time and their content may change; do not rely on them for timing or ordering.',
  z.strictObject({
    action: str('What action was taken or failed, regarding the involved object.'),
    ...typeMeta(),
    count: int32('The number of times this event has occurred.'),
    eventTime: opt(MicroTime, 'Time when this event was first observed.'),
    firstTimestamp: opt(Time, 'The time at which the event was first recorded.'),
    involvedObject: req(ObjectReference, 'The object this event is about.'),
    lastTimestamp: opt(Time, 'The time at which the most recent occurrence of this event was recorded.'),
    message: str('A human-readable description of the status of this operation.'),
    metadata: req(ObjectMeta, "Standard object's metadata."),
    reason: str('A short, machine understandable string giving the reason for the transition into the object\'s current status, e.g. "Scheduled".'),
    related: opt(ObjectReference, 'An optional secondary object for more complex actions.'),
    reportingComponent: str('Name of the controller that emitted the event, e.g. kubernetes.io/kubelet.'),
    reportingInstance: str('ID of the controller instance, e.g. kubelet-xyzf.'),
    series: opt(EventSeries, 'Data about the event series this event represents, or empty for a singleton event.'),
    source: opt(EventSource, 'The component reporting this event.'),
    type: str('Type of the event: Normal or Warning. New types may be added.'),
  }),
  gvk('Event'),
);

// ---- Binding (pods/binding) -----------------------------------------------------------------

export const Binding = component(
  c('Binding'),
  'Binding ties one object to another, e.g. a pod to a node by a scheduler.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    target: req(ObjectReference, 'The target object to bind to: a Node.'),
  }),
  gvk('Binding'),
);

export type Namespace = z.infer<typeof Namespace>;
export type Node = z.infer<typeof Node>;
export type NodeSpec = z.infer<typeof NodeSpec>;
export type NodeStatus = z.infer<typeof NodeStatus>;
export type NodeCondition = z.infer<typeof NodeCondition>;
export type Taint = z.infer<typeof Taint>;
export type Service = z.infer<typeof Service>;
export type ServiceSpec = z.infer<typeof ServiceSpec>;
export type ServicePort = z.infer<typeof ServicePort>;
export type Endpoints = z.infer<typeof Endpoints>;
export type EndpointSubset = z.infer<typeof EndpointSubset>;
export type ConfigMap = z.infer<typeof ConfigMap>;
export type Secret = z.infer<typeof Secret>;
export type ServiceAccount = z.infer<typeof ServiceAccount>;
export type Event = z.infer<typeof Event>;
export type Binding = z.infer<typeof Binding>;
