import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node, Pod, PodStatus } from '../../../lib/api/schema/index.ts';
import {
  DEFAULT_RUN_DURATION_MS,
  cidrIndex,
  freeNodeIndices,
  imageID,
  microTimeString,
  nodeIPFor,
  nodeLease,
  nodeStatus,
  parseDuration,
  parseLabels,
  parseTaints,
  pickPodIP,
  podCIDRFor,
  registrationEvents,
  registrationNode,
  renewedLease,
  reregisteredNode,
  simulatePod,
  terminatedPodStatus,
  timeString,
  type NodeInput,
  type PodContext,
} from '../../../lib/agent/simulated.ts';

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const NODE_IP = '172.18.0.2';
const STEP = 500;

type PodExtra = { spec?: Partial<NonNullable<Pod['spec']>>; annotations?: Record<string, string>; status?: PodStatus };

function pod(extra: PodExtra = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '10', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { nodeName: 'n0', restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra.spec },
    status: extra.status ?? { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const ctx = (now: number, extra: Partial<PodContext> = {}): PodContext => ({ now: at(now), ackAt: T0, nodeIP: NODE_IP, podIP: '10.244.0.2', startDelayMs: STEP, ...extra });
const cond = (s: PodStatus, type: string) => s.conditions?.find((c) => c.type === type);
const state = (s: PodStatus, i = 0) => s.containerStatuses?.[i]?.state;

/** Runs the pod's timeline as the agent does: each step's status becomes the pod's. */
function run(p: Pod, times: number[], extra: Partial<PodContext> = {}): { pod: Pod; steps: ReturnType<typeof simulatePod>[] } {
  let current = p;
  const steps = times.map((t) => {
    const step = simulatePod(current, ctx(t, extra));
    current = { ...current, status: step.status };
    return step;
  });
  return { pod: current, steps };
}

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['5s', 5000], ['1m30s', 90_000], ['250ms', 250], ['1.5h', 5_400_000], ['0', 0], ['2h45m', 9_900_000], ['500us', 1],
    ['', undefined], ['5', undefined], ['abc', undefined], ['-1s', undefined], ['5s junk', undefined],
  ];
  for (const [text, want] of cases) it(`"${text}" → ${want}`, () => assert.equal(parseDuration(text), want));
});

describe('parseLabels and parseTaints', () => {
  const labels: [string, Record<string, string> | RegExp][] = [
    ['a=b', { a: 'b' }],
    ['zone=eu-1,tier=web', { zone: 'eu-1', tier: 'web' }],
    ['example.com/role=db, empty=', { 'example.com/role': 'db', empty: '' }],
    ['', {}],
    ['novalue', /expected key=value/],
    ['=b', /expected key=value/],
    ['bad key=x', /label key/],
    ['k=-bad-', /label value/],
    ['Example.COM/x=y', /prefix must be a DNS subdomain/],
  ];
  for (const [text, want] of labels) {
    it(`labels "${text}"`, () => (want instanceof RegExp ? assert.throws(() => parseLabels(text), want) : assert.deepEqual(parseLabels(text), want)));
  }
  const taints: [string, unknown[] | RegExp][] = [
    ['dedicated=gpu:NoSchedule', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]],
    ['spot:PreferNoSchedule,x=y:NoExecute', [{ key: 'spot', effect: 'PreferNoSchedule' }, { key: 'x', value: 'y', effect: 'NoExecute' }]],
    ['k=v', /expected key\[=value\]:Effect/],
    ['k=v:Sometimes', /effect must be one of/],
    ['a:NoSchedule,a=b:NoSchedule', /duplicate/],
    ['bad key:NoSchedule', /taint key/],
  ];
  for (const [text, want] of taints) {
    it(`taints "${text}"`, () => (want instanceof RegExp ? assert.throws(() => parseTaints(text), want) : assert.deepEqual(parseTaints(text), want)));
  }
});

