/** Invariants of the patch module, checked with fast-check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../../../lib/core/object.ts';
import {
  ApplyConflictError,
  applyPatch,
  FieldSet,
  fieldSetOf,
  JSON_PATCH,
  MERGE_PATCH,
  serverSideApply,
  STRATEGIC_MERGE_PATCH,
  updateManagedFields,
  withManagedFields,
} from '../../../lib/api/patch/index.ts';

const opts = { kind: 'Deployment', apiVersion: 'apps/v1' };
const RUNS = { numRuns: 200 };
/** As a request body decodes: plain objects (fast-check also makes null-prototype ones). */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const labels = fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,6}$/), fc.string({ maxLength: 8 }), { maxKeys: 4 });
const env = fc.uniqueArray(fc.record({ name, value: fc.string({ maxLength: 5 }) }), { selector: (e) => e.name, maxLength: 3 });
const container = fc.record(
  { name, image: fc.string({ maxLength: 10 }), env, args: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), ports: fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constant('TCP') }), { selector: (p) => p.containerPort, maxLength: 2 }) },
  { requiredKeys: ['name'] },
);
const deployment: fc.Arbitrary<KubeObject> = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constant('Deployment'),
  metadata: fc.record({ name, namespace: fc.constant('default'), labels, finalizers: fc.uniqueArray(name, { maxLength: 3 }) }, { requiredKeys: ['name', 'namespace'] }),
  spec: fc.record(
    {
      replicas: fc.nat(10),
      paused: fc.boolean(),
      strategy: fc.oneof(fc.constant({ type: 'Recreate' }), fc.record({ type: fc.constant('RollingUpdate'), rollingUpdate: fc.record({ maxSurge: fc.nat(3) }) })),
      template: fc.record({ metadata: fc.record({ labels }), spec: fc.record({ containers: fc.uniqueArray(container, { selector: (c) => c.name, minLength: 1, maxLength: 4 }) }) }),
    },
    { requiredKeys: ['template'] },
  ),
}).map(asJson) as fc.Arbitrary<KubeObject>;

/** What kube's typed objects keep of a configuration: no empty maps or lists, but the structs. */
const STRUCTS = new Set(['metadata', 'spec', 'template', 'strategy']);
function withoutEmpties<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => withoutEmpties(x)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const empty = (Array.isArray(x) && !x.length) || (x && typeof x === 'object' && !Array.isArray(x) && !Object.keys(x).length);
      if (!empty || STRUCTS.has(k)) out[k] = withoutEmpties(x);
    }
    return out as T;
  }
  return v;
}

/** JSON objects without nulls (a null in a merge patch means "delete"). */
const nullFreeObject = fc.dictionary(
  fc.string({ maxLength: 6 }).filter((k) => !k.startsWith('$')),
  fc.jsonValue().filter((v) => !JSON.stringify(v).includes('null')),
  { maxKeys: 5 },
).map(asJson);

