/** core/v1 Pod and everything a PodSpec is made of. */
import { z } from 'zod';
import {
  IntOrString, Quantity, Time, bool, component, defaultedEnum, enumField, int32, int64, list, oneOf, opt, req,
  reqInt32, reqList, reqStr, resourceList, str, stringMap, strings, typeMeta,
} from './kit.ts';
import { LabelSelector, ObjectMeta, objectMeta } from './meta.ts';

export const CORE = 'io.k8s.api.core.v1';
const c = (name: string) => `${CORE}.${name}`;

// ---- references -----------------------------------------------------------------------------

export const LocalObjectReference = component(
  c('LocalObjectReference'),
  'LocalObjectReference names an object in the same namespace.',
  z.strictObject({ name: str('Name of the referent. Must be set in practice; "" is accepted for backwards compatibility.') }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const ObjectReference = component(
  c('ObjectReference'),
  'ObjectReference points at another object, optionally at a field within it.',
  z.strictObject({
    apiVersion: str('API version of the referent.'),
    fieldPath: str('A field within the object, e.g. "spec.containers{name}" for a container of a pod.'),
    kind: str('Kind of the referent.'),
    name: str('Name of the referent.'),
    namespace: str('Namespace of the referent.'),
    resourceVersion: str('The resourceVersion of the referent this reference was made at, if any.'),
    uid: str('UID of the referent.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const TypedLocalObjectReference = component(
  c('TypedLocalObjectReference'),
  'TypedLocalObjectReference names an object of a given kind in the same namespace.',
  z.strictObject({
    apiGroup: str('The group of the referent; empty for the core group.'),
    kind: reqStr('Kind of the referent.'),
    name: reqStr('Name of the referent.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const TypedObjectReference = component(
  c('TypedObjectReference'),
  'TypedObjectReference names an object of a given kind, possibly in another namespace.',
  z.strictObject({
    apiGroup: str('The group of the referent; empty for the core group.'),
    kind: reqStr('Kind of the referent.'),
    name: reqStr('Name of the referent.'),
    namespace: str('Namespace of the referent; cross-namespace references need a ReferenceGrant.'),
  }),
);

// ---- selectors ------------------------------------------------------------------------------

export const ObjectFieldSelector = component(
  c('ObjectFieldSelector'),
  "ObjectFieldSelector selects a field of the pod: metadata.name, metadata.namespace, metadata.uid, metadata.labels['<KEY>'], metadata.annotations['<KEY>'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs.",
  z.strictObject({
    apiVersion: str('Version of the schema fieldPath is written in. Defaults to "v1".'),
    fieldPath: reqStr('Path of the field to select, in the specified API version.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const ResourceFieldSelector = component(
  c('ResourceFieldSelector'),
  'ResourceFieldSelector selects a container resource (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage) and its output format.',
  z.strictObject({
    containerName: str('Container name; required for volumes, optional for env vars.'),
    divisor: opt(Quantity, 'The output format of the exposed resources. Defaults to "1".'),
    resource: reqStr('Required: the resource to select.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const ConfigMapKeySelector = component(
  c('ConfigMapKeySelector'),
  'ConfigMapKeySelector selects a key of a ConfigMap.',
  z.strictObject({
    key: reqStr('The key to select.'),
    name: str('Name of the ConfigMap.'),
    optional: bool('Whether the ConfigMap or its key must be defined.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const SecretKeySelector = component(
  c('SecretKeySelector'),
  'SecretKeySelector selects a key of a Secret.',
  z.strictObject({
    key: reqStr('The key of the secret to select from. Must be a valid secret key.'),
    name: str('Name of the Secret.'),
    optional: bool('Whether the Secret or its key must be defined.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const FileKeySelector = component(
  c('FileKeySelector'),
  'FileKeySelector selects a key of an env file in a volume.',
  z.strictObject({
    key: reqStr('The key within the env file.'),
    optional: bool('If true, a missing file or key is not an error (the variable is left unset).'),
    path: reqStr('Path of the env file within the volume.'),
    volumeName: reqStr('Name of the volume mount holding the env file.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

// ---- env ------------------------------------------------------------------------------------

export const EnvVarSource = component(
  c('EnvVarSource'),
  'EnvVarSource is the source of an environment variable value. Exactly one field must be set.',
  z.strictObject({
    configMapKeyRef: opt(ConfigMapKeySelector, 'Selects a key of a ConfigMap.'),
    fieldRef: opt(ObjectFieldSelector, 'Selects a field of the pod.'),
    fileKeyRef: opt(FileKeySelector, 'Selects a key of an env file in a volume.'),
    resourceFieldRef: opt(ResourceFieldSelector, 'Selects a resource of the container: only limits and requests are supported.'),
    secretKeyRef: opt(SecretKeySelector, 'Selects a key of a Secret in the pod namespace.'),
  }),
);

export const EnvVar = component(
  c('EnvVar'),
  'EnvVar is an environment variable present in a container.',
  z.strictObject({
    name: reqStr('Name of the environment variable: printable ASCII characters except "=".'),
    value: str('The value. $(VAR_NAME) references to earlier variables are expanded; $$ escapes. Defaults to "".'),
    valueFrom: opt(EnvVarSource, "Source for the variable's value. Cannot be used if value is not empty."),
  }),
);

export const ConfigMapEnvSource = component(
  c('ConfigMapEnvSource'),
  'ConfigMapEnvSource exposes every key of a ConfigMap as an environment variable.',
  z.strictObject({
    name: str('Name of the ConfigMap.'),
    optional: bool('Whether the ConfigMap must be defined.'),
  }),
);

export const SecretEnvSource = component(
  c('SecretEnvSource'),
  'SecretEnvSource exposes every key of a Secret as an environment variable.',
  z.strictObject({
    name: str('Name of the Secret.'),
    optional: bool('Whether the Secret must be defined.'),
  }),
);

export const EnvFromSource = component(
  c('EnvFromSource'),
  'EnvFromSource is a set of ConfigMaps or Secrets to populate environment variables from.',
  z.strictObject({
    configMapRef: opt(ConfigMapEnvSource, 'The ConfigMap to select from.'),
    prefix: str('An optional identifier to prepend to each key.'),
    secretRef: opt(SecretEnvSource, 'The Secret to select from.'),
  }),
);

// ---- ports, probes, lifecycle ---------------------------------------------------------------

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export const ContainerPort = component(
  c('ContainerPort'),
  'ContainerPort is a network port in a single container.',
  z.strictObject({
    containerPort: reqInt32("Number of the port to expose on the pod's IP address: 0 < x < 65536."),
    hostIP: str('The host IP to bind the external port to.'),
    hostPort: int32('Number of the port to expose on the host: 0 < x < 65536. With hostNetwork it must equal containerPort. Most containers do not need this.'),
    name: str('An IANA_SVC_NAME, unique within the pod, that services can refer to.'),
    protocol: defaultedEnum(PROTOCOLS, 'Protocol for the port: UDP, TCP or SCTP. Defaults to "TCP".'),
  }),
);

export const ExecAction = component(
  c('ExecAction'),
  'ExecAction runs a command in the container.',
  z.strictObject({
    command: strings("The command line to run inside the container; the working directory is the container's root. Not run in a shell. Exit status 0 is success."),
  }),
);

export const HTTPHeader = component(
  c('HTTPHeader'),
  'HTTPHeader is a custom header for HTTP probes.',
  z.strictObject({
    name: reqStr('The header field name; canonicalized on output.'),
    value: reqStr('The header field value.'),
  }),
);

export const HTTPGetAction = component(
  c('HTTPGetAction'),
  'HTTPGetAction performs an HTTP GET request.',
  z.strictObject({
    host: str('Host name to connect to; defaults to the pod IP. Set "Host" in httpHeaders instead, usually.'),
    httpHeaders: list(HTTPHeader, 'Custom headers to set in the request. Repeated headers are allowed.'),
    path: str('Path to access on the HTTP server. Defaults to "/".'),
    port: req(IntOrString, 'Number or IANA_SVC_NAME name of the port to access on the container.'),
    scheme: defaultedEnum(['HTTP', 'HTTPS'], 'Scheme to use for connecting to the host. Defaults to HTTP.'),
  }),
);

export const TCPSocketAction = component(
  c('TCPSocketAction'),
  'TCPSocketAction opens a TCP connection.',
  z.strictObject({
    host: str('Host name to connect to; defaults to the pod IP.'),
    port: req(IntOrString, 'Number or IANA_SVC_NAME name of the port to access on the container.'),
  }),
);

export const GRPCAction = component(
  c('GRPCAction'),
  'GRPCAction calls the gRPC health checking protocol.',
  z.strictObject({
    port: reqInt32('Port number of the gRPC service: 1-65535.'),
    service: str('The service name for the HealthCheckRequest. If empty, the server reports its overall health.'),
  }),
);

export const SleepAction = component(
  c('SleepAction'),
  'SleepAction sleeps for a while.',
  z.strictObject({ seconds: req(z.int(), 'Seconds to sleep.') }),
);

export const Probe = component(
  c('Probe'),
  'Probe is a health check performed against a container to decide whether it is alive or ready for traffic. Exactly one handler (exec, httpGet, tcpSocket, grpc) must be set.',
  z.strictObject({
    exec: opt(ExecAction, 'Exec specifies a command to run.'),
    failureThreshold: int32('Consecutive failures after a success for the probe to be considered failed. Defaults to 3; minimum 1.'),
    grpc: opt(GRPCAction, 'GRPC specifies a gRPC health check.'),
    httpGet: opt(HTTPGetAction, 'HTTPGet specifies an HTTP GET request.'),
    initialDelaySeconds: int32('Seconds after the container has started before the probe is initiated.'),
    periodSeconds: int32('How often (in seconds) to perform the probe. Defaults to 10; minimum 1.'),
    successThreshold: int32('Consecutive successes after a failure for the probe to be considered successful. Defaults to 1; must be 1 for liveness and startup probes.'),
    tcpSocket: opt(TCPSocketAction, 'TCPSocket specifies a TCP connection.'),
    terminationGracePeriodSeconds: int64("Optional grace period, overriding the pod's, for the kill triggered by a probe failure. Minimum 1."),
    timeoutSeconds: int32('Seconds after which the probe times out. Defaults to 1; minimum 1.'),
  }),
);

export const LifecycleHandler = component(
  c('LifecycleHandler'),
  'LifecycleHandler is an action for a lifecycle hook. Exactly one of exec, httpGet, sleep, tcpSocket must be set.',
  z.strictObject({
    exec: opt(ExecAction, 'Exec specifies a command to run.'),
    httpGet: opt(HTTPGetAction, 'HTTPGet specifies an HTTP GET request.'),
    sleep: opt(SleepAction, 'Sleep specifies how long the container sleeps.'),
    tcpSocket: opt(TCPSocketAction, 'Deprecated, kept for backwards compatibility; not validated as a handler.'),
  }),
);

export const Lifecycle = component(
  c('Lifecycle'),
  'Lifecycle describes actions the management system takes in response to container lifecycle events.',
  z.strictObject({
    postStart: opt(LifecycleHandler, 'Called immediately after the container is created. If it fails, the container is terminated and restarted per its restart policy.'),
    preStop: opt(LifecycleHandler, 'Called immediately before the container is terminated by an API request or management event. Counts against the grace period.'),
    stopSignal: str('The signal sent to stop the container, e.g. SIGTERM. Requires spec.os.name.'),
  }),
);

// ---- resources, security ---------------------------------------------------------------------

export const ResourceClaim = component(
  c('ResourceClaim'),
  'ResourceClaim references one entry in PodSpec.resourceClaims.',
  z.strictObject({
    name: reqStr('Name of an entry in pod.spec.resourceClaims.'),
    request: str('The request within the claim, if only part of it is used.'),
  }),
);

export const ResourceRequirements = component(
  c('ResourceRequirements'),
  'ResourceRequirements describes the compute resource requests and limits.',
  z.strictObject({
    claims: list(ResourceClaim, 'Dynamically allocated resources (resource claims) used by this container.', { keys: ['name'] }),
    limits: resourceList('The maximum amount of compute resources allowed, e.g. cpu: "500m", memory: "128Mi".'),
    requests: resourceList('The minimum amount of compute resources required. Defaults to limits when omitted and limits are set.'),
  }),
);

export const ContainerResizePolicy = component(
  c('ContainerResizePolicy'),
  'ContainerResizePolicy is the resize policy for one resource of a container.',
  z.strictObject({
    resourceName: reqStr('Name of the resource the policy applies to: cpu or memory.'),
    restartPolicy: req(oneOf(['NotRequired', 'RestartContainer']), 'Restart policy when the resource is resized: NotRequired or RestartContainer.'),
  }),
);

export const ContainerRestartRuleOnExitCodes = component(
  c('ContainerRestartRuleOnExitCodes'),
  'ContainerRestartRuleOnExitCodes matches container exit codes.',
  z.strictObject({
    operator: req(oneOf(['In', 'NotIn']), 'In or NotIn the listed values.'),
    values: list(z.int32(), 'The exit codes to check; at most 255.', { type: 'set' }),
  }),
);

export const ContainerRestartRule = component(
  c('ContainerRestartRule'),
  'ContainerRestartRule says what to do when a container exits.',
  z.strictObject({
    action: req(oneOf(['Restart']), 'The action to take: Restart.'),
    exitCodes: opt(ContainerRestartRuleOnExitCodes, 'The exit codes this rule applies to.'),
  }),
);

export const Capabilities = component(
  c('Capabilities'),
  'Capabilities to add to or drop from a running container.',
  z.strictObject({
    add: strings('Added capabilities.'),
    drop: strings('Removed capabilities.'),
  }),
);

export const SELinuxOptions = component(
  c('SELinuxOptions'),
  'SELinuxOptions are the labels applied to the container.',
  z.strictObject({
    level: str('SELinux level label.'),
    role: str('SELinux role label.'),
    type: str('SELinux type label.'),
    user: str('SELinux user label.'),
  }),
);

const PROFILE_TYPES = ['Unconfined', 'RuntimeDefault', 'Localhost'] as const;

export const SeccompProfile = component(
  c('SeccompProfile'),
  'SeccompProfile defines a seccomp profile.',
  z.strictObject({
    localhostProfile: str('A profile on the node, relative to the kubelet seccomp directory. Required for type Localhost only.'),
    type: req(oneOf(PROFILE_TYPES), 'Which profile: Localhost, RuntimeDefault or Unconfined.'),
  }),
);

export const AppArmorProfile = component(
  c('AppArmorProfile'),
  'AppArmorProfile defines an AppArmor profile.',
  z.strictObject({
    localhostProfile: str('A profile loaded on the node. Required for type Localhost only.'),
    type: req(oneOf(PROFILE_TYPES), 'Which profile: Localhost, RuntimeDefault or Unconfined.'),
  }),
);

export const WindowsSecurityContextOptions = component(
  c('WindowsSecurityContextOptions'),
  'Windows-specific security options.',
  z.strictObject({
    gmsaCredentialSpec: str('The GMSA credential spec the webhook inlines.'),
    gmsaCredentialSpecName: str('Name of the GMSA credential spec to use.'),
    hostProcess: bool('Whether the container runs as a Windows HostProcess container.'),
    runAsUserName: str('The Windows user name to run the entrypoint as.'),
  }),
);

export const SecurityContext = component(
  c('SecurityContext'),
  'SecurityContext holds container-level security settings; they override the pod-level ones.',
  z.strictObject({
    allowPrivilegeEscalation: bool('Whether a process can gain more privileges than its parent (no_new_privs). Always true when privileged or with CAP_SYS_ADMIN.'),
    appArmorProfile: opt(AppArmorProfile, 'The AppArmor profile for this container.'),
    capabilities: opt(Capabilities, 'Capabilities to add or drop. Defaults to the runtime defaults.'),
    privileged: bool('Run the container in privileged mode: equivalent to root on the host. Defaults to false.'),
    procMount: enumField(['Default', 'Unmasked'], 'The proc mount type. Defaults to Default.'),
    readOnlyRootFilesystem: bool('Whether the root filesystem is read-only. Defaults to false.'),
    runAsGroup: int64('The GID to run the entrypoint as.'),
    runAsNonRoot: bool('If true, the kubelet refuses to start the container as UID 0.'),
    runAsUser: int64('The UID to run the entrypoint as. Defaults to the image user.'),
    seLinuxOptions: opt(SELinuxOptions, 'The SELinux context for the container.'),
    seccompProfile: opt(SeccompProfile, 'The seccomp profile for the container.'),
    windowsOptions: opt(WindowsSecurityContextOptions, 'Windows-specific settings.'),
  }),
);

export const Sysctl = component(
  c('Sysctl'),
  'Sysctl is a kernel parameter to set.',
  z.strictObject({
    name: reqStr('Name of the property.'),
    value: reqStr('Value of the property.'),
  }),
);

export const PodSecurityContext = component(
  c('PodSecurityContext'),
  'PodSecurityContext holds pod-level security attributes and common container settings.',
  z.strictObject({
    appArmorProfile: opt(AppArmorProfile, 'The AppArmor profile for the containers.'),
    fsGroup: int64('A supplemental group applied to all containers; volumes that support it are owned by this GID.'),
    fsGroupChangePolicy: enumField(['OnRootMismatch', 'Always'], 'When to change volume ownership and permissions: OnRootMismatch or Always (default).'),
    runAsGroup: int64('The GID to run the entrypoint of the containers as.'),
    runAsNonRoot: bool('If true, the kubelet refuses to start containers as UID 0.'),
    runAsUser: int64('The UID to run the entrypoint of the containers as.'),
    seLinuxChangePolicy: enumField(['MountOption', 'Recursive'], 'How the SELinux label is applied to volumes: MountOption or Recursive.'),
    seLinuxOptions: opt(SELinuxOptions, 'The SELinux context for all containers.'),
    seccompProfile: opt(SeccompProfile, 'The seccomp profile for the containers.'),
    supplementalGroups: list(z.int(), 'Groups added to the first process of each container, besides its primary GID and fsGroup.'),
    supplementalGroupsPolicy: enumField(['Merge', 'Strict'], 'How supplemental groups of the first process are calculated: Merge (default) or Strict.'),
    sysctls: list(Sysctl, 'Namespaced sysctls used for the pod.'),
    windowsOptions: opt(WindowsSecurityContextOptions, 'Windows-specific settings for all containers.'),
  }),
);

// ---- mounts ---------------------------------------------------------------------------------

export const VolumeMount = component(
  c('VolumeMount'),
  'VolumeMount mounts a volume within a container.',
  z.strictObject({
    mountPath: reqStr("Path within the container at which to mount the volume. Must not contain ':'."),
    mountPropagation: enumField(['None', 'HostToContainer', 'Bidirectional'], 'How mounts propagate between host and container. Defaults to None.'),
    name: reqStr('Must match the name of a volume.'),
    readOnly: bool('Mounted read-only if true. Defaults to false.'),
    recursiveReadOnly: enumField(['Disabled', 'IfPossible', 'Enabled'], 'Whether a read-only mount is recursively read-only.'),
    subPath: str("Path within the volume to mount instead of its root. Defaults to \"\" (the volume's root)."),
    subPathExpr: str('Like subPath, but $(VAR_NAME) references to the container environment are expanded. Mutually exclusive with subPath.'),
  }),
);

export const VolumeDevice = component(
  c('VolumeDevice'),
  'VolumeDevice maps a raw block device within a container.',
  z.strictObject({
    devicePath: reqStr('Path inside the container the device is mapped to.'),
    name: reqStr('Must match the name of a persistentVolumeClaim in the pod.'),
  }),
);

// ---- containers -----------------------------------------------------------------------------

function containerShape(ephemeral: boolean) {
  const what = ephemeral ? 'ephemeral container' : 'container';
  return {
    args: strings(`Arguments to the entrypoint; the image CMD is used if not provided. $(VAR_NAME) is expanded from the ${what} environment. Cannot be updated.`),
    command: strings('Entrypoint array; the image ENTRYPOINT is used if not provided. Not run in a shell. $(VAR_NAME) is expanded. Cannot be updated.'),
    env: list(EnvVar, `Environment variables to set in the ${what}. Cannot be updated.`, { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    envFrom: list(EnvFromSource, 'Sources to populate environment variables from. Keys must be valid variable names; explicit env entries win on duplicates. Cannot be updated.'),
    image: str(ephemeral
      ? 'Container image name.'
      : 'Container image name. Required for pods; higher-level controllers may leave it empty in templates only if something fills it in.'),
    imagePullPolicy: defaultedEnum(['Always', 'Never', 'IfNotPresent'], 'When to pull the image: Always, Never or IfNotPresent. Defaults to Always if the :latest tag (or no tag) is used, IfNotPresent otherwise. Cannot be updated.'),
    lifecycle: opt(Lifecycle, ephemeral ? 'Lifecycle is not allowed for ephemeral containers.' : 'Actions the management system takes in response to container lifecycle events. Cannot be updated.'),
    livenessProbe: opt(Probe, ephemeral ? 'Probes are not allowed for ephemeral containers.' : 'Periodic probe of container liveness; the container is restarted if it fails. Cannot be updated.'),
    name: reqStr(`Name of the ${what} as a DNS_LABEL, unique within the pod. Cannot be updated.`),
    ports: list(ContainerPort, ephemeral
      ? 'Ports are not allowed for ephemeral containers.'
      : 'Ports to expose from the container. Informational: any port a process listens on is reachable. Cannot be updated.', { keys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' }),
    readinessProbe: opt(Probe, ephemeral ? 'Probes are not allowed for ephemeral containers.' : 'Periodic probe of container service readiness; the container is removed from service endpoints if it fails. Cannot be updated.'),
    resizePolicy: list(ContainerResizePolicy, 'Resize policy for the resources of the container.'),
    resources: opt(ResourceRequirements, ephemeral ? 'Resources are not allowed for ephemeral containers.' : 'Compute resources required by this container.'),
    restartPolicy: enumField(['Always', 'OnFailure', 'Never'], 'Restart behavior of an individual container. Only "Always" is allowed, and only for init containers: it makes the init container a sidecar that runs for the lifetime of the pod.'),
    restartPolicyRules: list(ContainerRestartRule, 'Rules deciding, per exit code, whether the container is restarted.'),
    securityContext: opt(SecurityContext, 'Security options the container runs with; overrides the pod security context.'),
    startupProbe: opt(Probe, ephemeral ? 'Probes are not allowed for ephemeral containers.' : 'Probe that must succeed before liveness and readiness probes run; the container is restarted if it fails. Cannot be updated.'),
    stdin: bool('Whether the container allocates a buffer for stdin. Defaults to false.'),
    stdinOnce: bool('Whether the runtime closes stdin after the first attach session disconnects. Defaults to false.'),
    ...(ephemeral ? { targetContainerName: str('The container whose namespaces (IPC, PID...) this ephemeral container targets. Defaults to the pod-level namespaces.') } : {}),
    terminationMessagePath: str("File the container's termination message is written to and read from. Defaults to /dev/termination-log. Cannot be updated."),
    terminationMessagePolicy: defaultedEnum(['File', 'FallbackToLogsOnError'], 'How the termination message is populated: File (the default) or FallbackToLogsOnError (use the log tail if the file is empty and the container failed). Cannot be updated.'),
    tty: bool('Whether the container allocates a TTY (needs stdin). Defaults to false.'),
    volumeDevices: list(VolumeDevice, 'Block devices to be used by the container.', { keys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' }),
    volumeMounts: list(VolumeMount, ephemeral ? "Pod volumes to mount into the container's filesystem; subPath mounts are not allowed." : "Pod volumes to mount into the container's filesystem. Cannot be updated.", { keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }),
    workingDir: str("The container's working directory; defaults to the runtime default (image). Cannot be updated."),
  };
}

export const Container = component(
  c('Container'),
  'A single application container to run within a pod.',
  z.strictObject(containerShape(false)),
);

export const EphemeralContainer = component(
  c('EphemeralContainer'),
  'An ephemeral container is added to a running pod for user-initiated activities such as debugging. It has no resource or scheduling guarantees, is not restarted, and is added through the ephemeralcontainers subresource.',
  z.strictObject(containerShape(true)),
);

// ---- volumes --------------------------------------------------------------------------------

export const KeyToPath = component(
  c('KeyToPath'),
  'KeyToPath maps a key to a relative path within a volume.',
  z.strictObject({
    key: reqStr('The key to project.'),
    mode: int32('Mode bits for this file (0000-0777 octal, 0-511 decimal). Defaults to the volume default mode.'),
    path: reqStr("The relative path of the file; may not be absolute, contain '..' or start with '..'."),
  }),
);

export const EmptyDirVolumeSource = component(
  c('EmptyDirVolumeSource'),
  'An empty directory for the lifetime of the pod.',
  z.strictObject({
    medium: str('The storage medium backing the directory: "" (node default) or "Memory".'),
    sizeLimit: opt(Quantity, 'Total amount of local storage the directory may use.'),
  }),
);

export const ConfigMapVolumeSource = component(
  c('ConfigMapVolumeSource'),
  'Populates a volume with the keys of a ConfigMap as files.',
  z.strictObject({
    defaultMode: int32('Mode bits of created files (0000-0777 octal, 0-511 decimal). Defaults to 0644.'),
    items: list(KeyToPath, 'If set, only these keys are projected, to these paths. Listing a missing key is an error unless optional.'),
    name: str('Name of the ConfigMap.'),
    optional: bool('Whether the ConfigMap or its keys must be defined.'),
  }),
);

export const SecretVolumeSource = component(
  c('SecretVolumeSource'),
  'Populates a volume with the keys of a Secret as files.',
  z.strictObject({
    defaultMode: int32('Mode bits of created files (0000-0777 octal, 0-511 decimal). Defaults to 0644.'),
    items: list(KeyToPath, 'If set, only these keys are projected, to these paths.'),
    optional: bool('Whether the Secret or its keys must be defined.'),
    secretName: str("Name of the Secret in the pod's namespace."),
  }),
);

export const HostPathVolumeSource = component(
  c('HostPathVolumeSource'),
  'A pre-existing file or directory on the host machine, mapped into the pod.',
  z.strictObject({
    path: reqStr('Path of the directory on the host. Symlinks are followed.'),
    type: opt(oneOf(['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice']), 'Type of the host path. "" (the default) does no checks.'),
  }),
);

export const PersistentVolumeClaimVolumeSource = component(
  c('PersistentVolumeClaimVolumeSource'),
  "References a PersistentVolumeClaim in the pod's namespace.",
  z.strictObject({
    claimName: reqStr('Name of the PersistentVolumeClaim.'),
    readOnly: bool('Force the ReadOnly setting in VolumeMounts. Defaults to false.'),
  }),
);

export const DownwardAPIVolumeFile = component(
  c('DownwardAPIVolumeFile'),
  'One file of a downward API volume.',
  z.strictObject({
    fieldRef: opt(ObjectFieldSelector, 'A field of the pod: only annotations, labels, name, namespace and uid are supported.'),
    mode: int32('Mode bits of the file (0000-0777 octal, 0-511 decimal).'),
    path: reqStr("Relative path of the file; must not be absolute or contain '..'."),
    resourceFieldRef: opt(ResourceFieldSelector, 'A container resource: only limits and requests are supported.'),
  }),
);

export const DownwardAPIVolumeSource = component(
  c('DownwardAPIVolumeSource'),
  'Exposes pod information as files.',
  z.strictObject({
    defaultMode: int32('Mode bits of created files. Defaults to 0644.'),
    items: list(DownwardAPIVolumeFile, 'The files of the volume.'),
  }),
);

export const ConfigMapProjection = component(
  c('ConfigMapProjection'),
  'Projects the keys of a ConfigMap into a projected volume.',
  z.strictObject({
    items: list(KeyToPath, 'If set, only these keys are projected, to these paths.'),
    name: str('Name of the ConfigMap.'),
    optional: bool('Whether the ConfigMap or its keys must be defined.'),
  }),
);

export const SecretProjection = component(
  c('SecretProjection'),
  'Projects the keys of a Secret into a projected volume.',
  z.strictObject({
    items: list(KeyToPath, 'If set, only these keys are projected, to these paths.'),
    name: str('Name of the Secret.'),
    optional: bool('Whether the Secret or its keys must be defined.'),
  }),
);

export const DownwardAPIProjection = component(
  c('DownwardAPIProjection'),
  'Projects pod information into a projected volume.',
  z.strictObject({ items: list(DownwardAPIVolumeFile, 'The files to project.') }),
);

export const ServiceAccountTokenProjection = component(
  c('ServiceAccountTokenProjection'),
  'Projects a service account token into a projected volume.',
  z.strictObject({
    audience: str('The intended audience of the token. Defaults to the API server identifier.'),
    expirationSeconds: int64('Requested validity of the token. Defaults to 1 hour; at least 10 minutes.'),
    path: reqStr('Path, relative to the mount point, of the token file.'),
  }),
);

export const ClusterTrustBundleProjection = component(
  c('ClusterTrustBundleProjection'),
  'Projects ClusterTrustBundle objects into a file.',
  z.strictObject({
    labelSelector: opt(LabelSelector, 'Selects the bundles that match (with signerName).'),
    name: str('Select a single bundle by name. Mutually exclusive with signerName and labelSelector.'),
    optional: bool('If true, do not block pod startup when the referenced bundles are missing.'),
    path: reqStr('Relative path from the volume root to write the bundle to.'),
    signerName: str('Select all bundles of this signer name.'),
  }),
);

export const PodCertificateProjection = component(
  c('PodCertificateProjection'),
  'Projects a private key and a certificate issued through a PodCertificateRequest.',
  z.strictObject({
    certificateChainPath: str('Where to write the certificate chain.'),
    credentialBundlePath: str('Where to write the key and chain as one PEM bundle.'),
    keyPath: str('Where to write the private key.'),
    keyType: reqStr('The key type: RSA3072, RSA4096, ECDSAP256, ECDSAP384, ECDSAP521 or ED25519.'),
    maxExpirationSeconds: int32('Maximum lifetime of the certificate.'),
    signerName: reqStr('The signer to request a certificate from.'),
  }),
);

export const VolumeProjection = component(
  c('VolumeProjection'),
  'One source of a projected volume; exactly one field must be set.',
  z.strictObject({
    clusterTrustBundle: opt(ClusterTrustBundleProjection, 'ClusterTrustBundle objects in a file.'),
    configMap: opt(ConfigMapProjection, 'ConfigMap keys.'),
    downwardAPI: opt(DownwardAPIProjection, 'Pod information.'),
    podCertificate: opt(PodCertificateProjection, 'A pod certificate and key.'),
    secret: opt(SecretProjection, 'Secret keys.'),
    serviceAccountToken: opt(ServiceAccountTokenProjection, 'A service account token.'),
  }),
);

export const ProjectedVolumeSource = component(
  c('ProjectedVolumeSource'),
  'Projects several sources into one directory.',
  z.strictObject({
    defaultMode: int32('Mode bits of created files. Defaults to 0644.'),
    sources: list(VolumeProjection, 'The sources to project.'),
  }),
);

export const VolumeResourceRequirements = component(
  c('VolumeResourceRequirements'),
  'The storage resource requirements of a volume.',
  z.strictObject({
    limits: resourceList('The maximum amount of storage allowed.'),
    requests: resourceList('The minimum amount of storage required.'),
  }),
);

export const PersistentVolumeClaimSpec = component(
  c('PersistentVolumeClaimSpec'),
  'The desired characteristics of a volume.',
  z.strictObject({
    accessModes: strings('Desired access modes: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.'),
    dataSource: opt(TypedLocalObjectReference, 'An existing VolumeSnapshot or PersistentVolumeClaim to populate the volume from.'),
    dataSourceRef: opt(TypedObjectReference, 'Any object to populate the volume from (a volume populator).'),
    resources: opt(VolumeResourceRequirements, 'Minimum resources the volume should have.'),
    selector: opt(LabelSelector, 'A label query over volumes to consider for binding.'),
    storageClassName: str('Name of the StorageClass required by the claim.'),
    volumeAttributesClassName: str('The VolumeAttributesClass used by this claim.'),
    volumeMode: enumField(['Block', 'Filesystem'], 'Block or Filesystem. Defaults to Filesystem.'),
    volumeName: str('The binding reference to the PersistentVolume backing this claim.'),
  }),
);

export const PersistentVolumeClaimTemplate = component(
  c('PersistentVolumeClaimTemplate'),
  'A template for the PersistentVolumeClaim of an ephemeral volume.',
  z.strictObject({
    metadata: opt(ObjectMeta, 'Labels and annotations copied to the claim. Other fields are rejected.'),
    spec: req(PersistentVolumeClaimSpec, 'The claim spec, copied unchanged.'),
  }),
);

export const EphemeralVolumeSource = component(
  c('EphemeralVolumeSource'),
  'A volume handled by a storage driver whose lifecycle is tied to the pod: a PersistentVolumeClaim is created from the template and deleted with the pod.',
  z.strictObject({ volumeClaimTemplate: opt(PersistentVolumeClaimTemplate, 'The template of the PersistentVolumeClaim to create.') }),
);

export const CSIVolumeSource = component(
  c('CSIVolumeSource'),
  'An ephemeral inline volume provided by a CSI driver.',
  z.strictObject({
    driver: reqStr('Name of the CSI driver.'),
    fsType: str('Filesystem type to mount, e.g. "ext4".'),
    nodePublishSecretRef: opt(LocalObjectReference, 'A secret with sensitive information passed to the driver.'),
    readOnly: bool('Read-only configuration for the volume. Defaults to false.'),
    volumeAttributes: stringMap('Driver-specific properties.'),
  }),
);

export const ImageVolumeSource = component(
  c('ImageVolumeSource'),
  'An OCI object (container image or artifact) mounted read-only.',
  z.strictObject({
    pullPolicy: enumField(['Always', 'Never', 'IfNotPresent'], 'When to pull the object. Defaults to Always for :latest, IfNotPresent otherwise.'),
    reference: str('Image or artifact reference.'),
  }),
);

const fsType = () => str('Filesystem type of the volume, e.g. "ext4".');
const readOnly = () => bool('Force the volume to be read-only. Defaults to false.');
const secretRef = () => opt(LocalObjectReference, 'Secret with authentication information.');

export const AWSElasticBlockStoreVolumeSource = component(c('AWSElasticBlockStoreVolumeSource'), 'Deprecated: an AWS EBS disk.', z.strictObject({
  fsType: fsType(), partition: int32('The partition to mount.'), readOnly: readOnly(), volumeID: reqStr('Unique ID of the EBS volume.'),
}));
export const AzureDiskVolumeSource = component(c('AzureDiskVolumeSource'), 'Deprecated: an Azure data disk.', z.strictObject({
  cachingMode: str('Host caching mode: None, ReadOnly, ReadWrite.'), diskName: reqStr('Name of the data disk.'), diskURI: reqStr('URI of the data disk.'),
  fsType: fsType(), kind: str('Shared, Dedicated or Managed.'), readOnly: readOnly(),
}));
export const AzureFileVolumeSource = component(c('AzureFileVolumeSource'), 'Deprecated: an Azure File share.', z.strictObject({
  readOnly: readOnly(), secretName: reqStr('Secret with the storage account name and key.'), shareName: reqStr('The share name.'),
}));
export const CephFSVolumeSource = component(c('CephFSVolumeSource'), 'Deprecated: a Ceph filesystem.', z.strictObject({
  monitors: strings('Ceph monitors.'), path: str('Root of the mount. Defaults to /.'), readOnly: readOnly(), secretFile: str('Path to the key ring.'),
  secretRef: secretRef(), user: str('The rados user name.'),
}));
export const CinderVolumeSource = component(c('CinderVolumeSource'), 'Deprecated: an OpenStack Cinder volume.', z.strictObject({
  fsType: fsType(), readOnly: readOnly(), secretRef: secretRef(), volumeID: reqStr('The volume ID.'),
}));
export const FCVolumeSource = component(c('FCVolumeSource'), 'A Fibre Channel volume.', z.strictObject({
  fsType: fsType(), lun: int32('Target lun number.'), readOnly: readOnly(), targetWWNs: strings('Target world wide names.'), wwids: strings('Volume world wide identifiers.'),
}));
export const FlexVolumeSource = component(c('FlexVolumeSource'), 'Deprecated: a volume provisioned by an exec-based plugin.', z.strictObject({
  driver: reqStr('Name of the driver.'), fsType: fsType(), options: stringMap('Extra command options.'), readOnly: readOnly(), secretRef: secretRef(),
}));
export const FlockerVolumeSource = component(c('FlockerVolumeSource'), 'Deprecated: a Flocker volume.', z.strictObject({
  datasetName: str('Name of the dataset.'), datasetUUID: str('UUID of the dataset.'),
}));
export const GCEPersistentDiskVolumeSource = component(c('GCEPersistentDiskVolumeSource'), 'Deprecated: a GCE persistent disk.', z.strictObject({
  fsType: fsType(), partition: int32('The partition to mount.'), pdName: reqStr('Name of the PD resource in GCE.'), readOnly: readOnly(),
}));
export const GitRepoVolumeSource = component(c('GitRepoVolumeSource'), 'Deprecated: a directory populated with a git repository.', z.strictObject({
  directory: str('Target directory name.'), repository: reqStr('Repository URL.'), revision: str('Commit hash.'),
}));
export const GlusterfsVolumeSource = component(c('GlusterfsVolumeSource'), 'Deprecated: a Glusterfs mount.', z.strictObject({
  endpoints: reqStr('Endpoints object describing the Glusterfs topology.'), path: reqStr('Glusterfs volume path.'), readOnly: readOnly(),
}));
export const ISCSIVolumeSource = component(c('ISCSIVolumeSource'), 'An iSCSI disk.', z.strictObject({
  chapAuthDiscovery: bool('Whether iSCSI Discovery CHAP authentication is supported.'), chapAuthSession: bool('Whether iSCSI Session CHAP authentication is supported.'),
  fsType: fsType(), initiatorName: str('Custom iSCSI initiator name.'), iqn: reqStr('Target iSCSI Qualified Name.'),
  iscsiInterface: str('iSCSI interface name. Defaults to "default".'), lun: reqInt32('Target lun number.'), portals: strings('Target portal IPs.'),
  readOnly: readOnly(), secretRef: secretRef(), targetPortal: reqStr('Target portal, IP or ip_addr:port.'),
}));
export const NFSVolumeSource = component(c('NFSVolumeSource'), 'An NFS mount.', z.strictObject({
  path: reqStr('Path exported by the NFS server.'), readOnly: readOnly(), server: reqStr('Hostname or IP address of the NFS server.'),
}));
export const PhotonPersistentDiskVolumeSource = component(c('PhotonPersistentDiskVolumeSource'), 'Deprecated: a Photon Controller persistent disk.', z.strictObject({
  fsType: fsType(), pdID: reqStr('ID of the persistent disk.'),
}));
export const PortworxVolumeSource = component(c('PortworxVolumeSource'), 'Deprecated: a Portworx volume.', z.strictObject({
  fsType: fsType(), readOnly: readOnly(), volumeID: reqStr('The volume ID.'),
}));
export const QuobyteVolumeSource = component(c('QuobyteVolumeSource'), 'Deprecated: a Quobyte mount.', z.strictObject({
  group: str('Group to map volume access to.'), readOnly: readOnly(), registry: reqStr('Quobyte registry host:port pairs.'), tenant: str('Tenant owning the volume.'),
  user: str('User to map volume access to.'), volume: reqStr('The Quobyte volume by name.'),
}));
export const RBDVolumeSource = component(c('RBDVolumeSource'), 'Deprecated: a Rados Block Device mount.', z.strictObject({
  fsType: fsType(), image: reqStr('The rados image name.'), keyring: str('Path to the key ring.'), monitors: strings('Ceph monitors.'),
  pool: str('The rados pool name.'), readOnly: readOnly(), secretRef: secretRef(), user: str('The rados user name.'),
}));
export const ScaleIOVolumeSource = component(c('ScaleIOVolumeSource'), 'Deprecated: a ScaleIO persistent volume.', z.strictObject({
  fsType: fsType(), gateway: reqStr('Host address of the ScaleIO API gateway.'), protectionDomain: str('Name of the protection domain.'), readOnly: readOnly(),
  secretRef: req(LocalObjectReference, 'Secret with the ScaleIO user credentials.'), sslEnabled: bool('Whether SSL is used with the gateway.'),
  storageMode: str('ThickProvisioned or ThinProvisioned.'), storagePool: str('The storage pool.'), system: reqStr('Name of the storage system.'),
  volumeName: str('Name of an existing volume.'),
}));
export const StorageOSVolumeSource = component(c('StorageOSVolumeSource'), 'Deprecated: a StorageOS volume.', z.strictObject({
  fsType: fsType(), readOnly: readOnly(), secretRef: secretRef(), volumeName: str('The volume name.'), volumeNamespace: str('The volume namespace.'),
}));
export const VsphereVirtualDiskVolumeSource = component(c('VsphereVirtualDiskVolumeSource'), 'Deprecated: a vSphere volume.', z.strictObject({
  fsType: fsType(), storagePolicyID: str('Storage policy ID.'), storagePolicyName: str('Storage policy name.'), volumePath: reqStr('Path that identifies the vSphere volume vmdk.'),
}));

/** The volume source fields of a Volume: exactly one may be set (none means emptyDir). */
export const VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'fc',
  'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi', 'nfs', 'persistentVolumeClaim',
  'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
] as const;

export const Volume = component(
  c('Volume'),
  'Volume is a named volume in a pod that any container of the pod may mount. Exactly one volume source may be set; none means emptyDir.',
  z.strictObject({
    awsElasticBlockStore: opt(AWSElasticBlockStoreVolumeSource, 'Deprecated: an AWS disk attached to the kubelet host.'),
    azureDisk: opt(AzureDiskVolumeSource, 'Deprecated: an Azure data disk mount on the host.'),
    azureFile: opt(AzureFileVolumeSource, 'Deprecated: an Azure File Service mount on the host.'),
    cephfs: opt(CephFSVolumeSource, 'Deprecated: a Ceph FS mount on the host.'),
    cinder: opt(CinderVolumeSource, 'Deprecated: a Cinder volume attached to the kubelet host.'),
    configMap: opt(ConfigMapVolumeSource, 'A ConfigMap that should populate this volume.'),
    csi: opt(CSIVolumeSource, 'Ephemeral storage handled by a CSI driver.'),
    downwardAPI: opt(DownwardAPIVolumeSource, 'Pod information that should populate this volume.'),
    emptyDir: opt(EmptyDirVolumeSource, "A temporary directory that shares the pod's lifetime."),
    ephemeral: opt(EphemeralVolumeSource, 'A volume handled by a storage driver, with a claim created with and deleted with the pod.'),
    fc: opt(FCVolumeSource, 'A Fibre Channel resource attached to the kubelet host.'),
    flexVolume: opt(FlexVolumeSource, 'Deprecated: a volume provisioned by an exec-based plugin.'),
    flocker: opt(FlockerVolumeSource, 'Deprecated: a Flocker volume.'),
    gcePersistentDisk: opt(GCEPersistentDiskVolumeSource, 'Deprecated: a GCE disk attached to the kubelet host.'),
    gitRepo: opt(GitRepoVolumeSource, 'Deprecated: a git repository at a revision. Use an init container instead.'),
    glusterfs: opt(GlusterfsVolumeSource, 'Deprecated: a Glusterfs mount on the host.'),
    hostPath: opt(HostPathVolumeSource, 'A file or directory on the host. Mostly for system agents; many clusters forbid it.'),
    image: opt(ImageVolumeSource, 'An OCI object (container image or artifact) pulled and mounted read-only.'),
    iscsi: opt(ISCSIVolumeSource, 'An iSCSI disk attached to the kubelet host.'),
    name: reqStr('Name of the volume: a DNS_LABEL, unique within the pod.'),
    nfs: opt(NFSVolumeSource, 'An NFS mount on the host.'),
    persistentVolumeClaim: opt(PersistentVolumeClaimVolumeSource, 'A PersistentVolumeClaim in the same namespace.'),
    photonPersistentDisk: opt(PhotonPersistentDiskVolumeSource, 'Deprecated: a Photon Controller persistent disk.'),
    portworxVolume: opt(PortworxVolumeSource, 'Deprecated: a Portworx volume.'),
    projected: opt(ProjectedVolumeSource, 'Items for all-in-one resources: secrets, configmaps, downward API and service account tokens.'),
    quobyte: opt(QuobyteVolumeSource, 'Deprecated: a Quobyte mount on the host.'),
    rbd: opt(RBDVolumeSource, 'Deprecated: a Rados Block Device mount on the host.'),
    scaleIO: opt(ScaleIOVolumeSource, 'Deprecated: a ScaleIO persistent volume.'),
    secret: opt(SecretVolumeSource, 'A Secret that should populate this volume.'),
    storageos: opt(StorageOSVolumeSource, 'Deprecated: a StorageOS volume.'),
    vsphereVolume: opt(VsphereVirtualDiskVolumeSource, 'Deprecated: a vSphere volume.'),
  }),
);

// ---- scheduling -----------------------------------------------------------------------------

export const NodeSelectorRequirement = component(
  c('NodeSelectorRequirement'),
  'A node selector requirement relates a key and values through an operator.',
  z.strictObject({
    key: reqStr('The label key the selector applies to.'),
    operator: req(oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']), 'In, NotIn, Exists, DoesNotExist, Gt or Lt.'),
    values: strings('The values. Non-empty for In and NotIn, empty for Exists and DoesNotExist, a single integer for Gt and Lt.'),
  }),
);

export const NodeSelectorTerm = component(
  c('NodeSelectorTerm'),
  'The requirements of a term are ANDed. A null or empty term matches no objects.',
  z.strictObject({
    matchExpressions: list(NodeSelectorRequirement, "Requirements on the node's labels."),
    matchFields: list(NodeSelectorRequirement, "Requirements on the node's fields."),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const NodeSelector = component(
  c('NodeSelector'),
  'A node selector is the union (ORed) of its terms.',
  z.strictObject({ nodeSelectorTerms: reqList(NodeSelectorTerm, 'Required: a list of node selector terms, ORed.') }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const PreferredSchedulingTerm = component(
  c('PreferredSchedulingTerm'),
  'An empty preferred scheduling term matches all objects with implicit weight 0.',
  z.strictObject({
    preference: req(NodeSelectorTerm, 'A node selector term, associated with the weight.'),
    weight: reqInt32('Weight associated with matching the term, 1-100.'),
  }),
);

export const NodeAffinity = component(
  c('NodeAffinity'),
  'Node affinity scheduling rules for the pod.',
  z.strictObject({
    preferredDuringSchedulingIgnoredDuringExecution: list(PreferredSchedulingTerm, 'The scheduler prefers nodes that satisfy these expressions: the node with the greatest sum of weights of matching terms wins.'),
    requiredDuringSchedulingIgnoredDuringExecution: opt(NodeSelector, 'If not met at scheduling time, the pod is not scheduled onto the node. Not re-checked afterwards.'),
  }),
);

export const PodAffinityTerm = component(
  c('PodAffinityTerm'),
  'Defines a set of pods (namespaces plus labelSelector) this pod should be co-located with (affinity) or not (anti-affinity) on nodes whose topologyKey label has the same value.',
  z.strictObject({
    labelSelector: opt(LabelSelector, 'A label query over a set of resources, here pods. Null matches no pods.'),
    matchLabelKeys: strings('Label keys whose values are taken from the incoming pod and ANDed with labelSelector.'),
    mismatchLabelKeys: strings('Label keys whose values are taken from the incoming pod and excluded (NotIn) from labelSelector.'),
    namespaceSelector: opt(LabelSelector, 'A label query over namespaces, combined (ORed) with namespaces. Empty matches all namespaces.'),
    namespaces: strings("Namespaces the term applies to. Null or empty with a null namespaceSelector means this pod's namespace."),
    topologyKey: reqStr('Co-located means on a node whose value of the label with this key matches. Empty is not allowed.'),
  }),
);

export const WeightedPodAffinityTerm = component(
  c('WeightedPodAffinityTerm'),
  'The weights of all matched terms are added per node to find the most preferred node(s).',
  z.strictObject({
    podAffinityTerm: req(PodAffinityTerm, 'A pod affinity term, associated with the weight.'),
    weight: reqInt32('Weight associated with matching the term, 1-100.'),
  }),
);

export const PodAffinity = component(
  c('PodAffinity'),
  'Inter-pod affinity scheduling rules.',
  z.strictObject({
    preferredDuringSchedulingIgnoredDuringExecution: list(WeightedPodAffinityTerm, 'The scheduler prefers nodes that satisfy these terms.'),
    requiredDuringSchedulingIgnoredDuringExecution: list(PodAffinityTerm, 'If not met at scheduling time, the pod is not scheduled onto the node. All terms must be satisfied.'),
  }),
);

export const PodAntiAffinity = component(
  c('PodAntiAffinity'),
  'Inter-pod anti-affinity scheduling rules.',
  z.strictObject({
    preferredDuringSchedulingIgnoredDuringExecution: list(WeightedPodAffinityTerm, 'The scheduler prefers nodes that do not satisfy these terms.'),
    requiredDuringSchedulingIgnoredDuringExecution: list(PodAffinityTerm, 'If met at scheduling time, the pod is not scheduled onto the node. All terms must be satisfied.'),
  }),
);

export const Affinity = component(
  c('Affinity'),
  'A group of affinity scheduling rules.',
  z.strictObject({
    nodeAffinity: opt(NodeAffinity, 'Node affinity scheduling rules for the pod.'),
    podAffinity: opt(PodAffinity, 'Co-locate this pod with other pods (same node, zone, ...).'),
    podAntiAffinity: opt(PodAntiAffinity, 'Avoid putting this pod with other pods (same node, zone, ...).'),
  }),
);

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export const Toleration = component(
  c('Toleration'),
  'A pod with this toleration tolerates any taint that matches the triple <key,value,effect> using the operator.',
  z.strictObject({
    effect: defaultedEnum(TAINT_EFFECTS, 'The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute. Empty matches all effects.'),
    key: str('The taint key the toleration applies to. Empty matches all keys; then operator must be Exists.'),
    operator: defaultedEnum(['Exists', 'Equal'], "The key's relationship to the value: Exists or Equal. Defaults to Equal. Exists is a wildcard for value."),
    tolerationSeconds: int64('For NoExecute only: how long the pod stays bound to a node with the taint. Unset means forever; zero or negative means evict immediately.'),
    value: str('The taint value to match. Empty if operator is Exists.'),
  }),
);

export const TopologySpreadConstraint = component(
  c('TopologySpreadConstraint'),
  'How to spread matching pods among the given topology.',
  z.strictObject({
    labelSelector: opt(LabelSelector, 'Finds matching pods, which are counted to determine the number of pods in their topology domain.'),
    matchLabelKeys: strings('Label keys whose values are taken from the incoming pod and ANDed with labelSelector.'),
    maxSkew: reqInt32('The degree to which pods may be unevenly distributed: the maximum difference between the number of matching pods in any two domains. Must be greater than zero.'),
    minDomains: int32('The minimum number of eligible domains; with fewer, the global minimum is treated as 0. Requires whenUnsatisfiable DoNotSchedule.'),
    nodeAffinityPolicy: enumField(['Honor', 'Ignore'], "Whether the pod's nodeAffinity/nodeSelector is honored when calculating skew. Defaults to Honor."),
    nodeTaintsPolicy: enumField(['Honor', 'Ignore'], 'Whether node taints are honored when calculating skew. Defaults to Ignore.'),
    topologyKey: reqStr('The key of node labels; nodes with the same value are in the same topology domain.'),
    whenUnsatisfiable: req(oneOf(['DoNotSchedule', 'ScheduleAnyway']), 'What to do with a pod that does not satisfy the constraint: DoNotSchedule (the default) or ScheduleAnyway.'),
  }),
);

export const HostAlias = component(
  c('HostAlias'),
  "An entry to add to the pod's /etc/hosts.",
  z.strictObject({
    hostnames: strings('Hostnames for the IP address.'),
    ip: reqStr('IP address of the host file entry.'),
  }),
);

export const PodDNSConfigOption = component(
  c('PodDNSConfigOption'),
  'A DNS resolver option of a pod.',
  z.strictObject({
    name: str('Name of the option. Required.'),
    value: str('Value of the option.'),
  }),
);

export const PodDNSConfig = component(
  c('PodDNSConfig'),
  'DNS parameters of a pod, merged with those generated from dnsPolicy.',
  z.strictObject({
    nameservers: strings('DNS name server IP addresses, appended to the base ones.'),
    options: list(PodDNSConfigOption, 'DNS resolver options, merged with the base ones.'),
    searches: strings('DNS search domains for host-name lookup, appended to the base ones.'),
  }),
);

export const PodReadinessGate = component(
  c('PodReadinessGate'),
  'A pod condition the pod readiness depends on.',
  z.strictObject({ conditionType: reqStr("A condition type in the pod's condition list."), }),
);

export const PodSchedulingGate = component(
  c('PodSchedulingGate'),
  'A gate the pod waits behind before it is scheduled.',
  z.strictObject({ name: reqStr('Name of the gate, unique among gates.') }),
);

export const PodResourceClaim = component(
  c('PodResourceClaim'),
  'References one ResourceClaim (or template) the pod needs.',
  z.strictObject({
    name: reqStr('Uniquely identifies the claim inside the pod: a DNS_LABEL.'),
    resourceClaimName: str('Name of a ResourceClaim in the pod namespace.'),
    resourceClaimTemplateName: str('Name of a ResourceClaimTemplate to create a claim from.'),
  }),
);

export const PodOS = component(
  c('PodOS'),
  'The operating system of the pod.',
  z.strictObject({ name: req(oneOf(['linux', 'windows']), 'The operating system: linux or windows.') }),
);

export const PodSpec = component(
  c('PodSpec'),
  'PodSpec is the description of a pod.',
  z.strictObject({
    activeDeadlineSeconds: int64('Seconds the pod may be active on the node, relative to its start, before the system actively tries to mark it failed and kill its containers. A positive integer.'),
    affinity: opt(Affinity, "The pod's scheduling constraints."),
    automountServiceAccountToken: bool('Whether a service account token should be mounted automatically.'),
    containers: reqList(Container, 'Containers belonging to the pod. There must be at least one. Cannot be updated.', { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    dnsConfig: opt(PodDNSConfig, 'DNS parameters of the pod, merged with those generated from dnsPolicy.'),
    dnsPolicy: defaultedEnum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], 'DNS policy of the pod: ClusterFirstWithHostNet, ClusterFirst, Default or None. Defaults to ClusterFirst. With None, dnsConfig must be given.'),
    enableServiceLinks: bool("Whether information about services is injected into the pod's environment variables, like docker links. Defaults to true."),
    ephemeralContainers: list(EphemeralContainer, 'Ephemeral containers run in this pod for user-initiated actions such as debugging. Added through the ephemeralcontainers subresource only.', { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    hostAliases: list(HostAlias, "Entries added to the pod's hosts file.", { keys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    hostIPC: bool("Use the host's ipc namespace. Defaults to false."),
    hostNetwork: bool("Use the host's network namespace; ports must then be specified. Defaults to false."),
    hostPID: bool("Use the host's pid namespace. Defaults to false."),
    hostUsers: bool('Use the host user namespace. Defaults to true; false creates a new user namespace for the pod.'),
    hostname: str("The pod's hostname. Defaults to a system-defined value."),
    hostnameOverride: str("Overrides the pod's hostname, taking precedence over hostname and subdomain."),
    imagePullSecrets: list(LocalObjectReference, 'References to secrets in the same namespace used to pull the images.', { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    initContainers: list(Container, 'Initialization containers, run in order before the app containers; each must exit successfully before the next starts. Cannot be updated.', { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    nodeName: str('Requests scheduling onto this node. Set by the scheduler (through the binding subresource) when empty; it cannot be changed once set.'),
    nodeSelector: stringMap("A selector that must be true for the pod to fit on a node: the node's labels must match.", { 'x-kubernetes-map-type': 'atomic' }),
    os: opt(PodOS, 'The OS of the containers in the pod. Restricts which other fields may be set.'),
    overhead: resourceList('Resource overhead of running the pod for its runtime class; set by the RuntimeClass admission controller.'),
    preemptionPolicy: enumField(['PreemptLowerPriority', 'Never'], 'Policy for preempting pods with lower priority: Never or PreemptLowerPriority. Defaults to PreemptLowerPriority.'),
    priority: int32("The priority value; populated from priorityClassName by the Priority admission controller. The higher, the more important."),
    priorityClassName: str('The name of a PriorityClass; "system-node-critical" and "system-cluster-critical" are special. Without one, the pod priority is the default (zero).'),
    readinessGates: list(PodReadinessGate, 'Conditions that must all be True (beside the containers being ready) for the pod to be ready.'),
    resourceClaims: list(PodResourceClaim, 'ResourceClaims the pod needs, by name. Cannot be updated.', { keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
    resources: opt(ResourceRequirements, 'Total resources for the whole pod (pod-level resources): cpu and memory only.'),
    restartPolicy: defaultedEnum(['Always', 'OnFailure', 'Never'], 'Restart policy for all containers in the pod: Always, OnFailure or Never. Defaults to Always.'),
    runtimeClassName: str('The RuntimeClass used to run the pod.'),
    schedulerName: str('The scheduler to dispatch the pod. Defaults to "default-scheduler".'),
    schedulingGates: list(PodSchedulingGate, 'Gates that block scheduling while present. Can only be removed, and only before scheduling.', { keys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    securityContext: opt(PodSecurityContext, 'Pod-level security attributes and common container settings. Defaults to empty.'),
    serviceAccount: str('Deprecated alias for serviceAccountName.'),
    serviceAccountName: str('Name of the ServiceAccount the pod runs as. Defaults to "default".'),
    setHostnameAsFQDN: bool("If true, the pod's hostname is its FQDN rather than the leaf name. Defaults to false."),
    shareProcessNamespace: bool('Share a single process namespace between all containers of the pod. Defaults to false.'),
    subdomain: str('If set, the fully qualified hostname is "<hostname>.<subdomain>.<namespace>.svc.<cluster domain>".'),
    terminationGracePeriodSeconds: int64('Seconds the pod needs to terminate gracefully; the time between SIGTERM and SIGKILL. Defaults to 30. 0 means kill immediately.'),
    tolerations: list(Toleration, "The pod's tolerations."),
    topologySpreadConstraints: list(TopologySpreadConstraint, 'How a group of pods ought to spread across topology domains.', { keys: ['topologyKey', 'whenUnsatisfiable'], mergeKey: 'topologyKey', strategy: 'merge' }),
    volumes: list(Volume, 'Volumes that containers of the pod can mount.', { keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
  }),
);

export const PodTemplateSpec = component(
  c('PodTemplateSpec'),
  'PodTemplateSpec describes the pods that will be created from a template.',
  z.strictObject({
    metadata: objectMeta(),
    spec: opt(PodSpec, 'Specification of the desired behavior of the pod.'),
  }),
);

// ---- status ---------------------------------------------------------------------------------

export const PodCondition = component(
  c('PodCondition'),
  'PodCondition is one aspect of the state of a pod.',
  z.strictObject({
    lastProbeTime: opt(Time, 'Last time the condition was probed.'),
    lastTransitionTime: opt(Time, 'Last time the condition went from one status to another.'),
    message: str('Human-readable details about the last transition.'),
    observedGeneration: int64('The .metadata.generation the condition was set against.'),
    reason: str('Unique, one-word, CamelCase reason for the last transition.'),
    status: req(oneOf(['True', 'False', 'Unknown']), 'Status of the condition: True, False or Unknown.'),
    type: reqStr('Type of the condition, e.g. PodScheduled, Initialized, ContainersReady, Ready.'),
  }),
);

export const ContainerStateWaiting = component(
  c('ContainerStateWaiting'),
  'A container that is waiting.',
  z.strictObject({
    message: str('Why the container is not yet running.'),
    reason: str('Brief reason the container is not yet running, e.g. ContainerCreating or CrashLoopBackOff.'),
  }),
);

export const ContainerStateRunning = component(
  c('ContainerStateRunning'),
  'A container that is running.',
  z.strictObject({ startedAt: opt(Time, 'When the container was last (re-)started.') }),
);

export const ContainerStateTerminated = component(
  c('ContainerStateTerminated'),
  'A container that has terminated.',
  z.strictObject({
    containerID: str("The container's ID, as '<type>://<container_id>'."),
    exitCode: reqInt32('Exit status from the last termination of the container.'),
    finishedAt: opt(Time, 'When the container last terminated.'),
    message: str('Message about the last termination.'),
    reason: str('Brief reason for the last termination, e.g. Completed, Error or OOMKilled.'),
    signal: int32('Signal from the last termination.'),
    startedAt: opt(Time, 'When the previous execution of the container started.'),
  }),
);

export const ContainerState = component(
  c('ContainerState'),
  'The state of a container: only one member may be set. Defaults to waiting.',
  z.strictObject({
    running: opt(ContainerStateRunning, 'Details about a running container.'),
    terminated: opt(ContainerStateTerminated, 'Details about a terminated container.'),
    waiting: opt(ContainerStateWaiting, 'Details about a waiting container.'),
  }),
);

export const ResourceHealth = component(
  c('ResourceHealth'),
  'The health of one device of a resource.',
  z.strictObject({
    health: str('Healthy, Unhealthy or Unknown.'),
    resourceID: reqStr('Unique identifier of the device.'),
  }),
);

export const ResourceStatus = component(
  c('ResourceStatus'),
  'The health of the devices allocated to a container for one resource.',
  z.strictObject({
    name: reqStr('Name of the resource: a resource name or claim:<claim>/<request>.'),
    resources: list(ResourceHealth, 'The health of each device.', { keys: ['resourceID'] }),
  }),
);

export const LinuxContainerUser = component(
  c('LinuxContainerUser'),
  'The identity of the first process of a Linux container.',
  z.strictObject({
    gid: req(z.int(), 'The primary GID.'),
    supplementalGroups: list(z.int(), 'The supplemental groups.'),
    uid: req(z.int(), 'The UID.'),
  }),
);

export const ContainerUser = component(
  c('ContainerUser'),
  'The identity the container process runs as.',
  z.strictObject({ linux: opt(LinuxContainerUser, 'The Linux identity.') }),
);

export const VolumeMountStatus = component(
  c('VolumeMountStatus'),
  'The status of a volume mount.',
  z.strictObject({
    mountPath: reqStr('The mount path.'),
    name: reqStr('The volume name.'),
    readOnly: bool('Whether the mount is read-only.'),
    recursiveReadOnly: str('Whether the read-only mount is recursive: Disabled, Enabled.'),
  }),
);

export const ContainerStatus = component(
  c('ContainerStatus'),
  'ContainerStatus is the current status of a container.',
  z.strictObject({
    allocatedResources: resourceList('Compute resources allocated to the container by the node.'),
    allocatedResourcesStatus: list(ResourceStatus, 'The health of the allocated devices.', { keys: ['name'] }),
    containerID: str("The container's ID, as '<type>://<container_id>'."),
    image: reqStr('The image the container runs.'),
    imageID: reqStr("The image's ID."),
    lastState: opt(ContainerState, "Details about the container's last termination."),
    name: reqStr('The name of the container in the pod spec.'),
    ready: req(z.boolean(), 'Whether the container passes its readiness probe.'),
    resources: opt(ResourceRequirements, 'The resources actually configured for the container.'),
    restartCount: reqInt32('How many times the container has been restarted.'),
    started: bool('Whether the container has finished its postStart hook and passed its startup probe.'),
    state: opt(ContainerState, "Details about the container's current condition."),
    stopSignal: str('The signal that stops the container.'),
    user: opt(ContainerUser, 'The identity the container runs as.'),
    volumeMounts: list(VolumeMountStatus, 'The status of the volume mounts.', { keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }),
  }),
);

export const HostIP = component(c('HostIP'), 'An IP address of the host.', z.strictObject({ ip: reqStr('The IP address.') }));
export const PodIP = component(c('PodIP'), 'An IP address of the pod.', z.strictObject({ ip: reqStr('The IP address.') }));

export const PodResourceClaimStatus = component(
  c('PodResourceClaimStatus'),
  'The ResourceClaim generated for a PodResourceClaim that uses a template.',
  z.strictObject({
    name: reqStr('Matches the name in pod.spec.resourceClaims.'),
    resourceClaimName: str('Name of the generated ResourceClaim.'),
  }),
);

export const ContainerExtendedResourceRequest = component(
  c('ContainerExtendedResourceRequest'),
  'Maps an extended resource of a container to a request of the extended resource claim.',
  z.strictObject({
    containerName: reqStr('Name of the container.'),
    requestName: reqStr('Name of the request in the claim.'),
    resourceName: reqStr('Name of the extended resource.'),
  }),
);

export const PodExtendedResourceClaimStatus = component(
  c('PodExtendedResourceClaimStatus'),
  'The ResourceClaim created for the extended resources of a pod.',
  z.strictObject({
    requestMappings: reqList(ContainerExtendedResourceRequest, 'Maps container resources to claim requests.'),
    resourceClaimName: reqStr('Name of the claim.'),
  }),
);

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

export const PodStatus = component(
  c('PodStatus'),
  'PodStatus is the most recently observed status of a pod.',
  z.strictObject({
    conditions: list(PodCondition, 'Current service state of the pod.', { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    containerStatuses: list(ContainerStatus, 'Statuses of the containers, one per container in the spec.'),
    ephemeralContainerStatuses: list(ContainerStatus, 'Statuses of the ephemeral containers.'),
    extendedResourceClaimStatus: opt(PodExtendedResourceClaimStatus, 'The claim for the extended resources of the pod.'),
    hostIP: str('The IP address of the host the pod is assigned to.'),
    hostIPs: list(HostIP, 'The IP addresses of the host; index 0 matches hostIP.', { keys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    initContainerStatuses: list(ContainerStatus, 'Statuses of the init containers.'),
    message: str('A human readable message about why the pod is in this condition.'),
    nominatedNodeName: str('Set when this pod preempts pods on a node and waits for them to terminate.'),
    observedGeneration: int64('The .metadata.generation this status was set against.'),
    phase: opt(oneOf(POD_PHASES), 'A high-level summary of where the pod is in its lifecycle: Pending, Running, Succeeded, Failed or Unknown.'),
    podIP: str('The IP address allocated to the pod; empty if not yet allocated.'),
    podIPs: list(PodIP, 'The IP addresses allocated to the pod; index 0 matches podIP.', { keys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    qosClass: opt(oneOf(['BestEffort', 'Burstable', 'Guaranteed']), 'The Quality of Service class, from the resource requirements: BestEffort, Burstable or Guaranteed.'),
    reason: str('A brief CamelCase reason for the pod state, e.g. Evicted.'),
    resize: str('Deprecated: status of a requested resize.'),
    resourceClaimStatuses: list(PodResourceClaimStatus, 'Status of the resource claims.', { keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
    startTime: opt(Time, 'When the kubelet acknowledged the pod, before its images were pulled.'),
  }),
);

export const Pod = component(
  c('Pod'),
  'Pod is a collection of containers that can run on a host. Clients create it; a scheduler binds it to a node.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(PodSpec, 'Specification of the desired behavior of the pod.'),
    status: opt(PodStatus, 'Most recently observed status of the pod. Populated by the system. Read-only.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }] },
);

export type Pod = z.infer<typeof Pod>;
export type PodSpec = z.infer<typeof PodSpec>;
export type PodStatus = z.infer<typeof PodStatus>;
export type PodTemplateSpec = z.infer<typeof PodTemplateSpec>;
export type Container = z.infer<typeof Container>;
export type EphemeralContainer = z.infer<typeof EphemeralContainer>;
export type ContainerPort = z.infer<typeof ContainerPort>;
export type ContainerStatus = z.infer<typeof ContainerStatus>;
export type PodCondition = z.infer<typeof PodCondition>;
export type Probe = z.infer<typeof Probe>;
export type Volume = z.infer<typeof Volume>;
export type VolumeMount = z.infer<typeof VolumeMount>;
export type Toleration = z.infer<typeof Toleration>;
export type Affinity = z.infer<typeof Affinity>;
export type NodeSelectorRequirement = z.infer<typeof NodeSelectorRequirement>;
export type PodAffinityTerm = z.infer<typeof PodAffinityTerm>;
export type TopologySpreadConstraint = z.infer<typeof TopologySpreadConstraint>;
export type ResourceRequirements = z.infer<typeof ResourceRequirements>;
export type EnvVar = z.infer<typeof EnvVar>;
export type ObjectReference = z.infer<typeof ObjectReference>;
