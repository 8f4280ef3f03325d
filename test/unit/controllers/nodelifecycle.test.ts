import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node, NodeCondition, Pod, Taint, Toleration } from '../../../lib/api/schema/index.ts';
import type { NodeLifecycleConfig } from '../../../lib/controllers/nodelifecycle.ts';
import {
  NODE_LIFECYCLE_DEFAULTS, TAINT_NOT_READY, TAINT_UNREACHABLE, computeZoneState, evictionTime, reconcileNodeLifecycle, zoneKey,
} from '../../../lib/controllers/nodelifecycle.ts';
import type { Action } from '../../../lib/controllers/types.ts';
import { timeString } from '../../../lib/controllers/types.ts';
import { NS, T0 } from './sim.ts';

/** T0 plus `s` seconds. */
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const ts = (s: number) => timeString(at(s));
const GRACE = NODE_LIFECYCLE_DEFAULTS.gracePeriodSeconds;
const CREATED = -3600;

type Status = 'True' | 'False' | 'Unknown';

/** A node that has posted status: Ready with its lastHeartbeatTime (`heartbeat`, seconds from T0) and the three pressures False. */
function node(name: string, o: {
  ready?: Status | null; heartbeat?: number; since?: number; reason?: string; taints?: Taint[]; labels?: Record<string, string>;
  unschedulable?: boolean; memoryPressure?: boolean; created?: number;
} = {}): Node {
  const heartbeat = ts(o.heartbeat ?? CREATED);
  const conditions: NodeCondition[] = o.ready === null ? [] : [
    { type: 'MemoryPressure', status: o.memoryPressure ? 'True' : 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: heartbeat, lastTransitionTime: ts(CREATED) },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', lastHeartbeatTime: heartbeat, lastTransitionTime: ts(CREATED) },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', lastHeartbeatTime: heartbeat, lastTransitionTime: ts(CREATED) },
    {
      type: 'Ready', status: o.ready ?? 'True', reason: o.reason ?? (o.ready === 'False' ? 'KubeletNotReady' : 'KubeletReady'),
      lastHeartbeatTime: heartbeat, lastTransitionTime: ts(o.since ?? CREATED),
    },
  ];
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: ts(o.created ?? CREATED), ...(o.labels ? { labels: o.labels } : {}) },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { conditions },
  } as Node;
}

/** A running, ready pod bound to `nodeName` an hour before T0. */
function pod(name: string, nodeName: string, o: { tolerations?: Toleration[]; deleting?: boolean; ready?: Status | null; bound?: number } = {}): Pod {
  const conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: ts(o.bound ?? CREATED) }];
  if (o.ready !== null) conditions.push({ type: 'Ready', status: o.ready ?? 'True', lastTransitionTime: ts(CREATED) });
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: NS, uid: `uid-${name}`, resourceVersion: '3', creationTimestamp: ts(o.bound ?? CREATED),
      ...(o.deleting ? { deletionTimestamp: ts(-5), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1' }], ...(o.tolerations ? { tolerations: o.tolerations } : {}) },
    status: { phase: 'Running', conditions },
  } as Pod;
}

const taint = (key: string, effect: Taint['effect'], added?: number): Taint => ({ key, effect, ...(added !== undefined ? { timeAdded: ts(added) } : {}) });
const unreachable = (added = -100): Taint[] => [taint(TAINT_UNREACHABLE, 'NoSchedule', added), taint(TAINT_UNREACHABLE, 'NoExecute', added)];
const notReady = (added = -100): Taint[] => [taint(TAINT_NOT_READY, 'NoSchedule', added), taint(TAINT_NOT_READY, 'NoExecute', added)];
/** What DefaultTolerationSeconds admission gives a pod. */
const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];
const forever: Toleration[] = [{ operator: 'Exists' }];

const short = (key: string) => key.replace('node.kubernetes.io/', '');
const taintList = (taints: readonly Taint[] | undefined) => (taints ?? []).map((t) => `${short(t.key)}:${t.effect}`).join(',');

