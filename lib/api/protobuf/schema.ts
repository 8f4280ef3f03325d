/**
 * The subset of Kubernetes' protobuf messages Skiff decodes, written for Skiff. Field numbers are
 * the wire format of k8s.io/api and k8s.io/apimachinery (`generated.proto`); everything else here
 * (which messages, their order, the options) is ours.
 *
 * Fields are listed in Go struct order, which is the order kube's JSON uses. Field options tell
 * `lib/api/protobuf.ts` how Go's `encoding/json` would render the field:
 *
 * - no option: scalars, lists and maps are `omitempty` (dropped when zero / empty); messages are
 *   value structs, always rendered (`{}` when empty).
 * - `(ptr)`: a Go pointer: rendered when present on the wire, even if zero; dropped when absent.
 * - `(keep)`: no `omitempty`: always rendered (zero value, or `null` for an absent pointer or list).
 * - `(inline)`: an embedded struct whose fields are lifted into the parent (`json:",inline"`).
 *
 * Special messages: `meta.Time` → RFC 3339 string (dropped when zero), `intstr.IntOrString` →
 * number or string, `resource.Quantity` → string, `meta.FieldsV1` → the JSON it carries.
 */

const runtime = `
syntax = "proto2";
package runtime;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
`;

const scalars = `
syntax = "proto2";
package intstr;
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
`;

const resource = `
syntax = "proto2";
package resource;
message Quantity { optional string string = 1; }
`;

const meta = `
syntax = "proto2";
package meta;
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message FieldsV1 { optional bytes Raw = 1; }
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9 [(ptr) = true];
  optional int64 deletionGracePeriodSeconds = 10 [(ptr) = true];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string apiVersion = 5 [(keep) = true];
  optional string kind = 1 [(keep) = true];
  optional string name = 3 [(keep) = true];
  optional string uid = 4 [(keep) = true];
  optional bool controller = 6 [(ptr) = true];
  optional bool blockOwnerDeletion = 7 [(ptr) = true];
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4 [(ptr) = true];
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7 [(ptr) = true];
  optional string subresource = 8;
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}
message LabelSelectorRequirement {
  optional string key = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}
message Condition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4;
  optional string reason = 5 [(keep) = true];
  optional string message = 6 [(keep) = true];
}
message Preconditions {
  optional string uid = 1 [(ptr) = true];
  optional string resourceVersion = 2 [(ptr) = true];
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 [(ptr) = true];
  optional Preconditions preconditions = 2 [(ptr) = true];
  optional bool orphanDependents = 3 [(ptr) = true];
  optional string propagationPolicy = 4 [(ptr) = true];
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 [(ptr) = true];
}
`;

