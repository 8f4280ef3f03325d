/** NodeName: a pod that names its node (spec.nodeName) fits only there. */
import type { Pod } from '../../api/schema/index.ts';
import { SUCCESS, SKIP, unresolvable, type FilterPlugin, type NodeInfo } from '../framework.ts';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const MISMATCH = unresolvable(NODE_NAME, ERR_REASON_NODE_NAME);

export const nodeName: FilterPlugin = {
  name: NODE_NAME,
  preFilter: (pod: Pod) => (pod.spec?.nodeName ? undefined : SKIP),
  filter(pod: Pod, node: NodeInfo) {
    const want = pod.spec?.nodeName;
    return !want || want === node.name ? SUCCESS : MISMATCH;
  },
};
