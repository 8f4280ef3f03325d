/**
 * PodTopologySpread: DoNotSchedule constraints filter out nodes where placing the pod would make
 * its domain exceed the global minimum by more than maxSkew; ScheduleAnyway constraints score
 * domains with fewer matching pods higher. Matching pods are found through the snapshot's label
 * index, so a cycle costs the matching pods plus (at most) one walk over the nodes.
 *
 * Not done: the cluster-level default constraints kube applies to pods that declare none (they
 * need the owning Service / ReplicaSet selectors).
 */
import type { Pod, TopologySpreadConstraint } from '../../api/schema/index.ts';
import type { LabelRequirement } from '../../api/selectors.ts';
import {
  SUCCESS, SKIP, parseSelector, selectorMatches, toleratesTaint, unresolvable, unschedulable,
  type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type ScorePlugin, type Selector,
} from '../framework.ts';
import { hasNodeSelectorOrAffinity, podMatchesNodeSelectorAndAffinity } from './node-affinity.ts';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const SKEW = unschedulable(POD_TOPOLOGY_SPREAD, ERR_REASON_CONSTRAINTS_NOT_MATCH);
const MISSING_LABEL = unresolvable(POD_TOPOLOGY_SPREAD, ERR_REASON_NODE_LABEL_NOT_MATCH);
export const HOSTNAME_KEY = 'kubernetes.io/hostname';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

