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

/**
 * A queue a function consumes, as a Lambda event source mapping with partial batch responses
 * (`batchItemFailures`). The local runtime's SQS pollers read the same fields.
 */
export interface QueueSourceSpec {
  /** A `QueueSpec` id. A queue has at most one consumer. */
  queue: string;
  /** Messages per invocation (default 10). */
  batchSize?: number;
  /** Standard queues only: wait up to this long to fill a batch (FIFO queues take none). */
  maxBatchingWindowSeconds?: number;
  /** The mapping's concurrent invocations (2–1000; default: as many as Lambda scales to). */
  maxConcurrency?: number;
}

/** A table stream a function consumes (e.g. the router on the log), from the oldest record on. */
export interface StreamSourceSpec {
  /** A `TableSpec` id whose table has `stream` set. */
  table: string;
  /** Records per invocation (default 100). */
  batchSize?: number;
  maxBatchingWindowSeconds?: number;
  /** Retries of a failing batch (bisected on error) before it goes to the stream's DLQ (default 10). */
  retryAttempts?: number;
}

export interface FunctionSpec {
  id: string;
  /** Module under `functions/` exporting the handler. */
  entry: string;
  /** The exported handler's name (default `handler`). */
  handler?: string;
  /** Extra environment variables. */
  environment?: Record<string, string>;
  memoryMb: number;
  timeoutSeconds: number;
  /** Tables it reads (RO) or writes (RW). */
  tables: Record<string, 'RO' | 'RW'>;
  purpose: string;
  /** Queues it consumes. The consumer's timeout must not exceed the queue's visibility timeout. */
  consumes?: QueueSourceSpec[];
  /** Table streams it consumes. */
  streams?: StreamSourceSpec[];
  /** Queues it sends to; each queue's URL is in the environment variable `queueEnvVar(id)`. */
  sendsTo?: string[];
  /** Reserved concurrency (e.g. 1 for a single-active consumer). */
  reservedConcurrency?: number;
}

/**
 * A clock tick: a key message sent to a queue on a fixed rate (EventBridge on AWS, whose rules
 * fire at most once a minute; a timer locally). Consumers that need finer steps requeue themselves.
 */
export interface ScheduleSpec {
  id: string;
  /** A `QueueSpec` id. */
  queue: string;
  /** The reconcile key the tick carries. */
  key: string;
  /** The deployed rate, in whole minutes. */
  everyMinutes: number;
  /** The local runtime's rate. */
  localEverySeconds: number;
  purpose: string;
}

export interface Topology {
  tables: TableSpec[];
  queues: QueueSpec[];
  functions: FunctionSpec[];
  schedules?: ScheduleSpec[];
}

/** A controller's FIFO queue of reconcile keys (message group = key). */
function keyQueue(id: string, purpose: string): QueueSpec {
  return { id, fifo: true, visibilityTimeoutSeconds: 60, maxReceiveCount: 5, purpose };
}

