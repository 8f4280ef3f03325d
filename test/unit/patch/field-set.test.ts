import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSet, FieldSetError, pathToString } from '../../../lib/api/patch/field-set.ts';
import { fieldSetOf, listPatchMeta, openApiExtensions, patchMetaFor, patchMetaKinds } from '../../../lib/api/patch/index.ts';

const f = (n: string) => `f:${n}`;

describe('FieldSet', () => {
  it('encodes FieldsV1 with "." for members that have children, elements sorted', () => {
    const s = FieldSet.of(
      [f('spec'), f('replicas')],
      [f('metadata'), f('labels'), f('app')],
      [f('spec'), f('containers'), 'k:{"name":"nginx"}'],
      [f('spec'), f('containers'), 'k:{"name":"nginx"}', f('image')],
    );
    assert.deepEqual(s.toFieldsV1(), {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
    });
    assert.equal(JSON.stringify(Object.keys((s.toFieldsV1()['f:spec'] as object))), '["f:containers","f:replicas"]');
  });

  it('round-trips and canonicalizes keys', () => {
    const doc = { 'f:spec': { 'f:ports': { 'k:{"protocol":"TCP","port":80}': { '.': {}, 'f:port': {} } } }, 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"a"': {} } } };
    const s = FieldSet.fromFieldsV1(doc);
    assert.ok(s.has([f('spec'), f('ports'), 'k:{"port":80,"protocol":"TCP"}']));
    assert.ok(s.has([f('metadata'), f('finalizers')]));
    assert.ok(FieldSet.fromFieldsV1(s.toFieldsV1()).equals(s));
  });

  it('rejects what is not FieldsV1', () => {
    for (const bad of [[], { 'x:y': {} }, { 'f:a': 1 }, { 'k:notjson': {} }, { 'i:x': {} }]) {
      assert.throws(() => FieldSet.fromFieldsV1(bad), FieldSetError);
    }
  });

  it('set operations', () => {
    const a = FieldSet.of([f('a'), f('b')], [f('a'), f('c')], [f('d')]);
    const b = FieldSet.of([f('a'), f('b')], [f('d'), f('e')]);
    assert.deepEqual(a.difference(b).paths(), [[f('d')], [f('a'), f('c')]]);
    assert.deepEqual(a.intersection(b).paths(), [[f('a'), f('b')]]);
    assert.ok(a.union(b).has([f('d'), f('e')]));
    assert.deepEqual(a.recursiveDifference(FieldSet.of([f('a')])).paths(), [[f('d')]]);
    assert.deepEqual(a.recursiveIntersection(FieldSet.of([f('a')])).paths(), [[f('a'), f('b')], [f('a'), f('c')]]);
    assert.ok(a.ensureNamedFieldsAreMembers().has([f('a')]));
    assert.ok(!FieldSet.of([f('l'), 'k:{"name":"x"}', f('y')]).ensureNamedFieldsAreMembers().has([f('l'), 'k:{"name":"x"}']));
  });

  it('prints paths as kube does in conflicts', () => {
    assert.equal(pathToString([f('spec'), f('template'), f('spec'), f('containers'), 'k:{"name":"nginx"}', f('image')]), '.spec.template.spec.containers[name="nginx"].image');
    assert.equal(pathToString([f('spec'), f('ports'), 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathToString([f('metadata'), f('finalizers'), 'v:"x"']), '.metadata.finalizers[="x"]');
  });

  it('fieldsets of objects use merge keys, values for sets, leaves for atomics', () => {
    const s = fieldSetOf({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', finalizers: ['a'], ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs' }] },
      spec: {
        containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], resources: {} }],
        tolerations: [{ key: 'k' }],
        nodeSelector: { disk: 'ssd' },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      },
    }, 'Pod');
    const v1 = s.toFieldsV1() as Record<string, Record<string, unknown>>;
    assert.deepEqual(v1['f:metadata']['f:finalizers'], { 'v:"a"': {} });
    assert.deepEqual(v1['f:metadata']['f:ownerReferences'], { 'k:{"uid":"u1"}': {} });
    assert.deepEqual(v1['f:spec'], {
      'f:affinity': { 'f:nodeAffinity': { 'f:requiredDuringSchedulingIgnoredDuringExecution': {} } },
      'f:containers': {
        'k:{"name":"c"}': {
          '.': {},
          'f:image': {},
          'f:name': {},
          'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          'f:resources': {},
        },
      },
      'f:nodeSelector': {},
      'f:tolerations': {},
    });
  });
});

describe('patch metadata', () => {
  const cases: { kind: string; path: string[]; want: unknown }[] = [
    { kind: 'Pod', path: ['spec', 'containers'], want: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
    { kind: 'Deployment', path: ['spec', 'template', 'spec', 'containers', 'env'], want: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
    { kind: 'ReplicaSet', path: ['spec', 'template', 'spec', 'containers', 'ports'], want: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] } },
    { kind: 'Pod', path: ['spec', 'volumes'], want: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
    { kind: 'Pod', path: ['spec', 'tolerations'], want: { listType: 'atomic' } },
    { kind: 'Node', path: ['spec', 'taints'], want: { listType: 'atomic' } },
    { kind: 'Pod', path: ['spec', 'topologySpreadConstraints'], want: { strategy: 'merge', mergeKey: 'topologyKey', listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] } },
    { kind: 'Pod', path: ['metadata', 'finalizers'], want: { strategy: 'merge', listType: 'set' } },
    { kind: 'ConfigMap', path: ['metadata', 'ownerReferences'], want: { strategy: 'merge', mergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] } },
    { kind: 'Service', path: ['spec', 'ports'], want: { strategy: 'merge', mergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] } },
    { kind: 'Service', path: ['spec', 'selector'], want: { mapType: 'atomic' } },
    { kind: 'Deployment', path: ['spec', 'strategy'], want: { strategy: 'retainKeys' } },
    { kind: 'Deployment', path: ['spec', 'selector'], want: { mapType: 'atomic' } },
    { kind: 'Deployment', path: ['status', 'conditions'], want: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] } },
    { kind: 'Node', path: ['status', 'addresses'], want: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] } },
    { kind: 'Endpoints', path: ['subsets'], want: { listType: 'atomic' } },
    { kind: 'Pod', path: ['spec', 'containers', 'image'], want: undefined },
    { kind: 'Pod', path: ['spec', 'nope'], want: undefined },
  ];
  for (const c of cases) {
    it(`${c.kind} ${c.path.join('.')}`, () => assert.deepEqual(patchMetaFor(c.kind, c.path), c.want));
  }

  it('enumerates a kind and renders OpenAPI extensions', () => {
    const all = listPatchMeta('Deployment');
    const env = all.find((e) => e.path.join('.') === 'spec.template.spec.containers.env');
    assert.ok(env);
    assert.deepEqual(openApiExtensions(env.meta), {
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    assert.ok(patchMetaKinds().includes('Pod'));
  });
});