/**
 * Actions in a compact form: `taints n1 unreachable:NoSchedule,…`, `status n1 Ready=Unknown`,
 * `status pod p1 Ready=False,DisruptionTarget=True`, `event n1 NodeNotReady`, `delete p1`.
 */
function summary(actions: readonly Action[]): string[] {
  return actions.map((a) => {
    if (a.kind === 'update') return `taints ${a.object.metadata.name} ${taintList((a.object.spec as Node['spec'])?.taints)}`;
    if (a.kind === 'updateStatus') {
      if (a.object.kind === 'Node') {
        const ready = (a.object.status as Node['status'])?.conditions?.find((c) => c.type === 'Ready');
        return `status ${a.object.metadata.name} Ready=${ready?.status}`;
      }
      const conds = (a.object.status as Pod['status'])?.conditions ?? [];
      return `status pod ${a.object.metadata.name} ${conds.filter((c) => c.type !== 'PodScheduled').map((c) => `${c.type}=${c.status}`).join(',')}`;
    }
    if (a.kind === 'delete') return `delete ${a.name}`;
    if (a.kind === 'event') return `event ${a.involvedObject.name} ${a.reason}`;
    return a.kind;
  });
}

interface Run {
  nodes: Node[];
  /** Lease renewTime per node, in seconds from T0. */
  leases?: Record<string, number>;
  pods?: Pod[];
  now?: number;
  config?: NodeLifecycleConfig;
}

/**
 * Two Ready nodes whose leases stay fresh past every deadline these tests look at: with them a
 * node going down is one of three (a normal zone), not the whole cluster.
 */
const QUIET = [node('q1', { heartbeat: -1 }), node('q2', { heartbeat: -1 })];
const QUIET_LEASES = { q1: 3600, q2: 3600 };

function run(r: Run) {
  const heartbeats: Record<string, Date | undefined> = {};
  for (const [n, s] of Object.entries(r.leases ?? {})) heartbeats[n] = at(s);
  return reconcileNodeLifecycle({ nodes: r.nodes, heartbeats, pods: r.pods ?? [], now: at(r.now ?? 0), config: r.config });
}

const of = <K extends Action['kind']>(actions: readonly Action[], kind: K) => actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
const nodeStatus = (actions: readonly Action[], name: string) => of(actions, 'updateStatus').find((a) => a.object.kind === 'Node' && a.object.metadata.name === name)?.object as Node | undefined;
const nodeUpdate = (actions: readonly Action[], name: string) => of(actions, 'update').find((a) => a.object.metadata.name === name)?.object as Node | undefined;
/** `run` with the QUIET nodes alongside. */
const runQ = (r: Run) => run({ ...r, nodes: [...r.nodes, ...QUIET], leases: { ...QUIET_LEASES, ...r.leases } });