const core = `
syntax = "proto2";
package core;

message LocalObjectReference { optional string name = 1; }
message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}

// --- Namespace
message Namespace {
  optional .meta.ObjectMeta metadata = 1;
  optional NamespaceSpec spec = 2;
  optional NamespaceStatus status = 3;
}
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus {
  optional string phase = 1;
  repeated NamespaceCondition conditions = 2;
}
message NamespaceCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional .meta.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}

// --- ConfigMap, Secret, ServiceAccount
message ConfigMap {
  optional .meta.ObjectMeta metadata = 1;
  optional bool immutable = 4 [(ptr) = true];
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
}
message Secret {
  optional .meta.ObjectMeta metadata = 1;
  optional bool immutable = 5 [(ptr) = true];
  map<string, bytes> data = 2;
  map<string, string> stringData = 4;
  optional string type = 3;
}
message ServiceAccount {
  optional .meta.ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4 [(ptr) = true];
}

// --- Service
message Service {
  optional .meta.ObjectMeta metadata = 1;
  optional ServiceSpec spec = 2;
  optional ServiceStatus status = 3;
}
message ServiceSpec {
  repeated ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  repeated string clusterIPs = 18;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  optional SessionAffinityConfig sessionAffinityConfig = 14 [(ptr) = true];
  repeated string ipFamilies = 19;
  optional string ipFamilyPolicy = 17 [(ptr) = true];
  optional bool allocateLoadBalancerNodePorts = 20 [(ptr) = true];
  optional string loadBalancerClass = 21 [(ptr) = true];
  optional string internalTrafficPolicy = 22 [(ptr) = true];
  optional string trafficDistribution = 23 [(ptr) = true];
}
message ServicePort {
  optional string name = 1;
  optional string protocol = 2;
  optional string appProtocol = 6 [(ptr) = true];
  optional int32 port = 3 [(keep) = true];
  optional .intstr.IntOrString targetPort = 4;
  optional int32 nodePort = 5;
}
message SessionAffinityConfig { optional ClientIPConfig clientIP = 1 [(ptr) = true]; }
message ClientIPConfig { optional int32 timeoutSeconds = 1 [(ptr) = true]; }
message ServiceStatus {
  optional LoadBalancerStatus loadBalancer = 1;
  repeated .meta.Condition conditions = 2;
}
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message LoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  optional string ipMode = 3 [(ptr) = true];
  repeated PortStatus ports = 4;
}
message PortStatus {
  optional int32 port = 1 [(keep) = true];
  optional string protocol = 2 [(keep) = true];
  optional string error = 3 [(ptr) = true];
}

// --- Pod
message Pod {
  optional .meta.ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
  optional PodStatus status = 3;
}
message PodTemplateSpec {
  optional .meta.ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
}
message PodSpec {
  repeated Volume volumes = 1;
  repeated Container initContainers = 20;
  repeated Container containers = 2 [(keep) = true];
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4 [(ptr) = true];
  optional int64 activeDeadlineSeconds = 5 [(ptr) = true];
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional bool automountServiceAccountToken = 21 [(ptr) = true];
  optional string nodeName = 10;
  optional bool hostNetwork = 11;
  optional bool hostPID = 12;
  optional bool hostIPC = 13;
  optional bool shareProcessNamespace = 27 [(ptr) = true];
  optional PodSecurityContext securityContext = 14 [(ptr) = true];
  repeated LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional Affinity affinity = 18 [(ptr) = true];
  optional string schedulerName = 19;
  repeated Toleration tolerations = 22;
  repeated HostAlias hostAliases = 23;
  optional string priorityClassName = 24;
  optional int32 priority = 25 [(ptr) = true];
  optional PodDNSConfig dnsConfig = 26 [(ptr) = true];
  repeated PodReadinessGate readinessGates = 28;
  optional string runtimeClassName = 29 [(ptr) = true];
  optional bool enableServiceLinks = 30 [(ptr) = true];
  optional string preemptionPolicy = 31 [(ptr) = true];
  map<string, .resource.Quantity> overhead = 32;
  repeated TopologySpreadConstraint topologySpreadConstraints = 33;
  optional bool setHostnameAsFQDN = 35 [(ptr) = true];
  optional PodOS os = 36 [(ptr) = true];
  optional bool hostUsers = 37 [(ptr) = true];
  repeated PodSchedulingGate schedulingGates = 38;
  repeated PodResourceClaim resourceClaims = 39;
  optional ResourceRequirements resources = 40 [(ptr) = true];
}
message PodStatus {
  optional int64 observedGeneration = 17;
  optional string phase = 1;
  repeated PodCondition conditions = 2;
  optional string message = 3;
  optional string reason = 4;
  optional string nominatedNodeName = 11;
  optional string hostIP = 5;
  repeated HostIP hostIPs = 16;
  optional string podIP = 6;
  repeated PodIP podIPs = 12;
  optional .meta.Time startTime = 7 [(ptr) = true];
  optional string qosClass = 9;
  optional string resize = 14;
}
message PodCondition {
  optional string type = 1 [(keep) = true];
  optional int64 observedGeneration = 7;
  optional string status = 2 [(keep) = true];
  optional .meta.Time lastProbeTime = 3;
  optional .meta.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message PodIP { optional string ip = 1 [(keep) = true]; }
message HostIP { optional string ip = 1 [(keep) = true]; }

message Container {
  optional string name = 1 [(keep) = true];
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated ContainerPort ports = 6;
  repeated EnvFromSource envFrom = 19;
  repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8;
  repeated ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24 [(ptr) = true];
  repeated VolumeMount volumeMounts = 9;
  repeated VolumeDevice volumeDevices = 21;
  optional Probe livenessProbe = 10 [(ptr) = true];
  optional Probe readinessProbe = 11 [(ptr) = true];
  optional Probe startupProbe = 22 [(ptr) = true];
  optional Lifecycle lifecycle = 12 [(ptr) = true];
  optional string terminationMessagePath = 13;
  optional string terminationMessagePolicy = 20;
  optional string imagePullPolicy = 14;
  optional SecurityContext securityContext = 15 [(ptr) = true];
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
}
message ContainerPort {
  optional string name = 1;
  optional int32 hostPort = 2;
  optional int32 containerPort = 3 [(keep) = true];
  optional string protocol = 4;
  optional string hostIP = 5;
}
message EnvVar {
  optional string name = 1 [(keep) = true];
  optional string value = 2;
  optional EnvVarSource valueFrom = 3 [(ptr) = true];
}
message EnvVarSource {
  optional ObjectFieldSelector fieldRef = 1 [(ptr) = true];
  optional ResourceFieldSelector resourceFieldRef = 2 [(ptr) = true];
  optional ConfigMapKeySelector configMapKeyRef = 3 [(ptr) = true];
  optional SecretKeySelector secretKeyRef = 4 [(ptr) = true];
}
message ObjectFieldSelector {
  optional string apiVersion = 1;
  optional string fieldPath = 2 [(keep) = true];
}
message ResourceFieldSelector {
  optional string containerName = 1;
  optional string resource = 2 [(keep) = true];
  optional .resource.Quantity divisor = 3;
}
message ConfigMapKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2 [(keep) = true];
  optional bool optional = 3 [(ptr) = true];
}
message SecretKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2 [(keep) = true];
  optional bool optional = 3 [(ptr) = true];
}
message EnvFromSource {
  optional string prefix = 1;
  optional ConfigMapEnvSource configMapRef = 2 [(ptr) = true];
  optional SecretEnvSource secretRef = 3 [(ptr) = true];
}
message ConfigMapEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2 [(ptr) = true];
}
message SecretEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2 [(ptr) = true];
}
message ResourceRequirements {
  map<string, .resource.Quantity> limits = 1;
  map<string, .resource.Quantity> requests = 2;
  repeated ResourceClaim claims = 3;
}
message ResourceClaim {
  optional string name = 1 [(keep) = true];
  optional string request = 2;
}
message ContainerResizePolicy {
  optional string resourceName = 1 [(keep) = true];
  optional string restartPolicy = 2 [(keep) = true];
}
message VolumeMount {
  optional string name = 1 [(keep) = true];
  optional bool readOnly = 2;
  optional string recursiveReadOnly = 7 [(ptr) = true];
  optional string mountPath = 3 [(keep) = true];
  optional string subPath = 4;
  optional string mountPropagation = 5 [(ptr) = true];
  optional string subPathExpr = 6;
}
message VolumeDevice {
  optional string name = 1 [(keep) = true];
  optional string devicePath = 2 [(keep) = true];
}
message Probe {
  optional ProbeHandler handler = 1 [(inline) = true];
  optional int32 initialDelaySeconds = 2;
  optional int32 timeoutSeconds = 3;
  optional int32 periodSeconds = 4;
  optional int32 successThreshold = 5;
  optional int32 failureThreshold = 6;
  optional int64 terminationGracePeriodSeconds = 7 [(ptr) = true];
}
message ProbeHandler {
  optional ExecAction exec = 1 [(ptr) = true];
  optional HTTPGetAction httpGet = 2 [(ptr) = true];
  optional TCPSocketAction tcpSocket = 3 [(ptr) = true];
  optional GRPCAction grpc = 4 [(ptr) = true];
}
message Lifecycle {
  optional LifecycleHandler postStart = 1 [(ptr) = true];
  optional LifecycleHandler preStop = 2 [(ptr) = true];
  optional string stopSignal = 3 [(ptr) = true];
}
message LifecycleHandler {
  optional ExecAction exec = 1 [(ptr) = true];
  optional HTTPGetAction httpGet = 2 [(ptr) = true];
  optional TCPSocketAction tcpSocket = 3 [(ptr) = true];
  optional SleepAction sleep = 4 [(ptr) = true];
}
message ExecAction { repeated string command = 1; }
message HTTPGetAction {
  optional string path = 1;
  optional .intstr.IntOrString port = 2 [(keep) = true];
  optional string host = 3;
  optional string scheme = 4;
  repeated HTTPHeader httpHeaders = 5;
}
message HTTPHeader {
  optional string name = 1 [(keep) = true];
  optional string value = 2 [(keep) = true];
}
message TCPSocketAction {
  optional .intstr.IntOrString port = 1 [(keep) = true];
  optional string host = 2;
}
message GRPCAction {
  optional int32 port = 1 [(keep) = true];
  optional string service = 2 [(ptr) = true, (keep) = true];
}
message SleepAction { optional int64 seconds = 1 [(keep) = true]; }

message SecurityContext {
  optional Capabilities capabilities = 1 [(ptr) = true];
  optional bool privileged = 2 [(ptr) = true];
  optional SELinuxOptions seLinuxOptions = 3 [(ptr) = true];
  optional WindowsSecurityContextOptions windowsOptions = 10 [(ptr) = true];
  optional int64 runAsUser = 4 [(ptr) = true];
  optional int64 runAsGroup = 8 [(ptr) = true];
  optional bool runAsNonRoot = 5 [(ptr) = true];
  optional bool readOnlyRootFilesystem = 6 [(ptr) = true];
  optional bool allowPrivilegeEscalation = 7 [(ptr) = true];
  optional string procMount = 9 [(ptr) = true];
  optional SeccompProfile seccompProfile = 11 [(ptr) = true];
  optional AppArmorProfile appArmorProfile = 12 [(ptr) = true];
}
message PodSecurityContext {
  optional SELinuxOptions seLinuxOptions = 1 [(ptr) = true];
  optional WindowsSecurityContextOptions windowsOptions = 8 [(ptr) = true];
  optional int64 runAsUser = 2 [(ptr) = true];
  optional int64 runAsGroup = 6 [(ptr) = true];
  optional bool runAsNonRoot = 3 [(ptr) = true];
  repeated int64 supplementalGroups = 4;
  optional string supplementalGroupsPolicy = 12 [(ptr) = true];
  optional int64 fsGroup = 5 [(ptr) = true];
  repeated Sysctl sysctls = 7;
  optional string fsGroupChangePolicy = 9 [(ptr) = true];
  optional SeccompProfile seccompProfile = 10 [(ptr) = true];
  optional AppArmorProfile appArmorProfile = 11 [(ptr) = true];
  optional string seLinuxChangePolicy = 13 [(ptr) = true];
}
message Capabilities { repeated string add = 1; repeated string drop = 2; }
message SELinuxOptions {
  optional string user = 1;
  optional string role = 2;
  optional string type = 3;
  optional string level = 4;
}
message SeccompProfile {
  optional string type = 1 [(keep) = true];
  optional string localhostProfile = 2 [(ptr) = true];
}
message AppArmorProfile {
  optional string type = 1 [(keep) = true];
  optional string localhostProfile = 2 [(ptr) = true];
}
message WindowsSecurityContextOptions {
  optional string gmsaCredentialSpecName = 1 [(ptr) = true];
  optional string gmsaCredentialSpec = 2 [(ptr) = true];
  optional string runAsUserName = 3 [(ptr) = true];
  optional bool hostProcess = 4 [(ptr) = true];
}
message Sysctl {
  optional string name = 1 [(keep) = true];
  optional string value = 2 [(keep) = true];
}

message Toleration {
  optional string key = 1;
  optional string operator = 2;
  optional string value = 3;
  optional string effect = 4;
  optional int64 tolerationSeconds = 5 [(ptr) = true];
}
message HostAlias {
  optional string ip = 1 [(keep) = true];
  repeated string hostnames = 2;
}
message PodDNSConfig {
  repeated string nameservers = 1;
  repeated string searches = 2;
  repeated PodDNSConfigOption options = 3;
}
message PodDNSConfigOption {
  optional string name = 1;
  optional string value = 2 [(ptr) = true];
}
message PodReadinessGate { optional string conditionType = 1 [(keep) = true]; }
message TopologySpreadConstraint {
  optional int32 maxSkew = 1 [(keep) = true];
  optional string topologyKey = 2 [(keep) = true];
  optional string whenUnsatisfiable = 3 [(keep) = true];
  optional .meta.LabelSelector labelSelector = 4 [(ptr) = true];
  optional int32 minDomains = 5 [(ptr) = true];
  optional string nodeAffinityPolicy = 6 [(ptr) = true];
  optional string nodeTaintsPolicy = 7 [(ptr) = true];
  repeated string matchLabelKeys = 8;
}
message PodOS { optional string name = 1 [(keep) = true]; }
message PodSchedulingGate { optional string name = 1 [(keep) = true]; }
message PodResourceClaim {
  optional string name = 1 [(keep) = true];
  optional string resourceClaimName = 3 [(ptr) = true];
  optional string resourceClaimTemplateName = 4 [(ptr) = true];
}

message Affinity {
  optional NodeAffinity nodeAffinity = 1 [(ptr) = true];
  optional PodAffinity podAffinity = 2 [(ptr) = true];
  optional PodAntiAffinity podAntiAffinity = 3 [(ptr) = true];
}
message NodeAffinity {
  optional NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1 [(ptr) = true];
  repeated PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message NodeSelector { repeated NodeSelectorTerm nodeSelectorTerms = 1 [(keep) = true]; }
message NodeSelectorTerm {
  repeated NodeSelectorRequirement matchExpressions = 1;
  repeated NodeSelectorRequirement matchFields = 2;
}
message NodeSelectorRequirement {
  optional string key = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}
message PreferredSchedulingTerm {
  optional int32 weight = 1 [(keep) = true];
  optional NodeSelectorTerm preference = 2;
}
message PodAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAntiAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAffinityTerm {
  optional .meta.LabelSelector labelSelector = 1 [(ptr) = true];
  repeated string namespaces = 2;
  optional string topologyKey = 3 [(keep) = true];
  optional .meta.LabelSelector namespaceSelector = 4 [(ptr) = true];
  repeated string matchLabelKeys = 5;
  repeated string mismatchLabelKeys = 6;
}
message WeightedPodAffinityTerm {
  optional int32 weight = 1 [(keep) = true];
  optional PodAffinityTerm podAffinityTerm = 2;
}

// --- Volumes (the sources a control plane without storage drivers can mean)
message Volume {
  optional string name = 1 [(keep) = true];
  optional VolumeSource volumeSource = 2 [(inline) = true];
}
message VolumeSource {
  optional HostPathVolumeSource hostPath = 1 [(ptr) = true];
  optional EmptyDirVolumeSource emptyDir = 2 [(ptr) = true];
  optional SecretVolumeSource secret = 6 [(ptr) = true];
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10 [(ptr) = true];
  optional DownwardAPIVolumeSource downwardAPI = 16 [(ptr) = true];
  optional ConfigMapVolumeSource configMap = 19 [(ptr) = true];
  optional ProjectedVolumeSource projected = 26 [(ptr) = true];
  optional ImageVolumeSource image = 30 [(ptr) = true];
}
message HostPathVolumeSource {
  optional string path = 1 [(keep) = true];
  optional string type = 2 [(ptr) = true];
}
message EmptyDirVolumeSource {
  optional string medium = 1;
  optional .resource.Quantity sizeLimit = 2 [(ptr) = true];
}
message SecretVolumeSource {
  optional string secretName = 1;
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(ptr) = true];
  optional bool optional = 4 [(ptr) = true];
}
message ConfigMapVolumeSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(ptr) = true];
  optional bool optional = 4 [(ptr) = true];
}
message KeyToPath {
  optional string key = 1 [(keep) = true];
  optional string path = 2 [(keep) = true];
  optional int32 mode = 3 [(ptr) = true];
}
message PersistentVolumeClaimVolumeSource {
  optional string claimName = 1 [(keep) = true];
  optional bool readOnly = 2;
}
message DownwardAPIVolumeSource {
  repeated DownwardAPIVolumeFile items = 1;
  optional int32 defaultMode = 2 [(ptr) = true];
}
message DownwardAPIVolumeFile {
  optional string path = 1 [(keep) = true];
  optional ObjectFieldSelector fieldRef = 2 [(ptr) = true];
  optional ResourceFieldSelector resourceFieldRef = 3 [(ptr) = true];
  optional int32 mode = 4 [(ptr) = true];
}
message ProjectedVolumeSource {
  repeated VolumeProjection sources = 1 [(keep) = true];
  optional int32 defaultMode = 2 [(ptr) = true];
}
message VolumeProjection {
  optional SecretProjection secret = 1 [(ptr) = true];
  optional DownwardAPIProjection downwardAPI = 2 [(ptr) = true];
  optional ConfigMapProjection configMap = 3 [(ptr) = true];
  optional ServiceAccountTokenProjection serviceAccountToken = 4 [(ptr) = true];
}
message SecretProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(ptr) = true];
}
message ConfigMapProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(ptr) = true];
}
message DownwardAPIProjection { repeated DownwardAPIVolumeFile items = 1; }
message ServiceAccountTokenProjection {
  optional string audience = 1;
  optional int64 expirationSeconds = 2 [(ptr) = true];
  optional string path = 3 [(keep) = true];
}
message ImageVolumeSource {
  optional string reference = 1;
  optional string pullPolicy = 2;
}
`;

