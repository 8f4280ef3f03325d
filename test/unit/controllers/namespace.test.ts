import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Namespace } from '../../../lib/api/schema/index.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { reconcileNamespace } from '../../../lib/controllers/namespace.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { timeString } from '../../../lib/controllers/types.ts';
import { T0 } from './sim.ts';

const NS = 'team-a';
const date = (s: number) => new Date(T0.getTime() + s * 1000);
const at = (s: number) => timeString(date(s));
const of = <K extends Action['kind']>(actions: Action[], kind: K) => actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

function namespace(o: { deleting?: boolean; finalizers?: string[]; status?: Namespace['status'] } = {}): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS, uid: 'uid-ns', resourceVersion: '4', ...(o.deleting ? { deletionTimestamp: at(0) } : {}) },
    spec: { finalizers: o.finalizers ?? ['kubernetes'] },
    status: o.status ?? { phase: o.deleting ? 'Terminating' : 'Active' },
  } as Namespace;
}

function obj(kind: string, name: string, o: { apiVersion?: string; finalizers?: string[]; deleting?: boolean; ns?: string; spec?: object; status?: object } = {}): KubeObject {
  return {
    apiVersion: o.apiVersion ?? 'v1',
    kind,
    metadata: {
      name, namespace: o.ns ?? NS, uid: `uid-${name}`, resourceVersion: '2',
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
      ...(o.deleting ? { deletionTimestamp: at(1) } : {}),
    },
    ...(o.spec ? { spec: o.spec } : {}),
    ...(o.status ? { status: o.status } : {}),
  };
}
const pod = (name: string, o: { node?: string; grace?: number; phase?: string; deleting?: boolean; finalizers?: string[] } = {}) =>
  obj('Pod', name, {
    deleting: o.deleting, finalizers: o.finalizers,
    spec: { ...(o.node ? { nodeName: o.node } : {}), ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}) },
    status: { phase: o.phase ?? 'Running' },
  });