describe('reconcileNodeLifecycle: node health', () => {
  const cases: { name: string; run: Run; want: string[]; requeue?: number }[] = [
    {
      name: 'a healthy node is left alone until its lease could expire',
      run: { nodes: [node('n1', { heartbeat: -200 })], leases: { n1: -10 }, pods: [pod('p1', 'n1')] },
      want: [], requeue: (GRACE - 10) * 1000 + 1,
    },
    {
      name: 'exactly the grace period since the last renewal is not yet stale',
      run: { nodes: [node('n1', { heartbeat: -200 })], leases: { n1: -GRACE }, pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS })] },
      want: [], requeue: 1,
    },
    {
      name: 'one second past the grace period: Unknown, NodeNotReady, pods not ready, tainted unreachable',
      run: { nodes: [node('n1', { heartbeat: -200 })], leases: { n1: -GRACE - 1 }, pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS })] },
      want: [
        'taints n1 unreachable:NoSchedule,unreachable:NoExecute', 'status n1 Ready=Unknown', 'event n1 NodeNotReady',
        'status pod p1 Ready=False', 'event p1 NodeNotReady',
      ],
      requeue: 300 * 1000,
    },
    {
      name: 'without a lease the Ready heartbeat counts',
      run: { nodes: [node('n1', { heartbeat: -GRACE - 1 })] },
      want: ['taints n1 unreachable:NoSchedule,unreachable:NoExecute', 'status n1 Ready=Unknown', 'event n1 NodeNotReady'],
    },
    {
      name: 'a fresh status heartbeat keeps a node with a stale lease healthy',
      run: { nodes: [node('n1', { heartbeat: -5 })], leases: { n1: -600 } },
      want: [], requeue: (GRACE - 5) * 1000 + 1,
    },
    {
      name: 'a custom grace period',
      run: { nodes: [node('n1', { heartbeat: -200 })], leases: { n1: -41 }, config: { gracePeriodSeconds: 40 } },
      want: ['taints n1 unreachable:NoSchedule,unreachable:NoExecute', 'status n1 Ready=Unknown', 'event n1 NodeNotReady'],
    },
    {
      name: 'a node that never posted status gets the startup grace period from its creation',
      run: { nodes: [node('n1', { ready: null, created: -59 })] },
      want: [], requeue: 1000 + 1,
    },
    {
      name: 'a node that never posted status past the startup grace period: NodeStatusNeverUpdated, no NodeNotReady event',
      run: { nodes: [node('n1', { ready: null, created: -61 })] },
      want: ['taints n1 unreachable:NoSchedule,unreachable:NoExecute', 'status n1 Ready=Unknown'],
    },
    {
      name: 'a node already Unknown is not written again; a pod still Ready there is marked',
      run: {
        nodes: [node('n1', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -200, since: -150, taints: unreachable(-150) })],
        pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS }), pod('p2', 'n1', { tolerations: DEFAULT_TOLERATIONS, ready: 'False' })],
      },
      want: ['status pod p1 Ready=False', 'event p1 NodeNotReady'], requeue: 150 * 1000,
    },
    {
      name: 'Ready=False from the kubelet: tainted not-ready, its pods are the kubelet\'s business',
      run: { nodes: [node('n1', { ready: 'False', heartbeat: -5, since: -5 })], pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS })] },
      want: ['taints n1 not-ready:NoSchedule,not-ready:NoExecute'], requeue: (GRACE - 5) * 1000 + 1,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = runQ(c.run);
      assert.deepEqual(summary(r.actions), c.want);
      if ('requeue' in c) assert.equal(r.requeueAfterMs, c.requeue);
    });
  }

  it('writes kube\'s reasons and messages, keeps lastHeartbeatTime, and sets a new lastTransitionTime', () => {
    const r = runQ({ nodes: [node('n1', { heartbeat: -200 })], leases: { n1: -60 }, now: 0.4 });
    const status = nodeStatus(r.actions, 'n1')!;
    assert.equal(status.metadata?.resourceVersion, '7');
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const c = status.status!.conditions!.find((x) => x.type === type)!;
      assert.deepEqual(
        { status: c.status, reason: c.reason, message: c.message, lastHeartbeatTime: c.lastHeartbeatTime, lastTransitionTime: c.lastTransitionTime },
        { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: ts(-200), lastTransitionTime: ts(0) },
        type,
      );
    }
    const event = of(r.actions, 'event')[0];
    assert.deepEqual(
      { ...event, involvedObject: event.involvedObject.kind },
      { kind: 'event', involvedObject: 'Node', type: 'Normal', reason: 'NodeNotReady', message: 'Node n1 status is now: NodeNotReady' },
    );
  });

  it('a never-updated node gets every kubelet condition with NodeStatusNeverUpdated, its heartbeat at creation', () => {
    const r = runQ({ nodes: [node('n1', { ready: null, created: -61 })] });
    assert.deepEqual(nodeStatus(r.actions, 'n1')!.status!.conditions, ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
      type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: ts(-61), lastTransitionTime: ts(0),
    })));
  });

  it('leaves NetworkUnavailable alone and marks pods with kube\'s Ready=False and a Warning event', () => {
    const n = node('n1', { heartbeat: -200 });
    n.status!.conditions!.push({ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', lastTransitionTime: ts(CREATED) });
    const r = runQ({ nodes: [n], pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS })] });
    assert.equal(nodeStatus(r.actions, 'n1')!.status!.conditions!.find((c) => c.type === 'NetworkUnavailable')!.status, 'False');
    const podStatus = of(r.actions, 'updateStatus').find((a) => a.object.kind === 'Pod')!.object as Pod;
    assert.deepEqual(podStatus.status!.conditions!.find((c) => c.type === 'Ready'), { type: 'Ready', status: 'False', lastTransitionTime: ts(0) });
    assert.equal(podStatus.metadata?.resourceVersion, '3');
    const event = of(r.actions, 'event').find((e) => e.involvedObject.kind === 'Pod')!;
    assert.deepEqual([event.type, event.reason, event.message, event.involvedObject.namespace], ['Warning', 'NodeNotReady', 'Node is not ready', NS]);
  });
});