/** A controller: consumes its key queue, writes through the store, requeues itself via the timers. */
function controller(id: string, entry: string, queue: string, purpose: string): FunctionSpec {
  return {
    id,
    entry,
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { objects: 'RW', log: 'RW', meta: 'RW' },
    purpose,
    consumes: [{ queue, batchSize: 10 }],
    sendsTo: [queue, 'timers'],
  };
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
  queues: [
    keyQueue('deployment', 'Deployment keys to reconcile (message group = key: one reconcile per key at a time).'),
    keyQueue('replicaset', 'ReplicaSet keys to reconcile, woken by the ReplicaSet and by its pods.'),
    keyQueue('scheduler', 'Scheduling triggers: unbound pods, node changes, pods that gave room back.'),
    keyQueue('endpoints', 'Service keys whose Endpoints and EndpointSlices to recompute (and hand-written Endpoints to mirror), woken by the Service, by the pods it selects, by its slices and by Endpoints written by hand.'),
    keyQueue('namespace', 'Namespace keys: a deleted namespace is emptied, then finalized.'),
    keyQueue('gc', 'Owner keys for the garbage collector: owners deleted, or deleting in the foreground or orphaning.'),
    keyQueue('serviceaccount', 'Namespace keys whose default ServiceAccount and kube-root-ca.crt to ensure.'),
    keyQueue('disruption', 'PodDisruptionBudget keys whose status to recompute, woken by the budget and by the pods it selects.'),
    keyQueue('nodelifecycle', 'Node monitor ticks: heartbeats checked, nodes marked NotReady, taints, evictions.'),
    {
      id: 'resync',
      fifo: false,
      visibilityTimeoutSeconds: 120,
      maxReceiveCount: 3,
      purpose: 'Resync ticks: every key of every consumer is sent to its queue again.',
    },
    {
      id: 'heartbeat',
      fifo: false,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
      purpose: 'Node lease renewals from the API, coalesced by the heartbeat function: no log events.',
    },
    {
      id: 'timers',
      fifo: false,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 5,
      purpose: 'requeueAfter: delayed keys, forwarded into their consumer\'s FIFO queue when due.',
    },
  ],
  functions: [
    {
      id: 'api',
      entry: 'api/handler.ts',
      memoryMb: 1024,
      timeoutSeconds: 29,
      tables: { objects: 'RW', log: 'RW', meta: 'RW' },
      purpose: 'The Kubernetes REST API behind API Gateway HTTP API; watches end after 25 s and clients resume them.',
      environment: { SKIFF_MAX_WATCH_SECONDS: '25' },
      sendsTo: ['heartbeat'],
    },
    {
      id: 'watch',
      entry: 'api/handler.ts',
      handler: 'streamHandler',
      memoryMb: 512,
      timeoutSeconds: 900,
      tables: { objects: 'RW', log: 'RW', meta: 'RW' },
      purpose: 'The same API, streaming through a Lambda Function URL, for long watches (up to 14 minutes each).',
      environment: { SKIFF_MAX_WATCH_SECONDS: '840' },
      sendsTo: ['heartbeat'],
    },
    {
      id: 'router',
      entry: 'router/handler.ts',
      memoryMb: 512,
      timeoutSeconds: 60,
      tables: { objects: 'RO', log: 'RO', meta: 'RO' },
      purpose: 'Maps each log event to the keys that must be reconciled and sends them to the consumers\' queues.',
      streams: [{ table: 'log', batchSize: 100, retryAttempts: 10 }],
      sendsTo: ['deployment', 'replicaset', 'scheduler', 'endpoints', 'namespace', 'gc', 'serviceaccount', 'disruption'],
    },
    controller('deployment-controller', 'controllers/deployment.ts', 'deployment', 'Deployments: ReplicaSets per template, rolling updates, rollbacks, status.'),
    controller('replicaset-controller', 'controllers/replicaset.ts', 'replicaset', 'ReplicaSets: keep spec.replicas pods, adopt and release pods, status.'),
    controller('endpoint-controller', 'controllers/endpoints.ts', 'endpoints', 'Endpoints and EndpointSlices: each Service\'s ready and not-ready pod addresses and ports; hand-written Endpoints mirrored into slices.'),
    controller('namespace-controller', 'controllers/namespace.ts', 'namespace', 'Namespaces: a deleted namespace is emptied of every object, then finalized.'),
    controller('garbage-collector', 'controllers/gc.ts', 'gc', 'Garbage collection by ownerReferences: Background, Foreground and Orphan propagation.'),
    controller('serviceaccount-controller', 'controllers/serviceaccount.ts', 'serviceaccount', 'A default ServiceAccount and the kube-root-ca.crt ConfigMap in every namespace.'),
    controller('disruption-controller', 'controllers/disruption.ts', 'disruption', 'PodDisruptionBudgets: healthy, desired and expected pods, and the disruptions allowed now.'),
    controller('node-lifecycle-controller', 'controllers/nodelifecycle.ts', 'nodelifecycle', 'Node lifecycle: NotReady after the grace period, unreachable/not-ready taints, taint-based eviction.'),
    {
      id: 'resync',
      entry: 'resync/handler.ts',
      memoryMb: 512,
      timeoutSeconds: 120,
      tables: { objects: 'RO', log: 'RO', meta: 'RO' },
      purpose: 'Periodic resync: no key is lost for good, whatever happened to its messages.',
      consumes: [{ queue: 'resync', batchSize: 10 }],
      sendsTo: ['deployment', 'replicaset', 'scheduler', 'endpoints', 'namespace', 'serviceaccount', 'disruption'],
      reservedConcurrency: 1,
    },
    {
      id: 'heartbeat',
      entry: 'heartbeat/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { objects: 'RW' },
      purpose: 'Coalesces node lease renewals: one conditional write per node per batch, never a log event.',
      consumes: [{ queue: 'heartbeat', batchSize: 100, maxBatchingWindowSeconds: 1 }],
    },
    {
      id: 'timers',
      entry: 'timers/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: {},
      purpose: 'Forwards due requeue-after timers into their consumers\' FIFO queues.',
      consumes: [{ queue: 'timers', batchSize: 10 }],
      sendsTo: ['deployment', 'replicaset', 'scheduler', 'endpoints', 'namespace', 'gc', 'serviceaccount', 'disruption', 'nodelifecycle', 'timers'],
    },
    {
      id: 'scheduler',
      entry: 'scheduler/handler.ts',
      memoryMb: 1024,
      timeoutSeconds: 60,
      tables: { objects: 'RW', log: 'RW', meta: 'RW' },
      purpose: 'Binds pending pods to nodes: one scheduling pass per batch, never two at once.',
      consumes: [{ queue: 'scheduler', batchSize: 10 }],
      reservedConcurrency: 1,
    },
  ],
  schedules: [
    {
      id: 'resync',
      queue: 'resync',
      key: 'core/Cluster//resync',
      everyMinutes: 10,
      localEverySeconds: 600,
      purpose: 'Re-enqueues every key of every consumer (controller-runtime\'s resync period).',
    },
    {
      id: 'node-monitor',
      queue: 'nodelifecycle',
      key: 'core/Node//all',
      everyMinutes: 1,
      localEverySeconds: 5,
      purpose: 'kube\'s node monitor period: between ticks the controller requeues itself for the next deadline.',
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

/** The environment variable that carries a table's physical name to a handler (both backends). */
export function tableEnvVar(tableId: string): string {
  return `SKIFF_TABLE_${envSuffix(tableId)}`;
}

/** The environment variable that carries a queue's URL to a handler (both backends). */
export function queueEnvVar(queueId: string): string {
  return `SKIFF_QUEUE_${envSuffix(queueId)}`;
}

function envSuffix(id: string): string {
  return id.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}
