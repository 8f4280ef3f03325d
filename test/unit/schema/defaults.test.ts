import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyDefaults, podTemplateDefaults, validateObject, type PodTemplateSpec } from '#lib/api/schema/index.ts';
import type { KubeObject } from '#lib/core/object.ts';
import type { ResourceType } from '#lib/core/resources.ts';
import {
  DEPLOYMENT, ENDPOINTS, ENDPOINTSLICE, NAMESPACE, NODE, POD, REPLICASET, SECRET, SERVICE, VALID,
  deployment, endpointSlice, endpoints, namespace, node, pod, replicaSet, secret, service, set,
} from './fixtures.ts';

type Obj = Record<string, unknown>;

/** Reads a dotted path (`spec.containers.0.image`). */
function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, p) => (cur && typeof cur === 'object' ? (cur as Obj)[p] : undefined), obj);
}

const defaulted = (type: ResourceType, body: Obj) => applyDefaults(type, body as KubeObject);

interface Case {
  name: string;
  type: ResourceType;
  body: Obj;
  /** path → expected value after defaulting (undefined: must stay absent). */
  expect: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'Pod: PodSpec, Pod and admission defaults',
    type: POD,
    body: pod(),
    expect: {
      'spec.restartPolicy': 'Always',
      'spec.dnsPolicy': 'ClusterFirst',
      'spec.terminationGracePeriodSeconds': 30,
      'spec.schedulerName': 'default-scheduler',
      'spec.securityContext': {},
      'spec.enableServiceLinks': true,
      'spec.preemptionPolicy': 'PreemptLowerPriority',
      'spec.priority': 0,
      'spec.serviceAccountName': 'default',
      'spec.serviceAccount': 'default',
      // DefaultTolerationSeconds is admission's (test/unit/api/admission-tolerations.test.ts).
      'spec.tolerations': undefined,
      'spec.containers.0.terminationMessagePath': '/dev/termination-log',
      'spec.containers.0.terminationMessagePolicy': 'File',
      'spec.containers.0.imagePullPolicy': 'IfNotPresent',
      'spec.containers.0.resources': {},
    },
  },
  {
    name: 'Pod: container ports, probes, lifecycle and env',
    type: POD,
    body: set(pod(), 'spec.containers.0', {
      name: 'app', image: 'app',
      ports: [{ containerPort: 80 }],
      livenessProbe: { httpGet: { port: 80 } },
      readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 3 },
      lifecycle: { preStop: { httpGet: { port: 80 } } },
      env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    }),
    expect: {
      'spec.containers.0.imagePullPolicy': 'Always',
      'spec.containers.0.ports.0.protocol': 'TCP',
      'spec.containers.0.livenessProbe': { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      'spec.containers.0.readinessProbe.periodSeconds': 3,
      'spec.containers.0.lifecycle.preStop.httpGet.path': '/',
      'spec.containers.0.env.0.valueFrom.fieldRef.apiVersion': 'v1',
    },
  },
  {
    name: 'Pod: requests default to limits, hostNetwork ports',
    type: POD,
    body: set(set(pod(), 'spec.hostNetwork', true), 'spec.containers.0', { name: 'a', image: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, ports: [{ containerPort: 8080 }] }),
    expect: {
      'spec.containers.0.resources.requests': { cpu: '500m', memory: '1Gi' },
      'spec.containers.0.ports.0.hostPort': 8080,
    },
  },
  {
    name: 'Pod: volumes',
    type: POD,
    body: set(pod(), 'spec.volumes', [
      { name: 'a' },
      { name: 'b', secret: { secretName: 's' } },
      { name: 'c', configMap: { name: 'c' } },
      { name: 'd', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } },
      { name: 'e', hostPath: { path: '/x' } },
      { name: 'f', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } },
    ]),
    expect: {
      'spec.volumes.0': { name: 'a', emptyDir: {} },
      'spec.volumes.1.secret.defaultMode': 420,
      'spec.volumes.2.configMap.defaultMode': 420,
      'spec.volumes.3.projected.defaultMode': 420,
      'spec.volumes.3.projected.sources.0.serviceAccountToken.expirationSeconds': 3600,
      'spec.volumes.4.hostPath.type': '',
      'spec.volumes.5.downwardAPI.defaultMode': 420,
      'spec.volumes.5.downwardAPI.items.0.fieldRef.apiVersion': 'v1',
    },
  },
  {
    name: 'Pod: tolerations are left as they are; serviceAccount mirrors serviceAccountName',
    type: POD,
    body: set(set(pod(), 'spec.tolerations', [{ operator: 'Exists' }]), 'spec.serviceAccount', 'legacy'),
    expect: { 'spec.tolerations': [{ operator: 'Exists' }], 'spec.serviceAccountName': 'legacy', 'spec.serviceAccount': 'legacy' },
  },
  {
    name: 'Pod: system priority classes',
    type: POD,
    body: set(pod(), 'spec.priorityClassName', 'system-node-critical'),
    expect: { 'spec.priority': 2000001000 },
  },
  {
    name: 'Deployment: replicas, strategy, history, deadline and template defaults',
    type: DEPLOYMENT,
    body: deployment(),
    expect: {
      'spec.replicas': 1,
      'spec.strategy': { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      'spec.revisionHistoryLimit': 10,
      'spec.progressDeadlineSeconds': 600,
      'spec.template.spec.restartPolicy': 'Always',
      'spec.template.spec.dnsPolicy': 'ClusterFirst',
      'spec.template.spec.schedulerName': 'default-scheduler',
      'spec.template.spec.securityContext': {},
      'spec.template.spec.terminationGracePeriodSeconds': 30,
      'spec.template.spec.containers.0.imagePullPolicy': 'Always',
      'spec.template.spec.containers.0.terminationMessagePath': '/dev/termination-log',
      // Pod-only defaults stay out of templates, as in kube.
      'spec.template.spec.enableServiceLinks': undefined,
      'spec.template.spec.tolerations': undefined,
      'spec.template.spec.serviceAccountName': undefined,
      'spec.template.spec.priority': undefined,
    },
  },
  {
    name: 'Deployment: Recreate gets no rollingUpdate; explicit values stay',
    type: DEPLOYMENT,
    body: set(set(set(deployment(), 'spec.strategy', { type: 'Recreate' }), 'spec.replicas', 0), 'spec.revisionHistoryLimit', 0),
    expect: { 'spec.strategy': { type: 'Recreate' }, 'spec.replicas': 0, 'spec.revisionHistoryLimit': 0 },
  },
  {
    name: 'Deployment: a partial rollingUpdate is completed',
    type: DEPLOYMENT,
    body: set(deployment(), 'spec.strategy', { rollingUpdate: { maxSurge: 1 } }),
    expect: { 'spec.strategy': { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } },
  },
  {
    name: 'ReplicaSet: replicas and template defaults',
    type: REPLICASET,
    body: set(replicaSet(), 'spec.replicas', undefined),
    expect: { 'spec.replicas': 1, 'spec.template.spec.restartPolicy': 'Always', 'spec.template.spec.containers.0.imagePullPolicy': 'Always' },
  },
  {
    name: 'Service: ClusterIP defaults',
    type: SERVICE,
    body: service(),
    expect: {
      'spec.type': 'ClusterIP',
      'spec.sessionAffinity': 'None',
      'spec.ports.0.protocol': 'TCP',
      'spec.ports.0.targetPort': 8080,
      'spec.ipFamilies': ['IPv4'],
      'spec.ipFamilyPolicy': 'SingleStack',
      'spec.internalTrafficPolicy': 'Cluster',
      'spec.externalTrafficPolicy': undefined,
      'spec.clusterIP': undefined,
    },
  },
  {
    name: 'Service: targetPort defaults to port; NodePort gets externalTrafficPolicy',
    type: SERVICE,
    body: set(set(service(), 'spec.ports', [{ port: 443, name: 'https' }]), 'spec.type', 'NodePort'),
    expect: { 'spec.ports.0.targetPort': 443, 'spec.externalTrafficPolicy': 'Cluster', 'spec.allocateLoadBalancerNodePorts': undefined },
  },
  {
    name: 'Service: LoadBalancer and ClientIP affinity',
    type: SERVICE,
    body: set(set(service(), 'spec.type', 'LoadBalancer'), 'spec.sessionAffinity', 'ClientIP'),
    expect: { 'spec.allocateLoadBalancerNodePorts': true, 'spec.sessionAffinityConfig': { clientIP: { timeoutSeconds: 10800 } }, 'spec.externalTrafficPolicy': 'Cluster' },
  },
  {
    name: 'Service: ExternalName has no IP families',
    type: SERVICE,
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
    expect: { 'spec.ipFamilies': undefined, 'spec.ipFamilyPolicy': undefined, 'spec.internalTrafficPolicy': undefined, 'spec.sessionAffinity': 'None' },
  },
  {
    name: 'Namespace: finalizer, phase and name label',
    type: NAMESPACE,
    body: namespace(),
    expect: { 'spec.finalizers': ['kubernetes'], 'status.phase': 'Active', 'metadata.labels': { 'kubernetes.io/metadata.name': 'team-a' } },
  },
  {
    name: 'Namespace: an emptied finalizer list stays empty (the finalize subresource)',
    type: NAMESPACE,
    body: set(set(namespace(), 'spec.finalizers', []), 'status.phase', 'Terminating'),
    expect: { 'spec.finalizers': [], 'status.phase': 'Terminating' },
  },
  {
    name: 'Secret: type Opaque, stringData merged into data',
    type: SECRET,
    body: secret(),
    expect: { type: 'Opaque', data: { password: 'aHVudGVyMg==', user: 'YWRtaW4=' }, stringData: undefined },
  },
  { name: 'Endpoints: port protocol', type: ENDPOINTS, body: endpoints(), expect: { 'subsets.0.ports.0.protocol': 'TCP' } },
  {
    name: 'EndpointSlice: port name "" and protocol TCP, set values kept, endpoints untouched',
    type: ENDPOINTSLICE,
    body: set(set(endpointSlice(), 'ports.0.protocol', 'UDP'), 'ports.1', { port: 9090 }),
    expect: { 'ports.0.protocol': 'UDP', 'ports.0.name': 'http', 'ports.1': { name: '', port: 9090, protocol: 'TCP' }, 'endpoints.1.conditions': { ready: false } },
  },
  {
    name: 'Node: allocatable defaults to capacity',
    type: NODE,
    body: set(node(), 'status.allocatable', undefined),
    expect: { 'status.allocatable': { cpu: '4', memory: '16Gi', pods: '110' } },
  },
];