describe('reconcileNodeLifecycle: taints', () => {
  const gpu = taint('dedicated', 'NoSchedule');
  const cases: { name: string; run: Run; want: string[] }[] = [
    {
      name: 'Ready=False with the unreachable taints: swapped to not-ready, other taints kept in place',
      run: { nodes: [node('n1', { ready: 'False', heartbeat: -5, taints: [gpu, ...unreachable()] })] },
      want: ['taints n1 dedicated:NoSchedule,not-ready:NoSchedule,not-ready:NoExecute'],
    },
    {
      name: 'silent again with the not-ready taints: swapped to unreachable',
      run: { nodes: [node('n1', { ready: 'False', heartbeat: -GRACE - 1, taints: [...notReady(), gpu] })] },
      want: ['taints n1 dedicated:NoSchedule,unreachable:NoSchedule,unreachable:NoExecute', 'status n1 Ready=Unknown'],
    },
    {
      name: 'Ready again: the controller\'s taints come off, others stay',
      run: { nodes: [node('n1', { heartbeat: -1, taints: [...unreachable(), gpu] })] },
      want: ['taints n1 dedicated:NoSchedule'],
    },
    {
      name: 'a lease renewed after the controller marked the node Unknown gives it back Ready, and its taints go',
      run: { nodes: [node('n1', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -200, since: -100, taints: unreachable() })], leases: { n1: -1 } },
      want: ['taints n1 ', 'status n1 Ready=True'],
    },
    {
      name: 'a lease no newer than the marking leaves the node Unknown',
      run: { nodes: [node('n1', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -200, since: -1, taints: unreachable() })], leases: { n1: -2 } },
      want: [],
    },
    {
      name: 'an Unknown the kubelet posted itself is the kubelet\'s to clear',
      run: { nodes: [node('n1', { ready: 'Unknown', reason: 'KubeletNotReady', heartbeat: -1, since: -100 })], leases: { n1: -1 } },
      want: ['taints n1 unreachable:NoSchedule,unreachable:NoExecute'],
    },
    {
      name: 'pressure conditions and cordoning bring their NoSchedule taints',
      run: { nodes: [node('n1', { heartbeat: -1, memoryPressure: true, unschedulable: true })] },
      want: ['taints n1 memory-pressure:NoSchedule,unschedulable:NoSchedule'],
    },
    {
      name: 'condition taints go when their condition does',
      run: { nodes: [node('n1', { heartbeat: -1, taints: [taint('node.kubernetes.io/memory-pressure', 'NoSchedule', -50), taint('node.kubernetes.io/unschedulable', 'NoSchedule', -50), gpu] })] },
      want: ['taints n1 dedicated:NoSchedule'],
    },
    {
      name: 'a node whose taints already match is not written',
      run: { nodes: [node('n1', { ready: 'False', heartbeat: -1, taints: notReady() })] },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(summary(runQ(c.run).actions), c.want));
  }

  it('stamps added taints with timeAdded and keeps the observed resourceVersion', () => {
    const r = runQ({ nodes: [node('n1', { ready: 'False', heartbeat: -5, taints: [taint('dedicated', 'NoSchedule'), ...unreachable(-500)] })], now: 0.7 });
    const updated = nodeUpdate(r.actions, 'n1')!;
    assert.equal(updated.metadata?.resourceVersion, '7');
    assert.deepEqual(updated.spec?.taints, [
      { key: 'dedicated', effect: 'NoSchedule' },
      { key: TAINT_NOT_READY, effect: 'NoSchedule', timeAdded: ts(0) },
      { key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: ts(0) },
    ]);
  });

  it('a node left with no taints drops spec.taints', () => {
    const r = runQ({ nodes: [node('n1', { heartbeat: -1, taints: unreachable() })] });
    assert.equal('taints' in (nodeUpdate(r.actions, 'n1')!.spec ?? {}), false);
  });

  it('the taint update comes before the status write of the same node', () => {
    const r = runQ({ nodes: [node('n1', { heartbeat: -200 })] });
    assert.deepEqual(r.actions.slice(0, 2).map((a) => a.kind), ['update', 'updateStatus']);
  });
});

