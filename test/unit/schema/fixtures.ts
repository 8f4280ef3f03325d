/** Valid objects of every served kind, as clients send them, for the schema tests. */
import { findByKind, type ResourceType } from '#lib/core/resources.ts';

export const type = (apiVersion: string, kind: string): ResourceType => {
  const t = findByKind(apiVersion, kind);
  if (!t) throw new Error(`no type ${apiVersion}/${kind}`);
  return t;
};

export const POD = type('v1', 'Pod');
export const DEPLOYMENT = type('apps/v1', 'Deployment');
export const REPLICASET = type('apps/v1', 'ReplicaSet');
export const SERVICE = type('v1', 'Service');
export const NODE = type('v1', 'Node');
export const NAMESPACE = type('v1', 'Namespace');
export const CONFIGMAP = type('v1', 'ConfigMap');
export const SECRET = type('v1', 'Secret');
export const SERVICEACCOUNT = type('v1', 'ServiceAccount');
export const EVENT = type('v1', 'Event');
export const ENDPOINTS = type('v1', 'Endpoints');
export const LEASE = type('coordination.k8s.io/v1', 'Lease');
export const ENDPOINTSLICE = type('discovery.k8s.io/v1', 'EndpointSlice');
export const PDB = type('policy/v1', 'PodDisruptionBudget');

type Obj = Record<string, unknown>;

export const pod = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
});

/** A pod using most of PodSpec, the way a Helm chart or a controller writes it. */
export const richPod = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'rich',
    namespace: 'apps',
    labels: { 'app.kubernetes.io/name': 'rich', tier: 'backend' },
    annotations: { 'example.com/owner': 'team-a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rich-abc', uid: '1234', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/cleanup'],
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } }],
    creationTimestamp: null,
  },
  spec: {
    initContainers: [
      { name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] },
      { name: 'sidecar', image: 'envoy:1.30', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 9901 } } },
    ],
    containers: [{
      name: 'app',
      image: 'registry.example.com:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      imagePullPolicy: 'IfNotPresent',
      args: ['--port=8080'],
      workingDir: '/srv',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090 }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
        { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
      ],
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'db', optional: true } }],
      resources: { limits: { cpu: 1, memory: '512Mi' }, requests: { cpu: '250m', memory: 268435456 } },
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'config', mountPath: '/etc/app', readOnly: true },
        { name: 'token', mountPath: '/var/run/token' },
        { name: 'info', mountPath: '/etc/podinfo' },
      ],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 5, periodSeconds: 10 },
      readinessProbe: { grpc: { port: 9090 } },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30 },
      lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['true'] } } },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      stdin: false,
      tty: false,
    }],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'config', configMap: { name: 'cfg', items: [{ key: 'app.yaml', path: 'app.yaml' }] } },
      { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault' } }, { configMap: { name: 'ca' } }] } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'secret', secret: { secretName: 'db', defaultMode: 0o400 } },
    ],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'rich' } }, topologyKey: 'kubernetes.io/hostname' } }],
      },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['cache'] }] }, topologyKey: 'topology.kubernetes.io/zone' }] },
    },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'backend', effect: 'NoSchedule' }, { operator: 'Exists' }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'rich' } } }],
    nodeSelector: { 'kubernetes.io/arch': 'amd64' },
    serviceAccountName: 'rich',
    automountServiceAccountToken: false,
    restartPolicy: 'Always',
    dnsPolicy: 'None',
    dnsConfig: { nameservers: ['10.0.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
    hostname: 'rich-0',
    subdomain: 'rich',
    priorityClassName: 'high',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 60,
    activeDeadlineSeconds: 3600,
    readinessGates: [{ conditionType: 'example.com/ready' }],
    securityContext: { fsGroup: 2000, runAsNonRoot: true, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }], supplementalGroups: [3000] },
    imagePullSecrets: [{ name: 'regcred' }],
    hostAliases: [{ ip: '10.1.2.3', hostnames: ['db.local'] }],
    overhead: { cpu: '10m' },
    os: { name: 'linux' },
    shareProcessNamespace: false,
    enableServiceLinks: false,
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', lastProbeTime: null }],
    containerStatuses: [{
      name: 'app', image: 'app', imageID: 'sha256:abc', ready: true, restartCount: 0, started: true,
      state: { running: { startedAt: '2024-01-01T00:00:05Z' } }, lastState: {}, containerID: 'containerd://abc',
    }],
    hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }], podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }],
    qosClass: 'Burstable', startTime: '2024-01-01T00:00:00Z',
  },
});

