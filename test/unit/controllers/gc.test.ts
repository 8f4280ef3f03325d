import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, OwnerReference } from '../../../lib/core/object.ts';
import { RESOURCE_TYPES } from '../../../lib/core/resources.ts';
import type { GarbageInput, OwnerState } from '../../../lib/controllers/gc.ts';
import { FOREGROUND_RECHECK_MS, classifyReferences, collectGarbage } from '../../../lib/controllers/gc.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { RESOURCE_NAMES, resourceOf } from '../../../lib/controllers/types.ts';
import { NS, T0 } from './sim.ts';

const DELETED = T0.toISOString();

/** An owner ReplicaSet (or any kind) as a live object. */
function object(kind: string, name: string, o: { apiVersion?: string; uid?: string; deleting?: boolean; finalizers?: string[]; owners?: OwnerReference[]; ns?: string } = {}): KubeObject {
  return {
    apiVersion: o.apiVersion ?? (kind === 'ReplicaSet' || kind === 'Deployment' ? 'apps/v1' : 'v1'),
    kind,
    metadata: {
      name, namespace: o.ns ?? NS, uid: o.uid ?? `uid-${name}`, resourceVersion: '3',
      ...(o.deleting ? { deletionTimestamp: DELETED } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
      ...(o.owners ? { ownerReferences: o.owners } : {}),
    },
  };
}

const refTo = (o: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid!, ...extra,
});
const blocking = (o: KubeObject) => refTo(o, { controller: true, blockOwnerDeletion: true });
/** The lookup of `o`'s reference: what its name holds now (`o` itself unless told otherwise). */
const state = (o: KubeObject, ...live: [KubeObject | undefined] | []): OwnerState => ({
  ref: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid!, namespace: o.metadata.namespace ?? '' },
  object: live.length ? live[0] : o,
});
const pod = (name: string, owners: OwnerReference[], o: { deleting?: boolean; finalizers?: string[] } = {}) => object('Pod', name, { owners, ...o });

/** Actions in a compact form: `delete pods/p1 Background`, `update pods/p1 owners=a,b`, `update replicasets/rs finalizers=`. */
function summary(actions: Action[]): string[] {
  return actions.map((a) => {
    if (a.kind === 'delete') return `delete ${a.resource}/${a.name} ${a.propagationPolicy}`;
    if (a.kind === 'update') {
      const o = a.object;
      const res = resourceOf(o.apiVersion, o.kind)!.resource;
      return o.metadata.deletionTimestamp && o.metadata.uid?.startsWith('uid-owner')
        ? `update ${res}/${o.metadata.name} finalizers=${(o.metadata.finalizers ?? []).join(',')}`
        : `update ${res}/${o.metadata.name} owners=${(o.metadata.ownerReferences ?? []).map((r) => r.name).join(',')}`;
    }
    return a.kind;
  });
}

const rs = object('ReplicaSet', 'owner', { uid: 'uid-owner' });
const other = object('ReplicaSet', 'other', { uid: 'uid-other' });
const waitingOther = object('Deployment', 'boss', { uid: 'uid-boss', deleting: true, finalizers: ['foregroundDeletion'] });
const gone = (o: KubeObject): OwnerState => state(o, undefined);

