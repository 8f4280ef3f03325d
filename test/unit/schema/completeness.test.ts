/**
 * Every field the Kubernetes API defines for the served kinds is known to our schemas, checked
 * against @kubernetes/client-node's generated models (which come from kube's own OpenAPI): under
 * fieldValidation=Strict an unknown field is a 400, so a missing one would break real clients.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { openApiComponents } from '#lib/api/openapi.ts';
import { validateObject } from '#lib/api/schema/index.ts';
import { DEPLOYMENT, POD, SERVICE } from './fixtures.ts';

interface Attribute { baseName: string; type: string }
type Model = { attributeTypeMap?: Attribute[] };

const models = k8s as unknown as Record<string, Model | undefined>;
const components = openApiComponents() as Record<string, { properties?: Record<string, unknown> }>;

/** client-node's model name → kube's component name (`V1PodSpec` → `io.k8s.api.core.v1.PodSpec`). */
function componentOf(model: string): string | undefined {
  // Names kube uses in two groups carry the group in client-node's model name.
  if (model.startsWith('DiscoveryV1')) return `io.k8s.api.discovery.v1.${model.slice('DiscoveryV1'.length)}`;
  if (model.startsWith('CoreV1')) return `io.k8s.api.core.v1.${model.slice('CoreV1'.length)}`;
  const short = model.replace(/^(V1|CoreV1|AppsV1)/, '');
  return Object.keys(components).find((id) => id.endsWith(`.${short}`));
}

const ROOTS = [
  'V1Pod', 'V1PodList', 'V1Deployment', 'V1DeploymentList', 'V1ReplicaSet', 'V1Service', 'V1Node', 'V1Namespace', 'CoreV1Event',
  'V1Endpoints', 'V1ConfigMap', 'V1Secret', 'V1ServiceAccount', 'V1Lease', 'V1EndpointSlice', 'V1PodDisruptionBudget', 'V1Scale', 'V1Eviction', 'V1Binding', 'V1DeleteOptions', 'V1Status',
];

describe('schemas cover the Kubernetes API', () => {
  const seen = new Set<string>();
  const queue = [...ROOTS];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const model = models[name];
    if (!model?.attributeTypeMap) continue;
    for (const a of model.attributeTypeMap) {
      for (const t of a.type.match(/(?:V1|CoreV1|DiscoveryV1)[A-Za-z0-9]+/g) ?? []) queue.push(t);
    }
    const attrs = model.attributeTypeMap.map((a) => a.baseName).sort();
    it(`${name} has every field`, () => {
      const id = componentOf(name);
      assert.ok(id, `no component for ${name}`);
      assert.deepEqual(Object.keys(components[id].properties ?? {}).sort(), attrs);
    });
  }

  it('walked the whole object graph', () => assert.ok(seen.size > 150, String(seen.size)));
});

describe('objects serialized by client-node pass Strict validation', () => {
  const serialize = (obj: unknown, type: string) => ObjectSerializer.serialize(obj, type) as Record<string, unknown>;

  it('V1Deployment', () => {
    const body = serialize({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }] },
        },
      },
    }, 'V1Deployment');
    assert.deepEqual(validateObject(DEPLOYMENT, body, { fieldValidation: 'Strict' }).warnings, []);
  });

  it('V1Pod with dates', () => {
    const body = serialize({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: new Date('2024-01-01T00:00:00Z') },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
      status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date('2024-01-01T00:00:00Z') }] },
    }, 'V1Pod');
    validateObject(POD, body, { fieldValidation: 'Strict' });
  });

  it('V1Service', () => {
    const body = serialize({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] } }, 'V1Service');
    validateObject(SERVICE, body, { fieldValidation: 'Strict' });
  });
});
