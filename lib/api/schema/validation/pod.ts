/**
 * PodSpec validation: the parts of kube's ValidatePodSpec that clients trip over, with kube's
 * field paths and messages. Runs on defaulted objects, as kube's does.
 */
import type {
  Affinity, Container, ContainerPort, EnvVar, EphemeralContainer, NodeSelectorRequirement, PodAffinityTerm, PodSpec, PodTemplateSpec, Probe,
  ResourceRequirements, Toleration, TopologySpreadConstraint, Volume,
} from '../pod.ts';
import { VOLUME_SOURCES } from '../pod.ts';
import {
  type FieldError, type FieldPath, duplicate, forbidden, invalid, invalidEach, notFound, notSupported, required,
} from './errors.ts';
import { validateAnnotations, validateLabelSelector, validateLabels } from './meta.ts';
import {
  inclusiveRangeError, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidIP, isValidLabelValue,
  isValidPortName, isValidPortNum, quantityValue,
} from './names.ts';

export interface PodSpecRules {
  /** A template inside a Deployment/ReplicaSet rather than a Pod. */
  template: boolean;
}

const MAX_INT32 = 2147483647;
const nonNegative = (path: FieldPath, v: number | undefined): FieldError[] =>
  v !== undefined && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];

export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: FieldPath, rules: PodSpecRules): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(t?.metadata?.labels, path.child('metadata', 'labels')));
  errs.push(...validateAnnotations(t?.metadata?.annotations, path.child('metadata', 'annotations')));
  errs.push(...validatePodSpec(t?.spec, path.child('spec'), rules));
  return errs;
}