describe('patch properties', () => {
  it('merge patch: {} changes nothing', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()).map(asJson), (doc) => {
      const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, ...doc } as KubeObject;
      assert.deepEqual(applyPatch(MERGE_PATCH, live, {}, opts), live);
    }), RUNS);
  });

  it('merge patch: a null-free object applied to itself changes nothing', () => {
    fc.assert(fc.property(nullFreeObject, (doc) => {
      const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: doc } as KubeObject;
      assert.deepEqual(applyPatch(MERGE_PATCH, live, live, opts), live);
    }), RUNS);
  });

  it('JSON patch: [] changes nothing; replacing the root yields the value', () => {
    fc.assert(fc.property(deployment, deployment, (a, b) => {
      assert.deepEqual(applyPatch(JSON_PATCH, a, [], opts), a);
      assert.deepEqual(applyPatch(JSON_PATCH, a, [{ op: 'replace', path: '', value: b }], opts), b);
    }), RUNS);
  });

  it('strategic merge: {} and the object itself change nothing', () => {
    fc.assert(fc.property(deployment, (d) => {
      assert.deepEqual(applyPatch(STRATEGIC_MERGE_PATCH, d, {}, opts), d);
      assert.deepEqual(applyPatch(STRATEGIC_MERGE_PATCH, d, d, opts), d);
    }), RUNS);
  });

  it('strategic merge: the full object as a patch onto nothing is the object; with $patch: replace it replaces', () => {
    fc.assert(fc.property(deployment, deployment, (a, b) => {
      const empty = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} } as KubeObject;
      assert.deepEqual(applyPatch(STRATEGIC_MERGE_PATCH, empty, b, opts), b);
      assert.deepEqual(applyPatch(STRATEGIC_MERGE_PATCH, a, { $patch: 'replace', ...b }, opts), b);
    }), RUNS);
  });

  it('strategic merge: kubectl set image changes exactly one image', () => {
    fc.assert(fc.property(deployment, fc.nat(), fc.string({ maxLength: 10 }), (d, i, image) => {
      const cs = (d.spec as { template: { spec: { containers: { name: string; image?: string }[] } } }).template.spec.containers;
      const target = cs[i % cs.length].name;
      const out = applyPatch(STRATEGIC_MERGE_PATCH, d, { spec: { template: { spec: { containers: [{ name: target, image }] } } } }, opts);
      const expected = structuredClone(d);
      const ec = (expected.spec as typeof d.spec & { template: { spec: { containers: { name: string; image?: string }[] } } }).template.spec.containers;
      ec.find((c) => c.name === target)!.image = image;
      assert.deepEqual(out, expected);
    }), RUNS);
  });

  it('FieldsV1 round-trips', () => {
    fc.assert(fc.property(deployment, (d) => {
      const set = fieldSetOf(d, 'Deployment');
      assert.ok(FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(set.toFieldsV1()))).equals(set));
    }), RUNS);
  });

  it('server-side apply: a create yields the configuration; re-applying it is a no-op', () => {
    fc.assert(fc.property(deployment, (config) => {
      const created = serverSideApply({ live: undefined, applied: config, manager: 'm', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: '2024-01-01T00:00:00Z' });
      const { managedFields, ...meta } = created.metadata;
      assert.deepEqual({ ...created, metadata: meta }, withoutEmpties(config));
      assert.equal(managedFields?.length, 1);
      const live = { ...created, metadata: { ...created.metadata, uid: 'u', resourceVersion: '1' } };
      const again = serverSideApply({ live, applied: config, manager: 'm', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: '2025-01-01T00:00:00Z' });
      assert.deepEqual(again, live);
    }), RUNS);
  });

  it('server-side apply: a second manager applying the live values never conflicts', () => {
    fc.assert(fc.property(deployment, (config) => {
      const created = serverSideApply({ live: undefined, applied: config, manager: 'a', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: '2024-01-01T00:00:00Z' });
      const live = { ...created, metadata: { ...created.metadata, uid: 'u', resourceVersion: '1' } };
      const shared = serverSideApply({ live, applied: config, manager: 'b', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: '2024-01-01T00:00:01Z' });
      const [ea, eb] = ['a', 'b'].map((m) => shared.metadata.managedFields?.find((e) => e.manager === m)?.fieldsV1);
      assert.deepEqual(ea, eb);
    }), RUNS);
  });

  it('updates: a write that changes nothing leaves managedFields as they were', () => {
    fc.assert(fc.property(deployment, (d) => {
      const live = { ...d, metadata: { ...d.metadata, uid: 'u' } } as KubeObject;
      const withMf = withManagedFields(live, updateManagedFields({ live: undefined, updated: live, manager: 'c', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z' }));
      assert.deepEqual(updateManagedFields({ live: withMf, updated: structuredClone(withMf), manager: 'x', apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z' }), withMf.metadata.managedFields ?? []);
    }), RUNS);
  });

  it('server-side apply sequences: configured values win, conflicts only without force, re-apply is a no-op', () => {
    const small = fc.constantFrom('a', 'b', 'c');
    const cfg = fc
      .record({
        apiVersion: fc.constant('apps/v1'),
        kind: fc.constant('Deployment'),
        metadata: fc.record({ name: fc.constant('d'), labels: fc.dictionary(fc.constantFrom('l1', 'l2'), fc.constantFrom('v', 'w')), finalizers: fc.uniqueArray(fc.constantFrom('f1', 'f2'), { maxLength: 2 }) }, { requiredKeys: ['name'] }),
        spec: fc.record(
          {
            replicas: fc.nat(3),
            paused: fc.boolean(),
            template: fc.record({
              spec: fc.record({
                containers: fc.uniqueArray(
                  fc.record({ name: small, image: fc.constantFrom('x', 'y'), env: fc.uniqueArray(fc.record({ name: small, value: fc.constantFrom('1', '2') }), { selector: (e) => e.name, maxLength: 3 }), args: fc.array(fc.constantFrom('p', 'q'), { maxLength: 2 }) }, { requiredKeys: ['name'] }),
                  { selector: (c) => c.name, minLength: 1, maxLength: 3 },
                ),
              }),
            }),
          },
          { requiredKeys: [] },
        ),
      })
      .map(asJson) as fc.Arbitrary<KubeObject>;
    const step = fc.record({ manager: fc.constantFrom('m1', 'm2', 'm3'), force: fc.boolean(), config: cfg, scale: fc.option(fc.nat(3)) });
    const ssa = (live: KubeObject | undefined, applied: KubeObject, manager: string, force: boolean, time: string) =>
      serverSideApply({ live, applied, manager, force, apiVersion: 'apps/v1', kind: 'Deployment', time });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
        let live: KubeObject | undefined;
        let rv = 0;
        for (const s of steps) {
          if (s.scale !== null && live) {
            const next = applyPatch(MERGE_PATCH, live, { spec: { replicas: s.scale } }, opts);
            live = withManagedFields(next, updateManagedFields({ live, updated: next, manager: 'scaler', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z' }));
            continue;
          }
          let out: KubeObject;
          try {
            out = ssa(live, s.config, s.manager, s.force, `2024-01-01T00:00:0${rv % 10}Z`);
          } catch (err) {
            if (err instanceof ApplyConflictError && !s.force) continue;
            throw err;
          }
          live = { ...out, metadata: { ...out.metadata, uid: 'u', resourceVersion: String(++rv) } };
          const c = s.config as KubeObject & { spec?: { replicas?: number; template?: { spec: { containers: { name: string; image?: string }[] } } } };
          const l = live as typeof c;
          if (c.spec?.replicas !== undefined) assert.equal(l.spec?.replicas, c.spec.replicas);
          for (const [k, v] of Object.entries(c.metadata.labels ?? {})) assert.equal(l.metadata.labels?.[k], v);
          for (const ct of c.spec?.template?.spec.containers ?? []) {
            const lc = l.spec?.template?.spec.containers.find((x) => x.name === ct.name);
            assert.ok(lc, `container ${ct.name} present`);
            if (ct.image) assert.equal(lc.image, ct.image);
          }
          if (live.metadata.managedFields) assert.deepEqual(ssa(live, s.config, s.manager, false, '2030-01-01T00:00:00Z'), live);
        }
      }),
      RUNS,
    );
  });
});