/** The pod's constraints with one `whenUnsatisfiable`, matchLabelKeys folded into the selector. */
function constraints(pi: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const list = (pi.pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[];
  const out: Constraint[] = [];
  for (const c of list) {
    if ((c.whenUnsatisfiable ?? 'DoNotSchedule') !== when) continue;
    let selector = parseSelector(c.labelSelector);
    const extra: LabelRequirement[] = [];
    for (const k of c.matchLabelKeys ?? []) {
      const v = pi.labels[k];
      if (v !== undefined) extra.push({ key: k, operator: 'in', values: [v] });
    }
    if (extra.length && selector !== 'nothing') selector = [...(selector === 'everything' ? [] : selector), ...extra];
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

const hasAllKeys = (node: NodeInfo, cs: readonly Constraint[]) => {
  for (const c of cs) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
};

function toleratesHardTaints(pi: PodInfo, node: NodeInfo): boolean {
  for (const t of node.taints) {
    if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !toleratesTaint(pi.tolerations, t)) return false;
  }
  return true;
}

/** Whether `node` counts toward constraint `c` (nodeAffinityPolicy / nodeTaintsPolicy). */
function included(c: Constraint, pi: PodInfo, node: NodeInfo, affinity: boolean): boolean {
  if (c.honorAffinity && affinity && !podMatchesNodeSelectorAndAffinity(pi.pod, node)) return false;
  if (c.honorTaints && !toleratesHardTaints(pi, node)) return false;
  return true;
}

/**
 * Per constraint, matching pods per domain over the eligible nodes: value → count, with every
 * eligible domain present (0 when empty). `only`, when given, limits the domains to those values.
 */
function countDomains(cs: readonly Constraint[], state: CycleState, only?: (Map<string, number> | undefined)[]): Map<string, number>[] {
  const pi = state.podInfo;
  const snap = state.snapshot;
  const affinity = hasNodeSelectorOrAffinity(pi.pod);
  const counts = cs.map((_, i) => only?.[i] ?? new Map<string, number>());
  const simple = cs.length === 1 && !(cs[0].honorAffinity && affinity) && !cs[0].honorTaints;
  let eligible: Uint8Array[] | undefined;
  if (simple) {
    if (!only) for (const v of snap.domains(cs[0].topologyKey).keys()) counts[0].set(v, 0);
  } else {
    eligible = cs.map(() => new Uint8Array(snap.nodes.length));
    for (const node of snap.nodes) {
      if (!hasAllKeys(node, cs)) continue;
      for (let i = 0; i < cs.length; i++) {
        if (!included(cs[i], pi, node, affinity)) continue;
        eligible[i][node.index] = 1;
        if (!only) counts[i].set(node.labels[cs[i].topologyKey], counts[i].get(node.labels[cs[i].topologyKey]) ?? 0);
      }
    }
  }
  const own = new Set([pi.namespace]);
  cs.forEach((c, i) => {
    if (only && !only[i]) return;
    snap.eachMatchingPod(own, undefined, c.selector, (_p, node) => {
      if (eligible ? !eligible[i][node.index] : node.labels[c.topologyKey] === undefined) return;
      const v = node.labels[c.topologyKey];
      const n = counts[i].get(v);
      if (n !== undefined) counts[i].set(v, n + 1);
    });
  });
  return counts;
}

interface FilterState {
  cs: Constraint[];
  counts: Map<string, number>[];
  min: number[];
  selfMatch: number[];
}
const FILTER_KEY = 'PodTopologySpread/filter';

export const podTopologySpreadFilter: FilterPlugin = {
  name: POD_TOPOLOGY_SPREAD,
  preFilter(_pod: Pod, state: CycleState) {
    const cs = constraints(state.podInfo, 'DoNotSchedule');
    if (cs.length === 0) return SKIP;
    const counts = countDomains(cs, state);
    const min = cs.map((c, i) => {
      if (counts[i].size < c.minDomains) return 0;
      let m = Infinity;
      for (const n of counts[i].values()) if (n < m) m = n;
      return m === Infinity ? 0 : m;
    });
    const selfMatch = cs.map((c) => (selectorMatches(c.selector, state.podInfo.labels) ? 1 : 0));
    state.write(FILTER_KEY, { cs, counts, min, selfMatch } satisfies FilterState);
    return undefined;
  },
  filter(_pod: Pod, node: NodeInfo, state: CycleState) {
    const s = state.read<FilterState>(FILTER_KEY)!;
    for (let i = 0; i < s.cs.length; i++) {
      const c = s.cs[i];
      const v = node.labels[c.topologyKey];
      if (v === undefined) return MISSING_LABEL;
      const skew = (s.counts[i].get(v) ?? 0) + s.selfMatch[i] - s.min[i];
      if (skew > c.maxSkew) return SKEW;
    }
    return SUCCESS;
  },
};

interface ScoreState {
  cs: Constraint[];
  /** Per constraint: domain counts; undefined for the hostname key, counted per node in `perNode`. */
  counts: (Map<string, number> | undefined)[];
  /** Per constraint on the hostname key: matching pods per node, by NodeInfo.index. */
  perNode: (Int32Array | undefined)[];
  weights: number[];
  ignored: Uint8Array;
}
const SCORE_KEY = 'PodTopologySpread/score';

export const podTopologySpreadScore: ScorePlugin = {
  name: POD_TOPOLOGY_SPREAD,
  weight: 2,
  preScore(_pod: Pod, state: CycleState, nodes: readonly NodeInfo[]) {
    const cs = constraints(state.podInfo, 'ScheduleAnyway');
    if (cs.length === 0) return SKIP;
    const ignored = new Uint8Array(state.snapshot.nodes.length);
    const domains: (Map<string, number> | undefined)[] = cs.map((c) => (c.topologyKey === HOSTNAME_KEY ? undefined : new Map()));
    let counted = 0;
    for (const node of nodes) {
      if (!hasAllKeys(node, cs)) {
        ignored[node.index] = 1;
        continue;
      }
      counted++;
      cs.forEach((c, i) => domains[i]?.set(node.labels[c.topologyKey], 0));
    }
    const weights = cs.map((_, i) => Math.log((domains[i]?.size ?? counted) + 2));
    const counts = countDomains(cs, state, domains).map((m, i) => (domains[i] ? m : undefined));
    const own = new Set([state.podInfo.namespace]);
    const perNode = cs.map((c, i) => {
      if (domains[i]) return undefined;
      const per = new Int32Array(state.snapshot.nodes.length);
      state.snapshot.eachMatchingPod(own, undefined, c.selector, (_p, node) => per[node.index]++);
      return per;
    });
    state.write(SCORE_KEY, { cs, counts, perNode, weights, ignored } satisfies ScoreState);
    return undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState) {
    const s = state.read<ScoreState>(SCORE_KEY)!;
    if (s.ignored[node.index]) return 0;
    let score = 0;
    for (let i = 0; i < s.cs.length; i++) {
      const c = s.cs[i];
      const m = s.counts[i];
      const cnt = m ? (m.get(node.labels[c.topologyKey]) ?? 0) : s.perNode[i]![node.index];
      score += cnt * s.weights[i] + (c.maxSkew - 1);
    }
    return Math.round(score);
  },
  normalize(_pod, scores, nodes, state) {
    const s = state.read<ScoreState>(SCORE_KEY)!;
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored[nodes[i].index]) continue;
      if (scores[i] < min) min = scores[i];
      if (scores[i] > max) max = scores[i];
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored[nodes[i].index]) scores[i] = 0;
      else if (max === 0) scores[i] = 100;
      else scores[i] = Math.trunc((100 * (max + min - scores[i])) / max);
    }
  },
};
