/**
 * TaintToleration: a node's NoSchedule / NoExecute taints repel pods that do not tolerate them
 * (filter); fewer untolerated PreferNoSchedule taints score higher.
 */
import type { Pod, Toleration } from '../../api/schema/index.ts';
import {
  SUCCESS, defaultNormalizeScore, toleratesTaint, unresolvable,
  type CycleState, type FilterPlugin, type NodeInfo, type ScorePlugin,
} from '../framework.ts';

export const TAINT_TOLERATION = 'TaintToleration';

/** kube ≤1.33's wording; 1.34 prints `node(s) had untolerated taint(s)` to keep taint values private. */
export const untoleratedTaintReason = (key: string, value: string | undefined) => `node(s) had untolerated taint {${key}: ${value ?? ''}}`;

export const taintTolerationFilter: FilterPlugin = {
  name: TAINT_TOLERATION,
  filter(_pod: Pod, node: NodeInfo, state: CycleState) {
    const taints = node.taints;
    for (let i = 0; i < taints.length; i++) {
      const t = taints[i];
      if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
      if (!toleratesTaint(state.podInfo.tolerations, t)) return unresolvable(TAINT_TOLERATION, untoleratedTaintReason(t.key, t.value));
    }
    return SUCCESS;
  },
};

const PREFER_KEY = 'TaintToleration/prefer';

export const taintTolerationScore: ScorePlugin = {
  name: TAINT_TOLERATION,
  weight: 3,
  preScore(_pod: Pod, state: CycleState) {
    // Only tolerations with an empty or PreferNoSchedule effect count against soft taints.
    const ts: Toleration[] = state.podInfo.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.write(PREFER_KEY, ts);
    return undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState) {
    const ts = state.read<Toleration[]>(PREFER_KEY) ?? [];
    let n = 0;
    for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !toleratesTaint(ts, t)) n++;
    return n;
  },
  normalize(_pod, scores) {
    defaultNormalizeScore(scores, true);
  },
};