const OK = {
  NamespaceDeletionDiscoveryFailure: ['False', 'ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: ['False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  NamespaceDeletionContentFailure: ['False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  NamespaceContentRemaining: ['False', 'ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
};
const TYPES = Object.keys(OK);

function conditions(a: Action | undefined): Record<string, string[]> {
  const status = (a as Extract<Action, { kind: 'updateStatus' }>).object.status as Namespace['status'];
  const out: Record<string, string[]> = {};
  for (const c of status!.conditions ?? []) out[c.type] = [c.status, c.reason ?? '', c.message ?? ''];
  return out;
}

describe('reconcileNamespace: active namespaces', () => {
  it('does nothing to an active namespace', () => {
    assert.deepEqual(reconcileNamespace({ namespace: namespace(), contents: { pods: [pod('p1')] }, now: T0 }), { actions: [] });
  });

  it('gives a namespace without phase the Active phase', () => {
    const ns = namespace({ status: {} });
    const { actions } = reconcileNamespace({ namespace: ns, contents: {}, now: T0 });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'updateStatus');
    const written = (actions[0] as Extract<Action, { kind: 'updateStatus' }>).object;
    assert.deepEqual(written.status, { phase: 'Active' });
    assert.equal(written.metadata.resourceVersion, '4');
  });
});

describe('reconcileNamespace: deletion', () => {
  interface Case {
    name: string;
    contents: Record<string, KubeObject[]>;
    deletes: string[];
    remaining?: string;
    finalizers?: string;
    requeueAfterMs: number | undefined;
    finalize?: boolean;
  }
  const cases: Case[] = [
    {
      name: 'content that goes at once: deleted, no conditions raised, back at once to finalize',
      contents: { configmaps: [obj('ConfigMap', 'c1'), obj('ConfigMap', 'c2')], pods: [pod('unscheduled')], deployments: [] },
      deletes: ['configmaps/c1', 'configmaps/c2', 'pods/unscheduled'],
      requeueAfterMs: 0,
    },
    {
      name: 'pods on nodes stay for their grace period: kube waits half the longest, plus a second',
      contents: { pods: [pod('p1', { node: 'n1' }), pod('p2', { node: 'n1', grace: 60 }), pod('p3', { node: 'n2' }), pod('done', { node: 'n2', phase: 'Succeeded', grace: 600 })] },
      deletes: ['pods/done', 'pods/p1', 'pods/p2', 'pods/p3'],
      remaining: 'Some resources are remaining: pods. has 3 resource instances',
      requeueAfterMs: 31_000,
    },
    {
      name: 'a pod with grace 0 goes at once',
      contents: { pods: [pod('p1', { node: 'n1', grace: 0 })] },
      deletes: ['pods/p1'],
      requeueAfterMs: 0,
    },
    {
      name: 'finalizers hold content; already terminating objects are not deleted again',
      contents: {
        configmaps: [obj('ConfigMap', 'held', { finalizers: ['example.com/x'] }), obj('ConfigMap', 'free')],
        deployments: [obj('Deployment', 'web', { apiVersion: 'apps/v1', deleting: true, finalizers: ['foregroundDeletion'] })],
        secrets: [obj('Secret', 's1', { deleting: true, finalizers: ['example.com/x', 'example.com/y'] })],
      },
      deletes: ['configmaps/free', 'configmaps/held'],
      remaining: 'Some resources are remaining: configmaps. has 1 resource instances, deployments.apps has 1 resource instances, secrets. has 1 resource instances',
      finalizers: 'Some content in the namespace has finalizers remaining: example.com/x in 2 resource instances, example.com/y in 1 resource instances, foregroundDeletion in 1 resource instances',
      requeueAfterMs: 8_000,
    },
    {
      name: 'objects of other namespaces and cluster-scoped kinds are not ours',
      contents: { configmaps: [obj('ConfigMap', 'elsewhere', { ns: 'team-b' })], nodes: [obj('Node', 'n1', { ns: '' })] },
      deletes: [],
      requeueAfterMs: undefined,
      finalize: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = reconcileNamespace({ namespace: namespace({ deleting: true }), contents: c.contents, now: date(5) });
      const deletes = of(r.actions, 'delete');
      assert.deepEqual(deletes.map((d) => `${d.resource}/${d.name}`).sort(), c.deletes);
      for (const d of deletes) {
        assert.equal(d.namespace, NS);
        assert.equal(d.propagationPolicy, 'Background');
        assert.deepEqual(d.preconditions, { uid: `uid-${d.name}` });
      }
      assert.equal(r.requeueAfterMs, c.requeueAfterMs);
      // The status write comes first, and always: the conditions are new.
      assert.equal(r.actions[0].kind, 'updateStatus');
      const conds = conditions(r.actions[0]);
      assert.deepEqual(Object.keys(conds), TYPES);
      assert.deepEqual(conds.NamespaceContentRemaining, c.remaining ? ['True', 'SomeResourcesRemain', c.remaining] : OK.NamespaceContentRemaining);
      assert.deepEqual(conds.NamespaceFinalizersRemaining, c.finalizers ? ['True', 'SomeFinalizersRemain', c.finalizers] : OK.NamespaceFinalizersRemaining);
      assert.deepEqual(conds.NamespaceDeletionContentFailure, OK.NamespaceDeletionContentFailure);
      assert.equal(of(r.actions, 'finalize').length, c.finalize ? 1 : 0);
    });
  }

  it('sets the Terminating phase and every condition, stamped now', () => {
    const ns = namespace({ deleting: true, status: { phase: 'Active' } });
    const r = reconcileNamespace({ namespace: ns, contents: { pods: [pod('p1', { node: 'n1' })] }, now: date(7) });
    const status = (r.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.status as Namespace['status'];
    assert.equal(status!.phase, 'Terminating');
    assert.deepEqual(status!.conditions!.map((c) => c.lastTransitionTime), TYPES.map(() => at(7)));
    assert.equal((r.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.metadata.resourceVersion, '4');
  });

  it('removes the kubernetes finalizer through finalize once nothing is left, keeping the others sorted', () => {
    const ns = namespace({ deleting: true, finalizers: ['z.example/last', 'kubernetes', 'a.example/first'] });
    const r = reconcileNamespace({ namespace: ns, contents: { pods: [], configmaps: [] }, now: date(9) });
    assert.deepEqual(r.actions.map((a) => a.kind), ['updateStatus', 'finalize']);
    const fin = of(r.actions, 'finalize')[0].object;
    assert.deepEqual((fin.spec as { finalizers: string[] }).finalizers, ['a.example/first', 'z.example/last']);
    assert.equal(fin.metadata.resourceVersion, '4');
    assert.equal(r.requeueAfterMs, undefined);
  });

  it('only keeps the phase right when the kubernetes finalizer is already gone', () => {
    const done = reconcileNamespace({ namespace: namespace({ deleting: true, finalizers: [] }), contents: { pods: [pod('p1')] }, now: T0 });
    assert.deepEqual(done, { actions: [] });
    const phase = reconcileNamespace({ namespace: namespace({ deleting: true, finalizers: ['other'], status: { phase: 'Active' } }), contents: { pods: [pod('p1')] }, now: T0 });
    assert.deepEqual(phase.actions.map((a) => a.kind), ['updateStatus']);
    assert.deepEqual((phase.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.status, { phase: 'Terminating' });
  });

  it('writes no status when the conditions are already right, and stamps only real transitions', () => {
    const contents = { pods: [pod('p1', { node: 'n1', deleting: true })] };
    const first = reconcileNamespace({ namespace: namespace({ deleting: true }), contents, now: date(10) });
    const observed = { ...namespace({ deleting: true }), status: (first.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.status } as Namespace;
    const second = reconcileNamespace({ namespace: observed, contents, now: date(20) });
    assert.deepEqual(second.actions, []);
    assert.equal(second.requeueAfterMs, 16_000);

    // The pod is gone: ContentRemaining flips (new time), the others keep theirs.
    const third = reconcileNamespace({ namespace: observed, contents: { pods: [] }, now: date(30) });
    const status = (third.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.status as Namespace['status'];
    const times = Object.fromEntries(status!.conditions!.map((c) => [c.type, c.lastTransitionTime]));
    assert.equal(times.NamespaceContentRemaining, at(30));
    assert.equal(times.NamespaceDeletionDiscoveryFailure, at(10));
    assert.deepEqual(third.actions.map((a) => a.kind), ['updateStatus', 'finalize']);
  });

  it('a new message with the same status keeps the transition time', () => {
    const two = { pods: [pod('p1', { node: 'n1', deleting: true }), pod('p2', { node: 'n1', deleting: true })] };
    const first = reconcileNamespace({ namespace: namespace({ deleting: true }), contents: two, now: date(10) });
    const observed = { ...namespace({ deleting: true }), status: (first.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.status } as Namespace;
    const next = reconcileNamespace({ namespace: observed, contents: { pods: [two.pods[0]] }, now: date(20) });
    const c = ((next.actions[0] as Extract<Action, { kind: 'updateStatus' }>).object.status as Namespace['status'])!.conditions!.find((x) => x.type === 'NamespaceContentRemaining')!;
    assert.equal(c.message, 'Some resources are remaining: pods. has 1 resource instances');
    assert.equal(c.lastTransitionTime, at(10));
  });
});