const apps = `
syntax = "proto2";
package apps;
message Deployment {
  optional .meta.ObjectMeta metadata = 1;
  optional DeploymentSpec spec = 2;
  optional DeploymentStatus status = 3;
}
message DeploymentSpec {
  optional int32 replicas = 1 [(ptr) = true];
  optional .meta.LabelSelector selector = 2 [(ptr) = true, (keep) = true];
  optional .core.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(ptr) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(ptr) = true];
}
message DeploymentStrategy {
  optional string type = 1;
  optional RollingUpdateDeployment rollingUpdate = 2 [(ptr) = true];
}
message RollingUpdateDeployment {
  optional .intstr.IntOrString maxUnavailable = 1 [(ptr) = true];
  optional .intstr.IntOrString maxSurge = 2 [(ptr) = true];
}
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 readyReplicas = 7;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  optional int32 terminatingReplicas = 9 [(ptr) = true];
  repeated DeploymentCondition conditions = 6;
  optional int32 collisionCount = 8 [(ptr) = true];
}
message DeploymentCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional .meta.Time lastUpdateTime = 6;
  optional .meta.Time lastTransitionTime = 7;
  optional string reason = 4;
  optional string message = 5;
}
`;

const policy = `
syntax = "proto2";
package policy;
message Eviction {
  optional .meta.ObjectMeta metadata = 1;
  optional .meta.DeleteOptions deleteOptions = 2 [(ptr) = true];
}
message PodDisruptionBudget {
  optional .meta.ObjectMeta metadata = 1;
  optional PodDisruptionBudgetSpec spec = 2;
  optional PodDisruptionBudgetStatus status = 3;
}
message PodDisruptionBudgetSpec {
  optional .intstr.IntOrString minAvailable = 1 [(ptr) = true];
  optional .meta.LabelSelector selector = 2 [(ptr) = true];
  optional .intstr.IntOrString maxUnavailable = 3 [(ptr) = true];
  optional string unhealthyPodEvictionPolicy = 4 [(ptr) = true];
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, .meta.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(keep) = true];
  optional int32 currentHealthy = 4 [(keep) = true];
  optional int32 desiredHealthy = 5 [(keep) = true];
  optional int32 expectedPods = 6 [(keep) = true];
  repeated .meta.Condition conditions = 7;
}
`;