describe('collectGarbage: the owner is gone', () => {
  const cases: { name: string; owner?: OwnerState; dependents: KubeObject[]; others?: OwnerState[]; want: string[] }[] = [
    { name: 'a dependent with no other owner is deleted in the background', dependents: [pod('p1', [blocking(rs)])], want: ['delete pods/p1 Background'] },
    {
      name: 'a dependent keeps living, minus the dangling reference, while another owner exists',
      dependents: [pod('p1', [blocking(rs), refTo(other)])], others: [state(other)], want: ['update pods/p1 owners=other'],
    },
    {
      name: 'an owner the handler did not look up counts as existing',
      dependents: [pod('p1', [blocking(rs), refTo(other)])], want: ['update pods/p1 owners=other'],
    },
    {
      name: 'all owners gone: deleted',
      dependents: [pod('p1', [blocking(rs), refTo(other)])], others: [gone(other)], want: ['delete pods/p1 Background'],
    },
    {
      name: 'another object under the owner\'s name (a new uid) is not the owner',
      owner: state(rs, object('ReplicaSet', 'owner', { uid: 'uid-new' })), dependents: [pod('p1', [blocking(rs)])], want: ['delete pods/p1 Background'],
    },
    {
      name: 'a remaining owner being deleted in the foreground is dropped as well when a solid one remains',
      dependents: [pod('p1', [blocking(rs), refTo(waitingOther), refTo(other)])], others: [state(waitingOther), state(other)], want: ['update pods/p1 owners=other'],
    },
    {
      name: 'only owners gone or waiting: deleted',
      dependents: [pod('p1', [blocking(rs), refTo(waitingOther)])], others: [state(waitingOther)], want: ['delete pods/p1 Background'],
    },
    {
      name: "the dependent's own finalizers choose the propagation",
      dependents: [pod('p1', [blocking(rs)], { finalizers: ['orphan'] }), pod('p2', [blocking(rs)], { finalizers: ['foregroundDeletion'] })],
      want: ['delete pods/p1 Orphan', 'delete pods/p2 Foreground'],
    },
    { name: 'a dependent already being deleted is waited for', dependents: [pod('p1', [blocking(rs)], { deleting: true })], want: [] },
    {
      name: 'a reference to a kind Skiff does not serve leaves the dependent alone',
      dependents: [pod('p1', [blocking(rs), { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'uid-w' }])], want: [],
    },
    {
      name: 'objects that do not reference the owner are not its dependents',
      dependents: [pod('p1', [refTo(other)])], others: [gone(other)], want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input: GarbageInput = { owner: c.owner ?? gone(rs), dependents: c.dependents, otherOwners: c.others };
      const r = collectGarbage(input);
      assert.deepEqual(summary(r.actions), c.want);
      assert.equal(r.requeueAfterMs, undefined);
      for (const a of r.actions) {
        if (a.kind === 'delete') assert.deepEqual(a.preconditions, { uid: `uid-${a.name}`, resourceVersion: '3' });
        if (a.kind === 'update') assert.equal(a.object.metadata.resourceVersion, '3');
      }
    });
  }

  it('a dependent that owns objects is still deleted in the background when no owner waits on it', () => {
    const r = collectGarbage({ owner: gone(rs), dependents: [pod('p1', [blocking(rs)])], ownersAmongDependents: ['uid-p1'] });
    assert.deepEqual(summary(r.actions), ['delete pods/p1 Background']);
  });

  it('a namespaced owner of a cluster-scoped dependent is never resolved', () => {
    const node = object('Node', 'n1', { ns: '', owners: [blocking(rs)] });
    delete node.metadata.namespace;
    assert.deepEqual(classifyReferences(node, [gone(rs)]), undefined);
    assert.deepEqual(collectGarbage({ owner: gone(rs), dependents: [node] }).actions, []);
  });

  it('cluster-scoped owners are looked up without namespace', () => {
    const nodeOwner = object('Node', 'n1', { ns: '' });
    const p = pod('p1', [refTo(nodeOwner)]);
    const verdicts = classifyReferences(p, [{ ...gone(nodeOwner), ref: { ...gone(nodeOwner).ref, namespace: '' } }]);
    assert.deepEqual([...verdicts!.values()], ['dangling']);
    const wrongNs = classifyReferences(p, [{ ...gone(nodeOwner), ref: { ...gone(nodeOwner).ref, namespace: NS } }]);
    assert.deepEqual([...wrongNs!.values()], ['solid']);
  });
});

describe('collectGarbage: the owner is there', () => {
  it('does nothing while the owner is not being deleted', () => {
    const r = collectGarbage({ owner: state(rs), dependents: [pod('p1', [blocking(rs)])] });
    assert.deepEqual(r, { actions: [] });
  });

  it('does nothing for an owner being deleted without a garbage collector finalizer', () => {
    const deleting = object('ReplicaSet', 'owner', { uid: 'uid-owner', deleting: true, finalizers: ['example.com/x'] });
    assert.deepEqual(collectGarbage({ owner: state(deleting), dependents: [pod('p1', [blocking(deleting)])] }), { actions: [] });
  });
});