/** What `kubectl create deployment web --image=nginx` sends. */
export const deployment = (): Obj => ({
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
    },
    strategy: {},
  },
  status: {},
});

export const replicaSet = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'default', labels: { app: 'web', 'pod-template-hash': 'abc' }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } },
    template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  },
  status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 },
});

export const service = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
});

export const node = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'aws:///eu-west-1a/i-123', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
  status: {
    capacity: { cpu: '4', memory: '16Gi', pods: '110' },
    allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'node-1' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Linux', containerRuntimeVersion: 'containerd://1.7',
      kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
    },
    images: [{ names: ['nginx:1.27'], sizeBytes: 1000 }],
  },
});

export const namespace = (): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
export const configMap = (): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'app.yaml': 'a: 1', COLOR: 'blue' }, binaryData: { logo: 'iVBORw0KGgo=' } });
export const secret = (): Obj => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' }, stringData: { user: 'admin' } });
export const serviceAccount = (): Obj => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'rich' }, imagePullSecrets: [{ name: 'regcred' }], automountServiceAccountToken: false });

/** A core/v1 Event as kubelet and controllers (client-go's event recorder) write them. */
export const event = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.17a1b2c3d4e5f6a7', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', resourceVersion: '42', fieldPath: 'spec.containers{nginx}' },
  reason: 'Pulled',
  message: 'Container image "nginx" already present on machine',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:00:00Z',
  count: 1,
  type: 'Normal',
  eventTime: null,
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
});

/** A new-style (events.k8s.io semantics) Event written through core/v1, as the scheduler does. */
export const seriesEvent = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.17a1b2c3d4e5f6a8', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' },
  eventTime: '2024-01-01T00:00:00.123456Z',
  series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
  reportingComponent: 'default-scheduler',
  reportingInstance: 'default-scheduler-node-1',
  action: 'Scheduling',
  reason: 'FailedScheduling',
  message: '0/1 nodes are available',
  type: 'Warning',
});

export const endpoints = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web' },
  subsets: [{ addresses: [{ ip: '10.1.0.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' } }], ports: [{ port: 8080 }] }],
});

export const lease = (): Obj => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node-1', namespace: 'kube-node-lease' },
  spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.000000Z', acquireTime: '2024-01-01T00:00:00.000000Z', leaseTransitions: 0 },
});

export const endpointSlice = (): Obj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { generateName: 'web-', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.1.0.5'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      zone: 'zone-a',
      hints: { forZones: [{ name: 'zone-a' }] },
      targetRef: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
    },
    { addresses: ['10.1.0.6'], conditions: { ready: false }, hostname: 'web-1' },
  ],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }, { name: 'metrics', port: 9090 }],
});

export const podDisruptionBudget = (): Obj => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default' },
  spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  status: {
    currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: 1,
    disruptedPods: { 'web-1': '2026-01-01T00:00:00Z' },
    conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 }],
  },
});

/** Every served kind with a valid object. */
export const VALID: [ResourceType, () => Obj][] = [
  [POD, pod], [POD, richPod], [DEPLOYMENT, deployment], [REPLICASET, replicaSet], [SERVICE, service], [NODE, node], [NAMESPACE, namespace],
  [CONFIGMAP, configMap], [SECRET, secret], [SERVICEACCOUNT, serviceAccount], [EVENT, event], [EVENT, seriesEvent], [ENDPOINTS, endpoints], [LEASE, lease],
  [ENDPOINTSLICE, endpointSlice], [PDB, podDisruptionBudget],
];

/** Sets a value at a dotted path (`spec.template.spec.containers.0.image`) in a copy. */
export function set(obj: Obj, path: string, value: unknown): Obj {
  const copy = structuredClone(obj);
  const parts = path.split('.');
  let cur: Record<string, unknown> = copy;
  parts.slice(0, -1).forEach((p, i) => {
    if (cur[p] === undefined) cur[p] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    cur = cur[p] as Record<string, unknown>;
  });
  const last = parts[parts.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}
