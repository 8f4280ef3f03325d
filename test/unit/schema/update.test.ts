import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidError } from '#lib/core/errors.ts';
import type { KubeObject } from '#lib/core/object.ts';
import type { ResourceType } from '#lib/core/resources.ts';
import { generationChanged, semanticEqual, tracksGeneration, validateObject, validateUpdate } from '#lib/api/schema/index.ts';
import {
  CONFIGMAP, DEPLOYMENT, ENDPOINTSLICE, NAMESPACE, NODE, POD, REPLICASET, SECRET, SERVICE,
  configMap, deployment, endpointSlice, namespace, node, pod, replicaSet, secret, service, set,
} from './fixtures.ts';

type Obj = Record<string, unknown>;

/** Both sides validated (and so defaulted), as the API layer hands them over. */
const v = (type: ResourceType, body: Obj): KubeObject => validateObject(type, body, { fieldValidation: 'Strict' }).object;

function updateError(type: ResourceType, oldBody: Obj, newBody: Obj): InvalidError | undefined {
  try {
    validateUpdate(type, v(type, oldBody), v(type, newBody));
    return undefined;
  } catch (err) {
    if (err instanceof InvalidError) return err;
    throw err;
  }
}

interface Case {
  name: string;
  type: ResourceType;
  old: Obj;
  new: Obj;
  /** Expected cause: undefined when the update is allowed. */
  field?: string;
  reason?: string;
  message?: string;
}

const running = set(pod(), 'spec.nodeName', 'node-1');

