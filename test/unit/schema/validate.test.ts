import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ApiError, InvalidError } from '#lib/core/errors.ts';
import { findDuplicateFields, validateKind, validateObject } from '#lib/api/schema/index.ts';
import type { ResourceType } from '#lib/core/resources.ts';
import {
  CONFIGMAP, DEPLOYMENT, ENDPOINTS, ENDPOINTSLICE, EVENT, LEASE, PDB, NAMESPACE, NODE, POD, REPLICASET, SECRET, SERVICE, VALID,
  configMap, deployment, endpointSlice, endpoints, event, lease, podDisruptionBudget, namespace, node, pod, replicaSet, secret, service, set,
} from './fixtures.ts';

type Obj = Record<string, unknown>;

function invalid(type: ResourceType, body: unknown): InvalidError {
  try {
    validateObject(type, body, { fieldValidation: 'Strict' });
  } catch (err) {
    if (err instanceof InvalidError) return err;
    throw err;
  }
  assert.fail('expected 422 Invalid');
}

describe('validateObject: valid objects', () => {
  for (const [type, make] of VALID) {
    it(`accepts ${type.kind} ${String((make().metadata as Obj).name)} under Strict`, () => {
      const { object, warnings } = validateObject(type, make(), { fieldValidation: 'Strict' });
      assert.deepEqual(warnings, []);
      assert.equal(object.kind, type.kind);
      assert.equal(object.apiVersion, type.group ? `${type.group}/${type.version}` : type.version);
    });
  }

  it('accepts loopback endpoint addresses (pods run as host processes have 127.x addresses), unlike kube', () => {
    validateObject(ENDPOINTS, set(endpoints(), 'subsets.0.addresses.0.ip', '127.0.3.7'), { fieldValidation: 'Strict' });
    validateObject(ENDPOINTSLICE, set(endpointSlice(), 'endpoints.0.addresses.0', '127.0.3.7'), { fieldValidation: 'Strict' });
    validateObject(ENDPOINTSLICE, set(set(endpointSlice(), 'addressType', 'IPv6'), 'endpoints', [{ addresses: ['::1'] }]), { fieldValidation: 'Strict' });
  });

  it('treats null as unset (Go clients send creationTimestamp: null)', () => {
    const { object } = validateObject(DEPLOYMENT, deployment(), { fieldValidation: 'Strict' });
    assert.equal('creationTimestamp' in object.metadata, false);
    assert.equal('creationTimestamp' in ((object.spec as Obj).template as { metadata: Obj }).metadata, false);
  });

  it('clears the namespace of cluster-scoped objects, as kube-apiserver does', () => {
    const { object } = validateObject(NODE, set(node(), 'metadata.namespace', 'default'), { fieldValidation: 'Strict' });
    assert.equal(object.metadata.namespace, undefined);
  });

  it('accepts generateName without a name', () => {
    const body = set(pod(), 'metadata', { generateName: 'web-' });
    assert.equal(validateObject(POD, body, { fieldValidation: 'Strict' }).object.metadata.generateName, 'web-');
  });

  it('stores numeric quantities as strings', () => {
    const body = set(pod(), 'spec.containers.0.resources', { limits: { cpu: 0.5, memory: 1024 } });
    const { object } = validateObject(POD, body, { fieldValidation: 'Strict' });
    const c = (object.spec as { containers: { resources: Obj }[] }).containers[0];
    assert.deepEqual(c.resources.limits, { cpu: '0.5', memory: '1024' });
  });

  it('accepts IntOrString as either type', () => {
    const d = set(set(deployment(), 'spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '10%' } }), 'spec.replicas', 2);
    validateObject(DEPLOYMENT, d, { fieldValidation: 'Strict' });
    validateObject(SERVICE, set(service(), 'spec.ports.0.targetPort', 'http'), { fieldValidation: 'Strict' });
  });

  it('validates subresource bodies and DeleteOptions with validateKind', () => {
    const scale = validateKind({ group: 'autoscaling', version: 'v1', kind: 'Scale' }, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 5 } });
    assert.equal((scale.object.spec as Obj).replicas, 5);
    const eviction = validateKind({ group: 'policy', version: 'v1', kind: 'Eviction' }, { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'web', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } });
    assert.equal(eviction.object.apiVersion, 'policy/v1beta1');
    validateKind({ group: '', version: 'v1', kind: 'Binding' }, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } });
    validateKind({ group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' }, { propagationPolicy: 'Background' });
    validateKind({ group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' }, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: 'x' } });
  });
});

interface Case {
  name: string;
  type: ResourceType;
  body: Obj;
  field: string;
  reason: string;
  /** A substring of the cause message. */
  message?: string;
}

const withContainer = (patch: Obj): Obj => set(pod(), 'spec.containers.0', { name: 'nginx', image: 'nginx', ...patch });
const withTemplateSpec = (path: string, value: unknown): Obj => set(deployment(), `spec.template.spec.${path}`, value);

const CASES: Case[] = [
  // ---- metadata
  { name: 'name missing', type: POD, body: set(pod(), 'metadata.name', undefined), field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' },
  {
    name: 'name not a DNS-1123 subdomain', type: POD, body: set(pod(), 'metadata.name', 'Web_1'), field: 'metadata.name', reason: 'FieldValueInvalid',
    message: "Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  { name: 'name longer than 253', type: POD, body: set(pod(), 'metadata.name', 'a'.repeat(254)), field: 'metadata.name', reason: 'FieldValueInvalid', message: 'must be no more than 253 characters' },
  { name: 'generateName invalid', type: POD, body: set(pod(), 'metadata', { generateName: 'Web-' }), field: 'metadata.generateName', reason: 'FieldValueInvalid' },
  {
    name: 'namespace name with a dot', type: NAMESPACE, body: set(namespace(), 'metadata.name', 'team.a'), field: 'metadata.name', reason: 'FieldValueInvalid',
    message: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  },
  { name: 'namespace name of 64 characters', type: NAMESPACE, body: set(namespace(), 'metadata.name', 'a'.repeat(64)), field: 'metadata.name', reason: 'FieldValueInvalid', message: 'must be no more than 63 characters' },
  { name: 'service name starting with a digit', type: SERVICE, body: set(service(), 'metadata.name', '1web'), field: 'metadata.name', reason: 'FieldValueInvalid', message: 'a DNS-1035 label must consist of' },
  { name: 'label key with two slashes', type: POD, body: set(pod(), 'metadata.labels', { 'a/b/c': 'x' }), field: 'metadata.labels', reason: 'FieldValueInvalid', message: 'a qualified name must consist of' },
  { name: 'label value too long', type: POD, body: set(pod(), 'metadata.labels', { app: 'x'.repeat(64) }), field: 'metadata.labels', reason: 'FieldValueInvalid', message: 'must be no more than 63 characters' },
  { name: 'label value with a space', type: POD, body: set(pod(), 'metadata.labels', { app: 'a b' }), field: 'metadata.labels', reason: 'FieldValueInvalid', message: 'a valid label must be an empty string' },
  { name: 'annotation key invalid', type: POD, body: set(pod(), 'metadata.annotations', { '-bad': 'x' }), field: 'metadata.annotations', reason: 'FieldValueInvalid', message: 'name part must consist of' },
  { name: 'two controller owners', type: POD, body: set(pod(), 'metadata.ownerReferences', [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true }, { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true }]), field: 'metadata.ownerReferences', reason: 'FieldValueInvalid' },
  { name: 'owner reference without uid', type: POD, body: set(pod(), 'metadata.ownerReferences', [{ apiVersion: 'v1', kind: 'A', name: 'a' }]), field: 'metadata.ownerReferences[0].uid', reason: 'FieldValueRequired' },

  // ---- types
  { name: 'replicas is a string', type: DEPLOYMENT, body: set(deployment(), 'spec.replicas', '3'), field: 'spec.replicas', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "3": spec.replicas in body must be of type integer: "string"' },
  { name: 'replicas overflows int32', type: DEPLOYMENT, body: set(deployment(), 'spec.replicas', 3e9), field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'must be of type int32: value out of range' },
  { name: 'replicas is a float', type: DEPLOYMENT, body: set(deployment(), 'spec.replicas', 1.5), field: 'spec.replicas', reason: 'FieldValueTypeInvalid' },
  { name: 'label value is a number', type: POD, body: set(pod(), 'metadata.labels', { app: 1 }), field: 'metadata.labels[app]', reason: 'FieldValueTypeInvalid' },
  { name: 'containers is an object', type: POD, body: set(pod(), 'spec.containers', { name: 'x' }), field: 'spec.containers', reason: 'FieldValueTypeInvalid', message: 'must be of type array: "object"' },
  { name: 'maxSurge is a boolean', type: DEPLOYMENT, body: set(deployment(), 'spec.strategy', { rollingUpdate: { maxSurge: true } }), field: 'spec.strategy.rollingUpdate.maxSurge', reason: 'FieldValueTypeInvalid', message: 'must be of type integer or string' },
  { name: 'bad quantity', type: POD, body: set(pod(), 'spec.containers.0.resources', { limits: { cpu: '1x' } }), field: 'spec.containers[0].resources.limits[cpu]', reason: 'FieldValueInvalid', message: 'quantities must match the regular expression' },
  { name: 'bad timestamp', type: LEASE, body: set(lease(), 'spec.renewTime', 'yesterday'), field: 'spec.renewTime', reason: 'FieldValueInvalid', message: 'RFC 3339' },
  { name: 'enum value not supported', type: POD, body: set(pod(), 'spec.restartPolicy', 'Sometimes'), field: 'spec.restartPolicy', reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"' },
  { name: 'container without a name', type: POD, body: withContainer({ name: undefined }), field: 'spec.containers[0].name', reason: 'FieldValueRequired' },
  { name: 'secret data not base64', type: SECRET, body: set(secret(), 'data', { password: 'not base64!' }), field: 'data[password]', reason: 'FieldValueInvalid', message: 'illegal base64 data' },

  // ---- pods
  { name: 'no containers', type: POD, body: set(pod(), 'spec.containers', []), field: 'spec.containers', reason: 'FieldValueRequired' },
  { name: 'no spec', type: POD, body: set(pod(), 'spec', undefined), field: 'spec.containers', reason: 'FieldValueRequired' },
  { name: 'container name not a DNS label', type: POD, body: withContainer({ name: 'Nginx' }), field: 'spec.containers[0].name', reason: 'FieldValueInvalid', message: 'a lowercase RFC 1123 label' },
  { name: 'duplicate container names', type: POD, body: set(pod(), 'spec.containers', [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }]), field: 'spec.containers[1].name', reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"' },
  { name: 'init and app container share a name', type: POD, body: set(pod(), 'spec.initContainers', [{ name: 'nginx', image: 'x' }]), field: 'spec.containers[0].name', reason: 'FieldValueDuplicate' },
  { name: 'image missing', type: POD, body: withContainer({ image: undefined }), field: 'spec.containers[0].image', reason: 'FieldValueRequired', message: 'Required value' },
  { name: 'image with whitespace', type: POD, body: withContainer({ image: ' nginx' }), field: 'spec.containers[0].image', reason: 'FieldValueInvalid', message: 'must not have leading or trailing whitespace' },
  { name: 'port out of range', type: POD, body: withContainer({ ports: [{ containerPort: 70000 }] }), field: 'spec.containers[0].ports[0].containerPort', reason: 'FieldValueInvalid', message: 'Invalid value: 70000: must be between 1 and 65535, inclusive' },
  { name: 'port name too long', type: POD, body: withContainer({ ports: [{ containerPort: 80, name: 'a-very-long-port-name' }] }), field: 'spec.containers[0].ports[0].name', reason: 'FieldValueInvalid', message: 'must be no more than 15 characters' },
  { name: 'duplicate port names', type: POD, body: withContainer({ ports: [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }] }), field: 'spec.containers[0].ports[1].name', reason: 'FieldValueDuplicate' },
  { name: 'port protocol unsupported', type: POD, body: withContainer({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }), field: 'spec.containers[0].ports[0].protocol', reason: 'FieldValueNotSupported' },
  { name: 'mount of an unknown volume', type: POD, body: withContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }), field: 'spec.containers[0].volumeMounts[0].name', reason: 'FieldValueNotFound', message: 'Not found: "data"' },
  { name: 'volume with two sources', type: POD, body: set(pod(), 'spec.volumes', [{ name: 'v', configMap: { name: 'a' }, secret: { secretName: 'b' } }]), field: 'spec.volumes[0].secret', reason: 'FieldValueForbidden', message: 'may not specify more than 1 volume type' },
  { name: 'duplicate volume names', type: POD, body: set(pod(), 'spec.volumes', [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }]), field: 'spec.volumes[1].name', reason: 'FieldValueDuplicate' },
  { name: 'probe without a handler', type: POD, body: withContainer({ livenessProbe: { periodSeconds: 5 } }), field: 'spec.containers[0].livenessProbe', reason: 'FieldValueRequired', message: 'must specify a handler type' },
  { name: 'liveness successThreshold > 1', type: POD, body: withContainer({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }), field: 'spec.containers[0].livenessProbe.successThreshold', reason: 'FieldValueInvalid', message: 'must be 1' },
  { name: 'probe port name invalid', type: POD, body: withContainer({ readinessProbe: { httpGet: { port: 'HTTP' } } }), field: 'spec.containers[0].readinessProbe.httpGet.port', reason: 'FieldValueInvalid' },
  { name: 'requests above limits', type: POD, body: withContainer({ resources: { limits: { cpu: '500m' }, requests: { cpu: 1 } } }), field: 'spec.containers[0].resources.requests[cpu]', reason: 'FieldValueInvalid', message: 'must be less than or equal to cpu limit of 500m' },
  { name: 'unknown resource name', type: POD, body: withContainer({ resources: { limits: { gpu: 1 } } }), field: 'spec.containers[0].resources.limits[gpu]', reason: 'FieldValueInvalid', message: 'must be a standard resource for containers' },
  { name: 'env value and valueFrom', type: POD, body: withContainer({ env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }), field: 'spec.containers[0].env[0].valueFrom', reason: 'FieldValueInvalid', message: 'may not be specified when `value` is not empty' },
  { name: 'env name with =', type: POD, body: withContainer({ env: [{ name: 'A=B', value: 'x' }] }), field: 'spec.containers[0].env[0].name', reason: 'FieldValueInvalid' },
  { name: 'unsupported fieldRef', type: POD, body: withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }), field: 'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath', reason: 'FieldValueNotSupported' },
  { name: 'regular container with restartPolicy', type: POD, body: withContainer({ restartPolicy: 'Always' }), field: 'spec.containers[0].restartPolicy', reason: 'FieldValueForbidden' },
  { name: 'toleration Exists with a value', type: POD, body: set(pod(), 'spec.tolerations', [{ key: 'k', operator: 'Exists', value: 'v' }]), field: 'spec.tolerations[0].operator', reason: 'FieldValueInvalid' },
  { name: 'tolerationSeconds without NoExecute', type: POD, body: set(pod(), 'spec.tolerations', [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]), field: 'spec.tolerations[0].effect', reason: 'FieldValueInvalid' },
  { name: 'dnsPolicy None without dnsConfig', type: POD, body: set(pod(), 'spec.dnsPolicy', 'None'), field: 'spec.dnsConfig', reason: 'FieldValueRequired' },
  { name: 'activeDeadlineSeconds 0', type: POD, body: set(pod(), 'spec.activeDeadlineSeconds', 0), field: 'spec.activeDeadlineSeconds', reason: 'FieldValueInvalid', message: 'must be between 1 and 2147483647, inclusive' },
  { name: 'empty nodeSelectorTerms', type: POD, body: set(pod(), 'spec.affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }), field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', reason: 'FieldValueRequired' },
  { name: 'affinity weight 0', type: POD, body: set(pod(), 'spec.affinity', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'zone' } }] } }), field: 'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', reason: 'FieldValueInvalid' },
  { name: 'empty topologyKey', type: POD, body: set(pod(), 'spec.affinity', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] } }), field: 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', reason: 'FieldValueRequired' },
  { name: 'maxSkew 0', type: POD, body: set(pod(), 'spec.topologySpreadConstraints', [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }]), field: 'spec.topologySpreadConstraints[0].maxSkew', reason: 'FieldValueInvalid' },
  { name: 'In selector without values', type: POD, body: set(pod(), 'spec.affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } } }), field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values', reason: 'FieldValueRequired' },

  // ---- deployments and replica sets
  {
    name: 'selector does not match template labels', type: DEPLOYMENT, body: set(deployment(), 'spec.selector', { matchLabels: { app: 'other' } }),
    field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  },
  { name: 'selector missing', type: DEPLOYMENT, body: set(deployment(), 'spec.selector', undefined), field: 'spec.selector', reason: 'FieldValueRequired' },
  { name: 'empty selector', type: DEPLOYMENT, body: set(deployment(), 'spec.selector', {}), field: 'spec.selector', reason: 'FieldValueInvalid', message: 'empty selector is invalid for deployment' },
  { name: 'selector expression with bad key', type: DEPLOYMENT, body: set(deployment(), 'spec.selector', { matchLabels: { app: 'web' }, matchExpressions: [{ key: '-x', operator: 'Exists' }] }), field: 'spec.selector.matchExpressions[0].key', reason: 'FieldValueInvalid' },
  { name: 'negative replicas', type: DEPLOYMENT, body: set(deployment(), 'spec.replicas', -1), field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0' },
  { name: 'strategy type unsupported', type: DEPLOYMENT, body: set(deployment(), 'spec.strategy', { type: 'BlueGreen' }), field: 'spec.strategy.type', reason: 'FieldValueNotSupported' },
  { name: 'Recreate with rollingUpdate', type: DEPLOYMENT, body: set(deployment(), 'spec.strategy', { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }), field: 'spec.strategy.rollingUpdate', reason: 'FieldValueForbidden', message: "may not be specified when strategy `type` is 'Recreate'" },
  { name: 'maxSurge and maxUnavailable both 0', type: DEPLOYMENT, body: set(deployment(), 'spec.strategy', { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }), field: 'spec.strategy.rollingUpdate.maxUnavailable', reason: 'FieldValueInvalid', message: 'may not be 0 when `maxSurge` is 0' },
  { name: 'maxSurge not a percentage', type: DEPLOYMENT, body: set(deployment(), 'spec.strategy', { rollingUpdate: { maxSurge: 'lots' } }), field: 'spec.strategy.rollingUpdate.maxSurge', reason: 'FieldValueInvalid', message: "a valid percent string must be a numeric string followed by an ending '%'" },
  { name: 'maxUnavailable over 100%', type: DEPLOYMENT, body: set(deployment(), 'spec.strategy', { rollingUpdate: { maxUnavailable: '150%' } }), field: 'spec.strategy.rollingUpdate.maxUnavailable', reason: 'FieldValueInvalid', message: 'must not be greater than 100%' },
  { name: 'negative revisionHistoryLimit', type: DEPLOYMENT, body: set(deployment(), 'spec.revisionHistoryLimit', -1), field: 'spec.revisionHistoryLimit', reason: 'FieldValueInvalid' },
  { name: 'progressDeadlineSeconds not above minReadySeconds', type: DEPLOYMENT, body: set(set(deployment(), 'spec.minReadySeconds', 30), 'spec.progressDeadlineSeconds', 30), field: 'spec.progressDeadlineSeconds', reason: 'FieldValueInvalid', message: 'must be greater than minReadySeconds' },
  { name: 'template restartPolicy Never', type: DEPLOYMENT, body: withTemplateSpec('restartPolicy', 'Never'), field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported', message: 'Unsupported value: "Never": supported values: "Always"' },
  { name: 'template activeDeadlineSeconds', type: DEPLOYMENT, body: withTemplateSpec('activeDeadlineSeconds', 10), field: 'spec.template.spec.activeDeadlineSeconds', reason: 'FieldValueForbidden' },
  { name: 'template container without image', type: DEPLOYMENT, body: withTemplateSpec('containers', [{ name: 'nginx' }]), field: 'spec.template.spec.containers[0].image', reason: 'FieldValueRequired' },
  { name: 'replica set template labels mismatch', type: REPLICASET, body: set(replicaSet(), 'spec.template.metadata.labels', { app: 'web' }), field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' },
  { name: 'replica set without template', type: REPLICASET, body: set(replicaSet(), 'spec.template', undefined), field: 'spec.template.spec.containers', reason: 'FieldValueRequired' },

  // ---- services
  { name: 'service type unsupported', type: SERVICE, body: set(service(), 'spec.type', 'Ingress'), field: 'spec.type', reason: 'FieldValueNotSupported' },
  { name: 'service port 0', type: SERVICE, body: set(service(), 'spec.ports.0.port', 0), field: 'spec.ports[0].port', reason: 'FieldValueInvalid' },
  { name: 'service without ports', type: SERVICE, body: set(service(), 'spec.ports', []), field: 'spec.ports', reason: 'FieldValueRequired' },
  { name: 'unnamed port among several', type: SERVICE, body: set(service(), 'spec.ports', [{ port: 80 }, { port: 443, name: 'https' }]), field: 'spec.ports[0].name', reason: 'FieldValueRequired' },
  { name: 'duplicate service port names', type: SERVICE, body: set(service(), 'spec.ports', [{ port: 80, name: 'web' }, { port: 443, name: 'web' }]), field: 'spec.ports[1].name', reason: 'FieldValueDuplicate' },
  { name: 'nodePort on ClusterIP', type: SERVICE, body: set(service(), 'spec.ports.0.nodePort', 30080), field: 'spec.ports[0].nodePort', reason: 'FieldValueForbidden' },
  { name: 'targetPort name invalid', type: SERVICE, body: set(service(), 'spec.ports.0.targetPort', 'Not_A_Name'), field: 'spec.ports[0].targetPort', reason: 'FieldValueInvalid' },
  { name: 'ExternalName without externalName', type: SERVICE, body: set(service(), 'spec', { type: 'ExternalName' }), field: 'spec.externalName', reason: 'FieldValueRequired' },
  { name: 'clusterIP not an IP', type: SERVICE, body: set(service(), 'spec.clusterIP', '10.0.0'), field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid' },
  { name: 'externalTrafficPolicy on ClusterIP', type: SERVICE, body: set(service(), 'spec.externalTrafficPolicy', 'Local'), field: 'spec.externalTrafficPolicy', reason: 'FieldValueInvalid' },
  { name: 'service selector value invalid', type: SERVICE, body: set(service(), 'spec.selector', { app: 'a b' }), field: 'spec.selector', reason: 'FieldValueInvalid' },

  // ---- other kinds
  { name: 'duplicate taints', type: NODE, body: set(node(), 'spec.taints', [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }]), field: 'spec.taints[1]', reason: 'FieldValueDuplicate' },
  { name: 'taint effect unsupported', type: NODE, body: set(node(), 'spec.taints', [{ key: 'k', effect: 'Evict' }]), field: 'spec.taints[0].effect', reason: 'FieldValueNotSupported' },
  { name: 'podCIDR not a CIDR', type: NODE, body: set(set(node(), 'spec.podCIDR', '10.0.0.0'), 'spec.podCIDRs', undefined), field: 'spec.podCIDR', reason: 'FieldValueInvalid' },
  { name: 'config key invalid', type: CONFIGMAP, body: set(configMap(), 'data', { 'a b': 'x' }), field: 'data[a b]', reason: 'FieldValueInvalid', message: 'a valid config key must consist of alphanumeric characters' },
  { name: 'config key in data and binaryData', type: CONFIGMAP, body: set(configMap(), 'data', { logo: 'x' }), field: 'data[logo]', reason: 'FieldValueInvalid', message: 'duplicate of key present in binaryData' },
  { name: 'tls secret without key', type: SECRET, body: set(set(secret(), 'type', 'kubernetes.io/tls'), 'data', { 'tls.crt': 'Y2VydA==' }), field: 'data[tls.key]', reason: 'FieldValueRequired' },
  { name: 'event namespace mismatch', type: EVENT, body: set(event(), 'involvedObject.namespace', 'other'), field: 'involvedObject.namespace', reason: 'FieldValueInvalid', message: 'does not match event.namespace' },
  { name: 'new-style event without action', type: EVENT, body: set(set(event(), 'eventTime', '2024-01-01T00:00:00.000000Z'), 'action', undefined), field: 'action', reason: 'FieldValueRequired' },
  { name: 'lease duration 0', type: LEASE, body: set(lease(), 'spec.leaseDurationSeconds', 0), field: 'spec.leaseDurationSeconds', reason: 'FieldValueInvalid', message: 'must be greater than 0' },
  { name: 'lease preferredHolder without strategy', type: LEASE, body: set(lease(), 'spec.preferredHolder', 'b'), field: 'spec.strategy', reason: 'FieldValueRequired' },
  { name: 'endpoints link-local multicast address', type: ENDPOINTS, body: set(endpoints(), 'subsets.0.addresses.0.ip', '224.0.0.251'), field: 'subsets[0].addresses[0].ip', reason: 'FieldValueInvalid', message: 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)' },
  { name: 'slice without addressType', type: ENDPOINTSLICE, body: set(endpointSlice(), 'addressType', undefined), field: 'addressType', reason: 'FieldValueRequired' },
  { name: 'slice of an unknown addressType', type: ENDPOINTSLICE, body: set(endpointSlice(), 'addressType', 'IPX'), field: 'addressType', reason: 'FieldValueNotSupported', message: 'supported values: "FQDN", "IPv4", "IPv6"' },
  { name: 'slice endpoint without addresses', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.1.addresses', []), field: 'endpoints[1].addresses', reason: 'FieldValueRequired', message: 'must contain at least 1 address' },
  { name: 'slice endpoint with 101 addresses', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.1.addresses', Array.from({ length: 101 }, (_, i) => `10.2.${i >> 8}.${i & 255}`)), field: 'endpoints[1].addresses', reason: 'FieldValueTooMany', message: 'must have at most 100 items' },
  { name: 'slice with an IPv6 address in IPv4', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.0.addresses.0', 'fd00::5'), field: 'endpoints[0].addresses[0]', reason: 'FieldValueInvalid', message: 'must be a valid IPv4 address' },
  { name: 'slice with a link-local address', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.0.addresses.0', '169.254.169.254'), field: 'endpoints[0].addresses[0]', reason: 'FieldValueInvalid', message: 'may not be in the link-local range (169.254.0.0/16, fe80::/10)' },
  { name: 'slice with an unspecified IPv6 address', type: ENDPOINTSLICE, body: set(set(endpointSlice(), 'addressType', 'IPv6'), 'endpoints', [{ addresses: ['::'] }]), field: 'endpoints[0].addresses[0]', reason: 'FieldValueInvalid', message: 'may not be unspecified (::)' },
  { name: 'FQDN slice with a one-label name', type: ENDPOINTSLICE, body: set(set(endpointSlice(), 'addressType', 'FQDN'), 'endpoints', [{ addresses: ['localhost'] }]), field: 'endpoints[0].addresses[0]', reason: 'FieldValueInvalid', message: 'should be a domain with at least two segments separated by dots' },
  { name: 'slice endpoint with a bad hostname', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.1.hostname', 'Web_1'), field: 'endpoints[1].hostname', reason: 'FieldValueInvalid', message: 'RFC 1123 label' },
  { name: 'slice endpoint with a bad nodeName', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.0.nodeName', 'Node_1'), field: 'endpoints[0].nodeName', reason: 'FieldValueInvalid', message: 'RFC 1123 subdomain' },
  { name: 'slice endpoint with a repeated zone hint', type: ENDPOINTSLICE, body: set(endpointSlice(), 'endpoints.0.hints.forZones', [{ name: 'a' }, { name: 'a' }]), field: 'endpoints[0].hints.forZones[1].name', reason: 'FieldValueDuplicate' },
  { name: 'slice ports with one name twice', type: ENDPOINTSLICE, body: set(endpointSlice(), 'ports.1.name', 'http'), field: 'ports[1].name', reason: 'FieldValueDuplicate' },
  { name: 'slice port with an unknown protocol', type: ENDPOINTSLICE, body: set(endpointSlice(), 'ports.0.protocol', 'ICMP'), field: 'ports[0].protocol', reason: 'FieldValueNotSupported' },
  { name: 'slice port with a bad appProtocol', type: ENDPOINTSLICE, body: set(endpointSlice(), 'ports.0.appProtocol', 'not a name'), field: 'ports[0].appProtocol', reason: 'FieldValueInvalid' },
  { name: 'pdb with both minAvailable and maxUnavailable', type: PDB, body: set(podDisruptionBudget(), 'spec.maxUnavailable', 1), field: 'spec', reason: 'FieldValueInvalid', message: 'minAvailable and maxUnavailable cannot be both set' },
  { name: 'pdb minAvailable over 100%', type: PDB, body: set(podDisruptionBudget(), 'spec.minAvailable', '150%'), field: 'spec.minAvailable', reason: 'FieldValueInvalid', message: 'must not be greater than 100%' },
  { name: 'pdb negative maxUnavailable', type: PDB, body: set(set(podDisruptionBudget(), 'spec.minAvailable', undefined), 'spec.maxUnavailable', -1), field: 'spec.maxUnavailable', reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0' },
  { name: 'pdb maxUnavailable not a percent', type: PDB, body: set(set(podDisruptionBudget(), 'spec.minAvailable', undefined), 'spec.maxUnavailable', 'half'), field: 'spec.maxUnavailable', reason: 'FieldValueInvalid', message: 'a valid percent string' },
  { name: 'pdb bad selector', type: PDB, body: set(podDisruptionBudget(), 'spec.selector', { matchExpressions: [{ key: 'app', operator: 'In' }] }), field: 'spec.selector.matchExpressions[0].values', reason: 'FieldValueRequired' },
  { name: 'pdb negative status', type: PDB, body: set(podDisruptionBudget(), 'status.disruptionsAllowed', -1), field: 'status.disruptionsAllowed', reason: 'FieldValueInvalid' },
  { name: 'slice with a bad generateName', type: ENDPOINTSLICE, body: set(endpointSlice(), 'metadata.generateName', 'Web-'), field: 'metadata.generateName', reason: 'FieldValueInvalid' },
];

describe('validateObject: invalid objects (422 with kube field paths)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const err = invalid(c.type, c.body);
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      const cause = err.causes.find((x) => x.field === c.field && x.reason === c.reason);
      assert.ok(cause, `no ${c.reason} at ${c.field} in ${JSON.stringify(err.causes)}`);
      if (c.message) assert.ok(cause.message!.includes(c.message), `${cause.message} should include ${c.message}`);
      assert.ok(err.message.includes(`${c.field}: ${cause.message}`), err.message);
    });
  }

  it('names the object and its group in the message', () => {
    const err = invalid(DEPLOYMENT, set(deployment(), 'spec.replicas', -1));
    assert.match(err.message, /^Deployment\.apps "web" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0$/);
    assert.deepEqual(err.toStatus().details?.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
  });

  it('reports every problem at once', () => {
    const body = set(set(deployment(), 'metadata.name', 'Web'), 'spec.replicas', -2);
    const err = invalid(DEPLOYMENT, body);
    assert.deepEqual(err.causes.map((c) => c.field), ['metadata.name', 'spec.replicas']);
  });

  it('subresource bodies have their own rules', () => {
    const gvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    assert.throws(() => validateKind(gvk, { spec: { replicas: -1 } }), (e: InvalidError) => e.causes[0].field === 'spec.replicas');
    assert.throws(() => validateKind({ group: '', version: 'v1', kind: 'Binding' }, { target: { kind: 'Pod', name: 'x' } }), (e: InvalidError) => e.causes[0].field === 'target.kind');
    assert.throws(
      () => validateKind({ group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' }, { orphanDependents: true, propagationPolicy: 'Orphan' }),
      (e: InvalidError) => e.causes[0].field === 'propagationPolicy',
    );
  });
});

describe('fieldValidation: unknown and duplicate fields', () => {
  const withUnknown = () => set(set(deployment(), 'spec.foo', 1), 'spec.template.spec.containers.0.bar', 'x');

  it('Strict: 422 Invalid with a cause per unknown field, in kube-apiserver\'s words', () => {
    assert.throws(() => validateObject(DEPLOYMENT, withUnknown(), { fieldValidation: 'Strict' }), (err: unknown) => {
      assert.ok(err instanceof InvalidError);
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.deepEqual(err.causes.map((c) => c.field), ['spec.template.spec.containers[0].bar', 'spec.foo']);
      assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].bar", unknown field "spec.foo"');
      return true;
    });
  });

  it('Strict without a kind in the body', () => {
    const body = set(set(pod(), 'kind', undefined), 'spec.bogus', true);
    assert.throws(() => validateObject(POD, body, { fieldValidation: 'Strict' }), { message: 'the object provided is unrecognized (must be of type Pod): strict decoding error: unknown field "spec.bogus"' });
  });

  it('Warn: warnings, and the fields are dropped', () => {
    const { object, warnings } = validateObject(DEPLOYMENT, withUnknown(), { fieldValidation: 'Warn' });
    assert.deepEqual(warnings, ['unknown field "spec.template.spec.containers[0].bar"', 'unknown field "spec.foo"']);
    assert.equal('foo' in (object.spec as Obj), false);
    assert.equal('bar' in ((object.spec as { template: { spec: { containers: Obj[] } } }).template.spec.containers[0]), false);
  });

  it('Ignore: dropped silently', () => {
    const { object, warnings } = validateObject(DEPLOYMENT, withUnknown(), { fieldValidation: 'Ignore' });
    assert.deepEqual(warnings, []);
    assert.equal('foo' in (object.spec as Obj), false);
  });

  it('defaults to Warn, like kube-apiserver', () => {
    const { warnings } = validateKind({ group: '', version: 'v1', kind: 'Pod' }, set(pod(), 'spec.bogus', 1));
    assert.deepEqual(warnings, ['unknown field "spec.bogus"']);
  });

  it('unknown fields inside maps of objects and lists of lists are found', () => {
    const body = set(pod(), 'spec.affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists', extra: 1 }] }] } } });
    const { warnings } = validateObject(POD, body, { fieldValidation: 'Warn' });
    assert.deepEqual(warnings, ['unknown field "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].extra"']);
  });

  it('type errors win over unknown fields (kube fails decoding on them first)', () => {
    const body = set(withUnknown(), 'spec.replicas', 'three');
    assert.throws(() => validateObject(DEPLOYMENT, body, { fieldValidation: 'Strict' }), (e: ApiError) => e.code === 422);
  });

  // kube-apiserver's own field validation integration test body, and its expected answer.
  const rawBody = `{
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
      "name": "dupename",
      "name": "deployment",
      "labels": {"app": "nginx"},
      "unknownMeta": "metaVal"
    },
    "spec": {
      "unknown1": "val1",
      "unknownDupe": "valDupe",
      "unknownDupe": "valDupe2",
      "paused": true,
      "paused": false,
      "selector": {"matchLabels": {"app": "nginx"}},
      "template": {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {
          "containers": [{
            "name": "nginx",
            "image": "nginx:latest",
            "unknownNested": "val1",
            "imagePullPolicy": "Always",
            "imagePullPolicy": "Never"
          }]
        }
      }
    }
  }`;
  const expected = [
    'duplicate field "metadata.name"',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.unknown1"',
    'unknown field "spec.unknownDupe"',
    'duplicate field "spec.paused"',
    'unknown field "spec.template.spec.containers[0].unknownNested"',
    'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  ];

  it('Strict with the raw body: unknown and duplicate fields in document order', () => {
    assert.throws(
      () => validateObject(DEPLOYMENT, JSON.parse(rawBody), { fieldValidation: 'Strict', rawJson: rawBody }),
      { message: `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${expected.join(', ')}` },
    );
  });

  it('Warn with the raw body: one warning each, the last duplicate wins', () => {
    const { object, warnings } = validateObject(DEPLOYMENT, JSON.parse(rawBody), { fieldValidation: 'Warn', rawJson: rawBody });
    assert.deepEqual(warnings, expected);
    assert.equal(object.metadata.name, 'deployment');
    assert.equal((object.spec as Obj).paused, false);
  });

  it('findDuplicateFields', () => {
    assert.deepEqual(findDuplicateFields('{"a":1,"b":{"c":[{"d":1,"d":2}],"c":3},"a":"x\\"y"}'), ['b.c[0].d', 'b.c', 'a']);
    assert.deepEqual(findDuplicateFields('{"a":{"a":1}}'), []);
  });
});

describe('validateKind: type meta', () => {
  it('rejects a body of another API version or kind', () => {
    assert.throws(() => validateObject(DEPLOYMENT, set(deployment(), 'apiVersion', 'apps/v1beta1'), { fieldValidation: 'Strict' }), {
      message: 'the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)',
    });
    assert.throws(() => validateObject(SERVICE, pod(), { fieldValidation: 'Strict' }), (e: ApiError) => e.code === 400);
  });

  it('rejects a body that is not an object', () => {
    assert.throws(() => validateObject(POD, [], { fieldValidation: 'Strict' }), (e: ApiError) => e.code === 400);
    assert.throws(() => validateObject(POD, 'x', { fieldValidation: 'Strict' }), (e: ApiError) => e.code === 400);
  });
});
