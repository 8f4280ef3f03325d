/** schedule(): kube's unschedulable message, batch accounting through assume(), placement, sampling, and a property test. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Affinity, Node, Pod } from '../../../lib/api/schema/index.ts';
import {
  CycleState, SKIP, Snapshot, newPodInfo, numFeasibleNodesToFind, schedule, SnapshotError,
} from '../../../lib/scheduler/framework.ts';
import { defaultProfile } from '../../../lib/scheduler/profile.ts';
import { node, pod } from './helpers.ts';

const profile = defaultProfile();
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const controlPlane = node('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });

function nodeOf(r: ReturnType<typeof schedule>): string {
  if (!('node' in r)) throw new Error(`unschedulable: ${r.message}`);
  return r.node;
}

/** Schedules and assumes each pod in turn, as the scheduler Lambda does for a batch. */
function batch(snap: Snapshot, pods: Pod[]): Record<string, number> {
  const perNode: Record<string, number> = {};
  for (const p of pods) {
    const n = nodeOf(schedule(p, snap, profile));
    snap.assume(p, n);
    perNode[n] = (perNode[n] ?? 0) + 1;
  }
  return perNode;
}

describe('unschedulable message', () => {
  it("matches kube's FitError and preemption wording, reasons sorted", () => {
    const snap = new Snapshot({ nodes: [controlPlane, node('w1', { cpu: '1' }), node('w2', { cpu: '1' })] });
    const r = schedule(pod('big', { cpu: '2' }), snap, profile);
    assert.deepEqual(r, {
      unschedulable: true,
      message:
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      reasons: { 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }': 1, 'Insufficient cpu': 2 },
      plugins: ['NodeResourcesFit', 'TaintToleration'],
    });
  });

  it('all unresolvable: every node says preemption is not helpful', () => {
    const snap = new Snapshot({ nodes: [controlPlane, node('w1'), node('w2')] });
    const r = schedule(pod('p', { nodeSelector: { disk: 'ssd' } }), snap, profile);
    assert.equal('message' in r && r.message,
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. " +
      'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });

  it('a node failing several resources counts each reason; the preemption suffix can be left out', () => {
    const snap = new Snapshot({ nodes: [node('w1', { cpu: '1', memory: '1Gi' }), node('w2', { cpu: '1', memory: '4Gi' })] });
    const r = schedule(pod('p', { cpu: '2', memory: '2Gi' }), snap, profile, { preemptionMessage: false });
    assert.equal('message' in r && r.message, '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.');
  });

  it('preemptionPolicy Never', () => {
    const snap = new Snapshot({ nodes: [node('w1', { cpu: '1' })] });
    const r = schedule(pod('p', { cpu: '2', spec: { preemptionPolicy: 'Never' } }), snap, profile);
    assert.equal('message' in r && r.message, '0/1 nodes are available: 1 Insufficient cpu. not eligible due to preemptionPolicy=Never.');
  });

  it('no nodes at all', () => {
    const r = schedule(pod('p'), new Snapshot({ nodes: [] }), profile);
    assert.equal('message' in r && r.message, 'no nodes available to schedule pods');
  });

  it('a PreFilter rejection names its reason once', () => {
    const snap = new Snapshot({ nodes: [node('w1'), node('w2')] });
    const p = { name: 'Always', preFilter: () => ({ code: 'UnschedulableAndUnresolvable' as const, reasons: ['nope'], plugin: 'Always' }), filter: () => ({ code: 'Success' as const, reasons: [], plugin: '' }) };
    const r = schedule(pod('p'), snap, { filters: [p], scores: [] });
    assert.equal('message' in r && r.message, '0/2 nodes are available: nope. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
  });
});

describe('assume()', () => {
  it('prevents overfilling a node within one batch', () => {
    const snap = new Snapshot({ nodes: [node('w1', { cpu: '2' }), node('w2', { cpu: '2' })] });
    const pods = Array.from({ length: 5 }, (_, i) => pod(`p${i}`, { cpu: '1' }));
    const placed: string[] = [];
    let failed: string | undefined;
    for (const p of pods) {
      const r = schedule(p, snap, profile);
      if ('node' in r) {
        snap.assume(p, r.node);
        placed.push(r.node);
      } else failed = r.message;
    }
    assert.equal(placed.length, 4);
    assert.equal(placed.filter((n) => n === 'w1').length, 2);
    assert.equal(failed, '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
  });

  it('respects allocatable pods', () => {
    const snap = new Snapshot({ nodes: [node('w1', { pods: '2' })] });
    batch(snap, [pod('a'), pod('b')]);
    const r = schedule(pod('c'), snap, profile);
    assert.equal('message' in r && r.message, '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  });

  it('forget() undoes it, and double assume is refused', () => {
    const snap = new Snapshot({ nodes: [node('w1', { cpu: '1' })] });
    const p = pod('a', { cpu: '1' });
    snap.assume(p, 'w1');
    assert.throws(() => snap.assume(p, 'w1'), SnapshotError);
    assert.throws(() => snap.assume(pod('b'), 'nope'), SnapshotError);
    assert.equal(snap.node('w1')!.requested.milliCPU, 1000);
    assert.ok(snap.forget(p));
    assert.equal(snap.node('w1')!.requested.milliCPU, 0);
    assert.equal(snap.node('w1')!.pods.length, 0);
    assert.ok('node' in schedule(pod('c', { cpu: '1' }), snap, profile));
  });
});

describe('affinity term groups', () => {
  it("an existing pod's anti-affinity applies while it is there and is released by forget()", () => {
    const snap = new Snapshot({ nodes: [node('w1'), node('w2')] });
    const guard = pod('guard', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: HOST }] } } });
    const twin = { ...guard, metadata: { ...guard.metadata, name: 'twin' } };
    snap.assume(guard, 'w1');
    snap.assume(twin, 'w2');
    const db = pod('db', { labels: { app: 'db' } });
    const r = schedule(db, snap, profile, { preemptionMessage: false });
    assert.equal('message' in r && r.message, "0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules.");
    snap.forget(twin);
    assert.equal(nodeOf(schedule(db, snap, profile)), 'w2');
    snap.forget(guard);
    assert.equal([...snap.termGroups('requiredAntiAffinity')].length, 0);
  });
});

describe('placement', () => {
  it('spreads equal pods across nodes (LeastAllocated)', () => {
    const snap = new Snapshot({ nodes: [node('w1'), node('w2'), node('w3')] });
    const perNode = batch(snap, Array.from({ length: 9 }, (_, i) => pod(`p${i}`, { cpu: '100m', memory: '128Mi' })));
    assert.deepEqual(perNode, { w1: 3, w2: 3, w3: 3 });
  });

  it('avoids soft-tainted nodes while others have room', () => {
    const snap = new Snapshot({ nodes: [node('w1', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), node('w2')] });
    assert.equal(nodeOf(schedule(pod('p'), snap, profile)), 'w2');
  });

  it('hard anti-affinity by host puts one replica per node, then fails', () => {
    const snap = new Snapshot({ nodes: [node('w1'), node('w2'), node('w3')] });
    const anti: Affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: HOST }] } };
    const replicas = Array.from({ length: 4 }, (_, i) => pod(`web-${i}`, { labels: { app: 'web' }, affinity: anti }));
    assert.deepEqual(batch(snap, replicas.slice(0, 3)), { w1: 1, w2: 1, w3: 1 });
    const r = schedule(replicas[3], snap, profile);
    assert.equal('message' in r && r.message,
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
  });

  it('affinity co-locates with the target zone', () => {
    const nodes = [node('a1', { labels: { [ZONE]: 'a' } }), node('a2', { labels: { [ZONE]: 'a' } }), node('b1', { labels: { [ZONE]: 'b' } })];
    const snap = new Snapshot({ nodes, pods: [pod('db', { labels: { app: 'db' }, nodeName: 'b1' })] });
    const aff: Affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: ZONE }] } };
    assert.deepEqual(batch(snap, Array.from({ length: 3 }, (_, i) => pod(`c${i}`, { affinity: aff }))), { b1: 3 });
  });

  it('topology spread by zone keeps zones within maxSkew', () => {
    const nodes = [node('a1', { labels: { [ZONE]: 'a' } }), node('a2', { labels: { [ZONE]: 'a' } }), node('b1', { labels: { [ZONE]: 'b' } })];
    const snap = new Snapshot({ nodes });
    const spread = [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 'web' } } }];
    const perNode = batch(snap, Array.from({ length: 6 }, (_, i) => pod(`w${i}`, { labels: { app: 'web' }, spread })));
    assert.equal((perNode.a1 ?? 0) + (perNode.a2 ?? 0), 3);
    assert.equal(perNode.b1, 3);
  });

  it('a seeded rng breaks ties', () => {
    const nodes = Array.from({ length: 4 }, (_, i) => node(`w${i}`));
    const seen = new Set<string>();
    let seed = 1;
    const rng = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 20; i++) seen.add(nodeOf(schedule(pod('p'), new Snapshot({ nodes }), profile, { rng })));
    assert.ok(seen.size > 1);
  });
});