const CASES: Case[] = [
  { name: 'deployment template change', type: DEPLOYMENT, old: deployment(), new: set(deployment(), 'spec.template.spec.containers.0.image', 'nginx:2') },
  {
    name: 'deployment selector change', type: DEPLOYMENT, old: deployment(),
    new: set(set(deployment(), 'spec.selector.matchLabels', { app: 'web', tier: 'x' }), 'spec.template.metadata.labels', { app: 'web', tier: 'x' }),
    field: 'spec.selector', reason: 'FieldValueInvalid', message: 'field is immutable',
  },
  {
    name: 'replica set selector change', type: REPLICASET, old: replicaSet(),
    new: set(set(replicaSet(), 'spec.selector.matchLabels', { app: 'web' }), 'spec.template.metadata.labels', { app: 'web' }),
    field: 'spec.selector', reason: 'FieldValueInvalid',
  },
  { name: 'service clusterIP change', type: SERVICE, old: set(service(), 'spec.clusterIP', '10.96.0.10'), new: set(service(), 'spec.clusterIP', '10.96.0.11'), field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid', message: 'may not change once set' },
  { name: 'service update without clusterIP (kept by the API layer)', type: SERVICE, old: set(service(), 'spec.clusterIP', '10.96.0.10'), new: set(service(), 'spec.ports.0.port', 81) },
  { name: 'service to ExternalName', type: SERVICE, old: set(service(), 'spec.clusterIP', '10.96.0.10'), new: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'ExternalName', externalName: 'x.example.com' } } },
  { name: 'pod image change', type: POD, old: running, new: set(running, 'spec.containers.0.image', 'nginx:1.28') },
  { name: 'pod toleration added', type: POD, old: running, new: set(running, 'spec.tolerations', [{ key: 'x', operator: 'Exists' }]) },
  { name: 'pod binding (nodeName set once)', type: POD, old: pod(), new: running },
  { name: 'pod activeDeadlineSeconds set', type: POD, old: running, new: set(running, 'spec.activeDeadlineSeconds', 100) },
  {
    name: 'pod activeDeadlineSeconds raised', type: POD, old: set(running, 'spec.activeDeadlineSeconds', 100), new: set(running, 'spec.activeDeadlineSeconds', 200),
    field: 'spec.activeDeadlineSeconds', reason: 'FieldValueInvalid', message: 'must be less than or equal to previous value',
  },
  {
    name: 'pod env change', type: POD, old: running, new: set(running, 'spec.containers.0.env', [{ name: 'A', value: 'b' }]),
    field: 'spec', reason: 'FieldValueForbidden', message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`',
  },
  { name: 'pod moved to another node', type: POD, old: running, new: set(running, 'spec.nodeName', 'node-2'), field: 'spec', reason: 'FieldValueForbidden', message: 'spec.nodeName' },
  {
    name: 'pod toleration removed', type: POD, old: set(running, 'spec.tolerations', [{ key: 'x', operator: 'Exists' }]), new: running,
    field: 'spec.tolerations', reason: 'FieldValueForbidden',
  },
  { name: 'pod labels change', type: POD, old: running, new: set(running, 'metadata.labels', { app: 'other' }) },
  { name: 'mutable configmap change', type: CONFIGMAP, old: configMap(), new: set(configMap(), 'data', { a: 'b' }) },
  {
    name: 'immutable configmap change', type: CONFIGMAP, old: set(configMap(), 'immutable', true), new: set(set(configMap(), 'immutable', true), 'data', { a: 'b' }),
    field: 'data', reason: 'FieldValueForbidden', message: 'field is immutable when `immutable` is set',
  },
  { name: 'immutable flag cleared', type: CONFIGMAP, old: set(configMap(), 'immutable', true), new: configMap(), field: 'immutable', reason: 'FieldValueForbidden' },
  {
    name: 'slice addressType change', type: ENDPOINTSLICE, old: endpointSlice(), new: set(set(endpointSlice(), 'addressType', 'IPv6'), 'endpoints', [{ addresses: ['fd00::5'] }]),
    field: 'addressType', reason: 'FieldValueInvalid', message: 'field is immutable',
  },
  { name: 'secret type change', type: SECRET, old: secret(), new: set(secret(), 'type', 'example.com/other'), field: 'type', reason: 'FieldValueInvalid', message: 'field is immutable' },
  { name: 'node podCIDR change', type: NODE, old: node(), new: set(set(node(), 'spec.podCIDR', '10.244.2.0/24'), 'spec.podCIDRs', ['10.244.2.0/24']), field: 'spec.podCIDRs', reason: 'FieldValueForbidden' },
  { name: 'node cordon', type: NODE, old: node(), new: set(node(), 'spec.unschedulable', true) },
];

describe('validateUpdate', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const err = updateError(c.type, c.old, c.new);
      if (!c.field) {
        assert.equal(err, undefined, err?.message);
        return;
      }
      assert.ok(err, 'expected 422');
      assert.equal(err.code, 422);
      const cause = err.causes.find((x) => x.field === c.field && x.reason === c.reason);
      assert.ok(cause, JSON.stringify(err.causes));
      if (c.message) assert.ok(cause.message!.includes(c.message), cause.message);
    });
  }
});

describe('generationChanged', () => {
  const cases: [string, ResourceType, Obj, Obj, boolean][] = [
    ['deployment spec change', DEPLOYMENT, deployment(), set(deployment(), 'spec.replicas', 3), true],
    ['deployment annotation change', DEPLOYMENT, deployment(), set(deployment(), 'metadata.annotations', { 'kubernetes.io/change-cause': 'x' }), true],
    ['deployment label change', DEPLOYMENT, deployment(), set(deployment(), 'metadata.labels', { app: 'web', x: 'y' }), false],
    ['deployment status change', DEPLOYMENT, deployment(), set(deployment(), 'status', { replicas: 1 }), false],
    ['deployment unchanged', DEPLOYMENT, deployment(), deployment(), false],
    ['replica set spec change', REPLICASET, replicaSet(), set(replicaSet(), 'spec.replicas', 1), true],
    ['replica set annotation change', REPLICASET, replicaSet(), set(replicaSet(), 'metadata.annotations', { a: 'b' }), false],
    ['pod spec change', POD, pod(), set(pod(), 'spec.containers.0.image', 'nginx:2'), true],
    ['pod status change', POD, pod(), set(pod(), 'status', { phase: 'Running' }), false],
    ['service spec change', SERVICE, service(), set(service(), 'spec.ports.0.port', 81), false],
    ['namespace change', NAMESPACE, namespace(), set(namespace(), 'metadata.labels', { a: 'b' }), false],
    ['configmap data change', CONFIGMAP, configMap(), set(configMap(), 'data', {}), false],
  ];
  for (const [name, type, a, b, want] of cases) {
    it(name, () => assert.equal(generationChanged(type, v(type, a), v(type, b)), want));
  }

  it('absent and empty maps or lists are semantically equal, as in kube', () => {
    assert.equal(semanticEqual({ a: {} }, {}), true);
    assert.equal(semanticEqual({ a: [] }, { a: undefined }), true);
    assert.equal(semanticEqual({ a: [1] }, { a: [1, 2] }), false);
    assert.equal(semanticEqual({ a: { b: 1 } }, { a: { b: 2 } }), false);
  });

  it('tracksGeneration: workloads and pods only', () => {
    assert.deepEqual([DEPLOYMENT, REPLICASET, POD, SERVICE, NODE, CONFIGMAP].map((t) => tracksGeneration(t)), [true, true, true, false, false, false]);
  });
});
