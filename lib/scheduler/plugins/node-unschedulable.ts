/** NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods tolerating the cordon taint. */
import type { Pod } from '../../api/schema/index.ts';
import { SUCCESS, toleratesTaint, unresolvable, type CycleState, type FilterPlugin, type NodeInfo } from '../framework.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const CORDON = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' as const };
const REJECT = unresolvable(NODE_UNSCHEDULABLE, ERR_REASON_UNSCHEDULABLE);

export const nodeUnschedulable: FilterPlugin = {
  name: NODE_UNSCHEDULABLE,
  filter(_pod: Pod, node: NodeInfo, state: CycleState) {
    if (!node.node.spec?.unschedulable) return SUCCESS;
    return toleratesTaint(state.podInfo.tolerations, CORDON) ? SUCCESS : REJECT;
  },
};
