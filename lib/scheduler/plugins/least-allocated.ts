/**
 * NodeResourcesFit's default scoring strategy, LeastAllocated: per resource
 * `(allocatable - requested) * 100 / allocatable`, requested including the incoming pod and counting
 * kube's defaults for containers without requests; cpu and memory weighted 1:1.
 */
import type { Pod } from '../../api/schema/index.ts';
import type { CycleState, NodeInfo, ScorePlugin } from '../framework.ts';

export const LEAST_ALLOCATED = 'NodeResourcesFit';

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * 100) / capacity);
}

export const leastAllocated: ScorePlugin = {
  name: LEAST_ALLOCATED,
  weight: 1,
  score(_pod: Pod, node: NodeInfo, state: CycleState) {
    const req = state.podInfo.nonZeroRequests;
    const cpu = leastRequestedScore(node.nonZeroRequested.milliCPU + req.milliCPU, node.allocatable.milliCPU);
    const mem = leastRequestedScore(node.nonZeroRequested.memory + req.memory, node.allocatable.memory);
    return Math.trunc((cpu + mem) / 2);
  },
};
