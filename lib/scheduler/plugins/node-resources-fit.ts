/**
 * NodeResourcesFit (filter): the pod's requests must fit in the node's allocatable minus what the
 * pods already bound to it request; the pod count must stay within allocatable pods.
 */
import type { Pod } from '../../api/schema/index.ts';
import { SUCCESS, unschedulable, type CycleState, type FilterPlugin, type NodeInfo } from '../framework.ts';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
export const TOO_MANY_PODS = 'Too many pods';
export const insufficient = (resource: string) => `Insufficient ${resource}`;

export const nodeResourcesFit: FilterPlugin = {
  name: NODE_RESOURCES_FIT,
  filter(_pod: Pod, node: NodeInfo, state: CycleState) {
    const req = state.podInfo.requests;
    const alloc = node.allocatable;
    const used = node.requested;
    let reasons: string[] | undefined;
    if (node.pods.length + 1 > node.allowedPodNumber) (reasons ??= []).push(TOO_MANY_PODS);
    if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) (reasons ??= []).push(insufficient('cpu'));
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) (reasons ??= []).push(insufficient('memory'));
    if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
      (reasons ??= []).push(insufficient('ephemeral-storage'));
    }
    if (req.scalar) {
      for (const name of Object.keys(req.scalar)) {
        const want = req.scalar[name];
        if (want > 0 && want > (alloc.scalar?.[name] ?? 0) - (used.scalar?.[name] ?? 0)) (reasons ??= []).push(insufficient(name));
      }
    }
    return reasons ? unschedulable(NODE_RESOURCES_FIT, ...reasons) : SUCCESS;
  },
};
