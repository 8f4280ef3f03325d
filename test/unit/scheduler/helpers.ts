/** Builders and runners shared by the scheduler tests. */
import type { Node, Pod, Taint, Toleration } from '../../../lib/api/schema/index.ts';
import {
  CycleState, SKIP, SUCCESS, Snapshot, newPodInfo,
  type FilterPlugin, type ScorePlugin, type SnapshotInput, type Status,
} from '../../../lib/scheduler/framework.ts';

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  storage?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function node(name: string, o: NodeOpts = {}): Node {
  const allocatable: Record<string, string> = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) };
  if (o.storage) allocatable['ephemeral-storage'] = o.storage;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable, capacity: allocatable },
  } as Node;
}

export interface PodOpts {
  ns?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  nodeName?: string;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: NonNullable<Pod['spec']>['affinity'];
  spread?: NonNullable<Pod['spec']>['topologySpreadConstraints'];
  spec?: Partial<NonNullable<Pod['spec']>>;
}

export function pod(name: string, o: PodOpts = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', labels: o.labels ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: Object.keys(requests).length ? { requests } : undefined }],
      nodeName: o.nodeName,
      tolerations: o.tolerations,
      nodeSelector: o.nodeSelector,
      affinity: o.affinity,
      topologySpreadConstraints: o.spread,
      ...(o.spec ?? {}),
    },
  } as Pod;
}

/** Runs one filter plugin's PreFilter and Filter for `p` on node `on`. */
export function runFilter(plugin: FilterPlugin, p: Pod, input: SnapshotInput, on: string): Status {
  const snap = new Snapshot(input);
  const state = new CycleState(newPodInfo(p), snap);
  const pre = plugin.preFilter?.(p, state);
  if (pre === SKIP) return SUCCESS;
  if (pre && pre.code !== 'Success') return pre;
  return plugin.filter(p, snap.node(on)!, state);
}

/** Runs one score plugin over every node of the snapshot; node name → final (normalized) score. */
export function runScore(plugin: ScorePlugin, p: Pod, input: SnapshotInput): Record<string, number> {
  const snap = new Snapshot(input);
  const state = new CycleState(newPodInfo(p), snap);
  const nodes = snap.nodes;
  const out: Record<string, number> = {};
  if (plugin.preScore?.(p, state, nodes) === SKIP) {
    for (const n of nodes) out[n.name] = 0;
    return out;
  }
  const scores = nodes.map((n) => plugin.score(p, n, state));
  plugin.normalize?.(p, scores, nodes, state);
  nodes.forEach((n, i) => (out[n.name] = scores[i]));
  return out;
}

export const ok = SUCCESS;
export const status = (code: Status['code'], plugin: string, ...reasons: string[]): Status => ({ code, plugin, reasons });