describe('reconcileNodeLifecycle: taint-based eviction', () => {
  const down = (taints: Taint[] = unreachable(-100)) => node('n1', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -500, since: -100, taints });
  const cases: { name: string; run: Run; want: string[]; requeue?: number }[] = [
    {
      name: 'a pod that does not tolerate the new taint goes at once',
      run: { nodes: [node('n1', { heartbeat: -200 })], pods: [pod('p1', 'n1')] },
      want: [
        'taints n1 unreachable:NoSchedule,unreachable:NoExecute', 'status n1 Ready=Unknown', 'event n1 NodeNotReady',
        'status pod p1 Ready=False,DisruptionTarget=True', 'event p1 NodeNotReady', 'delete p1', 'event p1 TaintManagerEviction',
      ],
    },
    {
      name: 'tolerationSeconds not yet run out: stays, requeued for the deadline',
      run: { nodes: [down()], pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS, ready: 'False' })] },
      want: [], requeue: 200 * 1000,
    },
    {
      name: 'tolerationSeconds run out exactly: goes',
      run: { nodes: [down(unreachable(-300))], pods: [pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS, ready: 'False' })] },
      want: ['status pod p1 Ready=False,DisruptionTarget=True', 'delete p1', 'event p1 TaintManagerEviction'],
    },
    {
      name: 'tolerating without tolerationSeconds: stays for good',
      run: { nodes: [down()], pods: [pod('p1', 'n1', { tolerations: forever, ready: 'False' })] },
      want: [],
    },
    {
      name: 'the first toleration that matches a taint decides, even when a later one has seconds',
      run: {
        nodes: [down(unreachable(-1000))],
        pods: [pod('p1', 'n1', { ready: 'False', tolerations: [{ key: TAINT_UNREACHABLE, operator: 'Exists' }, { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] })],
      },
      want: [],
    },
    {
      name: 'tolerationSeconds zero means at once, even with a timeAdded ahead of this clock',
      run: { nodes: [down(unreachable(30))], pods: [pod('p1', 'n1', { ready: 'False', tolerations: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }] })] },
      want: ['status pod p1 Ready=False,DisruptionTarget=True', 'delete p1', 'event p1 TaintManagerEviction'],
    },
    {
      name: 'negative tolerationSeconds means at once',
      run: { nodes: [down(unreachable(-1))], pods: [pod('p1', 'n1', { ready: 'False', tolerations: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -5 }] })] },
      want: ['status pod p1 Ready=False,DisruptionTarget=True', 'delete p1', 'event p1 TaintManagerEviction'],
    },
    {
      name: 'one taint tolerated for good and another for a while: the shorter wins',
      run: {
        nodes: [down([...unreachable(-100), taint('maintenance', 'NoExecute', -30)])],
        pods: [pod('p1', 'n1', { ready: 'False', tolerations: [{ key: TAINT_UNREACHABLE, operator: 'Exists' }, { key: 'maintenance', operator: 'Exists', tolerationSeconds: 60 }] })],
      },
      want: [], requeue: 30 * 1000,
    },
    {
      name: 'a pod bound after the taint counts from its binding',
      run: { nodes: [down(unreachable(-3600))], pods: [pod('p1', 'n1', { ready: 'False', bound: -10, tolerations: [{ operator: 'Exists', tolerationSeconds: 60 }] })] },
      want: [], requeue: 50 * 1000,
    },
    {
      name: 'a terminating pod is left alone',
      run: { nodes: [down(unreachable(-1000))], pods: [pod('p1', 'n1', { ready: 'False', deleting: true })] },
      want: [],
    },
    {
      name: 'a NoExecute taint of the user\'s, tolerated or not, on a Ready node',
      run: {
        nodes: [node('n1', { heartbeat: -1, taints: [taint('drain', 'NoExecute', -20)] })], leases: { n1: -1 },
        pods: [pod('p1', 'n1'), pod('p2', 'n1', { tolerations: [{ key: 'drain', operator: 'Exists', tolerationSeconds: 30 }] })],
      },
      want: ['status pod p1 Ready=True,DisruptionTarget=True', 'delete p1', 'event p1 TaintManagerEviction'], requeue: 10 * 1000,
    },
    {
      name: 'a NoExecute taint written without timeAdded is stamped now and its clock starts now',
      run: {
        nodes: [node('n1', { heartbeat: -1, taints: [taint('drain', 'NoExecute')] })], leases: { n1: -1 },
        pods: [pod('p1', 'n1', { tolerations: [{ key: 'drain', operator: 'Exists', tolerationSeconds: 30 }] })],
      },
      want: ['taints n1 drain:NoExecute'], requeue: 30 * 1000,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = runQ(c.run);
      assert.deepEqual(summary(r.actions), c.want);
      if ('requeue' in c) assert.equal(r.requeueAfterMs, c.requeue);
    });
  }

  it('deletes with a uid precondition after recording DisruptionTarget, with kube\'s event', () => {
    const r = runQ({ nodes: [down(unreachable(-1000))], pods: [pod('p1', 'n1', { ready: 'False', tolerations: DEFAULT_TOLERATIONS })] });
    const [status] = of(r.actions, 'updateStatus');
    assert.deepEqual((status.object as Pod).status!.conditions!.find((c) => c.type === 'DisruptionTarget'), {
      type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: ts(0),
    });
    assert.deepEqual(of(r.actions, 'delete'), [{ kind: 'delete', resource: 'pods', namespace: NS, name: 'p1', preconditions: { uid: 'uid-p1' } }]);
    const event = of(r.actions, 'event')[0];
    assert.deepEqual([event.type, event.reason, event.message], ['Normal', 'TaintManagerEviction', `Marking for deletion Pod ${NS}/p1`]);
  });

  it('evictionTime: never without NoExecute taints, and -Infinity for an untolerated one', () => {
    const p = pod('p1', 'n1', { tolerations: DEFAULT_TOLERATIONS });
    assert.equal(evictionTime(p, []), undefined);
    assert.equal(evictionTime(p, [taint('other', 'NoExecute', 0)]), Number.NEGATIVE_INFINITY);
    assert.equal(evictionTime(p, [taint(TAINT_NOT_READY, 'NoExecute', 0)]), at(300).getTime());
  });
});

