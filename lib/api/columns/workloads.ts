/**
 * `kubectl get deployments` (NAME READY UP-TO-DATE AVAILABLE AGE) and `kubectl get replicasets`
 * (NAME DESIRED CURRENT READY AGE); both add CONTAINERS IMAGES SELECTOR when wide.
 */
import type { KubeObject } from '../../core/object.ts';
import type { LabelSelectorSpec } from '../selectors.ts';
import { formatLabelSelector, labelSelectorToString } from '../selectors.ts';
import type { Printer, TableCell } from './common.ts';
import { CONTAINERS_DESCRIPTION, IMAGES_DESCRIPTION, ageColumn, at, col, containerCells, nameColumn, num, since, wide } from './common.ts';

/** spec.replicas as stored: kube defaults a missing value to 1 on write. */
function desiredReplicas(obj: KubeObject): number {
  const r = at(obj, 'spec', 'replicas');
  return typeof r === 'number' ? r : 1;
}

const selectorOf = (obj: KubeObject) => at(obj, 'spec', 'selector') as LabelSelectorSpec | null | undefined;

function deploymentCells(d: KubeObject, now: Date): TableCell[] {
  const status = at(d, 'status');
  // kube prints selector.String() here (empty for none), unlike FormatLabelSelector elsewhere.
  let selector: string;
  try {
    selector = labelSelectorToString(selectorOf(d));
  } catch {
    selector = '<invalid>';
  }
  return [
    d.metadata.name ?? '',
    `${num(at(status, 'readyReplicas'))}/${desiredReplicas(d)}`,
    num(at(status, 'updatedReplicas')),
    num(at(status, 'availableReplicas')),
    since(d.metadata.creationTimestamp, now),
    ...containerCells(at(d, 'spec', 'template', 'spec')),
    selector,
  ];
}

function replicaSetCells(rs: KubeObject, now: Date): TableCell[] {
  const status = at(rs, 'status');
  return [
    rs.metadata.name ?? '',
    desiredReplicas(rs),
    num(at(status, 'replicas')),
    num(at(status, 'readyReplicas')),
    since(rs.metadata.creationTimestamp, now),
    ...containerCells(at(rs, 'spec', 'template', 'spec')),
    formatLabelSelector(selectorOf(rs)),
  ];
}

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn(),
    col('Containers', 'string', CONTAINERS_DESCRIPTION, wide),
    col('Images', 'string', IMAGES_DESCRIPTION, wide),
    col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', wide),
  ],
  cells: deploymentCells,
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageColumn(),
    col('Containers', 'string', CONTAINERS_DESCRIPTION, wide),
    col('Images', 'string', IMAGES_DESCRIPTION, wide),
    col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', wide),
  ],
  cells: replicaSetCells,
};
