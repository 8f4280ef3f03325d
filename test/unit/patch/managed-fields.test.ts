import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, ManagedFieldsEntry } from '../../../lib/core/object.ts';
import { applyPatch, managerFromUserAgent, updateManagedFields, withManagedFields } from '../../../lib/api/patch/index.ts';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00.250Z';
const T2 = '2024-05-01T12:00:00Z';

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '10', generation: 1, creationTimestamp: T0, labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] }] },
      },
    },
    status: { replicas: 1 },
  };
}

/** Creates `obj` as `manager` (an Update on create), returning it with its managedFields. */
function created(obj: KubeObject, manager = 'kubectl-create'): KubeObject {
  return withManagedFields(obj, updateManagedFields({ live: undefined, updated: obj, manager, apiVersion: 'apps/v1', time: T0 }));
}

/** Writes `next` over `live` as `manager`, returning the stored object. */
function write(live: KubeObject, next: KubeObject, manager: string, time = T1, subresource?: string): KubeObject {
  return withManagedFields(next, updateManagedFields({ live, updated: next, manager, operation: 'Update', apiVersion: 'apps/v1', time, subresource }));
}

const merge = (live: KubeObject, patch: unknown) => applyPatch('application/merge-patch+json', live, patch, { kind: 'Deployment', apiVersion: 'apps/v1' });
const entry = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager);
const fields = (e: ManagedFieldsEntry | undefined) => e?.fieldsV1 as Record<string, Record<string, unknown>> | undefined;

describe('managedFields for Update operations', () => {
  it('a create gives everything the object sets to its manager, as kube encodes it', () => {
    const obj = created(deployment());
    assert.deepEqual(obj.metadata.managedFields, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                    'f:image': {},
                    'f:name': {},
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('a changed field moves to the writer; the others keep the rest', () => {
    const live = created(deployment());
    const next = write(live, merge(live, { spec: { replicas: 3 } }), 'kubectl-edit');
    assert.deepEqual(next.metadata.managedFields?.map((e) => [e.manager, e.time]), [
      ['kubectl-create', T0],
      ['kubectl-edit', '2024-05-01T11:00:00Z'],
    ]);
    assert.deepEqual(fields(entry(next, 'kubectl-edit')), { 'f:spec': { 'f:replicas': {} } });
    assert.ok(!('f:replicas' in (fields(entry(next, 'kubectl-create'))!['f:spec'])));
  });

  it('a removed field leaves every manager', () => {
    const live = created(deployment());
    const next = write(live, merge(live, { metadata: { labels: { app: null } } }), 'kubectl-label');
    assert.equal(entry(next, 'kubectl-label'), undefined, 'a pure removal owns nothing');
    assert.deepEqual(fields(entry(next, 'kubectl-create'))!['f:metadata'], { 'f:labels': {} }, 'the (now empty) labels map itself stays owned');
  });

  it('an entry left empty is dropped', () => {
    let obj = created(deployment());
    obj = write(obj, merge(obj, { spec: { replicas: 2 } }), 'scaler');
    obj = write(obj, merge(obj, { spec: { replicas: 4 } }), 'other-scaler', T2);
    assert.deepEqual(obj.metadata.managedFields?.map((e) => e.manager), ['kubectl-create', 'other-scaler']);
  });

  it('the same manager writing again extends its one entry', () => {
    let obj = created(deployment());
    obj = write(obj, merge(obj, { spec: { replicas: 2 } }), 'kubectl-edit');
    obj = write(obj, merge(obj, { spec: { paused: true } }), 'kubectl-edit', T2);
    const mine = obj.metadata.managedFields!.filter((e) => e.manager === 'kubectl-edit');
    assert.equal(mine.length, 1);
    assert.deepEqual(fields(mine[0]), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
    assert.equal(mine[0].time, T2);
  });

  it('a write that changes nothing keeps the entries as they were', () => {
    const live = created(deployment());
    const same = updateManagedFields({ live, updated: structuredClone(live), manager: 'kubectl-edit', apiVersion: 'apps/v1', time: T2 });
    assert.deepEqual(same, live.metadata.managedFields);
  });

  it('status writes track only status, under the subresource; main writes never track status', () => {
    const live = created(deployment());
    const statusWrite = write(live, merge(live, { status: { replicas: 2, readyReplicas: 2 }, spec: { replicas: 9 } }), 'kube-controller-manager', T1, 'status');
    const e = entry(statusWrite, 'kube-controller-manager')!;
    assert.equal(e.subresource, 'status');
    assert.deepEqual(e.fieldsV1, { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } });
    const mainWrite = write(live, merge(live, { status: { replicas: 5 } }), 'someone');
    assert.equal(entry(mainWrite, 'someone'), undefined);
  });

  it('metadata the server owns is never tracked', () => {
    const live = created(deployment());
    const next = write(live, merge(live, { metadata: { resourceVersion: '11', generation: 2, uid: 'x', creationTimestamp: T2 } }), 'server');
    assert.equal(entry(next, 'server'), undefined);
  });

  it('managedFields: [] in the write clears them; an untracked object stays untracked', () => {
    const live = created(deployment());
    const cleared = updateManagedFields({ live, updated: { ...live, metadata: { ...live.metadata, managedFields: [] } }, manager: 'm', apiVersion: 'apps/v1', time: T1 });
    assert.deepEqual(cleared, []);
    const untracked = { ...live, metadata: { ...live.metadata, managedFields: undefined } };
    assert.deepEqual(updateManagedFields({ live: untracked, updated: merge(untracked, { spec: { replicas: 5 } }), manager: 'm', apiVersion: 'apps/v1', time: T1 }), []);
  });

  it('managedFields set by the writer replace the live ones', () => {
    const live = created(deployment());
    const mine: ManagedFieldsEntry[] = [{ manager: 'me', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const out = updateManagedFields({ live, updated: { ...live, metadata: { ...live.metadata, managedFields: mine } }, manager: 'x', apiVersion: 'apps/v1', time: T1 });
    assert.deepEqual(out, mine);
  });

  it('at most 10 update entries: the oldest merge into ancient-changes', () => {
    let obj = created(deployment());
    for (let i = 0; i < 11; i++) {
      obj = write(obj, merge(obj, { metadata: { annotations: { [`a${i}`]: 'x' } } }), `writer-${i}`, new Date(Date.parse(T1) + i * 60_000).toISOString());
    }
    const managers = obj.metadata.managedFields!.map((e) => e.manager);
    assert.equal(managers.length, 10);
    assert.equal(managers[0], 'ancient-changes');
    assert.ok(!managers.includes('kubectl-create') && !managers.includes('writer-0'));
    const ancient = fields(obj.metadata.managedFields![0])!;
    assert.ok('f:spec' in ancient && 'f:a0' in (ancient['f:metadata']['f:annotations'] as object));
  });
});

describe('manager names from the user agent', () => {
  const cases: [string | undefined, string][] = [
    ['kubectl/v1.32.0 (linux/amd64) kubernetes/abc123', 'kubectl'],
    ['kube-controller-manager/v1.30.1 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager'],
    ['node-fetch', 'node-fetch'],
    ['bad\u0000agent\n/1', 'badagent'],
    ['x'.repeat(200), 'x'.repeat(128)],
    [undefined, ''],
  ];
  for (const [ua, want] of cases) it(JSON.stringify(ua), () => assert.equal(managerFromUserAgent(ua), want));
});