describe('node sampling', () => {
  it("numFeasibleNodesToFind follows kube's adaptive rule", () => {
    assert.equal(numFeasibleNodesToFind(undefined, 50), 50);
    assert.equal(numFeasibleNodesToFind(undefined, 100), 100); // 50% of 100 = 50 → at least 100
    assert.equal(numFeasibleNodesToFind(undefined, 1000), 420); // 50 - 8 = 42%
    assert.equal(numFeasibleNodesToFind(undefined, 5000), 500); // 50 - 40 = 10%
    assert.equal(numFeasibleNodesToFind(undefined, 10000), 500); // floor of 5%
    assert.equal(numFeasibleNodesToFind(100, 5000), 5000);
  });

  it('rotates the start node between cycles', () => {
    const snap = new Snapshot({ nodes: Array.from({ length: 300 }, (_, i) => node(`w${i}`)) });
    schedule(pod('p'), snap, profile, { percentageOfNodesToScore: 10 });
    assert.equal(snap.nextStartNodeIndex, 100);
  });
});

describe('property: schedule never picks a node a filter rejects', () => {
  const arbNode = fc.record({
    cpu: fc.constantFrom('500m', '1', '2'),
    zone: fc.constantFrom('a', 'b'),
    tainted: fc.boolean(),
    cordoned: fc.boolean(),
    pods: fc.constantFrom('1', '3', '110'),
  });
  const arbPod = fc.record({
    cpu: fc.constantFrom(undefined, '100m', '700m', '1500m'),
    app: fc.constantFrom('web', 'db'),
    tolerate: fc.boolean(),
    zone: fc.constantFrom(undefined, 'a', 'b'),
    anti: fc.boolean(),
    spread: fc.boolean(),
  });
  interface PodArgs { cpu: string | undefined; app: string; tolerate: boolean; zone: string | undefined; anti: boolean; spread: boolean }
  const build = (i: number, a: PodArgs): Pod =>
    pod(`p${i}`, {
      cpu: a.cpu,
      labels: { app: a.app },
      tolerations: a.tolerate ? [{ key: 'dedicated', operator: 'Exists' }] : undefined,
      nodeSelector: a.zone ? { [ZONE]: a.zone } : undefined,
      affinity: a.anti ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: a.app } }, topologyKey: HOST }] } } : undefined,
      spread: a.spread ? [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: a.app } } }] : undefined,
    });

  it('holds for random clusters and batches', () => {
    fc.assert(
      fc.property(fc.array(arbNode, { minLength: 1, maxLength: 6 }), fc.array(arbPod, { minLength: 1, maxLength: 12 }), (ns, ps) => {
        const nodes: Node[] = ns.map((n, i) => node(`n${i}`, {
          cpu: n.cpu, pods: n.pods, labels: { [ZONE]: n.zone }, unschedulable: n.cordoned,
          taints: n.tainted ? [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] : undefined,
        }));
        const snap = new Snapshot({ nodes });
        ps.forEach((a, i) => {
          const p = build(i, a);
          const r = schedule(p, snap, profile);
          // Re-run every filter against the chosen node (or all nodes, when none was chosen).
          const state = new CycleState(newPodInfo(p), snap);
          const active = profile.filters.filter((f) => f.preFilter?.(p, state) !== SKIP);
          const passes = (name: string) => active.every((f) => f.filter(p, snap.node(name)!, state).code === 'Success');
          if ('node' in r) {
            assert.ok(passes(r.node), `picked ${r.node} for ${p.metadata!.name}`);
            snap.assume(p, r.node);
          } else {
            assert.ok(nodes.every((n) => !passes(n.metadata!.name!)), r.message);
          }
        });
        // And no node is ever overfilled.
        for (const n of snap.nodes) {
          assert.ok(n.requested.milliCPU <= n.allocatable.milliCPU);
          assert.ok(n.pods.length <= n.allowedPodNumber);
        }
      }),
      { numRuns: 200 },
    );
  });
});
