/**
 * NodeAffinity: spec.nodeSelector and requiredDuringScheduling node selector terms (filter);
 * the summed weights of matching preferredDuringScheduling terms (score).
 */
import type { NodeSelectorRequirement, Pod } from '../../api/schema/index.ts';
import {
  SUCCESS, SKIP, defaultNormalizeScore, unresolvable,
  type CycleState, type FilterPlugin, type NodeInfo, type ScorePlugin,
} from '../framework.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
const REJECT = unresolvable(NODE_AFFINITY, ERR_REASON_NODE_AFFINITY);

export interface NodeSelectorTermSpec {
  matchExpressions?: NodeSelectorRequirement[] | null;
  matchFields?: NodeSelectorRequirement[] | null;
}

const INT_RE = /^[+-]?\d+$/;

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !INT_RE.test(value) || !INT_RE.test(values[0])) return false;
      const got = BigInt(value);
      const want = BigInt(values[0]);
      return r.operator === 'Gt' ? got > want : got < want;
    }
    default: return false;
  }
}

/** One NodeSelectorTerm: its requirements ANDed; an empty term matches no node. */
export function termMatchesNode(term: NodeSelectorTermSpec, node: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length + fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, node.labels[r.key])) return false;
  for (const r of fields) {
    // metadata.name is the only node field selectable, and only with In / NotIn.
    if (r.key !== 'metadata.name' || (r.operator !== 'In' && r.operator !== 'NotIn')) return false;
    if (!requirementMatches(r, node.name)) return false;
  }
  return true;
}

/** Whether the pod's nodeSelector and required node affinity both accept `node` (also used by spread). */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: NodeInfo): boolean {
  const sel = pod.spec?.nodeSelector as Record<string, string> | undefined;
  if (sel) for (const k of Object.keys(sel)) if (node.labels[k] !== sel[k]) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms) {
    let any = false;
    for (const t of terms) if (termMatchesNode(t, node)) { any = true; break; }
    if (!any) return false;
  }
  return true;
}

export const hasNodeSelectorOrAffinity = (pod: Pod): boolean =>
  Object.keys(pod.spec?.nodeSelector ?? {}).length > 0 || !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;

export const nodeAffinityFilter: FilterPlugin = {
  name: NODE_AFFINITY,
  preFilter: (pod: Pod) => (hasNodeSelectorOrAffinity(pod) ? undefined : SKIP),
  filter: (pod: Pod, node: NodeInfo) => (podMatchesNodeSelectorAndAffinity(pod, node) ? SUCCESS : REJECT),
};

interface Preferred {
  weight: number;
  term: NodeSelectorTermSpec;
}
const PREFERRED_KEY = 'NodeAffinity/preferred';

export const nodeAffinityScore: ScorePlugin = {
  name: NODE_AFFINITY,
  weight: 2,
  preScore(pod: Pod, state: CycleState) {
    const prefs = (pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
      .filter((p) => p.weight !== 0)
      .map((p): Preferred => ({ weight: p.weight, term: p.preference }));
    if (prefs.length === 0) return SKIP;
    state.write(PREFERRED_KEY, prefs);
    return undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState) {
    let s = 0;
    for (const p of state.read<Preferred[]>(PREFERRED_KEY) ?? []) if (termMatchesNode(p.term, node)) s += p.weight;
    return s;
  },
  normalize(_pod, scores) {
    defaultNormalizeScore(scores, false);
  },
};