describe('collectGarbage: orphan', () => {
  const owner = object('ReplicaSet', 'owner', { uid: 'uid-owner', deleting: true, finalizers: ['orphan', 'example.com/keep'] });

  it('releases every dependent first, keeping their other owners, and comes back', () => {
    const r = collectGarbage({
      owner: state(owner),
      dependents: [pod('p1', [blocking(owner), refTo(other)]), pod('p2', [blocking(owner)]), pod('p3', [blocking(owner)], { deleting: true })],
    });
    assert.deepEqual(summary(r.actions), ['update pods/p1 owners=other', 'update pods/p2 owners=', 'update pods/p3 owners=']);
    assert.equal((r.actions[1] as Extract<Action, { kind: 'update' }>).object.metadata.ownerReferences, undefined);
    assert.equal(r.requeueAfterMs, 0);
  });

  it('then removes the orphan finalizer, and only it', () => {
    const r = collectGarbage({ owner: state(owner), dependents: [pod('p9', [refTo(other)])] });
    assert.deepEqual(summary(r.actions), ['update replicasets/owner finalizers=example.com/keep']);
    assert.equal((r.actions[0] as Extract<Action, { kind: 'update' }>).object.metadata.resourceVersion, '3');
    assert.equal(r.requeueAfterMs, undefined);
  });

  it('orphan wins over foregroundDeletion', () => {
    const both = object('ReplicaSet', 'owner', { uid: 'uid-owner', deleting: true, finalizers: ['foregroundDeletion', 'orphan'] });
    const r = collectGarbage({ owner: state(both), dependents: [pod('p1', [blocking(both)])] });
    assert.deepEqual(summary(r.actions), ['update pods/p1 owners=']);
  });
});

describe('collectGarbage: foreground', () => {
  const owner = object('Deployment', 'owner', { uid: 'uid-owner-d', deleting: true, finalizers: ['foregroundDeletion'] });
  const cases: { name: string; dependents: KubeObject[]; others?: OwnerState[]; owning?: string[]; want: string[]; requeueAfterMs: number | undefined }[] = [
    {
      name: 'dependents are deleted; the owner waits for the blocking ones',
      dependents: [object('ReplicaSet', 'rs1', { owners: [blocking(owner)] }), object('ReplicaSet', 'rs2', { owners: [blocking(owner)] })],
      want: ['delete replicasets/rs1 Background', 'delete replicasets/rs2 Background'], requeueAfterMs: 0,
    },
    {
      name: 'dependents that own objects are deleted in the foreground too',
      dependents: [object('ReplicaSet', 'rs1', { owners: [blocking(owner)] })], owning: ['uid-rs1'],
      want: ['delete replicasets/rs1 Foreground'], requeueAfterMs: 0,
    },
    {
      name: 'dependents being deleted (even in the foreground) still block, and are not deleted again',
      dependents: [
        object('ReplicaSet', 'rs1', { owners: [blocking(owner)], deleting: true, finalizers: ['foregroundDeletion'] }),
        pod('p1', [blocking(owner)], { deleting: true }),
      ],
      want: [], requeueAfterMs: FOREGROUND_RECHECK_MS,
    },
    {
      name: 'non-blocking dependents do not hold the owner: they are deleted and the finalizer comes off',
      dependents: [pod('p1', [refTo(owner)]), pod('p2', [refTo(owner, { blockOwnerDeletion: false })], { deleting: true })],
      want: ['delete pods/p1 Background', 'update deployments/owner finalizers='], requeueAfterMs: undefined,
    },
    {
      name: 'a dependent with another solid owner lets go of this one instead of dying',
      dependents: [pod('p1', [blocking(owner), refTo(other)])], others: [state(other)],
      want: ['update pods/p1 owners=other'], requeueAfterMs: 0,
    },
    { name: 'no dependents left: the finalizer comes off', dependents: [], want: ['update deployments/owner finalizers='], requeueAfterMs: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = collectGarbage({ owner: state(owner), dependents: c.dependents, otherOwners: c.others, ownersAmongDependents: c.owning });
      assert.deepEqual(summary(r.actions), c.want);
      assert.equal(r.requeueAfterMs, c.requeueAfterMs);
    });
  }

  it('the finalizer update keeps the owner\'s other finalizers', () => {
    const two = object('Deployment', 'owner', { uid: 'uid-owner-d', deleting: true, finalizers: ['example.com/a', 'foregroundDeletion'] });
    const r = collectGarbage({ owner: state(two), dependents: [] });
    assert.deepEqual((r.actions[0] as Extract<Action, { kind: 'update' }>).object.metadata.finalizers, ['example.com/a']);
  });
});

describe('resource names', () => {
  it('RESOURCE_NAMES lists exactly the served resources', () => {
    assert.deepEqual([...RESOURCE_NAMES].sort(), RESOURCE_TYPES.map((t) => t.resource).sort());
  });

  it('resourceOf maps group and kind, whatever the version', () => {
    assert.deepEqual(resourceOf('apps/v1beta2', 'ReplicaSet'), { resource: 'replicasets', group: 'apps', namespaced: true });
    assert.deepEqual(resourceOf('v1', 'Node'), { resource: 'nodes', group: '', namespaced: false });
    assert.equal(resourceOf('extensions/v1beta1', 'ReplicaSet'), undefined);
  });
});