describe('reconcileNodeLifecycle: disruption', () => {
  const stale = (name: string, labels?: Record<string, string>) => node(name, { heartbeat: -200, labels });
  const fresh = (name: string, labels?: Record<string, string>) => node(name, { heartbeat: -1, labels });
  const bare = (names: string[]) => names.map((n) => pod(`p-${n}`, n));
  const noExecuteNodes = (actions: readonly Action[]) =>
    of(actions, 'update').filter((a) => (a.object.spec as Node['spec'])?.taints?.some((t) => t.effect === 'NoExecute')).map((a) => a.object.metadata.name);

  const cases: { name: string; run: Run; tainted: string[]; evicted: string[]; requeue?: number }[] = [
    {
      name: 'every node silent at once: conditions written, no NoExecute taints, no evictions',
      run: { nodes: [stale('n1'), stale('n2'), stale('n3')], pods: bare(['n1', 'n2', 'n3']) },
      tainted: [], evicted: [],
    },
    {
      name: 'one of three down: tainted and its pods evicted',
      run: { nodes: [stale('n1'), fresh('n2'), fresh('n3')], pods: bare(['n1', 'n2', 'n3']) },
      tainted: ['n1'], evicted: ['p-n1'],
    },
    {
      name: 'two of three down: one node per 10s, the other waits for the next token',
      run: { nodes: [stale('n1'), stale('n2'), fresh('n3')], pods: bare(['n1', 'n2', 'n3']) },
      tainted: ['n1'], evicted: ['p-n1'], requeue: 10 * 1000,
    },
    {
      name: 'a token spent 4s ago (the newest NoExecute timeAdded in the zone) delays the next by 6s',
      run: {
        nodes: [node('n0', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -200, taints: unreachable(-4) }), stale('n1'), fresh('n2'), fresh('n3'), fresh('n4')],
        pods: bare(['n1']),
      },
      tainted: [], evicted: [], requeue: 6 * 1000,
    },
    {
      name: 'three of four down in a small cluster: partial disruption stops tainting',
      run: { nodes: [stale('n1'), stale('n2'), stale('n3'), fresh('n4')], pods: bare(['n1', 'n2', 'n3']) },
      tainted: [], evicted: [],
    },
    {
      name: 'one zone entirely down while another is fine: tainting goes on there',
      run: {
        nodes: [stale('a1', { 'topology.kubernetes.io/zone': 'a' }), stale('a2', { 'topology.kubernetes.io/zone': 'a' }), fresh('b1', { 'topology.kubernetes.io/zone': 'b' })],
        pods: bare(['a1', 'a2']),
      },
      tainted: ['a1'], evicted: ['p-a1'], requeue: 10 * 1000,
    },
    {
      name: 'every zone entirely down: nothing tainted',
      run: { nodes: [stale('a1', { 'topology.kubernetes.io/zone': 'a' }), stale('b1', { 'topology.kubernetes.io/zone': 'b' })], pods: bare(['a1', 'b1']) },
      tainted: [], evicted: [],
    },
    {
      name: 'a Ready node excluded from disruption checks does not count: the rest is fully disrupted',
      run: { nodes: [stale('n1'), fresh('n2', { 'node.kubernetes.io/exclude-disruption': '' })], pods: bare(['n1']) },
      tainted: [], evicted: [],
    },
    {
      name: 'the same Ready node counted: normal, tainted',
      run: { nodes: [stale('n1'), fresh('n2')], pods: bare(['n1']) },
      tainted: ['n1'], evicted: ['p-n1'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = run(c.run);
      assert.deepEqual(noExecuteNodes(r.actions), c.tainted);
      assert.deepEqual(of(r.actions, 'delete').map((d) => d.name), c.evicted);
      if ('requeue' in c) assert.equal(r.requeueAfterMs, c.requeue);
    });
  }

  it('full disruption still writes every node\'s conditions and NoSchedule taints', () => {
    const r = run({ nodes: [stale('n1'), stale('n2')] });
    assert.deepEqual(summary(r.actions), [
      'taints n1 unreachable:NoSchedule', 'status n1 Ready=Unknown', 'event n1 NodeNotReady',
      'taints n2 unreachable:NoSchedule', 'status n2 Ready=Unknown', 'event n2 NodeNotReady',
    ]);
  });

  it('full disruption takes the controller\'s NoExecute taints off, but not a user\'s', () => {
    const silent = (name: string) => node(name, { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -500, taints: [...unreachable(-400), taint('drain', 'NoExecute', -400)] });
    const r = run({ nodes: [silent('n1'), silent('n2')], pods: [pod('p1', 'n1', { ready: 'False', tolerations: DEFAULT_TOLERATIONS })] });
    assert.deepEqual(summary(r.actions), [
      'taints n1 unreachable:NoSchedule,drain:NoExecute', 'taints n2 unreachable:NoSchedule,drain:NoExecute',
      'status pod p1 Ready=False,DisruptionTarget=True', 'delete p1', 'event p1 TaintManagerEviction',
    ]);
  });

  it('a large zone in partial disruption taints at the secondary rate', () => {
    const nodes = Array.from({ length: 60 }, (_, i) => (i < 40 ? stale(`n${String(i).padStart(2, '0')}`) : fresh(`n${i}`)));
    const r = run({ nodes });
    assert.deepEqual(noExecuteNodes(r.actions), ['n00']);
    nodes[0] = node('n00', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -200, taints: unreachable(-60) });
    const later = run({ nodes });
    assert.deepEqual(noExecuteNodes(later.actions), []);
    // The next slot at the secondary rate is 40 s away; the fresh nodes' heartbeats (1 s old, 40 s
    // grace) expire just before it.
    assert.equal(later.requeueAfterMs, 39 * 1000 + 1);
    assert.equal(run({ nodes, config: { gracePeriodSeconds: 50 } }).requeueAfterMs, 40 * 1000);
  });

  it('the node not Ready the longest is tainted first', () => {
    const r = run({ nodes: [node('a', { ready: 'False', heartbeat: -1, since: -10 }), node('b', { ready: 'False', heartbeat: -1, since: -30 }), fresh('c')] });
    assert.deepEqual(noExecuteNodes(r.actions), ['b']);
  });
});

