/** Per-kind semantic validation (kube's Validate<Kind>), on defaulted objects. */
import type { Deployment, ReplicaSet } from '../apps.ts';
import type { Scale } from '../autoscaling.ts';
import type { Lease } from '../coordination.ts';
import type { Binding, ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service } from '../core.ts';
import type { EndpointSlice } from '../discovery.ts';
import { type PodDisruptionBudget, UNHEALTHY_POD_EVICTION_POLICIES } from '../policy.ts';
import type { DeleteOptions, LabelSelector } from '../meta.ts';
import type { PodTemplateSpec } from '../pod.ts';
import {
  type FieldError, FieldPath, duplicate, forbidden, invalid, invalidEach, notSupported, required, tooLong, tooMany,
} from './errors.ts';
import { isEmptySelector, selectorMatches, validateLabelSelector, validateLabels, validateObjectMeta } from './meta.ts';
import {
  type NameValidator, endpointIPErrors, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isFullyQualifiedDomainName, isQualifiedName,
  isValidCIDR, isValidIP, isValidIPv4Address, isValidIPv6Address, isValidLabelValue, isValidPortNum, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain,
} from './names.ts';
import { validatePodSpec, validatePodTemplateSpec, validatePortNumOrName } from './pod.ts';

const root = (...names: string[]) => FieldPath.root(...names);
const nonNegative = (path: FieldPath, v: number | undefined): FieldError[] =>
  v !== undefined && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];

/** The name rule of each kind (ValidateXName in kube). */
export const NAME_RULES: Record<string, NameValidator> = {
  Namespace: nameIsDNSLabel,
  Service: nameIsDNS1035Label,
};
export const nameRuleOf = (kind: string): NameValidator => NAME_RULES[kind] ?? nameIsDNSSubdomain;

const meta = (obj: { metadata?: Parameters<typeof validateObjectMeta>[0] }, kind: string, namespaced: boolean) =>
  validateObjectMeta(obj.metadata, { namespaced, name: nameRuleOf(kind) });

export function validatePod(pod: Pod, namespaced = true): FieldError[] {
  return [...meta(pod, 'Pod', namespaced), ...validatePodSpec(pod.spec, root('spec'), { template: false })];
}

// ---- apps -----------------------------------------------------------------------------------

