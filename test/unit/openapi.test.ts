import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { openApiComponents, openApiV3Document, openApiV3Index, openApiV3Serialized } from '#lib/api/openapi.ts';
import { groupVersions, RESOURCE_TYPES, type ResourceType } from '#lib/core/resources.ts';

type Json = Record<string, unknown>;
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

const KEYS = ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/policy/v1', 'apis/discovery.k8s.io/v1', 'apis/authentication.k8s.io/v1', 'apis/authorization.k8s.io/v1'];
const doc = (key: string) => openApiV3Document(key) as Doc;
const keyOf = (t: Pick<ResourceType, 'group' | 'version'>) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);

function* walk(node: unknown, path = ''): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, x] of node.entries()) yield* walk(x, `${path}[${i}]`);
  } else if (node && typeof node === 'object') {
    yield [path, node as Json];
    for (const [k, v] of Object.entries(node)) yield* walk(v, `${path}/${k}`);
  }
}

const resolve = (d: Doc, schema: Json): Json => {
  const ref = schema.$ref as string | undefined;
  return ref ? d.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
};

/** The next schema down a field path, the way kubectl explain's template walks it. */
function field(d: Doc, schema: Json, name: string): Json | undefined {
  let s = resolve(d, schema);
  for (;;) {
    if (s.allOf && !s.properties) s = resolve(d, (s.allOf as Json[])[0]);
    else if (s.items) s = resolve(d, s.items as Json);
    else break;
  }
  return (s.properties as Record<string, Json> | undefined)?.[name];
}

/** kubectl explain: find the GVK from the resource's paths, then its component, then follow the fields. */
function explain(t: ResourceType, fieldPath: string[]): { schema: Json; description: string; fields: Record<string, string> } {
  const d = doc(keyOf(t));
  const prefix = t.group ? `/apis/${t.group}` : '/api';
  const candidates = [
    `${prefix}/${t.version}/${t.resource}`, `${prefix}/${t.version}/${t.resource}/{name}`,
    `${prefix}/${t.version}/namespaces/{namespace}/${t.resource}`, `${prefix}/${t.version}/namespaces/{namespace}/${t.resource}/{name}`,
  ];
  let gvk: Json | undefined;
  for (const p of candidates) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) gvk ??= d.paths[p]?.[m]?.['x-kubernetes-group-version-kind'] as Json | undefined;
  }
  assert.ok(gvk, `no GVK for ${t.resource}`);
  const root = Object.values(d.components.schemas).find((s) => (s['x-kubernetes-group-version-kind'] as Json[] | undefined)?.some((g) => JSON.stringify(g) === JSON.stringify(gvk)));
  assert.ok(root, `no component with GVK ${JSON.stringify(gvk)}`);
  let schema: Json = root;
  let description = String(root.description ?? '');
  for (const name of fieldPath) {
    const next = field(d, schema, name);
    assert.ok(next, `field "${name}" does not exist`);
    description = String(next.description ?? '');
    schema = next;
  }
  let target = resolve(d, schema);
  while (target.allOf || target.items) target = resolve(d, ((target.allOf as Json[] | undefined)?.[0] ?? target.items) as Json);
  const fields = Object.fromEntries(Object.entries((target.properties as Record<string, Json> | undefined) ?? {}).map(([k, v]) => [k, String(v.description ?? '')]));
  return { schema: target, description, fields };
}

