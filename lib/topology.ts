/**
 * The one description of Skiff's cloud resources. The CDK stack (`lib/infra`) deploys it to an
 * AWS account; the local runtime (`lib/local`) creates the same tables and queues on DynamoDB
 * Local and the SQS emulator and runs the same handler modules.
 */

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N' | 'B';
}

export interface TableSpec {
  /** Logical id; the physical name is `${prefix}${id}`. */
  id: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  purpose: string;
}

export interface QueueSpec {
  id: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  /** Messages go to `${id}-dlq` after this many receives. */
  maxReceiveCount: number;
  purpose: string;
}

export interface FunctionSpec {
  id: string;
  /** Module under `functions/` exporting `handler`. */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Tables it reads (RO) or writes (RW). */
  tables: Record<string, 'RO' | 'RW'>;
  purpose: string;
}

export interface Topology {
  tables: TableSpec[];
  queues: QueueSpec[];
  functions: FunctionSpec[];
}

export const topology: Topology = {
  tables: [
    {
      id: 'objects',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      purpose: 'Current state: one item per object (or tombstone), keyed type / namespace/name, plus write-path-owned index items and payload chunks.',
    },
    {
      id: 'log',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'rev', type: 'N' },
      stream: 'NEW_IMAGE',
      purpose: 'Append-only event log: one item per change, keyed type / resourceVersion; its stream feeds the router.',
    },
    {
      id: 'meta',
      partitionKey: { name: 'pk', type: 'S' },
      purpose: 'Per-type sequences that hand out resourceVersions.',
    },
  ],
  queues: [],
  functions: [
    {
      id: 'api',
      entry: 'api/handler.ts',
      memoryMb: 1024,
      timeoutSeconds: 29,
      tables: { objects: 'RW', log: 'RW', meta: 'RW' },
      purpose: 'The Kubernetes REST API behind API Gateway HTTP API (and a streaming Function URL for watches).',
    },
  ],
};

/** Physical table names for a deployment or a local run, from a prefix. */
export interface TableNames {
  objects: string;
  log: string;
  meta: string;
}

export function tableNames(prefix = 'skiff-'): TableNames {
  return { objects: `${prefix}objects`, log: `${prefix}log`, meta: `${prefix}meta` };
}
