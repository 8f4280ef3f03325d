import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, ConflictError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { ApplyConflictError, LAST_APPLIED_ANNOTATION, serverSideApply, updateManagedFields, withManagedFields } from '../../../lib/api/patch/index.ts';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';

type Spec = { replicas?: number; template: { spec: { containers: { name: string; image?: string }[] } } };

function config(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...extra }, spec };
}

const nginx = (image = 'nginx:1.25') => ({ template: { spec: { containers: [{ name: 'nginx', image }] } } });

/** What the store would hold after an apply: server metadata filled in. */
function stored(obj: KubeObject, rv = '1'): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'uid-1', creationTimestamp: T0, resourceVersion: rv, generation: 1 } };
}

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: { force?: boolean; time?: string; subresource?: string } = {}): KubeObject {
  const out = serverSideApply({ live, applied, manager, force: !!opts.force, apiVersion: 'apps/v1', kind: 'Deployment', time: opts.time ?? T1, subresource: opts.subresource });
  return stored(out, String(Number(live?.metadata.resourceVersion ?? 0) + 1));
}

const spec = (o: KubeObject) => o.spec as Spec & Record<string, unknown>;
const entry = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager);
const owned = (o: KubeObject, manager: string) => JSON.stringify(entry(o, manager)?.fieldsV1 ?? {});

function conflictOf(fn: () => unknown): ApplyConflictError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplyConflictError) return err;
    throw err;
  }
  assert.fail('expected an apply conflict');
}

