import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { applyPatch, STRATEGIC_MERGE_PATCH } from '../../../lib/api/patch/index.ts';

const SMP = STRATEGIC_MERGE_PATCH;

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a.example/x', 'b.example/y'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.24',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            { name: 'sidecar', image: 'busybox', args: ['sleep', '1000'] },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
        },
      },
    },
  };
}

function node(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    spec: { podCIDR: '10.0.0.0/24', taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] },
  };
}

const smp = (live: KubeObject, patch: unknown) => applyPatch(SMP, live, patch, { kind: live.kind, apiVersion: live.apiVersion });
const containers = (o: KubeObject) => (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
const podSpec = (o: KubeObject) => (o.spec as { template: { spec: Record<string, unknown> } }).template.spec;

describe('strategic merge patch: what kubectl sends', () => {
  it('kubectl set image merges the container by name and keeps everything else', () => {
    const live = deployment();
    const out = smp(live, { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } });
    assert.equal(containers(out)[0].image, 'nginx:1.25');
    assert.deepEqual(containers(out)[0].env, containers(live)[0].env);
    assert.deepEqual(containers(out)[1], containers(live)[1]);
    assert.equal(containers(live)[0].image, 'nginx:1.24', 'input untouched');
  });

  it('client-side apply: $setElementOrder/containers and /env order the merged lists', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }, { name: 'metrics' }],
            containers: [
              { name: 'nginx', '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }, { name: 'B' }], env: [{ name: 'C', value: '3' }] },
              { name: 'metrics', image: 'prom/exporter' },
            ],
          },
        },
      },
    };
    const out = smp(deployment(), patch);
    assert.deepEqual(containers(out).map((c) => c.name), ['sidecar', 'nginx', 'metrics']);
    assert.deepEqual((containers(out)[1].env as { name: string }[]).map((e) => e.name), ['C', 'A', 'B']);
    assert.equal(containers(out)[1].image, 'nginx:1.24');
    assert.ok(!('$setElementOrder/env' in containers(out)[1]));
  });

  it('client-side apply removing an env var: $patch delete plus $setElementOrder', () => {
    const out = smp(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'nginx', '$setElementOrder/env': [{ name: 'B' }], env: [{ name: 'A', $patch: 'delete' }] }] } } },
    });
    assert.deepEqual(containers(out)[0].env, [{ name: 'B', value: '2' }]);
  });

  it('$patch: delete removes a container', () => {
    const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
    assert.deepEqual(containers(out).map((c) => c.name), ['nginx']);
  });

  it('$retainKeys on strategy: RollingUpdate → Recreate drops rollingUpdate', () => {
    const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    assert.deepEqual((out.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
  });

  it('$retainKeys also clears keys the patch does not mention', () => {
    const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual((out.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
  });

  it('$deleteFromPrimitiveList/finalizers removes values; finalizers merge as a set', () => {
    const out = smp(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'], finalizers: ['c.example/z', 'b.example/y'] } });
    assert.deepEqual(out.metadata.finalizers, ['c.example/z', 'b.example/y']);
  });

  it('cordon and uncordon', () => {
    const cordoned = smp(node(), { spec: { unschedulable: true } });
    assert.equal((cordoned.spec as Record<string, unknown>).unschedulable, true);
    const uncordoned = smp(cordoned, { spec: { unschedulable: null } });
    assert.ok(!('unschedulable' in (uncordoned.spec as Record<string, unknown>)));
  });

  it('kubectl taint replaces the whole list; null clears it', () => {
    const taints = [{ key: 'b', value: '2', effect: 'NoExecute' }];
    const out = smp(node(), { spec: { taints } });
    assert.deepEqual((out.spec as Record<string, unknown>).taints, taints);
    const cleared = smp(out, { spec: { taints: null } });
    assert.ok(!('taints' in (cleared.spec as Record<string, unknown>)));
  });
});

describe('strategic merge patch: semantics', () => {
  const cases: { name: string; live: () => KubeObject; patch: unknown; check: (o: KubeObject) => void }[] = [
    {
      name: 'null deletes a key, maps merge recursively',
      live: deployment,
      patch: { metadata: { labels: { app: null, tier: 'fe' } } },
      check: (o) => assert.deepEqual(o.metadata.labels, { tier: 'fe' }),
    },
    {
      name: 'tolerations are replaced, not merged',
      live: deployment,
      patch: { spec: { template: { spec: { tolerations: [{ key: 'other', operator: 'Exists' }] } } } },
      check: (o) => assert.deepEqual(podSpec(o).tolerations, [{ key: 'other', operator: 'Exists' }]),
    },
    {
      name: 'args (no merge key) are replaced',
      live: deployment,
      patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', args: ['true'] }] } } } },
      check: (o) => assert.deepEqual(containers(o)[1].args, ['true']),
    },
    {
      name: 'a new list element goes first (kube orders it before the live-only items)',
      live: deployment,
      patch: { spec: { template: { spec: { containers: [{ name: 'metrics', image: 'm' }] } } } },
      check: (o) => assert.deepEqual(containers(o).map((c) => c.name), ['metrics', 'nginx', 'sidecar']),
    },
    {
      name: 'ports merge by containerPort',
      live: deployment,
      patch: { spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } },
      check: (o) =>
        assert.deepEqual(containers(o)[0].ports, [
          { containerPort: 80, protocol: 'TCP', name: 'http' },
          { containerPort: 443 },
        ]),
    },
    {
      name: 'volumeMounts merge by mountPath, volumes by name',
      live: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              volumes: [{ name: 'cache', emptyDir: {} }],
              containers: [{ name: 'nginx', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
            },
          },
        },
      },
      check: (o) => {
        assert.deepEqual((podSpec(o).volumes as { name: string }[]).map((v) => v.name), ['cache', 'data']);
        assert.equal((containers(o)[0].volumeMounts as unknown[]).length, 2);
      },
    },
    {
      name: 'a volume switched from emptyDir to configMap with $retainKeys',
      live: deployment,
      patch: { spec: { template: { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } } } },
      check: (o) => assert.deepEqual(podSpec(o).volumes, [{ name: 'data', configMap: { name: 'cm' } }]),
    },
    {
      name: '$patch: replace on a list element replaces the whole list',
      live: deployment,
      patch: { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } } },
      check: (o) => assert.deepEqual(containers(o), [{ name: 'only', image: 'x' }]),
    },
    {
      name: '$patch: replace on a map replaces the map',
      live: deployment,
      patch: { metadata: { labels: { $patch: 'replace', fresh: 'yes' } } },
      check: (o) => assert.deepEqual(o.metadata.labels, { fresh: 'yes' }),
    },
    {
      name: '$patch: delete on a map empties it',
      live: deployment,
      patch: { spec: { strategy: { $patch: 'delete' } } },
      check: (o) => assert.deepEqual((o.spec as Record<string, unknown>).strategy, {}),
    },
    {
      name: '$patch: merge is the default',
      live: deployment,
      patch: { metadata: { labels: { $patch: 'merge', more: 'x' } } },
      check: (o) => assert.deepEqual(o.metadata.labels, { app: 'web', more: 'x' }),
    },
    {
      name: 'node status conditions merge by type',
      live: node,
      patch: { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletDown' }] } },
      check: (o) =>
        assert.deepEqual((o.status as { conditions: unknown[] }).conditions, [
          { type: 'Ready', status: 'False', reason: 'KubeletDown' },
          { type: 'MemoryPressure', status: 'False' },
        ]),
    },
    {
      name: 'a value of a new type replaces the old one',
      live: deployment,
      patch: { spec: { replicas: '3' } },
      check: (o) => assert.equal((o.spec as Record<string, unknown>).replicas, '3'),
    },
    {
      name: 'nulls and directives inside a new value are cleaned',
      live: deployment,
      patch: { spec: { paused: true, minReadySeconds: null, progressDeadlineSeconds: 600, extra: { a: null, b: 1 } } },
      check: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.paused, true);
        assert.ok(!('minReadySeconds' in spec));
        assert.deepEqual(spec.extra, { b: 1 });
      },
    },
    {
      name: 'the deployment template reuses PodSpec: env merges by name under the template',
      live: deployment,
      patch: { spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: 'two' }] }] } } } },
      check: (o) => assert.deepEqual(containers(o)[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }]),
    },
    {
      name: 'a null patch changes nothing',
      live: deployment,
      patch: null,
      check: (o) => assert.deepEqual(o, deployment()),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const live = c.live();
      const before = structuredClone(live);
      c.check(smp(live, c.patch));
      assert.deepEqual(live, before, 'input untouched');
    });
  }
});