describe('GET /openapi/v3', () => {
  it('lists one document per served group version, with a content hash', () => {
    const index = openApiV3Index();
    // The served kinds' group versions, then the self reviews'.
    assert.deepEqual(Object.keys(index.paths).slice(0, groupVersions().length), groupVersions().map(keyOf));
    assert.deepEqual(Object.keys(index.paths), KEYS);
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      const hash = createHash('sha512').update(openApiV3Serialized(key)!.body).digest('hex').toUpperCase();
      assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${hash}`);
    }
    assert.deepEqual(openApiV3Index(), index, 'stable');
  });

  it('describes each review as a create-only path whose POST takes fieldValidation (kubectl validates through it)', () => {
    const d = doc('apis/authorization.k8s.io/v1') as unknown as { paths: Record<string, { post?: { parameters?: { name: string }[]; 'x-kubernetes-group-version-kind': unknown }; get?: unknown }> };
    const ssar = d.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'];
    assert.deepEqual(ssar.post!['x-kubernetes-group-version-kind'], { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', version: 'v1' });
    assert.ok(ssar.post!.parameters!.some((p) => p.name === 'fieldValidation'));
    assert.equal(ssar.get, undefined);
    assert.ok(openApiComponents()['io.k8s.api.authorization.v1.ResourceAttributes']);
    const whoami = (doc('apis/authentication.k8s.io/v1') as unknown as { paths: Record<string, unknown> }).paths;
    assert.deepEqual(Object.keys(whoami), ['/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/authentication.k8s.io/v1/tokenreviews']);
  });

  it('serves documents by key, URL path or serverRelativeURL; nothing else', () => {
    const d = openApiV3Document('apis/apps/v1');
    assert.ok(d);
    assert.equal(openApiV3Document('/openapi/v3/apis/apps/v1?hash=abc'), d);
    assert.equal(openApiV3Document('apis/apps/v1'), d, 'generated once');
    assert.ok(Object.isFrozen(d));
    assert.equal(openApiV3Document('apis/batch/v1'), undefined);
    assert.equal(openApiV3Document('api'), undefined);
    assert.deepEqual(JSON.parse(openApiV3Serialized('api/v1')!.body), openApiV3Document('api/v1'));
  });
});

describe('OpenAPI v3 documents', () => {
  for (const key of KEYS) {
    describe(key, () => {
      const d = doc(key);

      it('is an OpenAPI 3.0 document whose every $ref resolves', () => {
        assert.match(d.openapi, /^3\.0\./);
        let refs = 0;
        for (const [path, node] of walk(d)) {
          if (typeof node.$ref !== 'string') continue;
          refs++;
          assert.match(node.$ref, /^#\/components\/schemas\//, path);
          assert.ok(d.components.schemas[node.$ref.slice('#/components/schemas/'.length)], `${path}: ${node.$ref} does not resolve`);
        }
        // The served kinds' documents are large; the self reviews' hold a few small types.
        assert.ok(refs > (key.endsWith('authentication.k8s.io/v1') || key.endsWith('authorization.k8s.io/v1') ? 3 : 50), `${refs} refs`);
      });

      it('names components as Kubernetes does and describes every field', () => {
        for (const [id, schema] of Object.entries(d.components.schemas)) {
          assert.match(id, /^io\.k8s\.(api\.[a-z.]+\.v1|apimachinery\.pkg\.(apis\.meta\.v1|api\.resource|util\.intstr))\.[A-Z][A-Za-z0-9]+$/, id);
          assert.ok(schema.description, `${id} has no description`);
          for (const [name, prop] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
            assert.ok(prop.description, `${id}.${name} has no description`);
          }
        }
      });

      it('is plain OpenAPI 3.0 in kube style (no JSON Schema leftovers)', () => {
        for (const [path, node] of walk(d.components)) {
          assert.notEqual(node.additionalProperties, false, path);
          assert.equal(node.$schema, undefined, path);
          assert.equal(node.$id, undefined, path);
          if (node.type === 'integer' && !path.includes('/oneOf')) assert.ok(node.format === 'int32' || node.format === 'int64', `${path} has no integer format`);
          if (Array.isArray(node.enum)) assert.ok(!node.enum.includes('') || path.includes('HostPathVolumeSource'), `${path} lists ""`);
        }
      });

      it('puts x-kubernetes-group-version-kind on kinds and on every operation', () => {
        for (const t of RESOURCE_TYPES.filter((r) => keyOf(r) === key)) {
          const kind = Object.values(d.components.schemas).filter((s) => JSON.stringify(s['x-kubernetes-group-version-kind']) === JSON.stringify([{ group: t.group, kind: t.kind, version: t.version }]));
          assert.equal(kind.length, 1, t.kind);
        }
        const ids = new Set<string>();
        for (const [path, item] of Object.entries(d.paths)) {
          for (const [method, op] of Object.entries(item)) {
            if (method === 'parameters') continue;
            assert.ok(op['x-kubernetes-group-version-kind'], `${method} ${path}`);
            assert.ok(op['x-kubernetes-action'], `${method} ${path}`);
            assert.ok(!ids.has(op.operationId as string), `duplicate operationId ${op.operationId}`);
            ids.add(op.operationId as string);
          }
        }
      });

      it('offers fieldValidation on every POST, PUT and PATCH (kubectl then validates server-side)', () => {
        for (const [path, item] of Object.entries(d.paths)) {
          for (const method of ['post', 'put', 'patch']) {
            const op = item[method];
            if (!op) continue;
            const params = op.parameters as Json[];
            assert.ok(params.some((p) => p.name === 'fieldValidation' && p.in === 'query'), `${method} ${path}`);
            assert.ok(params.some((p) => p.name === 'dryRun'), `${method} ${path}`);
            assert.ok(params.some((p) => p.name === 'fieldManager'), `${method} ${path}`);
          }
        }
      });
    });
  }

  it("satisfies kubectl's query-param verifier for every kind with patch", () => {
    // cli-runtime's supportsQueryParamV3: the first PATCH operation for the GVK must list the parameter.
    for (const t of RESOURCE_TYPES.filter((r) => r.verbs.includes('patch'))) {
      const d = doc(keyOf(t));
      const gvk = { group: t.group, kind: t.kind, version: t.version };
      const patches = Object.values(d.paths).map((p) => p.patch).filter((op) => op && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
      assert.ok(patches.length > 0, t.kind);
      for (const op of patches) assert.ok((op.parameters as Json[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'));
    }
  });

  it('declares the subresource kinds where kube does', () => {
    const apps = doc('apis/apps/v1');
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
    assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
    const core = doc('api/v1');
    assert.deepEqual(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post['x-kubernetes-group-version-kind'], { group: 'policy', kind: 'Eviction', version: 'v1' });
    assert.ok(core.components.schemas['io.k8s.api.policy.v1.Eviction']);
    assert.ok(core.components.schemas['io.k8s.api.core.v1.Binding']);
    assert.ok(core.paths['/api/v1/pods'].get, 'list across namespaces');
    assert.ok(core.paths['/api/v1/nodes/{name}/status'].patch, 'cluster-scoped status');
    assert.ok(core.paths['/api/v1/namespaces/{name}/finalize'].put);
    assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch.operationId, 'patchCoreV1NamespacedPod');
    assert.equal(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].delete.operationId, 'deleteAppsV1CollectionNamespacedDeployment');
    assert.equal(doc('apis/coordination.k8s.io/v1').paths['/apis/coordination.k8s.io/v1/leases'].get.operationId, 'listCoordinationV1LeaseForAllNamespaces');
  });
});

describe('what kubectl explain needs', () => {
  const deployment = RESOURCE_TYPES.find((t) => t.kind === 'Deployment')!;
  const pod = RESOURCE_TYPES.find((t) => t.kind === 'Pod')!;
  const service = RESOURCE_TYPES.find((t) => t.kind === 'Service')!;

  it('deployment.spec.strategy: type and rollingUpdate, described', () => {
    const e = explain(deployment, ['spec', 'strategy']);
    assert.match(e.description, /strategy/i);
    assert.deepEqual(Object.keys(e.fields).sort(), ['rollingUpdate', 'type']);
    assert.match(e.fields.type, /Recreate/);
    assert.match(e.fields.rollingUpdate, /Rolling update/);
    assert.deepEqual(e.schema.properties && (e.schema.properties as Record<string, Json>).type.enum, ['Recreate', 'RollingUpdate']);
  });

  it('deployment.spec.strategy.rollingUpdate.maxSurge: an IntOrString', () => {
    const e = explain(deployment, ['spec', 'strategy', 'rollingUpdate', 'maxSurge']);
    assert.match(e.description, /maximum number of pods that can be scheduled above the desired number/);
    // kube's v3 shape: no `type`, so kubectl explain names it <IntOrString>.
    assert.deepEqual({ ...e.schema, description: undefined }, { oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string', 'x-kubernetes-int-or-string': true, description: undefined });
  });

  it('walks through lists and maps: pod.spec.containers.resources.limits, pod.metadata.labels', () => {
    assert.match(explain(pod, ['spec', 'containers', 'resources', 'limits']).description, /maximum amount of compute resources/);
    assert.match(explain(pod, ['spec', 'containers', 'livenessProbe', 'httpGet', 'port']).description, /port/);
    assert.match(explain(pod, ['metadata', 'labels']).description, /Labels/);
    assert.ok(explain(pod, ['spec']).fields.topologySpreadConstraints);
    assert.ok(explain(service, ['spec', 'ports']).fields.targetPort);
  });

  it('marks required fields', () => {
    const d = doc('api/v1');
    assert.deepEqual(d.components.schemas['io.k8s.api.core.v1.PodSpec'].required, ['containers']);
    assert.deepEqual(d.components.schemas['io.k8s.api.core.v1.Container'].required, ['name']);
    assert.deepEqual(doc('apis/apps/v1').components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].required, ['selector', 'template']);
  });
});

describe('list and patch annotations', () => {
  const schemas = { ...doc('api/v1').components.schemas, ...doc('apis/apps/v1').components.schemas };
  const prop = (id: string, name: string) => (schemas[id].properties as Record<string, Json>)[name];
  const CASES: [string, string, Json][] = [
    ['io.k8s.api.core.v1.PodSpec', 'containers', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }],
    ['io.k8s.api.core.v1.PodSpec', 'initContainers', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['io.k8s.api.core.v1.PodSpec', 'volumes', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' }],
    ['io.k8s.api.core.v1.PodSpec', 'tolerations', { 'x-kubernetes-list-type': 'atomic' }],
    ['io.k8s.api.core.v1.Container', 'ports', { 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] }],
    ['io.k8s.api.core.v1.Container', 'env', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['io.k8s.api.core.v1.Container', 'volumeMounts', { 'x-kubernetes-patch-merge-key': 'mountPath', 'x-kubernetes-patch-strategy': 'merge' }],
    ['io.k8s.api.core.v1.Container', 'args', { 'x-kubernetes-list-type': 'atomic' }],
    ['io.k8s.api.core.v1.ServiceSpec', 'ports', { 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-list-map-keys': ['port', 'protocol'] }],
    ['io.k8s.api.core.v1.NodeSpec', 'taints', { 'x-kubernetes-list-type': 'atomic' }],
    ['io.k8s.api.core.v1.NodeStatus', 'conditions', { 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-list-map-keys': ['type'] }],
    ['io.k8s.api.core.v1.PodStatus', 'conditions', { 'x-kubernetes-patch-merge-key': 'type' }],
    ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions', { 'x-kubernetes-patch-merge-key': 'type' }],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences', { 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-list-map-keys': ['uid'] }],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers', { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' }],
  ];
  for (const [id, name, want] of CASES) {
    it(`${id.split('.').pop()}.${name}`, () => {
      const p = prop(id, name);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(p[k], v, k);
    });
  }

  it('scalar components have kube shapes', () => {
    assert.deepEqual({ ...schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time'], description: undefined }, { type: 'string', format: 'date-time', description: undefined });
    assert.deepEqual(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
    assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'].type, 'object');
    const labelSelector = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'];
    assert.equal(labelSelector['x-kubernetes-map-type'], 'atomic');
    const data = (schemas['io.k8s.api.core.v1.Secret'].properties as Record<string, Json>).data;
    assert.deepEqual(data.additionalProperties, { type: 'string', format: 'byte' });
    assert.deepEqual((schemas['io.k8s.api.core.v1.ContainerPort'].properties as Record<string, Json>).containerPort, {
      description: (schemas['io.k8s.api.core.v1.ContainerPort'].properties as Record<string, Json>).containerPort.description, type: 'integer', format: 'int32',
    });
  });
});