/** A deployment created by client-side apply (an Update by kubectl-client-side-apply). */
function createdByClientSideApply(): KubeObject {
  const obj = stored(config({ replicas: 1, ...nginx('nginx:1.24') }));
  return withManagedFields(obj, updateManagedFields({ live: undefined, updated: obj, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', time: T0 }));
}

describe('server-side apply', () => {
  it('creates: the object is the configuration plus an Apply entry', () => {
    const out = serverSideApply({ live: undefined, applied: config({ replicas: 2, ...nginx() }, { labels: { app: 'web' } }), manager: 'kubectl', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: '2024-05-01T11:00:00.999Z' });
    assert.deepEqual(out.spec, { replicas: 2, ...nginx() });
    assert.deepEqual(out.metadata.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
        },
      },
    ]);
  });

  it('re-applying the same configuration changes nothing, managedFields included', () => {
    const first = apply(undefined, config({ replicas: 2, ...nginx() }), 'kubectl');
    const again = serverSideApply({ live: first, applied: config({ replicas: 2, ...nginx() }), manager: 'kubectl', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: T2 });
    assert.deepEqual(again, first);
  });

  it('a field the manager applied before and omits now is removed', () => {
    const first = apply(undefined, config({ replicas: 2, paused: true, ...nginx() }), 'kubectl');
    const second = apply(first, config({ replicas: 2, ...nginx() }), 'kubectl', { time: T2 });
    assert.ok(!('paused' in spec(second)));
    assert.ok(!owned(second, 'kubectl').includes('paused'));
    assert.equal(entry(second, 'kubectl')?.time, T2);
  });

  it('a container the manager no longer applies is removed; one another manager applies stays', () => {
    let obj = apply(undefined, config({ template: { spec: { containers: [{ name: 'nginx', image: 'n' }, { name: 'old', image: 'o' }] } } }), 'a');
    obj = apply(obj, config({ template: { spec: { containers: [{ name: 'sidecar', image: 's' }] } } }), 'b');
    obj = apply(obj, config(nginx('n')), 'a');
    assert.deepEqual(spec(obj).template.spec.containers.map((c) => c.name), ['nginx', 'sidecar']);
  });

  it('an omitted field another manager also owns stays', () => {
    let obj = apply(undefined, config({ replicas: 3, ...nginx() }), 'a');
    obj = apply(obj, config({ replicas: 3 }), 'b');
    obj = apply(obj, config(nginx()), 'a');
    assert.equal(spec(obj).replicas, 3);
    assert.ok(owned(obj, 'b').includes('f:replicas'));
    assert.ok(!owned(obj, 'a').includes('f:replicas'));
  });

  it('conflicts with an Update manager: 409 in kube\'s words, with a cause per field', () => {
    const live = createdByClientSideApply();
    const err = conflictOf(() => apply(live, config({ replicas: 3 }), 'ssa-user'));
    assert.ok(err instanceof ConflictError);
    const status = err.toStatus();
    assert.equal(status.code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(status.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
  });

  it('several conflicts are listed by manager', () => {
    const live = createdByClientSideApply();
    const err = conflictOf(() => apply(live, config({ replicas: 3, ...nginx('nginx:1.26') }), 'ssa-user'));
    assert.equal(
      err.message,
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    assert.equal(err.details?.causes?.length, 2);
  });

  it('conflicts with another applier name it without a version', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const err = conflictOf(() => apply(live, config({ replicas: 5 }), 'bob'));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
  });

  it('force takes the field over', () => {
    const live = createdByClientSideApply();
    const out = apply(live, config({ replicas: 3 }), 'ssa-user', { force: true });
    assert.equal(spec(out).replicas, 3);
    assert.equal(owned(out, 'ssa-user'), '{"f:spec":{"f:replicas":{}}}');
    assert.ok(!owned(out, 'kubectl-client-side-apply').includes('replicas'));
    assert.ok(owned(out, 'kubectl-client-side-apply').includes('f:image'));
  });

  it('managers that apply the same value share it without conflict', () => {
    let obj = apply(undefined, config({ replicas: 2, ...nginx() }), 'alice');
    obj = apply(obj, config({ replicas: 2 }), 'bob');
    assert.ok(owned(obj, 'alice').includes('f:replicas') && owned(obj, 'bob').includes('f:replicas'));
    // Now neither may change it alone.
    assert.throws(() => apply(obj, config({ replicas: 4, ...nginx() }), 'alice'), ApplyConflictError);
  });

  it('associative lists merge between managers: each owns its container', () => {
    let obj = apply(undefined, config(nginx()), 'alice');
    obj = apply(obj, config({ template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } }), 'bob');
    assert.deepEqual(spec(obj).template.spec.containers, [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'sidecar', image: 'envoy' }]);
    assert.ok(owned(obj, 'alice').includes('k:{\\"name\\":\\"nginx\\"}') && !owned(obj, 'alice').includes('sidecar'));
    assert.ok(owned(obj, 'bob').includes('sidecar') && !owned(obj, 'bob').includes('nginx'));
    const err = conflictOf(() => apply(obj, config({ template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } }), 'bob'));
    assert.equal(err.details?.causes?.[0].field, '.spec.template.spec.containers[name="nginx"].image');
    const again = apply(obj, config(nginx()), 'alice');
    assert.equal(spec(again).template.spec.containers.length, 2, 're-apply by alice keeps bob\'s container');
  });

  it('an object without managedFields belongs to before-first-apply', () => {
    const live = stored(config({ replicas: 1 }));
    const err = conflictOf(() => apply(live, config({ replicas: 2 }), 'kubectl'));
    assert.match(err.message, /conflict with "before-first-apply" using apps\/v1: \.spec\.replicas/);
  });

  it('kubectl moving from client-side apply takes over fields last-applied recorded', () => {
    const lastApplied = JSON.stringify(config({ replicas: 1, ...nginx('nginx:1.24') }));
    const base = createdByClientSideApply();
    const live = { ...base, metadata: { ...base.metadata, annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } } };
    const out = apply(live, config({ replicas: 3, ...nginx('nginx:1.24') }), 'kubectl');
    assert.equal(spec(out).replicas, 3);
    const annotation = out.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
    assert.ok(annotation.endsWith('\n'));
    assert.equal(JSON.parse(annotation).spec.replicas, 3);
    // Another manager name gets the conflict.
    assert.throws(() => apply(live, config({ replicas: 3 }), 'not-kubectl'), ApplyConflictError);
  });

  it('null in the configuration removes the field', () => {
    const obj = apply(undefined, config({ replicas: 2, paused: true }), 'a');
    const out = apply(obj, config({ replicas: 2, paused: null }), 'a');
    assert.ok(!('paused' in spec(out)));
  });

  it('status is ignored on the main resource and is all a status apply touches', () => {
    const live = { ...apply(undefined, config({ replicas: 2 }), 'a'), status: { replicas: 0 } };
    const main = apply(live, { ...config({ replicas: 2 }), status: { replicas: 99 } }, 'a');
    assert.deepEqual(main.status, { replicas: 0 });
    const status = apply(live, { ...config({ replicas: 7 }), status: { replicas: 2, readyReplicas: 2 } }, 'ctrl', { subresource: 'status' });
    assert.deepEqual(status.status, { replicas: 2, readyReplicas: 2 });
    assert.equal(spec(status).replicas, 2);
    const e = entry(status, 'ctrl')!;
    assert.equal(e.subresource, 'status');
    assert.deepEqual(e.fieldsV1, { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } });
  });

  it('server-owned metadata comes from the live object', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'a');
    const out = serverSideApply({ live, applied: config({ replicas: 2 }, { uid: 'other', creationTimestamp: null, generation: 42 }), manager: 'a', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: T2 });
    assert.equal(out.metadata.uid, 'uid-1');
    assert.equal(out.metadata.creationTimestamp, T0);
    assert.equal(out.metadata.generation, 1);
  });

  const rejected: { name: string; applied: unknown; code: number; message: RegExp; live?: boolean }[] = [
    { name: 'managedFields in the configuration', applied: config({}, { managedFields: [] }), code: 400, message: /metadata.managedFields must be nil/ },
    { name: 'another apiVersion', applied: { ...config({}), apiVersion: 'apps/v1beta1' }, code: 400, message: /Incorrect version specified in apply patch/ },
    { name: 'another kind', applied: { ...config({}), kind: 'StatefulSet' }, code: 400, message: /kind/ },
    { name: 'duplicate keys in an associative list', applied: config({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } }), code: 400, message: /duplicate entries for key \[name="a"\]/ },
    { name: 'an element without its key', applied: config({ template: { spec: { containers: [{ image: 'x' }] } } }), code: 400, message: /omits all key fields/ },
    { name: 'a stale resourceVersion', applied: config({}, { resourceVersion: '999' }), code: 409, message: /the object has been modified/, live: true },
  ];
  for (const c of rejected) {
    it(`rejects ${c.name}`, () => {
      const live = c.live ? apply(undefined, config({ replicas: 1 }), 'a') : undefined;
      assert.throws(
        () => apply(live, c.applied as KubeObject, 'a'),
        (err: unknown) => err instanceof ApiError && err.code === c.code && c.message.test(err.message),
      );
    });
  }

  it('does not modify its inputs', () => {
    const live = createdByClientSideApply();
    const applied = config({ replicas: 3, paused: null });
    const before = [structuredClone(live), structuredClone(applied)];
    apply(live, applied, 'x', { force: true });
    assert.deepEqual([live, applied], before);
  });
});