const authorization = `
syntax = "proto2";
package authorization;
message SelfSubjectAccessReview {
  optional .meta.ObjectMeta metadata = 1;
  optional SelfSubjectAccessReviewSpec spec = 2;
  optional SubjectAccessReviewStatus status = 3;
}
message SelfSubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1 [(ptr) = true];
  optional NonResourceAttributes nonResourceAttributes = 2 [(ptr) = true];
}
message ResourceAttributes {
  optional string namespace = 1;
  optional string verb = 2;
  optional string group = 3;
  optional string version = 4;
  optional string resource = 5;
  optional string subresource = 6;
  optional string name = 7;
  optional FieldSelectorAttributes fieldSelector = 8 [(ptr) = true];
  optional LabelSelectorAttributes labelSelector = 9 [(ptr) = true];
}
message FieldSelectorAttributes {
  optional string rawSelector = 1;
  repeated FieldSelectorRequirement requirements = 2;
}
message FieldSelectorRequirement {
  optional string key = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}
message LabelSelectorAttributes {
  optional string rawSelector = 1;
  repeated .meta.LabelSelectorRequirement requirements = 2;
}
message NonResourceAttributes {
  optional string path = 1;
  optional string verb = 2;
}
message SubjectAccessReviewStatus {
  optional bool allowed = 1 [(keep) = true];
  optional bool denied = 4;
  optional string reason = 2;
  optional string evaluationError = 3;
}
message SelfSubjectRulesReview {
  optional .meta.ObjectMeta metadata = 1;
  optional SelfSubjectRulesReviewSpec spec = 2;
  optional SubjectRulesReviewStatus status = 3;
}
message SelfSubjectRulesReviewSpec { optional string namespace = 1; }
message SubjectRulesReviewStatus {
  optional bool incomplete = 3 [(keep) = true];
  optional string evaluationError = 4;
}
`;