export function validatePodSpec(specIn: PodSpec | undefined, path: FieldPath, rules: PodSpecRules): FieldError[] {
  const spec: Partial<PodSpec> = specIn ?? {};
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes ?? [], path.child('volumes'), errs);

  const names = new Set<string>();
  const hostPorts = new Set<string>();
  const containers = spec.containers ?? [];
  if (containers.length === 0) errs.push(required(path.child('containers')));
  (spec.initContainers ?? []).forEach((c, i) => {
    errs.push(...validateContainer(c, path.child('initContainers').index(i), { kind: 'init', volumes, names, hostPorts, spec, rules }));
  });
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, path.child('containers').index(i), { kind: 'regular', volumes, names, hostPorts, spec, rules }));
  });
  (spec.ephemeralContainers ?? []).forEach((c, i) => {
    errs.push(...validateContainer(c, path.child('ephemeralContainers').index(i), { kind: 'ephemeral', volumes, names, hostPorts, spec, rules }));
  });

  if (rules.template && spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    errs.push(notSupported(path.child('restartPolicy'), spec.restartPolicy, ['Always']));
  }
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) {
    errs.push(required(path.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  if (spec.dnsConfig) {
    const ns = spec.dnsConfig.nameservers ?? [];
    if (ns.length > 3) errs.push(invalid(path.child('dnsConfig', 'nameservers'), ns, 'must not have more than 3 nameservers'));
    ns.forEach((ip, i) => errs.push(...invalidEach(path.child('dnsConfig', 'nameservers').index(i), ip, isValidIP(ip))));
    if (spec.dnsPolicy === 'None' && ns.length === 0) {
      errs.push(required(path.child('dnsConfig', 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
    }
  }
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  if (spec.serviceAccountName) errs.push(...invalidEach(path.child('serviceAccountName'), spec.serviceAccountName, isDNS1123Subdomain(spec.serviceAccountName)));
  if (spec.nodeName) errs.push(...invalidEach(path.child('nodeName'), spec.nodeName, isDNS1123Subdomain(spec.nodeName)));
  if (spec.priorityClassName) errs.push(...invalidEach(path.child('priorityClassName'), spec.priorityClassName, isDNS1123Subdomain(spec.priorityClassName)));
  if (spec.hostname) errs.push(...invalidEach(path.child('hostname'), spec.hostname, isDNS1123Label(spec.hostname)));
  if (spec.subdomain) errs.push(...invalidEach(path.child('subdomain'), spec.subdomain, isDNS1123Label(spec.subdomain)));
  if (spec.activeDeadlineSeconds !== undefined) {
    if (rules.template) {
      errs.push(forbidden(path.child('activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
    } else if (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > MAX_INT32) {
      errs.push(invalid(path.child('activeDeadlineSeconds'), spec.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
    }
  }
  (spec.tolerations ?? []).forEach((t, i) => errs.push(...validateToleration(t, path.child('tolerations').index(i))));
  if (spec.affinity) errs.push(...validateAffinity(spec.affinity, path.child('affinity')));
  errs.push(...validateTopologySpread(spec.topologySpreadConstraints ?? [], path.child('topologySpreadConstraints')));
  (spec.readinessGates ?? []).forEach((g, i) => {
    errs.push(...invalidEach(path.child('readinessGates').index(i).child('conditionType'), g.conditionType, isQualifiedName(g.conditionType)));
  });
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i).child('name');
    errs.push(...invalidEach(p, g.name, isQualifiedName(g.name)));
    if (gates.has(g.name)) errs.push(duplicate(p, g.name));
    gates.add(g.name);
  });
  const sc = spec.securityContext;
  if (sc) {
    const p = path.child('securityContext');
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      const v = sc[f];
      if (v !== undefined && (v < 0 || v > MAX_INT32)) errs.push(invalid(p.child(f), v, inclusiveRangeError(0, MAX_INT32)));
    }
    (sc.supplementalGroups ?? []).forEach((g, i) => {
      if (g < 0 || g > MAX_INT32) errs.push(invalid(p.child('supplementalGroups').index(i), g, inclusiveRangeError(0, MAX_INT32)));
    });
  }
  (spec.hostAliases ?? []).forEach((h, i) => errs.push(...invalidEach(path.child('hostAliases').index(i).child('ip'), h.ip, isValidIP(h.ip))));
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0 && rules.template) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  errs.push(...validateResourceList(spec.overhead, path.child('overhead')));
  return errs;
}

// ---- volumes --------------------------------------------------------------------------------

function validateVolumes(volumes: Volume[], path: FieldPath, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = path.index(i);
    if (!v.name) errs.push(required(p.child('name')));
    else errs.push(...invalidEach(p.child('name'), v.name, isDNS1123Label(v.name)));
    if (v.name && names.has(v.name)) errs.push(duplicate(p.child('name'), v.name));
    names.add(v.name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    for (const s of sources.slice(1)) errs.push(forbidden(p.child(s), 'may not specify more than 1 volume type'));
    if (v.secret) {
      if (!v.secret.secretName) errs.push(required(p.child('secret', 'secretName')));
      errs.push(...validateMode(v.secret.defaultMode, p.child('secret', 'defaultMode')));
      errs.push(...validateKeyToPaths(v.secret.items ?? [], p.child('secret', 'items')));
    }
    if (v.configMap) {
      if (!v.configMap.name) errs.push(required(p.child('configMap', 'name')));
      errs.push(...validateMode(v.configMap.defaultMode, p.child('configMap', 'defaultMode')));
      errs.push(...validateKeyToPaths(v.configMap.items ?? [], p.child('configMap', 'items')));
    }
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(required(p.child('persistentVolumeClaim', 'claimName')));
    if (v.hostPath && !v.hostPath.path) errs.push(required(p.child('hostPath', 'path')));
    if (v.downwardAPI) {
      errs.push(...validateMode(v.downwardAPI.defaultMode, p.child('downwardAPI', 'defaultMode')));
      (v.downwardAPI.items ?? []).forEach((f, j) => errs.push(...validateRelativePath(f.path, p.child('downwardAPI', 'items').index(j).child('path'))));
    }
    if (v.projected) {
      errs.push(...validateMode(v.projected.defaultMode, p.child('projected', 'defaultMode')));
      (v.projected.sources ?? []).forEach((s, j) => {
        const sp = p.child('projected', 'sources').index(j);
        const set = (['clusterTrustBundle', 'configMap', 'downwardAPI', 'podCertificate', 'secret', 'serviceAccountToken'] as const).filter((k) => s[k] !== undefined);
        if (set.length === 0) errs.push(required(sp, 'must specify exactly 1 of: clusterTrustBundle, configMap, downwardAPI, podCertificate, secret, serviceAccountToken'));
        for (const k of set.slice(1)) errs.push(forbidden(sp.child(k), 'may not specify more than 1 volume type per source'));
        if (s.serviceAccountToken) {
          const e = s.serviceAccountToken.expirationSeconds;
          if (e !== undefined && e < 600) errs.push(invalid(sp.child('serviceAccountToken', 'expirationSeconds'), e, 'may not specify a duration less than 10 minutes'));
          errs.push(...validateRelativePath(s.serviceAccountToken.path, sp.child('serviceAccountToken', 'path')));
        }
        if (s.configMap) errs.push(...validateKeyToPaths(s.configMap.items ?? [], sp.child('configMap', 'items')));
        if (s.secret) errs.push(...validateKeyToPaths(s.secret.items ?? [], sp.child('secret', 'items')));
      });
    }
    if (v.emptyDir?.sizeLimit !== undefined && quantityValue(v.emptyDir.sizeLimit) < 0) {
      errs.push(invalid(p.child('emptyDir', 'sizeLimit'), v.emptyDir.sizeLimit, 'must be greater than or equal to 0'));
    }
  });
  return names;
}

function validateMode(mode: number | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')] : [];
}

function validateRelativePath(p: string, path: FieldPath): FieldError[] {
  if (!p) return [required(path)];
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  else if (p.startsWith('..')) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateKeyToPaths(items: { key: string; path: string; mode?: number }[], path: FieldPath): FieldError[] {
  return items.flatMap((it, i) => {
    const p = path.index(i);
    return [
      ...(it.key ? [] : [required(p.child('key'))]),
      ...validateRelativePath(it.path, p.child('path')),
      ...validateMode(it.mode, p.child('mode')),
    ];
  });
}

// ---- containers -----------------------------------------------------------------------------

interface ContainerContext {
  kind: 'init' | 'regular' | 'ephemeral';
  volumes: Set<string>;
  /** Container names seen so far across all container lists. */
  names: Set<string>;
  /** hostIP/hostPort/protocol triples seen so far. */
  hostPorts: Set<string>;
  spec: Partial<PodSpec>;
  rules: PodSpecRules;
}

function validateContainer(c: Container | EphemeralContainer, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child('name')));
  else errs.push(...invalidEach(path.child('name'), c.name, isDNS1123Label(c.name)));
  if (c.name && ctx.names.has(c.name)) errs.push(duplicate(path.child('name'), c.name));
  ctx.names.add(c.name);

  if (!c.image) errs.push(required(path.child('image')));
  else if (!ctx.rules.template && c.image.trim() !== c.image) errs.push(invalid(path.child('image'), c.image, 'must not have leading or trailing whitespace'));

  const sidecar = ctx.kind === 'init' && c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined) {
    if (ctx.kind === 'init') {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(path.child('restartPolicy'), c.restartPolicy, ['Always']));
    } else {
      errs.push(forbidden(path.child('restartPolicy'), `may not be set for ${ctx.kind === 'ephemeral' ? 'ephemeral' : 'non-init'} containers`));
    }
  }

  if (ctx.kind === 'ephemeral') {
    for (const f of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const) {
      if (c[f] !== undefined) errs.push(forbidden(path.child(f), 'cannot be set for an Ephemeral Container'));
    }
    const r = c.resources;
    if (r && (Object.keys(r.limits ?? {}).length || Object.keys(r.requests ?? {}).length)) {
      errs.push(forbidden(path.child('resources'), 'cannot be set for an Ephemeral Container'));
    }
    (c.volumeMounts ?? []).forEach((m, i) => {
      if (m.subPath) errs.push(forbidden(path.child('volumeMounts').index(i).child('subPath'), 'cannot be set for an Ephemeral Container'));
    });
  } else if (ctx.kind === 'init' && !sidecar) {
    for (const f of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const) {
      if (c[f] !== undefined) errs.push(forbidden(path.child(f), 'may not be set for init containers without restartPolicy=Always'));
    }
  } else {
    if (c.livenessProbe) errs.push(...validateProbe(c.livenessProbe, path.child('livenessProbe'), true));
    if (c.readinessProbe) errs.push(...validateProbe(c.readinessProbe, path.child('readinessProbe'), false));
    if (c.startupProbe) errs.push(...validateProbe(c.startupProbe, path.child('startupProbe'), true));
    if (c.lifecycle?.postStart) errs.push(...validateHandler(c.lifecycle.postStart, path.child('lifecycle', 'postStart')));
    if (c.lifecycle?.preStop) errs.push(...validateHandler(c.lifecycle.preStop, path.child('lifecycle', 'preStop')));
  }

  errs.push(...validatePorts(c.ports ?? [], path.child('ports'), ctx));
  (c.env ?? []).forEach((e, i) => errs.push(...validateEnvVar(e, path.child('env').index(i))));
  (c.envFrom ?? []).forEach((e, i) => {
    const p = path.child('envFrom').index(i);
    const set = (['configMapRef', 'secretRef'] as const).filter((k) => e[k] !== undefined);
    if (set.length === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    if (set.length > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
    if (e.prefix) errs.push(...invalidEach(p.child('prefix'), e.prefix, isEnvVarName(e.prefix)));
    for (const k of set) if (!e[k]!.name) errs.push(required(p.child(k, 'name')));
  });

  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = path.child('volumeMounts').index(i);
    if (!m.name) errs.push(required(p.child('name')));
    else if (!ctx.volumes.has(m.name)) errs.push(notFound(p.child('name'), m.name));
    if (!m.mountPath) errs.push(required(p.child('mountPath')));
    else if (mountPaths.has(m.mountPath)) errs.push(invalid(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    if (m.subPath && m.subPathExpr) errs.push(invalid(p.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    if (m.subPath) errs.push(...validateRelativePath(m.subPath, p.child('subPath')));
  });
  (c.volumeDevices ?? []).forEach((d, i) => {
    const p = path.child('volumeDevices').index(i);
    if (!ctx.volumes.has(d.name)) errs.push(notFound(p.child('name'), d.name));
    if (mountPaths.has(d.devicePath)) errs.push(invalid(p.child('devicePath'), d.devicePath, 'must not be the same as a volumeMount mountPath'));
  });

  errs.push(...validateResources(c.resources, path.child('resources')));
  const sc = c.securityContext;
  if (sc) {
    for (const f of ['runAsUser', 'runAsGroup'] as const) {
      const v = sc[f];
      if (v !== undefined && (v < 0 || v > MAX_INT32)) errs.push(invalid(path.child('securityContext', f), v, inclusiveRangeError(0, MAX_INT32)));
    }
    if (sc.privileged && sc.allowPrivilegeEscalation === false) {
      errs.push(invalid(path.child('securityContext'), sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
  }
  return errs;
}

function validatePorts(ports: ContainerPort[], path: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      errs.push(...invalidEach(p.child('name'), port.name, isValidPortName(port.name)));
      if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      names.add(port.name);
    }
    errs.push(...invalidEach(p.child('containerPort'), port.containerPort, isValidPortNum(port.containerPort)));
    if (port.hostPort) {
      errs.push(...invalidEach(p.child('hostPort'), port.hostPort, isValidPortNum(port.hostPort)));
      if (ctx.spec.hostNetwork && port.hostPort !== port.containerPort) {
        errs.push(invalid(p.child('hostPort'), port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
      const key = `${port.hostIP ?? ''}/${port.hostPort}/${port.protocol || 'TCP'}`;
      if (ctx.hostPorts.has(key)) errs.push(duplicate(p.child('hostPort'), `${port.hostPort}/${port.protocol || 'TCP'}`));
      ctx.hostPorts.add(key);
    }
    if (port.hostIP) errs.push(...invalidEach(p.child('hostIP'), port.hostIP, isValidIP(port.hostIP)));
  });
  return errs;
}

const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateEnvVar(e: EnvVar, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!e.name) errs.push(required(path.child('name')));
  else errs.push(...invalidEach(path.child('name'), e.name, isEnvVarName(e.name)));
  const from = e.valueFrom;
  if (!from) return errs;
  const p = path.child('valueFrom');
  const set = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const).filter((k) => from[k] !== undefined);
  if (e.value) errs.push(invalid(p, '', 'may not be specified when `value` is not empty'));
  if (set.length === 0) errs.push(invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (set.length > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  if (from.fieldRef) {
    const fp = from.fieldRef.fieldPath;
    const labelOrAnnotation = /^metadata\.(labels|annotations)\['[^']+'\]$/.test(fp);
    if (!fp) errs.push(required(p.child('fieldRef', 'fieldPath')));
    else if (!labelOrAnnotation && !ENV_FIELD_PATHS.includes(fp)) {
      errs.push(notSupported(p.child('fieldRef', 'fieldPath'), fp, [...ENV_FIELD_PATHS, "metadata.annotations['<KEY>']", "metadata.labels['<KEY>']"].sort()));
    }
  }
  if (from.resourceFieldRef) {
    const r = from.resourceFieldRef.resource;
    if (!RESOURCE_FIELDS.includes(r) && !/^(limits|requests)\.hugepages-/.test(r)) errs.push(notSupported(p.child('resourceFieldRef', 'resource'), r, RESOURCE_FIELDS));
  }
  for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const ref = from[k];
    if (!ref) continue;
    if (!ref.name) errs.push(required(p.child(k, 'name')));
    if (!ref.key) errs.push(required(p.child(k, 'key')));
    else errs.push(...invalidEach(p.child(k, 'key'), ref.key, isConfigMapKey(ref.key)));
  }
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

function validateProbe(probe: Probe, path: FieldPath, mustSucceedOnce: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const set = PROBE_HANDLERS.filter((h) => probe[h] !== undefined);
  if (set.length === 0) errs.push(required(path, 'must specify a handler type'));
  for (const h of set.slice(1)) errs.push(forbidden(path.child(h), 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(path.child(f), probe[f]));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(path.child('successThreshold'), probe.successThreshold, 'must be 1'));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (probe.httpGet) errs.push(...validatePortNumOrName(probe.httpGet.port, path.child('httpGet', 'port')));
  if (probe.tcpSocket) errs.push(...validatePortNumOrName(probe.tcpSocket.port, path.child('tcpSocket', 'port')));
  if (probe.grpc) errs.push(...invalidEach(path.child('grpc', 'port'), probe.grpc.port, isValidPortNum(probe.grpc.port)));
  return errs;
}

function validateHandler(h: NonNullable<NonNullable<Container['lifecycle']>['postStart']>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const set = (['exec', 'httpGet', 'tcpSocket', 'sleep'] as const).filter((k) => h[k] !== undefined);
  if (set.length === 0) errs.push(required(path, 'must specify a handler type'));
  for (const k of set.slice(1)) errs.push(forbidden(path.child(k), 'may not specify more than 1 handler type'));
  if (h.httpGet) errs.push(...validatePortNumOrName(h.httpGet.port, path.child('httpGet', 'port')));
  if (h.tcpSocket) errs.push(...validatePortNumOrName(h.tcpSocket.port, path.child('tcpSocket', 'port')));
  if (h.sleep && h.sleep.seconds < 0) errs.push(invalid(path.child('sleep', 'seconds'), h.sleep.seconds, 'must be greater than or equal to 0'));
  return errs;
}

export function validatePortNumOrName(port: number | string, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  if (port === '') return [required(path)];
  return invalidEach(path, port, isValidPortName(port));
}

// ---- resources ------------------------------------------------------------------------------

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResourceName(name: string, path: FieldPath): FieldError[] {
  if (name.includes('/')) return invalidEach(path, name, isQualifiedName(name));
  if (STANDARD_CONTAINER_RESOURCES.has(name) || name.startsWith('hugepages-')) return [];
  return [invalid(path, name, 'must be a standard resource for containers')];
}

function validateResourceList(list: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(list ?? {})) {
    const p = path.key(name);
    errs.push(...validateResourceName(name, p));
    if (quantityValue(q) < 0) errs.push(invalid(p, q, 'must be greater than or equal to 0'));
  }
  return errs;
}

function validateResources(r: ResourceRequirements | undefined, path: FieldPath): FieldError[] {
  if (!r) return [];
  const errs = [...validateResourceList(r.limits, path.child('limits')), ...validateResourceList(r.requests, path.child('requests'))];
  for (const [name, q] of Object.entries(r.requests ?? {})) {
    const limit = r.limits?.[name];
    if (limit !== undefined && quantityValue(q) > quantityValue(limit)) {
      errs.push(invalid(path.child('requests').key(name), q, `must be less than or equal to ${name} limit of ${limit}`));
    }
  }
  const claims = new Set<string>();
  (r.claims ?? []).forEach((c, i) => {
    const p = path.child('claims').index(i);
    const key = `${c.name}/${c.request ?? ''}`;
    if (claims.has(key)) errs.push(duplicate(p, key));
    claims.add(key);
  });
  return errs;
}

// ---- scheduling -----------------------------------------------------------------------------

function validateToleration(t: Toleration, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (t.key) errs.push(...invalidEach(path.child('key'), t.key, isQualifiedName(t.key)));
  if (!t.key && t.operator !== 'Exists') {
    errs.push(invalid(path.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
  }
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
    errs.push(invalid(path.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  }
  if (!t.operator || t.operator === 'Equal') {
    if (t.value) errs.push(...invalidEach(path.child('value'), t.value, isValidLabelValue(t.value)));
  } else if (t.operator === 'Exists' && t.value) {
    errs.push(invalid(path.child('operator'), t.value, 'value must be empty when `operator` is \'Exists\''));
  }
  return errs;
}

function validateNodeSelectorRequirement(r: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': case 'NotIn':
      if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt': case 'Lt':
      if (values.length !== 1) errs.push(required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      else if (!/^-?\d+$/.test(values[0])) errs.push(invalid(path.child('values').index(0), values[0], 'must be an integer'));
      break;
  }
  errs.push(...invalidEach(path.child('key'), r.key, isQualifiedName(r.key)));
  return errs;
}

function validateNodeSelectorTerm(term: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, path.child('matchExpressions').index(i))));
  (term.matchFields ?? []).forEach((r, i) => {
    const p = path.child('matchFields').index(i);
    if (r.key !== 'metadata.name') errs.push(invalid(p.child('key'), r.key, 'not a valid field selector key'));
    else if ((r.operator === 'In' || r.operator === 'NotIn') && (r.values ?? []).length !== 1) {
      errs.push(required(p.child('values'), 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
    }
  });
  return errs;
}

function validatePodAffinityTerm(t: PodAffinityTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(t.labelSelector, path.child('labelSelector')));
  errs.push(...validateLabelSelector(t.namespaceSelector, path.child('namespaceSelector')));
  (t.namespaces ?? []).forEach((ns) => errs.push(...invalidEach(path.child('namespace'), ns, isDNS1123Label(ns))));
  if (!t.topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  else errs.push(...invalidEach(path.child('topologyKey'), t.topologyKey, isQualifiedName(t.topologyKey)));
  return errs;
}

const weightError = (w: number, path: FieldPath) => (w < 1 || w > 100 ? [invalid(path, w, 'must be in the range 1-100')] : []);

function validateAffinity(a: Affinity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  if (na) {
    const p = path.child('nodeAffinity');
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (req) {
      const tp = p.child('requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
      if (req.nodeSelectorTerms.length === 0) errs.push(required(tp, 'must have at least one node selector term'));
      req.nodeSelectorTerms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, tp.index(i))));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...weightError(t.weight, tp.child('weight')));
      errs.push(...validateNodeSelectorTerm(t.preference, tp.child('preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    if (!pa) continue;
    const p = path.child(kind);
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      errs.push(...validatePodAffinityTerm(t, p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)));
    });
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...weightError(t.weight, tp.child('weight')));
      errs.push(...validatePodAffinityTerm(t.podAffinityTerm, tp.child('podAffinityTerm')));
    });
  }
  return errs;
}

function validateTopologySpread(constraints: TopologySpreadConstraint[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  constraints.forEach((c, i) => {
    const p = path.index(i);
    if (c.maxSkew <= 0) errs.push(invalid(p.child('maxSkew'), c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    else errs.push(...invalidEach(p.child('topologyKey'), c.topologyKey, isQualifiedName(c.topologyKey)));
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(invalid(p.child('minDomains'), c.minDomains, 'must be greater than 0'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(p.child('minDomains'), c.minDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"));
      }
    }
    const key = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    if (seen.has(key)) errs.push(duplicate(p, key));
    seen.add(key);
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}