describe('addresses', () => {
  const cidrs: [number, string, string][] = [
    [0, '10.244.0.0/24', '172.18.0.2'],
    [1, '10.244.1.0/24', '172.18.0.3'],
    [255, '10.244.255.0/24', '172.18.1.1'],
    [256, '10.245.0.0/24', '172.18.1.2'],
    [3071, '10.255.255.0/24', '172.18.12.1'],
  ];
  for (const [i, cidr, ip] of cidrs) {
    it(`node ${i}: ${cidr}, ${ip}`, () => {
      assert.equal(podCIDRFor(i), cidr);
      assert.equal(cidrIndex(cidr), i);
      assert.equal(nodeIPFor(i), ip);
    });
  }
  it('refuses indices it cannot give, and CIDRs it would not give', () => {
    assert.throws(() => podCIDRFor(3072), RangeError);
    assert.throws(() => podCIDRFor(-1), RangeError);
    for (const c of ['10.243.0.0/24', '10.244.0.0/16', '10.244.0.128/24', 'x', undefined]) assert.equal(cidrIndex(c), undefined, String(c));
  });
  it('hands out the lowest free node indices', () => {
    assert.deepEqual(freeNodeIndices([0, 1, 3], 3), [2, 4, 5]);
    assert.deepEqual(freeNodeIndices([], 0), []);
  });
  const picks: [string, string[], string | undefined][] = [
    ['10.244.0.0/24', [], '10.244.0.2'],
    ['10.244.0.0/24', ['10.244.0.2', '10.244.0.3'], '10.244.0.4'],
    ['10.244.0.0/24', ['10.244.0.3'], '10.244.0.2'],
    ['10.244.7.0/30', [], '10.244.7.2'],
    ['10.244.7.0/30', ['10.244.7.2'], undefined],
    ['10.244.0.0/24', Array.from({ length: 253 }, (_, i) => `10.244.0.${i + 2}`), undefined],
    ['fd00::/64', [], undefined],
  ];
  for (const [cidr, used, want] of picks) it(`pickPodIP(${cidr}, ${used.length} used) → ${want}`, () => assert.equal(pickPodIP(cidr, used), want));
  it('reports image IDs as a runtime does', () => {
    assert.match(imageID('nginx:1.27'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(imageID('bitnami/redis'), /^docker\.io\/bitnami\/redis@sha256:/);
    assert.match(imageID('registry.k8s.io/pause:3.10'), /^registry\.k8s\.io\/pause@sha256:/);
    assert.match(imageID('localhost:5000/app:v1'), /^localhost:5000\/app@sha256:/);
    assert.equal(imageID('busybox@sha256:abc'), 'docker.io/library/busybox@sha256:abc');
  });
});

describe('simulatePod: the timeline', () => {
  interface Case {
    name: string;
    pod: Pod;
    now: number;
    ctx?: Partial<PodContext>;
    phase: string;
    ready?: 'True' | 'False';
    podIP?: string | null;
    container?: string;
    nextAt?: number | null;
    check?: (s: PodStatus) => void;
  }
  const cases: Case[] = [
    {
      name: 'just acknowledged: Pending, ContainerCreating, no pod IP yet',
      pod: pod(), now: 0, phase: 'Pending', ready: 'False', podIP: null, container: 'waiting:ContainerCreating', nextAt: STEP,
      check: (s) => {
        assert.equal(s.hostIP, NODE_IP);
        assert.deepEqual(s.hostIPs, [{ ip: NODE_IP }]);
        assert.equal(s.startTime, timeString(T0));
        assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
        assert.equal(cond(s, 'Initialized')?.status, 'True');
        assert.deepEqual(cond(s, 'Ready'), { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]', lastTransitionTime: timeString(T0) });
        assert.equal(s.containerStatuses?.[0].imageID, '');
        assert.equal(s.containerStatuses?.[0].containerID, undefined);
      },
    },
    {
      name: 'after the start step: Running and Ready',
      pod: pod(), now: STEP, phase: 'Running', ready: 'True', podIP: '10.244.0.2', container: 'running', nextAt: null,
      check: (s) => {
        const c = s.containerStatuses![0];
        assert.equal(c.ready, true);
        assert.equal(c.started, true);
        assert.equal(c.restartCount, 0);
        assert.match(c.containerID!, /^simulated:\/\/[0-9a-f]{64}$/);
        assert.equal(c.image, 'nginx:1.27');
        assert.equal(c.state?.running?.startedAt, timeString(at(STEP)));
        assert.deepEqual(s.podIPs, [{ ip: '10.244.0.2' }]);
        assert.equal(s.qosClass, 'BestEffort');
        assert.deepEqual(s.conditions?.map((x) => `${x.type}=${x.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
      },
    },
    {
      name: 'without an address the pod waits at ContainerCreating, with nothing scheduled',
      pod: pod(), now: 10_000, ctx: { podIP: undefined }, phase: 'Pending', podIP: null, container: 'waiting:ContainerCreating', nextAt: null,
    },
    {
      name: 'hostNetwork pods take the node address',
      pod: pod({ spec: { hostNetwork: true } }), now: STEP, ctx: { podIP: undefined }, phase: 'Running', podIP: NODE_IP, container: 'running',
    },
    {
      name: 'a readiness probe delays Ready by its initial delay',
      pod: pod({ spec: { containers: [{ name: 'app', image: 'nginx', readinessProbe: { initialDelaySeconds: 3, httpGet: { port: 80 } } }] } }),
      now: STEP + 1000, phase: 'Running', ready: 'False', container: 'running', nextAt: STEP + 3000,
      check: (s) => assert.equal(s.containerStatuses![0].started, true),
    },
    {
      name: 'init containers run one per step: the first runs',
      pod: pod({ spec: { initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] } }),
      now: STEP, phase: 'Pending', container: 'waiting:PodInitializing', nextAt: 2 * STEP,
      check: (s) => {
        assert.deepEqual(s.initContainerStatuses?.map((c) => Object.keys(c.state!)[0]), ['running', 'waiting']);
        assert.deepEqual(cond(s, 'Initialized'), { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i1 i2]', lastTransitionTime: timeString(T0) });
        assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'True');
      },
    },
    {
      name: 'init containers run one per step: all done, the app runs',
      pod: pod({ spec: { initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] } }),
      now: 3 * STEP, phase: 'Running', ready: 'True', container: 'running',
      check: (s) => {
        const [i1, i2] = s.initContainerStatuses!;
        assert.deepEqual([i1.state?.terminated?.reason, i1.state?.terminated?.exitCode, i1.ready, i1.started], ['Completed', 0, true, false]);
        assert.equal(i2.state?.terminated?.finishedAt, timeString(at(3 * STEP)));
        assert.equal(cond(s, 'Initialized')?.status, 'True');
      },
    },
    {
      name: 'a sidecar init container keeps running beside the app',
      pod: pod({ spec: { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] } }),
      now: 2 * STEP, phase: 'Running', ready: 'True', container: 'running',
      check: (s) => assert.deepEqual([Object.keys(s.initContainerStatuses![0].state!)[0], s.initContainerStatuses![0].ready], ['running', true]),
    },
    {
      name: 'Never pods run for their simulated duration',
      pod: pod({ spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/simulated-duration': '2s' } }),
      now: STEP + 1000, phase: 'Running', container: 'running', nextAt: STEP + 2000,
    },
    {
      name: 'Never pods then succeed',
      pod: pod({ spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/simulated-duration': '2s' } }),
      now: STEP + 2000, phase: 'Succeeded', ready: 'False', container: 'terminated:Completed', nextAt: null,
      check: (s) => {
        const t = s.containerStatuses![0].state!.terminated!;
        assert.deepEqual([t.exitCode, t.startedAt, t.finishedAt], [0, timeString(at(STEP)), timeString(at(STEP + 2000))]);
        assert.equal(cond(s, 'Ready')?.reason, 'PodCompleted');
        assert.equal(cond(s, 'ContainersReady')?.reason, 'PodCompleted');
        assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
        // Without init containers Initialized carries no reason, even for a finished pod.
        assert.deepEqual([cond(s, 'Initialized')?.status, cond(s, 'Initialized')?.reason], ['True', undefined]);
      },
    },
    {
      name: 'Never pods with an exit code fail',
      pod: pod({ spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/simulated-duration': '1s', 'skiff.dev/simulated-exit-code': '3' } }),
      now: STEP + 1000, phase: 'Failed', ready: 'False', container: 'terminated:Error',
      check: (s) => assert.equal(cond(s, 'Ready')?.reason, 'PodFailed'),
    },
    {
      name: 'OnFailure pods succeed after the default duration, whatever the exit code annotation',
      pod: pod({ spec: { restartPolicy: 'OnFailure' }, annotations: { 'skiff.dev/simulated-exit-code': '3' } }),
      now: STEP + DEFAULT_RUN_DURATION_MS, phase: 'Succeeded', container: 'terminated:Completed',
    },
    {
      name: 'an unreadable duration falls back to the default',
      pod: pod({ spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/simulated-duration': 'soon' } }),
      now: STEP, phase: 'Running', nextAt: STEP + DEFAULT_RUN_DURATION_MS,
    },
    {
      name: 'Always pods run forever, whatever the annotation says',
      pod: pod({ annotations: { 'skiff.dev/simulated-duration': '1s' } }), now: 3_600_000, phase: 'Running', ready: 'True', nextAt: null,
    },
    {
      name: 'a readiness gate holds Ready until its condition is True',
      pod: pod({ spec: { readinessGates: [{ conditionType: 'example.com/lb' }] } }), now: STEP, phase: 'Running', ready: 'False',
      check: (s) => {
        assert.equal(cond(s, 'ContainersReady')?.status, 'True');
        assert.deepEqual([cond(s, 'Ready')?.reason, cond(s, 'Ready')?.message], ['ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/lb" does not exist.']);
      },
    },
    {
      name: 'conditions other components own are kept, first, with a satisfied gate',
      pod: pod({ spec: { readinessGates: [{ conditionType: 'example.com/lb' }] }, status: { phase: 'Pending', conditions: [{ type: 'example.com/lb', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }),
      now: STEP, phase: 'Running', ready: 'True',
      check: (s) => assert.deepEqual(s.conditions?.map((c) => c.type), ['example.com/lb', 'PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']),
    },
    {
      name: 'a terminal pod is left as it is',
      pod: pod({ status: { phase: 'Succeeded', qosClass: 'BestEffort' } }), now: 10_000, phase: 'Succeeded', nextAt: null,
      check: (s) => assert.deepEqual(s, { phase: 'Succeeded', qosClass: 'BestEffort' }),
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const { status, nextAt } = simulatePod(tc.pod, ctx(tc.now, tc.ctx));
      assert.equal(status.phase, tc.phase);
      if (tc.ready) assert.equal(cond(status, 'Ready')?.status, tc.ready);
      if (tc.podIP !== undefined) assert.equal(status.podIP, tc.podIP ?? undefined);
      if (tc.container) {
        const [kind, reason] = tc.container.split(':');
        const s = state(status)!;
        assert.deepEqual(Object.keys(s), [kind]);
        if (reason) assert.equal((s as Record<string, { reason?: string }>)[kind].reason, reason);
      }
      if (tc.nextAt !== undefined) assert.equal(nextAt?.getTime(), tc.nextAt === null ? undefined : at(tc.nextAt).getTime());
      tc.check?.(status);
    });
  }
});

describe('simulatePod: steady and restart-safe', () => {
  it('a status that holds is computed again unchanged (no write), whenever asked', () => {
    const { pod: p, steps } = run(pod(), [0, STEP, STEP + 7000, 86_400_000]);
    assert.deepEqual(steps[2].status, steps[1].status);
    assert.deepEqual(steps[3].status, p.status);
  });
  it('conditions keep the time of their last transition', () => {
    const { steps } = run(pod(), [0, STEP, 60_000]);
    assert.equal(cond(steps[2].status, 'PodScheduled')?.lastTransitionTime, timeString(T0));
    assert.equal(cond(steps[2].status, 'Ready')?.lastTransitionTime, timeString(at(STEP)));
  });
  it('a restarted agent (start time read back from the status, second precision) reports the same status', () => {
    const ack = new Date('2026-03-01T10:00:00.700Z');
    const { pod: p } = run(pod({ spec: { initContainers: [{ name: 'i', image: 'busybox' }] } }), [700, 700 + STEP, 700 + 2 * STEP], { ackAt: ack });
    assert.equal(p.status?.phase, 'Running');
    const again = simulatePod(p, ctx(3_600_000, { ackAt: new Date(Date.parse(p.status!.startTime!)), podIP: undefined }));
    assert.deepEqual(again.status, p.status);
  });
  it('a restarted agent finishes a Never pod on its original schedule', () => {
    const p0 = pod({ spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/simulated-duration': '10s' } });
    const { pod: p } = run(p0, [0, STEP]);
    const later = simulatePod(p, ctx(5000, { ackAt: at(4000) }));
    assert.equal(later.status.phase, 'Running');
    assert.equal(later.nextAt?.getTime(), Date.parse(p.status!.containerStatuses![0].state!.running!.startedAt!) + 10_000);
  });
  it('with no start delay a pod goes straight to Running', () => {
    assert.equal(simulatePod(pod(), ctx(0, { startDelayMs: 0 })).status.phase, 'Running');
  });
});

describe('terminatedPodStatus', () => {
  const running = run(pod(), [0, STEP]).pod;
  const cases: { name: string; pod: Pod; terminalPhase?: boolean; phase: string; exit: number; reason: string }[] = [
    { name: 'running containers exit 0: Succeeded', pod: running, phase: 'Succeeded', exit: 0, reason: 'Completed' },
    { name: 'containers that never started are lost: Failed', pod: run(pod(), [0]).pod, phase: 'Failed', exit: 137, reason: 'ContainerStatusUnknown' },
    { name: 'without terminalPhase the phase stays', pod: running, terminalPhase: false, phase: 'Running', exit: 0, reason: 'Completed' },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const s = terminatedPodStatus(tc.pod, { now: at(9000), nodeIP: NODE_IP, terminalPhase: tc.terminalPhase });
      assert.equal(s.phase, tc.phase);
      const t = s.containerStatuses![0].state!.terminated!;
      assert.deepEqual([t.exitCode, t.reason], [tc.exit, tc.reason]);
      assert.equal(s.containerStatuses![0].ready, false);
      assert.equal(cond(s, 'Ready')?.status, 'False');
      assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
      if (tc.exit === 0) assert.deepEqual([t.startedAt, t.finishedAt], [timeString(at(STEP)), timeString(at(9000))]);
    });
  }
  it('is stable once written', () => {
    const first = terminatedPodStatus(running, { now: at(9000), nodeIP: NODE_IP, terminalPhase: false });
    assert.deepEqual(terminatedPodStatus({ ...running, status: first }, { now: at(20_000), nodeIP: NODE_IP, terminalPhase: false }), first);
  });
});

describe('the node and its lease', () => {
  const input: NodeInput = { name: 'n0', podCIDR: '10.244.0.0/24', nodeIP: NODE_IP, capacity: { cpu: '8' }, labels: { tier: 'web' }, taints: [{ key: 'x', effect: 'NoSchedule' }] };
  const node = registrationNode(input, T0);

  const fields: [string, unknown, unknown][] = [
    ['name', node.metadata?.name, 'n0'],
    ['hostname label', node.metadata?.labels?.['kubernetes.io/hostname'], 'n0'],
    ['os label', node.metadata?.labels?.['kubernetes.io/os'], 'linux'],
    ['arch label', node.metadata?.labels?.['kubernetes.io/arch'], 'amd64'],
    ['instance type', node.metadata?.labels?.['node.kubernetes.io/instance-type'], 'simulated'],
    ['extra label', node.metadata?.labels?.tier, 'web'],
    ['taints', node.spec?.taints, [{ key: 'x', effect: 'NoSchedule' }]],
    ['podCIDRs', node.spec?.podCIDRs, ['10.244.0.0/24']],
    ['capacity', node.status?.capacity, { cpu: '8', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' }],
    ['allocatable', node.status?.allocatable, node.status?.capacity],
    ['conditions', node.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`), ['MemoryPressure=False/KubeletHasSufficientMemory', 'DiskPressure=False/KubeletHasNoDiskPressure', 'PIDPressure=False/KubeletHasSufficientPID', 'Ready=True/KubeletReady']],
    ['ready message', node.status?.conditions?.[3].message, 'kubelet is posting ready status'],
    ['addresses', node.status?.addresses, [{ type: 'InternalIP', address: NODE_IP }, { type: 'Hostname', address: 'n0' }]],
    ['kubelet version', node.status?.nodeInfo?.kubeletVersion, 'v1.32.0-skiff'],
    ['runtime version', node.status?.nodeInfo?.containerRuntimeVersion, 'simulated://1.0'],
    ['kubelet port', node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250],
  ];
  for (const [what, got, want] of fields) it(`registers with its ${what}`, () => assert.deepEqual(got, want));

  it('a later status keeps transition times and other components’ conditions, with a fresh heartbeat', () => {
    const prev = { ...node.status!, conditions: [...node.status!.conditions!, { type: 'NetworkUnavailable', status: 'False' as const }] };
    const later = nodeStatus(input, at(60_000), prev);
    const ready = later.conditions!.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.lastTransitionTime, ready.lastHeartbeatTime], [timeString(T0), timeString(at(60_000))]);
    assert.ok(later.conditions!.some((c) => c.type === 'NetworkUnavailable'));
  });

  const existing: Node = {
    ...node,
    metadata: { ...node.metadata, uid: 'node-uid', resourceVersion: '5', labels: { ...node.metadata!.labels, 'user/label': 'kept' } },
    spec: { ...node.spec, unschedulable: true, taints: [{ key: 'user', effect: 'NoExecute' }] },
  };
  const reregistrations: { name: string; node: Node; input: NodeInput; want: (n: Node | undefined) => void }[] = [
    { name: 'nothing to change', node: existing, input, want: (n) => assert.equal(n, undefined) },
    {
      name: 'new agent labels are applied; cordon, taints and user labels stay',
      node: existing,
      input: { ...input, labels: { tier: 'db' }, taints: [] },
      want: (n) => {
        assert.equal(n?.metadata?.labels?.tier, 'db');
        assert.equal(n?.metadata?.labels?.['user/label'], 'kept');
        assert.equal(n?.spec?.unschedulable, true);
        assert.deepEqual(n?.spec?.taints, [{ key: 'user', effect: 'NoExecute' }]);
        assert.equal(n?.metadata?.resourceVersion, '5');
      },
    },
    {
      name: 'a node without a pod CIDR gets the agent’s',
      node: { ...existing, spec: { unschedulable: true } },
      input,
      want: (n) => assert.deepEqual([n?.spec?.podCIDR, n?.spec?.podCIDRs, n?.spec?.unschedulable], ['10.244.0.0/24', ['10.244.0.0/24'], true]),
    },
  ];
  for (const tc of reregistrations) it(`re-registration: ${tc.name}`, () => tc.want(reregisteredNode(tc.node, tc.input)));

  it('the lease is owned by the node and renewed with a MicroTime', () => {
    const lease = nodeLease({ name: 'n0', uid: 'node-uid' }, T0);
    assert.deepEqual(lease.metadata, { name: 'n0', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n0', uid: 'node-uid' }] });
    assert.deepEqual(lease.spec, { holderIdentity: 'n0', leaseDurationSeconds: 40, renewTime: '2026-03-01T10:00:00.000000Z' });
    const renewed = renewedLease({ ...lease, metadata: { ...lease.metadata, resourceVersion: '9' } }, { name: 'n0', uid: 'node-uid' }, at(10_250));
    assert.equal(renewed.spec?.renewTime, microTimeString(at(10_250)));
    assert.equal(renewed.spec?.renewTime, '2026-03-01T10:00:10.250000Z');
    assert.equal(renewed.metadata?.resourceVersion, '9');
    assert.equal(renewed.metadata?.ownerReferences?.length, 1);
  });
  it('a lease made before the node’s uid was known gets its owner on renewal', () => {
    const lease = nodeLease({ name: 'n0' }, T0);
    assert.equal(lease.metadata?.ownerReferences, undefined);
    assert.equal(renewedLease(lease, { name: 'n0', uid: 'u' }, T0).metadata?.ownerReferences?.[0].uid, 'u');
  });
});

describe('registrationEvents', () => {
  it('a new node: Starting and NodeReady, about the node by name as kubelets record them', () => {
    const events = registrationEvents('n1', false, T0);
    assert.deepEqual(events.map((e) => [e.reason, e.message]), [['Starting', 'Starting kubelet.'], ['NodeReady', 'Node n1 status is now: NodeReady']]);
    for (const e of events) {
      assert.deepEqual(e.involvedObject, { kind: 'Node', name: 'n1', uid: 'n1' });
      assert.deepEqual(e.source, { component: 'kubelet', host: 'n1' });
      assert.equal(e.metadata.namespace, 'default');
      assert.equal(e.firstTimestamp, '2026-03-01T10:00:00Z');
      assert.match(e.metadata.name, /^n1\.[0-9a-f]+$/);
    }
    assert.notEqual(events[0].metadata.name, events[1].metadata.name);
  });

  it('a node that was still Ready: Starting only', () => {
    assert.deepEqual(registrationEvents('n1', true, T0).map((e) => e.reason), ['Starting']);
  });
});