const authentication = `
syntax = "proto2";
package authentication;
message SelfSubjectReview {
  optional .meta.ObjectMeta metadata = 1;
  optional SelfSubjectReviewStatus status = 2;
}
message SelfSubjectReviewStatus { optional UserInfo userInfo = 1; }
message UserInfo {
  optional string username = 1;
  optional string uid = 2;
  repeated string groups = 3;
}
message TokenRequest {
  optional .meta.ObjectMeta metadata = 1;
  optional TokenRequestSpec spec = 2;
  optional TokenRequestStatus status = 3;
}
message TokenRequestSpec {
  repeated string audiences = 1;
  optional int64 expirationSeconds = 4 [(ptr) = true];
  optional BoundObjectReference boundObjectRef = 3 [(ptr) = true];
}
message BoundObjectReference {
  optional string kind = 1;
  optional string apiVersion = 2;
  optional string name = 3;
  optional string uid = 4;
}
message TokenRequestStatus {
  optional string token = 1;
  optional .meta.Time expirationTimestamp = 2;
}
`;

export const PROTO_SOURCES: readonly string[] = [runtime, scalars, resource, meta, core, apps, policy, authorization, authentication];

/** Which message decodes which kind. `*` as the group version accepts any (DeleteOptions is in every one). */
export const KINDS: ReadonlyArray<{ apiVersion: string; kind: string; message: string }> = [
  { apiVersion: 'v1', kind: 'Namespace', message: 'core.Namespace' },
  { apiVersion: 'v1', kind: 'Pod', message: 'core.Pod' },
  { apiVersion: 'v1', kind: 'Service', message: 'core.Service' },
  { apiVersion: 'v1', kind: 'ConfigMap', message: 'core.ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret', message: 'core.Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount', message: 'core.ServiceAccount' },
  { apiVersion: 'apps/v1', kind: 'Deployment', message: 'apps.Deployment' },
  { apiVersion: 'policy/v1', kind: 'Eviction', message: 'policy.Eviction' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', message: 'policy.PodDisruptionBudget' },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', message: 'authorization.SelfSubjectAccessReview' },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', message: 'authorization.SelfSubjectRulesReview' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', message: 'authentication.SelfSubjectReview' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', message: 'authentication.TokenRequest' },
  { apiVersion: '*', kind: 'DeleteOptions', message: 'meta.DeleteOptions' },
];
