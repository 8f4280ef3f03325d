/**
 * InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, and the required
 * anti-affinity of pods already placed against it (filter); preferred terms of both sides, plus
 * existing pods' required affinity at hardPodAffinityWeight 1 (score). Counts are kept per
 * topology pair (`key`, `value`) and computed once per cycle in PreFilter / PreScore.
 */
import type { Pod } from '../../api/schema/index.ts';
import {
  SUCCESS, SKIP, termMatches, unresolvable, unschedulable,
  type AffinityTerm, type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type ScorePlugin, type TermKind,
} from '../framework.ts';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
const AFFINITY = unresolvable(INTER_POD_AFFINITY, ERR_REASON_AFFINITY);
const ANTI_AFFINITY = unschedulable(INTER_POD_AFFINITY, ERR_REASON_ANTI_AFFINITY);
const EXISTING_ANTI_AFFINITY = unschedulable(INTER_POD_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY);

/** kube's default InterPodAffinityArgs.hardPodAffinityWeight. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

/** topologyKey → value → matching pods; nested so the per-node lookups build no strings. */
type Counts = Map<string, Map<string, number>>;
const inc = (m: Counts, key: string, value: string | undefined, by: number) => {
  if (value === undefined) return;
  let byValue = m.get(key);
  if (!byValue) m.set(key, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + by);
};
const count = (m: Counts, key: string, value: string): number => m.get(key)?.get(value) ?? 0;

interface FilterState {
  existingAnti: Counts;
  affinity: Counts;
  anti: Counts;
}
const FILTER_KEY = 'InterPodAffinity/filter';

function matchesAll(terms: readonly AffinityTerm[], p: PodInfo, state: CycleState): boolean {
  for (const t of terms) if (!termMatches(t, p, state.snapshot)) return false;
  return true;
}

export const interPodAffinityFilter: FilterPlugin = {
  name: INTER_POD_AFFINITY,
  preFilter(_pod: Pod, state: CycleState) {
    const pi = state.podInfo;
    const snap = state.snapshot;
    const existing = [...snap.termGroups('requiredAntiAffinity')];
    if (pi.requiredAffinityTerms.length + pi.requiredAntiAffinityTerms.length === 0 && existing.length === 0) return SKIP;
    const s: FilterState = { existingAnti: new Map(), affinity: new Map(), anti: new Map() };
    for (const g of existing) {
      if (!termMatches(g.term, pi, snap)) continue;
      for (const [v, n] of g.domains) inc(s.existingAnti, g.term.topologyKey, v, n);
    }
    const aff = pi.requiredAffinityTerms;
    if (aff.length) {
      // A pod counts for affinity only when it matches every term; the first term narrows the search.
      const first = aff[0];
      snap.eachMatchingPod(first.namespaces, first.namespaceSelector, first.selector, (ex, node) => {
        if (!matchesAll(aff, ex, state)) return;
        for (const t of aff) inc(s.affinity, t.topologyKey, node.labels[t.topologyKey], 1);
      });
    }
    for (const t of pi.requiredAntiAffinityTerms) {
      snap.eachMatchingPod(t.namespaces, t.namespaceSelector, t.selector, (_ex, node) => inc(s.anti, t.topologyKey, node.labels[t.topologyKey], 1));
    }
    state.write(FILTER_KEY, s);
    return undefined;
  },
  filter(_pod: Pod, node: NodeInfo, state: CycleState) {
    const s = state.read<FilterState>(FILTER_KEY)!;
    const pi = state.podInfo;
    // Affinity: every term's topology value must exist on the node and hold a matching pod.
    if (pi.requiredAffinityTerms.length) {
      let podsExist = true;
      for (const t of pi.requiredAffinityTerms) {
        const v = node.labels[t.topologyKey];
        if (v === undefined) return AFFINITY;
        if (!(count(s.affinity, t.topologyKey, v) > 0)) podsExist = false;
      }
      // The first pod of a group with affinity to itself may go anywhere, if no pod matches yet.
      if (!podsExist && !(s.affinity.size === 0 && matchesAll(pi.requiredAffinityTerms, pi, state))) return AFFINITY;
    }
    for (const t of pi.requiredAntiAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && count(s.anti, t.topologyKey, v) > 0) return ANTI_AFFINITY;
    }
    for (const [k, byValue] of s.existingAnti) {
      const v = node.labels[k];
      if (v !== undefined && (byValue.get(v) ?? 0) > 0) return EXISTING_ANTI_AFFINITY;
    }
    return SUCCESS;
  },
};

/** topologyKey → value → score. */
type TopologyScore = Map<string, Map<string, number>>;
const SCORE_KEY = 'InterPodAffinity/score';

function addScore(ts: TopologyScore, key: string, v: string | undefined, w: number): void {
  if (v === undefined) return;
  let m = ts.get(key);
  if (!m) ts.set(key, (m = new Map()));
  m.set(v, (m.get(v) ?? 0) + w);
}

export const interPodAffinityScore: ScorePlugin = {
  name: INTER_POD_AFFINITY,
  weight: 2,
  preScore(_pod: Pod, state: CycleState) {
    const pi = state.podInfo;
    const snap = state.snapshot;
    const ts: TopologyScore = new Map();
    for (const t of pi.preferredAffinityTerms) snap.eachMatchingPod(t.namespaces, t.namespaceSelector, t.selector, (_ex, node) => addScore(ts, t.topologyKey, node.labels[t.topologyKey], t.weight));
    for (const t of pi.preferredAntiAffinityTerms) snap.eachMatchingPod(t.namespaces, t.namespaceSelector, t.selector, (_ex, node) => addScore(ts, t.topologyKey, node.labels[t.topologyKey], -t.weight));
    // Existing pods' terms, one test per group of equal terms; own preferences are skipped above when empty.
    const existing: [TermKind, number][] = [['requiredAffinity', HARD_POD_AFFINITY_WEIGHT], ['preferredAffinity', 1], ['preferredAntiAffinity', -1]];
    for (const [kind, sign] of existing) {
      for (const g of snap.termGroups(kind)) {
        if (!termMatches(g.term, pi, snap)) continue;
        const w = kind === 'requiredAffinity' ? sign : sign * g.term.weight;
        for (const [v, n] of g.domains) addScore(ts, g.term.topologyKey, v, w * n);
      }
    }
    if (ts.size === 0) return SKIP;
    state.write(SCORE_KEY, ts);
    return undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState) {
    const ts = state.read<TopologyScore>(SCORE_KEY)!;
    let s = 0;
    for (const [key, values] of ts) {
      const v = node.labels[key];
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  },
  normalize(_pod, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((100 * (scores[i] - min)) / diff) : 0;
  },
};
