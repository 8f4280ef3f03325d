/**
 * kube-scheduler's default profile, minus the plugins Skiff has nothing for (NodePorts, volumes,
 * ImageLocality, DRA): filters in kube's order, scores with kube's default weights.
 */
import type { Profile } from './framework.ts';
import { balancedAllocation } from './plugins/balanced-allocation.ts';
import { interPodAffinityFilter, interPodAffinityScore } from './plugins/inter-pod-affinity.ts';
import { leastAllocated } from './plugins/least-allocated.ts';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity.ts';
import { nodeName } from './plugins/node-name.ts';
import { nodeResourcesFit } from './plugins/node-resources-fit.ts';
import { nodeUnschedulable } from './plugins/node-unschedulable.ts';
import { podTopologySpreadFilter, podTopologySpreadScore } from './plugins/pod-topology-spread.ts';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration.ts';

export function defaultProfile(): Profile {
  return {
    filters: [
      nodeUnschedulable,
      nodeName,
      taintTolerationFilter,
      nodeAffinityFilter,
      nodeResourcesFit,
      podTopologySpreadFilter,
      interPodAffinityFilter,
    ],
    scores: [
      taintTolerationScore, // 3
      nodeAffinityScore, // 2
      leastAllocated, // 1
      podTopologySpreadScore, // 2
      interPodAffinityScore, // 2
      balancedAllocation, // 1
    ],
  };
}
