/**
 * NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in similar
 * fractions: `(1 - std(fractions)) * 100`, each fraction capped at 1. Uses actual requests.
 */
import type { Pod } from '../../api/schema/index.ts';
import { SKIP, type CycleState, type NodeInfo, type ScorePlugin } from '../framework.ts';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/** Fractions of resources the node does not offer (allocatable 0) are passed as undefined and left out. */
export function balancedScore(cpuFraction: number | undefined, memFraction: number | undefined): number {
  if (cpuFraction === undefined || memFraction === undefined) return 100;
  // For two resources the standard deviation is half the difference.
  const std = Math.abs(Math.min(cpuFraction, 1) - Math.min(memFraction, 1)) / 2;
  return Math.trunc((1 - std) * 100);
}

export const balancedAllocation: ScorePlugin = {
  name: BALANCED_ALLOCATION,
  weight: 1,
  preScore(_pod: Pod, state: CycleState) {
    const r = state.podInfo.requests;
    return r.milliCPU === 0 && r.memory === 0 ? SKIP : undefined;
  },
  score(_pod: Pod, node: NodeInfo, state: CycleState) {
    const req = state.podInfo.requests;
    const alloc = node.allocatable;
    const cpu = alloc.milliCPU > 0 ? (node.requested.milliCPU + req.milliCPU) / alloc.milliCPU : undefined;
    const mem = alloc.memory > 0 ? (node.requested.memory + req.memory) / alloc.memory : undefined;
    return balancedScore(cpu, mem);
  },
};