describe('reconcileNodeLifecycle: requeue', () => {
  it('the soonest of heartbeat expiries and toleration deadlines', () => {
    const r = run({
      nodes: [node('n1', { heartbeat: -1 }), node('n2', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -500, taints: unreachable(-295) }), node('n3', { heartbeat: -1 })],
      leases: { n1: -20, n3: -2 },
      pods: [pod('p1', 'n2', { ready: 'False', tolerations: DEFAULT_TOLERATIONS })],
    });
    assert.deepEqual(r.actions, []);
    assert.equal(r.requeueAfterMs, 5 * 1000);
  });

  it('nothing that could change on its own: no requeue', () => {
    const r = run({
      nodes: [node('n1', { ready: 'Unknown', reason: 'NodeStatusUnknown', heartbeat: -500, taints: [taint(TAINT_UNREACHABLE, 'NoSchedule', -400)] })],
      pods: [pod('p1', 'n1', { ready: 'False', tolerations: forever })],
    });
    assert.deepEqual(r.actions, []);
    assert.equal(r.requeueAfterMs, undefined);
  });
});

describe('zone helpers', () => {
  it('zoneKey follows GetZoneKey, beta labels included', () => {
    assert.equal(zoneKey(node('n')), '');
    assert.equal(zoneKey(node('n', { labels: { 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'r' } })), 'r:\x00:a');
    assert.equal(zoneKey(node('n', { labels: { 'failure-domain.beta.kubernetes.io/zone': 'b' } })), ':\x00:b');
  });

  const states: [string, (string | undefined)[], string][] = [
    ['no Ready node', ['False', 'Unknown'], 'FullDisruption'],
    ['a node without a Ready condition counts as not Ready', [undefined], 'FullDisruption'],
    ['two of three down is not partial (needs more than two)', ['False', 'False', 'True'], 'Normal'],
    ['three of five down is partial', ['False', 'False', 'False', 'True', 'True'], 'PartialDisruption'],
    ['three of six down is below 55%', ['False', 'False', 'False', 'True', 'True', 'True'], 'Normal'],
  ];
  for (const [name, ready, want] of states) it(`computeZoneState: ${name}`, () => assert.equal(computeZoneState(ready, 0.55), want));
});