function validateSelectorAndTemplate(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, spec: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) {
    errs.push(required(spec.child('selector')));
  } else {
    errs.push(...validateLabelSelector(selector, spec.child('selector')));
    if (isEmptySelector(selector)) errs.push(invalid(spec.child('selector'), selector, 'empty selector is invalid for deployment'));
    else if (!selectorMatches(selector, template?.metadata?.labels)) {
      errs.push(invalid(spec.child('template', 'metadata', 'labels'), template?.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validatePodTemplateSpec(template, spec.child('template'), { template: true }));
  return errs;
}

const PERCENT = /^[0-9]+%$/;

function intOrPercent(v: number | string | undefined, path: FieldPath): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return nonNegative(path, v);
  if (!PERCENT.test(v)) {
    return [invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  return [];
}

const intOrPercentValue = (v: number | string | undefined) => (typeof v === 'number' ? v : v && PERCENT.test(v) ? Number(v.slice(0, -1)) : 0);

export function validateDeployment(d: Deployment, namespaced = true): FieldError[] {
  const errs = meta(d, 'Deployment', namespaced);
  const spec = d.spec ?? ({} as NonNullable<Deployment['spec']>);
  const p = root('spec');
  errs.push(...nonNegative(p.child('replicas'), spec.replicas));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, p));
  const strategy = spec.strategy ?? {};
  const sp = p.child('strategy');
  if (strategy.type === 'Recreate') {
    if (strategy.rollingUpdate) errs.push(forbidden(sp.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy.type === 'RollingUpdate' || !strategy.type) {
    const ru = strategy.rollingUpdate;
    if (ru) {
      const rp = sp.child('rollingUpdate');
      errs.push(...intOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...intOrPercent(ru.maxSurge, rp.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(rp.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      if (typeof ru.maxUnavailable === 'string' && intOrPercentValue(ru.maxUnavailable) > 100) {
        errs.push(invalid(rp.child('maxUnavailable'), ru.maxUnavailable, 'must not be greater than 100%'));
      }
    }
  }
  errs.push(...nonNegative(p.child('minReadySeconds'), spec.minReadySeconds));
  errs.push(...nonNegative(p.child('revisionHistoryLimit'), spec.revisionHistoryLimit));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative(p.child('progressDeadlineSeconds'), spec.progressDeadlineSeconds));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid(p.child('progressDeadlineSeconds'), spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  errs.push(...validateWorkloadStatus(d.status));
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet, namespaced = true): FieldError[] {
  const errs = meta(rs, 'ReplicaSet', namespaced);
  const spec = rs.spec ?? ({} as NonNullable<ReplicaSet['spec']>);
  const p = root('spec');
  errs.push(...nonNegative(p.child('replicas'), spec.replicas));
  errs.push(...nonNegative(p.child('minReadySeconds'), spec.minReadySeconds));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, p));
  errs.push(...validateWorkloadStatus(rs.status));
  return errs;
}

function validateWorkloadStatus(status: Record<string, unknown> | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'fullyLabeledReplicas', 'terminatingReplicas', 'observedGeneration']) {
    const v = status?.[f];
    if (typeof v === 'number') errs.push(...nonNegative(root('status', f), v));
  }
  return errs;
}

// ---- core -----------------------------------------------------------------------------------

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = meta(ns, 'Namespace', false);
  (ns.spec?.finalizers ?? []).forEach((f) => errs.push(...invalidEach(root('spec', 'finalizers'), f, isQualifiedName(f))));
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = meta(node, 'Node', false);
  const spec = node.spec ?? {};
  const seen = new Set<string>();
  (spec.taints ?? []).forEach((t, i) => {
    const p = root('spec', 'taints').index(i);
    errs.push(...invalidEach(p.child('key'), t.key, isQualifiedName(t.key)));
    if (t.value) errs.push(...invalidEach(p.child('value'), t.value, isValidLabelValue(t.value)));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(duplicate(p, t));
    seen.add(key);
  });
  const cidrs = spec.podCIDRs ?? [];
  if (spec.podCIDR) errs.push(...invalidEach(root('spec', 'podCIDR'), spec.podCIDR, isValidCIDR(spec.podCIDR)));
  cidrs.forEach((c, i) => errs.push(...invalidEach(root('spec', 'podCIDRs').index(i), c, isValidCIDR(c))));
  if (cidrs.length > 2) errs.push(tooMany(root('spec', 'podCIDRs'), cidrs.length, 2));
  if (spec.podCIDR && cidrs.length && cidrs[0] !== spec.podCIDR) {
    errs.push(invalid(root('spec', 'podCIDRs'), cidrs, 'the first value must match `podCIDR`'));
  }
  (node.status?.addresses ?? []).forEach((a, i) => {
    if (!a.address) errs.push(required(root('status', 'addresses').index(i).child('address')));
  });
  return errs;
}

const externallyAccessible = (s: NonNullable<Service['spec']>) =>
  s.type === 'LoadBalancer' || s.type === 'NodePort' || ((s.type === 'ClusterIP' || !s.type) && (s.externalIPs ?? []).length > 0);

export function validateService(svc: Service, namespaced = true): FieldError[] {
  const errs = meta(svc, 'Service', namespaced);
  const spec = svc.spec ?? {};
  const p = root('spec');
  const type = spec.type || 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const ports = spec.ports ?? [];

  if (type === 'ExternalName') {
    if (spec.clusterIP && spec.clusterIP !== 'None') errs.push(forbidden(p.child('clusterIP'), 'may not be set for ExternalName services'));
    if (!spec.externalName) errs.push(required(p.child('externalName')));
    else errs.push(...invalidEach(p.child('externalName'), spec.externalName, isDNS1123Subdomain(spec.externalName.replace(/\.$/, ''))));
  } else if (ports.length === 0 && !headless) {
    errs.push(required(p.child('ports')));
  }

  const names = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((port, i) => {
    const pp = p.child('ports').index(i);
    if (!port.name) {
      if (ports.length > 1) errs.push(required(pp.child('name')));
    } else {
      errs.push(...invalidEach(pp.child('name'), port.name, isDNS1123Label(port.name)));
      if (names.has(port.name)) errs.push(duplicate(pp.child('name'), port.name));
      names.add(port.name);
    }
    errs.push(...invalidEach(pp.child('port'), port.port, isValidPortNum(port.port)));
    if (port.targetPort !== undefined && !(port.targetPort === 0 || port.targetPort === '')) {
      errs.push(...validatePortNumOrName(port.targetPort, pp.child('targetPort')));
    }
    if (port.nodePort) {
      if (type === 'ClusterIP' || type === 'ExternalName') errs.push(forbidden(pp.child('nodePort'), `may not be used when \`type\` is '${type}'`));
      else errs.push(...invalidEach(pp.child('nodePort'), port.nodePort, isValidPortNum(port.nodePort)));
    }
    if (port.appProtocol) errs.push(...invalidEach(pp.child('appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));
    const key = `${port.port}/${port.protocol || 'TCP'}`;
    if (portKeys.has(key)) errs.push(duplicate(pp, { port: port.port, protocol: port.protocol || 'TCP' }));
    portKeys.add(key);
  });

  if (spec.clusterIP && spec.clusterIP !== 'None' && type !== 'ExternalName') {
    errs.push(...invalidEach(p.child('clusterIPs').index(0), spec.clusterIP, isValidIP(spec.clusterIP)));
  }
  const ips = spec.clusterIPs ?? [];
  if (ips.length) {
    if (spec.clusterIP !== undefined && spec.clusterIP !== '' && ips[0] !== spec.clusterIP) {
      errs.push(invalid(p.child('clusterIPs').index(0), ips, 'must match `clusterIP` when both are specified'));
    }
    if (ips.length > 2) errs.push(tooMany(p.child('clusterIPs'), ips.length, 2));
    ips.slice(1).forEach((ip, i) => errs.push(...invalidEach(p.child('clusterIPs').index(i + 1), ip, isValidIP(ip))));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => errs.push(...invalidEach(p.child('externalIPs').index(i), ip, isValidIP(ip))));
  (spec.loadBalancerSourceRanges ?? []).forEach((r, i) => errs.push(...invalidEach(p.child('loadBalancerSourceRanges').index(i), r, isValidCIDR(r.trim()))));
  errs.push(...validateLabels(spec.selector, p.child('selector')));

  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t !== undefined && (t <= 0 || t > 86400)) {
      errs.push(invalid(p.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), t, 'must be greater than 0 and less than 86400'));
    }
  } else if (spec.sessionAffinityConfig) {
    errs.push(invalid(p.child('sessionAffinityConfig'), spec.sessionAffinityConfig, `must not be set when session affinity is ${spec.sessionAffinity || 'None'}`));
  }
  if (spec.externalTrafficPolicy && !externallyAccessible(spec)) {
    errs.push(invalid(p.child('externalTrafficPolicy'), spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  }
  if (spec.healthCheckNodePort && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    errs.push(invalid(p.child('healthCheckNodePort'), spec.healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(forbidden(p.child('allocateLoadBalancerNodePorts'), 'may only be used when `type` is \'LoadBalancer\''));
  }
  if (spec.loadBalancerClass !== undefined && type !== 'LoadBalancer') {
    errs.push(forbidden(p.child('loadBalancerClass'), 'may only be used when service type is \'LoadBalancer\''));
  }
  const families = spec.ipFamilies ?? [];
  families.forEach((f, i) => {
    if (families.indexOf(f) !== i) errs.push(duplicate(p.child('ipFamilies').index(i), f));
  });
  if (families.length > 2) errs.push(tooMany(p.child('ipFamilies'), families.length, 2));
  if (spec.ipFamilyPolicy === 'SingleStack' && families.length > 1) {
    errs.push(invalid(p.child('ipFamilies'), families, 'when spec.ipFamilyPolicy is SingleStack, spec.ipFamilies may only contain one IP family'));
  }
  if (type === 'ExternalName' && (spec.ipFamilyPolicy || families.length)) {
    if (spec.ipFamilyPolicy) errs.push(forbidden(p.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    if (families.length) errs.push(forbidden(p.child('ipFamilies'), 'may not be set for ExternalName services'));
  }
  return errs;
}

export function validateEndpoints(ep: Endpoints, namespaced = true): FieldError[] {
  const errs = meta(ep, 'Endpoints', namespaced);
  (ep.subsets ?? []).forEach((s, i) => {
    const p = root('subsets').index(i);
    for (const list of ['addresses', 'notReadyAddresses'] as const) {
      (s[list] ?? []).forEach((a, j) => {
        const ap = p.child(list).index(j);
        const ipErrors = isValidIP(a.ip);
        errs.push(...invalidEach(ap.child('ip'), a.ip, ipErrors.length ? ipErrors : endpointIPErrors(a.ip)));
        if (a.hostname) errs.push(...invalidEach(ap.child('hostname'), a.hostname, isDNS1123Label(a.hostname)));
        if (a.nodeName) errs.push(...invalidEach(ap.child('nodeName'), a.nodeName, isDNS1123Subdomain(a.nodeName)));
      });
    }
    const ports = s.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      if (!port.name) {
        if (ports.length > 1) errs.push(required(pp.child('name')));
      } else {
        errs.push(...invalidEach(pp.child('name'), port.name, isDNS1123Label(port.name)));
      }
      errs.push(...invalidEach(pp.child('port'), port.port, isValidPortNum(port.port)));
    });
  });
  return errs;
}

const MAX_DATA_SIZE = 1024 * 1024;

export function validateConfigMap(cm: ConfigMap, namespaced = true): FieldError[] {
  const errs = meta(cm, 'ConfigMap', namespaced);
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    errs.push(...invalidEach(root('data').key(k), k, isConfigMapKey(k)));
    if (cm.binaryData && Object.hasOwn(cm.binaryData, k)) errs.push(invalid(root('data').key(k), k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    errs.push(...invalidEach(root('binaryData').key(k), k, isConfigMapKey(k)));
    size += Buffer.from(v, 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong(root(''), MAX_DATA_SIZE));
  return errs;
}

export function validateSecret(s: Secret, namespaced = true): FieldError[] {
  const errs = meta(s, 'Secret', namespaced);
  const data = s.data ?? {};
  const dp = root('data');
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...invalidEach(dp.key(k), k, isConfigMapKey(k)));
    size += Buffer.from(v, 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong(dp, MAX_DATA_SIZE));
  const has = (k: string) => Object.hasOwn(data, k);
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required(root('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = s.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) errs.push(required(dp.key(key)));
      else {
        try {
          JSON.parse(Buffer.from(data[key], 'base64').toString('utf8'));
        } catch (err) {
          errs.push(invalid(dp.key(key), '<secret contents redacted>', (err as Error).message));
        }
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required(dp.key('username')), required(dp.key('password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!has('ssh-privatekey')) errs.push(required(dp.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(dp.key('tls.crt')));
      if (!has('tls.key')) errs.push(required(dp.key('tls.key')));
      break;
  }
  return errs;
}

export function validateEvent(e: Event, namespaced = true): FieldError[] {
  const errs = meta(e, 'Event', namespaced);
  const ns = e.metadata?.namespace ?? '';
  const involvedNs = e.involvedObject?.namespace ?? '';
  if (!e.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid(root('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    } else if (ns && ns !== involvedNs) {
      errs.push(invalid(root('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') {
      errs.push(invalid(root('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    }
    if (!e.reportingComponent) errs.push(required(root('reportingComponent')));
    else errs.push(...invalidEach(root('reportingComponent'), e.reportingComponent, isQualifiedName(e.reportingComponent)));
    if (!e.reportingInstance) errs.push(required(root('reportingInstance')));
    else if (e.reportingInstance.length > 128) errs.push(invalid(root('reportingInstance'), '', 'can have at most 128 characters'));
    if (!e.action) errs.push(required(root('action')));
    else if (e.action.length > 128) errs.push(invalid(root('action'), '', 'can have at most 128 characters'));
    if (!e.reason) errs.push(required(root('reason')));
    else if (e.reason.length > 128) errs.push(invalid(root('reason'), '', 'can have at most 128 characters'));
    if ((e.message ?? '').length > 1024) errs.push(invalid(root('message'), '', 'can have at most 1024 characters'));
  }
  if (e.type && e.type !== 'Normal' && e.type !== 'Warning' && e.eventTime) errs.push(notSupported(root('type'), e.type, ['Normal', 'Warning']));
  return errs;
}

export function validateServiceAccount(sa: { metadata?: Parameters<typeof validateObjectMeta>[0] }, namespaced = true): FieldError[] {
  return meta(sa, 'ServiceAccount', namespaced);
}

const LEASE_STRATEGIES = ['OldestEmulationVersion'];

export function validateLease(l: Lease, namespaced = true): FieldError[] {
  const errs = meta(l, 'Lease', namespaced);
  const s = l.spec ?? {};
  const p = root('spec');
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) errs.push(invalid(p.child('leaseDurationSeconds'), s.leaseDurationSeconds, 'must be greater than 0'));
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) errs.push(invalid(p.child('leaseTransitions'), s.leaseTransitions, 'must be greater than or equal to 0'));
  if (s.strategy !== undefined && s.strategy !== '' && !LEASE_STRATEGIES.includes(s.strategy)) errs.push(notSupported(p.child('strategy'), s.strategy, LEASE_STRATEGIES));
  if (s.preferredHolder && !s.strategy) errs.push(required(p.child('strategy'), 'must be specified when preferredHolder is set'));
  return errs;
}

/** ValidatePodDisruptionBudget: one of minAvailable and maxUnavailable, each a count or a percentage ≤ 100%. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget, namespaced = true): FieldError[] {
  const errs = meta(pdb, 'PodDisruptionBudget', namespaced);
  const spec = pdb.spec ?? {};
  const p = root('spec');
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalid(p, spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[field];
    if (v === undefined) continue;
    const fp = p.child(field);
    const e = intOrPercent(v, fp);
    errs.push(...e);
    if (!e.length && typeof v === 'string' && Number(v.slice(0, -1)) > 100) errs.push(invalid(fp, v, 'must not be greater than 100%'));
  }
  errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !(UNHEALTHY_POD_EVICTION_POLICIES as readonly string[]).includes(policy)) {
    errs.push(notSupported(p.child('unhealthyPodEvictionPolicy'), policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  const st = pdb.status;
  if (st) {
    const sp = root('status');
    for (const field of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) errs.push(...nonNegative(sp.child(field), st[field]));
  }
  return errs;
}

const SLICE_ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const SLICE_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_SLICE_ENDPOINTS = 1000;
const MAX_SLICE_ADDRESSES = 100;
const MAX_SLICE_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_HINTS = 8;

/** ValidateEndpointSlice: the address type, each endpoint's addresses of that type, and the ports. */
export function validateEndpointSlice(slice: EndpointSlice, namespaced = true): FieldError[] {
  const errs = meta(slice, 'EndpointSlice', namespaced);
  const addressType = slice.addressType ?? '';
  if (addressType === '') errs.push(required(root('addressType')));
  else if (!SLICE_ADDRESS_TYPES.includes(addressType)) errs.push(notSupported(root('addressType'), addressType, SLICE_ADDRESS_TYPES));

  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_SLICE_ENDPOINTS) {
    errs.push(tooMany(root('endpoints'), endpoints.length, MAX_SLICE_ENDPOINTS));
  } else {
    endpoints.forEach((ep, i) => {
      const p = root('endpoints').index(i);
      const ap = p.child('addresses');
      if (ep.addresses.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
      else if (ep.addresses.length > MAX_SLICE_ADDRESSES) errs.push(tooMany(ap, ep.addresses.length, MAX_SLICE_ADDRESSES));
      ep.addresses.forEach((addr, j) => {
        const at = ap.index(j);
        // Unknown address types are reported above; their addresses are not checked.
        if (addressType === 'IPv4' || addressType === 'IPv6') {
          errs.push(...invalidEach(at, addr, addressType === 'IPv4' ? isValidIPv4Address(addr) : isValidIPv6Address(addr)));
          errs.push(...invalidEach(at, addr, endpointIPErrors(addr)));
        } else if (addressType === 'FQDN') {
          errs.push(...invalidEach(at, addr, isFullyQualifiedDomainName(addr)));
        }
      });
      if (ep.nodeName !== undefined) errs.push(...invalidEach(p.child('nodeName'), ep.nodeName, isDNS1123Subdomain(ep.nodeName)));
      const topology = ep.deprecatedTopology ?? {};
      if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(tooMany(p.child('deprecatedTopology'), Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
      errs.push(...validateLabels(topology, p.child('deprecatedTopology')));
      if (ep.hostname !== undefined) errs.push(...invalidEach(p.child('hostname'), ep.hostname, isDNS1123Label(ep.hostname)));
      if (ep.hints) {
        for (const [field, rule] of [['forZones', isValidLabelValue], ['forNodes', isDNS1123Subdomain]] as const) {
          const hints = ep.hints[field] ?? [];
          const hp = p.child('hints', field);
          if (hints.length > MAX_HINTS) {
            errs.push(tooMany(hp, hints.length, MAX_HINTS));
            continue;
          }
          const seen = new Set<string>();
          hints.forEach((h, k) => {
            const np = hp.index(k).child('name');
            if (seen.has(h.name)) errs.push(duplicate(np, h.name));
            seen.add(h.name);
            errs.push(...invalidEach(np, h.name, rule(h.name)));
          });
        }
      }
    });
  }

  const ports = slice.ports ?? [];
  if (ports.length > MAX_SLICE_PORTS) {
    errs.push(tooMany(root('ports'), ports.length, MAX_SLICE_PORTS));
    return errs;
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = root('ports').index(i);
    const name = port.name ?? '';
    if (name) errs.push(...invalidEach(p.child('name'), name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    names.add(name);
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!SLICE_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, SLICE_PROTOCOLS));
    if (port.appProtocol !== undefined) errs.push(...invalidEach(p.child('appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));
  });
  return errs;
}

// ---- subresource bodies ---------------------------------------------------------------------

export function validateScale(s: Scale): FieldError[] {
  return nonNegative(root('spec', 'replicas'), s.spec?.replicas);
}

export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  if (b.target.kind && b.target.kind !== 'Node') errs.push(notSupported(root('target', 'kind'), b.target.kind, ['Node', '<empty>']));
  if (!b.target.name) errs.push(required(root('target', 'name')));
  else errs.push(...invalidEach(root('target', 'name'), b.target.name, isDNS1123Subdomain(b.target.name)));
  return errs;
}

export function validateDeleteOptions(o: DeleteOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    errs.push(invalid(root('propagationPolicy'), o.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if ((o.dryRun ?? []).some((v) => v !== 'All')) errs.push(notSupported(root('dryRun'), o.dryRun, ['All']));
  return errs;
}
