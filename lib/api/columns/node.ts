/**
 * `kubectl get nodes`: NAME STATUS ROLES AGE VERSION, wide INTERNAL-IP EXTERNAL-IP OS-IMAGE
 * KERNEL-VERSION CONTAINER-RUNTIME. STATUS reads only the Ready condition (`Ready`, `NotReady`,
 * `Unknown` without one) and adds `SchedulingDisabled` for cordoned nodes.
 */
import type { KubeObject } from '../../core/object.ts';
import type { Printer, TableCell } from './common.ts';
import { ageColumn, arr, at, col, nameColumn, since, str, wide } from './common.ts';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` keys and the older `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === LEGACY_ROLE_LABEL && v) {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function address(node: KubeObject, type: string): string {
  const found = arr<{ type?: string; address?: string }>(at(node, 'status', 'addresses')).find((a) => a.type === type);
  return found ? str(found.address) : '<none>';
}

function nodeCells(node: KubeObject, now: Date): TableCell[] {
  const conditions = arr<{ type?: string; status?: string }>(at(node, 'status', 'conditions'));
  // A later duplicate wins, as when kube builds its map of conditions.
  const readyCond = conditions.filter((c) => c.type === 'Ready').pop();
  const status = [readyCond ? (readyCond.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (at(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  const info = at(node, 'status', 'nodeInfo');
  return [
    node.metadata.name ?? '',
    status.join(','),
    nodeRoles(node.metadata.labels).join(',') || '<none>',
    since(node.metadata.creationTimestamp, now),
    str(at(info, 'kubeletVersion')),
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    str(at(info, 'osImage')) || '<unknown>',
    str(at(info, 'kernelVersion')) || '<unknown>',
    str(at(info, 'containerRuntimeVersion')) || '<unknown>',
  ];
}

const ADDRESSES = 'List of addresses reachable to the node. Queried from cloud provider, if available.';

export const nodePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', ADDRESSES, wide),
    col('External-IP', 'string', ADDRESSES, wide),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', wide),
    col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", wide),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', wide),
  ],
  cells: nodeCells,
};
