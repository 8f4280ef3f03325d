/**
 * `meta.k8s.io/v1` Table responses, which `kubectl get` asks for: the columns kube-apiserver's
 * built-in printers produce for each kind (`lib/api/columns/*`), kube's default convertor (Name,
 * Created At) for any other kind, and each row's object as kubectl wants it.
 *
 * Like kube-apiserver, every row carries the wide cells; kubectl drops priority-1 columns unless
 * `-o wide`. Pure: the clock is `opts.now`.
 */
import type { KubeObject } from '../core/object.ts';
import type { ResourceType } from '../core/resources.ts';
import type { PartialObjectMetadata, Printer, Table, TableListMeta, TableRow } from './columns/common.ts';
import { CREATED_DESCRIPTION, col, nameColumn, timeOf } from './columns/common.ts';
import { eventPrinter } from './columns/event.ts';
import { nodePrinter } from './columns/node.ts';
import { podPrinter } from './columns/pod.ts';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './columns/service.ts';
import { configMapPrinter, leasePrinter, namespacePrinter, podDisruptionBudgetPrinter, secretPrinter, serviceAccountPrinter } from './columns/simple.ts';
import { deploymentPrinter, replicaSetPrinter } from './columns/workloads.ts';

export type {
  PartialObjectMetadata,
  Printer,
  Table,
  TableCell,
  TableColumnDefinition,
  TableListMeta,
  TableRow,
  TableRowCondition,
} from './columns/common.ts';
export { humanDuration } from './columns/common.ts';

const PRINTERS = new Map<string, Printer>([
  ['/Namespace', namespacePrinter],
  ['/Pod', podPrinter],
  ['/Node', nodePrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Event', eventPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
]);

/** Go's time.Format(time.RFC3339) in UTC: whole seconds; the zero time for a missing timestamp. */
function rfc3339(ts: unknown): string {
  const t = timeOf(ts);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** kube-apiserver's default table convertor, for kinds without a printer of their own. */
const defaultPrinter: Printer = {
  columns: [nameColumn(), col('Created At', 'date', CREATED_DESCRIPTION)],
  cells: (obj) => [obj.metadata.name ?? '', rfc3339(obj.metadata.creationTimestamp)],
};

export function printerFor(type: Pick<ResourceType, 'group' | 'kind'>): Printer {
  return PRINTERS.get(`${type.group}/${type.kind}`) ?? defaultPrinter;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface ToTableOptions {
  now: Date;
  /** What each row carries in `object`; kube's default, and kubectl's, is `Metadata`. */
  includeObject?: IncludeObject;
  listMeta?: TableListMeta;
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | PartialObjectMetadata | undefined {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return obj;
    case 'Metadata':
      // kubectl reads NAMESPACE and --show-labels from here.
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}

/** One Table of `objects`, all of `type`, with the columns kube-apiserver would send. */
export function toTable(type: Pick<ResourceType, 'group' | 'kind'>, objects: readonly KubeObject[], opts: ToTableOptions): Table {
  const printer = printerFor(type);
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, opts.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions?.length) row.conditions = conditions;
    const object = rowObject(obj, include);
    if (object) row.object = object;
    return row;
  });
  const metadata: TableListMeta = {};
  if (opts.listMeta?.resourceVersion !== undefined) metadata.resourceVersion = opts.listMeta.resourceVersion;
  if (opts.listMeta?.continue) metadata.continue = opts.listMeta.continue;
  if (opts.listMeta?.remainingItemCount !== undefined) metadata.remainingItemCount = opts.listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