describe('strategic merge patch: errors', () => {
  const cases: { name: string; patch: unknown; code: number; message?: RegExp }[] = [
    { name: 'not an object', patch: [{ op: 'add' }], code: 400, message: /cannot unmarshal array/ },
    { name: 'element without merge key', patch: { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, code: 400, message: /does not contain declared merge key: name/ },
    { name: '$patch delete without merge key', patch: { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, code: 400, message: /merge key/ },
    { name: 'unknown $patch', patch: { metadata: { labels: { $patch: 'nope' } } }, code: 400, message: /unknown patch type: nope/ },
    { name: '$retainKeys not a list', patch: { spec: { strategy: { $retainKeys: 'type' } } }, code: 400, message: /invalid patch format of retainKeys/ },
    { name: 'patch key missing from $retainKeys', patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, code: 400, message: /retainKeys/ },
    { name: '$setElementOrder not a list', patch: { spec: { template: { spec: { '$setElementOrder/containers': 'x' } } } }, code: 400, message: /setElementOrder/ },
    {
      name: '$setElementOrder that does not match the patch',
      patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'other', image: 'x' }] } } } },
      code: 400,
      message: /doesn't match \$setElementOrder/,
    },
    { name: 'malformed $deleteFromPrimitiveList', patch: { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }, code: 400, message: /primitive list/ },
    { name: 'list of lists', patch: { metadata: { finalizers: [['a']] } }, code: 422 },
    { name: 'mixed element types', patch: { metadata: { finalizers: [1] } }, code: 400, message: /not identical/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(
        () => smp(deployment(), c.patch),
        (err: unknown) => err instanceof ApiError && err.code === c.code && (!c.message || c.message.test(err.message)),
      );
    });
  }
});
