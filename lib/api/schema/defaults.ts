/**
 * The defaults kube-apiserver fills in (the defaults.go of each API group), plus the pure parts of the
 * admission plugins every cluster runs (ServiceAccount, DefaultTolerationSeconds, Priority) and
 * the v1 conversion quirks (serviceAccount mirrors serviceAccountName, Secret stringData is merged
 * into data). Every function mutates the object it is given; `applyDefaults` copies first.
 * All of them are idempotent.
 */
import type { Deployment, ReplicaSet } from './apps.ts';
import type { Endpoints, Namespace, Node, Secret, Service } from './core.ts';
import type { EndpointSlice } from './discovery.ts';
import type {
  Container, EphemeralContainer, PodSpec, PodTemplateSpec, Probe, Volume,
} from './pod.ts';

type Pod = { spec?: PodSpec; metadata?: { name?: string } };
type Handler = { httpGet?: { path?: string; scheme?: string } };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

/** The tag kube's image parser reports: "latest" when neither tag nor digest is given. */
function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon >= 0) return last.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHandler(h: Handler | undefined): void {
  if (!isObj(h) || !isObj(h.httpGet)) return;
  if (!h.httpGet.path) h.httpGet.path = '/';
  if (!h.httpGet.scheme) h.httpGet.scheme = 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!isObj(p)) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHandler(p);
}

function defaultFieldRef(ref: { apiVersion?: string } | undefined): void {
  if (isObj(ref) && !ref.apiVersion) ref.apiVersion = 'v1';
}