describe('applyDefaults', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const out = defaulted(c.type, c.body);
      for (const [path, want] of Object.entries(c.expect)) assert.deepEqual(get(out, path), want, path);
    });
  }

  it('picks imagePullPolicy from the tag, as kube parses image names', () => {
    const policy = (image: string) => get(defaulted(POD, set(pod(), 'spec.containers.0.image', image)), 'spec.containers.0.imagePullPolicy');
    assert.equal(policy('nginx'), 'Always');
    assert.equal(policy('nginx:latest'), 'Always');
    assert.equal(policy('nginx:1.27'), 'IfNotPresent');
    assert.equal(policy('registry:5000/team/nginx'), 'Always');
    assert.equal(policy('registry:5000/team/nginx:1.0'), 'IfNotPresent');
    assert.equal(policy('nginx@sha256:abcd'), 'IfNotPresent');
    assert.equal(policy('nginx:latest@sha256:abcd'), 'Always');
  });

  it('does not mutate its input', () => {
    const body = deployment();
    const before = structuredClone(body);
    defaulted(DEPLOYMENT, body);
    assert.deepEqual(body, before);
  });

  for (const [type, make] of VALID) {
    it(`is idempotent for ${type.kind} ${String((make().metadata as Obj).name)}`, () => {
      const once = defaulted(type, make());
      assert.deepEqual(defaulted(type, once), once);
    });
  }

  it('validateObject returns defaulted objects, and defaulting them again changes nothing', () => {
    for (const [type, make] of VALID) {
      const { object } = validateObject(type, make(), { fieldValidation: 'Strict' });
      assert.deepEqual(applyDefaults(type, object), object, type.kind);
      // A defaulted object is itself valid under Strict.
      validateObject(type, object, { fieldValidation: 'Strict' });
    }
  });

  it('is idempotent for arbitrary pod specs (property)', () => {
    const container = fc.record({
      name: fc.constantFrom('a', 'b', 'c'),
      image: fc.constantFrom('nginx', 'nginx:1', 'r:5000/x@sha256:ab'),
      imagePullPolicy: fc.option(fc.constantFrom('Always', 'Never', 'IfNotPresent'), { nil: undefined }),
      ports: fc.option(fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.option(fc.constantFrom('TCP', 'UDP'), { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
      resources: fc.option(fc.record({ limits: fc.option(fc.constant({ cpu: '1' }), { nil: undefined }) }, { requiredKeys: [] }), { nil: undefined }),
      livenessProbe: fc.option(fc.record({ tcpSocket: fc.constant({ port: 80 }), periodSeconds: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) }, { requiredKeys: ['tcpSocket'] }), { nil: undefined }),
    }, { requiredKeys: ['name', 'image'] });
    const spec = fc.record({
      containers: fc.array(container, { minLength: 1, maxLength: 3 }),
      restartPolicy: fc.option(fc.constantFrom('Always', 'Never', 'OnFailure'), { nil: undefined }),
      hostNetwork: fc.option(fc.boolean(), { nil: undefined }),
      tolerations: fc.option(fc.array(fc.record({ key: fc.constantFrom('', 'node.kubernetes.io/not-ready', 'x'), operator: fc.constant('Exists'), effect: fc.constantFrom('', 'NoExecute', 'NoSchedule') }), { maxLength: 2 }), { nil: undefined }),
      volumes: fc.option(fc.array(fc.record({ name: fc.constantFrom('v1', 'v2'), secret: fc.option(fc.constant({ secretName: 's' }), { nil: undefined }) }, { requiredKeys: ['name'] }), { maxLength: 2 }), { nil: undefined }),
    }, { requiredKeys: ['containers'] });
    fc.assert(fc.property(spec, fc.boolean(), (s, asTemplate) => {
      if (asTemplate) {
        const once = podTemplateDefaults(structuredClone({ spec: s }) as PodTemplateSpec);
        assert.deepEqual(podTemplateDefaults(structuredClone(once)), once);
      } else {
        const once = defaulted(POD, set(pod(), 'spec', s));
        assert.deepEqual(defaulted(POD, once), once);
      }
    }));
  });
});
