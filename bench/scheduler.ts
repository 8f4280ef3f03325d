/**
 * Scheduler throughput in process, on one core: 5,000 nodes, 10,000 pods scheduled one after
 * another from one snapshot (each bind assumed into it, as the scheduler handler does per batch),
 * beside kube-scheduler's published scheduler_perf pass bars.
 */
import type { Node, Pod } from '../lib/api/schema/index.ts';
import { defaultProfile, schedule, Snapshot } from '../lib/scheduler/index.ts';

export interface SchedulerRow {
  scenario: string;
  nodes: number;
  pods: number;
  podsPerSecond: number;
  unschedulable: number;
  target: number;
  pass: boolean;
  kubeBar: string;
}

export interface SchedulerResult {
  rows: SchedulerRow[];
}

const ZONES = 10;

function nodes(count: number): Node[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i}`,
      labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % ZONES}` },
    },
    spec: {},
    status: {
      capacity: { cpu: '32', memory: '128Gi', pods: '110' },
      allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  })) as unknown as Node[];
}

function basicPod(i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'bench', uid: `uid-${i}`, labels: { app: `app-${i % 50}` } },
    spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
    status: { phase: 'Pending' },
  } as unknown as Pod;
}

/** Preferred anti-affinity per app on hostname, zone spread (hard) and host spread (soft). */
function affinityPod(i: number): Pod {
  const pod = basicPod(i) as unknown as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
  const app = pod.metadata.labels.app;
  pod.spec.affinity = {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } } },
      ],
    },
  };
  pod.spec.topologySpreadConstraints = [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } },
  ];
  return pod as unknown as Pod;
}

function run(nodeCount: number, podCount: number, makePod: (i: number) => Pod): { podsPerSecond: number; unschedulable: number } {
  const snapshot = new Snapshot({ nodes: nodes(nodeCount) });
  const profile = defaultProfile();
  const pods = Array.from({ length: podCount }, (_, i) => makePod(i));
  let unschedulable = 0;
  const t0 = performance.now();
  for (const pod of pods) {
    const result = schedule(pod, snapshot, profile);
    if ('node' in result) snapshot.assume(pod, result.node);
    else unschedulable++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { podsPerSecond: Math.round(podCount / seconds), unschedulable };
}

export function runSchedulerBench(opts: { nodes: number; pods: number; log: (line: string) => void }): SchedulerResult {
  // Warm the JIT on a small cluster first, so the measured run is steady state.
  run(500, 2000, basicPod);
  run(500, 1000, affinityPod);
  const rows: SchedulerRow[] = [];
  const basic = run(opts.nodes, opts.pods, basicPod);
  opts.log(`basic: ${basic.podsPerSecond} pods/s (${basic.unschedulable} unschedulable)`);
  rows.push({
    scenario: 'basic (cpu/memory requests)',
    nodes: opts.nodes,
    pods: opts.pods,
    ...basic,
    target: 1500,
    pass: basic.podsPerSecond >= 1500 && basic.unschedulable === 0,
    kubeBar: '680 pods/s (scheduler_perf, 5,000 nodes / 10k pods)',
  });
  const affinity = run(opts.nodes, opts.pods, affinityPod);
  opts.log(`affinity + spread: ${affinity.podsPerSecond} pods/s (${affinity.unschedulable} unschedulable)`);
  rows.push({
    scenario: 'preferred anti-affinity + zone spread (hard) + host spread (soft)',
    nodes: opts.nodes,
    pods: opts.pods,
    ...affinity,
    target: 500,
    pass: affinity.podsPerSecond >= 500 && affinity.unschedulable === 0,
    kubeBar: '—',
  });
  return { rows };
}

export function schedulerMarkdown(r: SchedulerResult, meta: { date: string; cpus: number; cpuModel: string; node: string; commit: string }): string {
  const lines = [
    `Scheduler benchmark (\`npm run bench -- scheduler\`), ${meta.date}, commit \`${meta.commit.slice(0, 7)}\`: ${meta.cpus} × ${meta.cpuModel}, Node ${meta.node}, one core, in process. ` +
      'Pods are scheduled one by one from one snapshot with kube\'s default plugins, weights and adaptive node sampling; each placement is assumed into the snapshot. ' +
      'Raw JSON: `bench/results/scheduler-latest.json`.',
    '',
    '| Scenario | Nodes | Pods | Pods/s | Target | kube-scheduler pass bar | Result |',
    '|---|---:|---:|---:|---:|---|:---:|',
    ...r.rows.map((row) => `| ${row.scenario} | ${row.nodes} | ${row.pods} | ${row.podsPerSecond} | ≥ ${row.target} | ${row.kubeBar} | ${row.pass ? 'pass' : '**FAIL**'} |`),
  ];
  return lines.join('\n');
}