export function defaultContainer(c: Container | EphemeralContainer): void {
  if (!isObj(c)) return;
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  // A Go struct, not a pointer: kube always serializes it.
  if (!isObj(c.resources)) c.resources = {};
  for (const p of arr(c.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
  for (const e of arr(c.env)) defaultFieldRef(e?.valueFrom?.fieldRef);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

const VOLUME_MODE = 0o644;

export function defaultVolume(v: Volume): void {
  if (!isObj(v)) return;
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  if (isObj(v.secret) && v.secret.defaultMode === undefined) v.secret.defaultMode = VOLUME_MODE;
  if (isObj(v.configMap) && v.configMap.defaultMode === undefined) v.configMap.defaultMode = VOLUME_MODE;
  if (isObj(v.downwardAPI)) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = VOLUME_MODE;
    for (const item of arr(v.downwardAPI.items)) defaultFieldRef(item?.fieldRef);
  }
  if (isObj(v.projected)) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = VOLUME_MODE;
    for (const s of arr(v.projected.sources)) {
      if (isObj(s?.serviceAccountToken) && s.serviceAccountToken.expirationSeconds === undefined) s.serviceAccountToken.expirationSeconds = 3600;
      for (const item of arr(s?.downwardAPI?.items)) defaultFieldRef(item?.fieldRef);
    }
  }
  if (isObj(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isObj(v.iscsi) && !v.iscsi.iscsiInterface) v.iscsi.iscsiInterface = 'default';
  const pvc = v.ephemeral?.volumeClaimTemplate?.spec;
  if (isObj(pvc) && !pvc.volumeMode) pvc.volumeMode = 'Filesystem';
}

/** SetDefaults_PodSpec and everything under it: what Deployment/ReplicaSet templates get too. */
export function defaultPodSpec(spec: PodSpec): void {
  if (!isObj(spec)) return;
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  for (const c of arr(spec.initContainers)) defaultContainer(c);
  for (const c of arr(spec.containers)) defaultContainer(c);
  for (const c of arr(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of arr(spec.volumes)) defaultVolume(v);
  // The v1 conversion keeps the deprecated serviceAccount field mirroring serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

/** Defaults for a pod template (Deployment, ReplicaSet): the PodSpec defaults only. */
export function podTemplateDefaults<T extends PodTemplateSpec | undefined>(template: T): T {
  if (isObj(template) && isObj(template.spec)) defaultPodSpec(template.spec);
  return template;
}

const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

/**
 * SetDefaults_Pod, then the defaults of the ServiceAccount and Priority admission plugins (they only
 * ever apply to pods). DefaultTolerationSeconds, which is configurable, runs in admission
 * (lib/api/admission.ts).
 */
export function defaultPod(pod: Pod): void {
  if (!isObj(pod.spec)) pod.spec = {} as PodSpec;
  const spec = pod.spec;
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
    const r = c?.resources;
    if (isObj(r) && isObj(r.limits)) {
      r.requests = isObj(r.requests) ? r.requests : {};
      for (const [k, v] of Object.entries(r.limits)) if (!(k in r.requests)) r.requests[k] = v;
    }
  }
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  if (spec.hostNetwork) {
    for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
      for (const p of arr(c?.ports)) if (isObj(p) && !p.hostPort) p.hostPort = p.containerPort;
    }
  }
  // ServiceAccount admission.
  if (!spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccountName = 'default';
  defaultPodSpec(spec);
  // Priority admission (a PriorityClass other than the built-in ones needs a lookup: left to admission).
  if (spec.priority === undefined) {
    if (!spec.priorityClassName) spec.priority = 0;
    else if (spec.priorityClassName in SYSTEM_PRIORITIES) spec.priority = SYSTEM_PRIORITIES[spec.priorityClassName];
  }
  if (!spec.preemptionPolicy) spec.preemptionPolicy = 'PreemptLowerPriority';
}

function defaultWorkloadTemplate(spec: { template?: PodTemplateSpec } | undefined): void {
  if (isObj(spec)) podTemplateDefaults(spec.template);
}

export function defaultDeployment(d: Deployment): void {
  if (!isObj(d.spec)) return;
  const spec = d.spec;
  if (spec.replicas === undefined) spec.replicas = 1;
  if (!isObj(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isObj(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    if (strategy.rollingUpdate.maxUnavailable === undefined) strategy.rollingUpdate.maxUnavailable = '25%';
    if (strategy.rollingUpdate.maxSurge === undefined) strategy.rollingUpdate.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  defaultWorkloadTemplate(spec);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  if (!isObj(rs.spec)) return;
  if (rs.spec.replicas === undefined) rs.spec.replicas = 1;
  defaultWorkloadTemplate(rs.spec);
}

export function defaultService(svc: Service): void {
  if (!isObj(svc.spec)) svc.spec = {};
  const spec = svc.spec;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of arr(spec.ports)) {
    if (!isObj(p)) continue;
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
  if (external && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName') {
    if (!spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
    // Assigned by the IP allocator in kube; a single-stack IPv4 cluster always ends up with these.
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
    if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = [spec.clusterIP?.includes(':') ? 'IPv6' : 'IPv4'];
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  for (const ing of arr(svc.status?.loadBalancer?.ingress)) if (isObj(ing) && ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
}

export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (name) {
    ns.metadata!.labels = { ...(ns.metadata!.labels ?? {}), 'kubernetes.io/metadata.name': name };
  }
  // Set on create by kube's namespace strategy; only when absent so the finalize subresource can empty it.
  if (!isObj(ns.spec)) ns.spec = {};
  if (ns.spec.finalizers === undefined) ns.spec.finalizers = ['kubernetes'];
  if (!isObj(ns.status)) ns.status = {};
  if (!ns.status.phase) ns.status.phase = 'Active';
}

export function defaultSecret(s: Secret): void {
  if (!s.type) s.type = 'Opaque';
  if (isObj(s.stringData)) {
    s.data = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
}

export function defaultEndpoints(ep: Endpoints): void {
  for (const s of arr(ep.subsets)) for (const p of arr(s?.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
}

/** SetDefaults_EndpointPort: a port's name defaults to "" and its protocol to TCP. */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const p of arr(slice.ports)) {
    if (!isObj(p)) continue;
    p.name ??= '';
    if (!p.protocol) p.protocol = 'TCP';
  }
}

export function defaultNode(node: Node): void {
  const st = node.status;
  if (isObj(st) && st.allocatable === undefined && isObj(st.capacity)) st.allocatable = { ...st.capacity };
}
