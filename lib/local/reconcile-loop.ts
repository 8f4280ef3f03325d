/**
 * The reconcile loop on one machine: the topology's queues on the SQS emulator, and for every
 * function that consumes a stream or a queue, a local event source mapping invoking the same
 * handler module the deployed Lambda runs (`functions/…`), with Lambda's event shapes.
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { Registry } from '../api/registry.ts';
import type { Clock } from '../core/object.ts';
import { QUEUES, type QueueId } from '../reconcile/router.ts';
import type { DynamoStore } from '../store/dynamo-store.ts';
import { topology, type FunctionSpec, type TableNames } from '../topology.ts';
import { createRouterHandler } from '../../functions/router/handler.ts';
import { createDeploymentHandler } from '../../functions/controllers/deployment.ts';
import { createReplicaSetHandler } from '../../functions/controllers/replicaset.ts';
import { createEndpointsHandler } from '../../functions/controllers/endpoints.ts';
import { createDisruptionHandler } from '../../functions/controllers/disruption.ts';
import { createNamespaceHandler } from '../../functions/controllers/namespace.ts';
import { createGcHandler } from '../../functions/controllers/gc.ts';
import { createServiceAccountHandler } from '../../functions/controllers/serviceaccount.ts';
import { createSchedulerHandler } from '../../functions/scheduler/handler.ts';
import { createTimersHandler } from '../../functions/timers/handler.ts';
import { createHeartbeatHandler } from '../../functions/heartbeat/handler.ts';
import { createResyncHandler } from '../../functions/resync/handler.ts';
import { createNodeLifecycleHandler } from '../../functions/controllers/nodelifecycle.ts';
import type { NodeLifecycleConfig } from '../controllers/nodelifecycle.ts';
import { sendAll } from '../reconcile/route-stream.ts';
import { DynamoHeartbeats } from '../store/heartbeats.ts';
import { timerRequeue } from '../reconcile/timers.ts';
import { dynamoCheckpoints, startSqsPoller, startStreamPoller, streamFailureMessage, type StreamPoller } from './event-sources.ts';
import { createQueues, type LocalQueue } from './queues.ts';
import { localStreamsClient } from './stream-poller.ts';
import { LOCAL_AWS } from './tables.ts';

// The handlers take (event, context); middy's handlers also accept a third argument.
type Invoke = (event: never, context: Context) => Promise<unknown>;

export interface ReconcileLoopOptions {
  dynamoClient: DynamoDBClient;
  dynamoEndpoint: string;
  sqs: SQSClient;
  tables: TableNames;
  store: DynamoStore;
  clock: Clock;
  /** Physical names are `${prefix}${id}` (default `skiff-`). */
  prefix?: string;
  log?: (entry: Record<string, unknown>) => void;
  /** The node lifecycle controller's settings (grace period, …); kube's defaults when unset. */
  nodeLifecycle?: NodeLifecycleConfig;
  /** The CA bundle published as `kube-root-ca.crt` in every namespace (the cluster's own CA). */
  rootCaPem?: string;
  /**
   * Measurement hook: called as each handler is invoked, with the function id and the event's
   * record count; a function it returns is called when that invocation settles.
   */
  onInvoke?: (functionId: string, records: number) => ((ok: boolean) => void) | void;
}

export interface ReconcileLoop {
  queues: Record<string, LocalQueue>;
  /** Resolves once every log record written before the call has been routed. */
  routed(): Promise<void>;
  stop(): Promise<void>;
}

function lambdaContext(spec: FunctionSpec): Context {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: spec.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_AWS.region}:000000000000:function:${spec.id}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export async function startReconcileLoop(opts: ReconcileLoopOptions): Promise<ReconcileLoop> {
  const prefix = opts.prefix ?? 'skiff-';
  const log = opts.log ?? (() => {});
  const queues = await createQueues(opts.sqs, prefix, topology.queues);
  const queueUrls: Partial<Record<QueueId, string>> = {};
  for (const id of Object.values(QUEUES)) if (queues[id]) queueUrls[id] = queues[id].url;
  const registry = new Registry({ store: opts.store, clock: opts.clock });
  const deps = { registry, clock: opts.clock, log, ...(opts.rootCaPem ? { rootCaPem: opts.rootCaPem } : {}) };
  const heartbeats = new DynamoHeartbeats(opts.dynamoClient, opts.tables);
  const timers = { sqs: opts.sqs, clock: opts.clock, timersUrl: queues.timers.url };
  const requeue = (queue: QueueId) => timerRequeue({ ...timers, queue, queueUrl: queues[queue].url });

  // The handler modules, by function id, built with this runtime's clients.
  const handlers: Record<string, Invoke> = {
    router: createRouterHandler({ store: opts.store, decode: (item) => opts.store.decodeLogItem(item), sqs: opts.sqs, queueUrls, log }) as unknown as Invoke,
    'deployment-controller': createDeploymentHandler({ ...deps, requeue: requeue('deployment') }) as unknown as Invoke,
    'replicaset-controller': createReplicaSetHandler({ ...deps, requeue: requeue('replicaset') }) as unknown as Invoke,
    'endpoint-controller': createEndpointsHandler({ ...deps, requeue: requeue('endpoints') }) as unknown as Invoke,
    'namespace-controller': createNamespaceHandler({ ...deps, requeue: requeue('namespace') }) as unknown as Invoke,
    'garbage-collector': createGcHandler({ ...deps, requeue: requeue('gc') }) as unknown as Invoke,
    'serviceaccount-controller': createServiceAccountHandler({ ...deps, requeue: requeue('serviceaccount') }) as unknown as Invoke,
    'disruption-controller': createDisruptionHandler({ ...deps, requeue: requeue('disruption') }) as unknown as Invoke,
    timers: createTimersHandler({ ...timers, queueUrls, log }) as unknown as Invoke,
    heartbeat: createHeartbeatHandler({ store: heartbeats, log }) as unknown as Invoke,
    resync: createResyncHandler({ store: opts.store, sqs: opts.sqs, clock: opts.clock, queueUrls, log }) as unknown as Invoke,
    'node-lifecycle-controller': createNodeLifecycleHandler({ ...deps, heartbeats, nodeLifecycle: opts.nodeLifecycle, requeue: requeue('nodelifecycle') }) as unknown as Invoke,
    scheduler: createSchedulerHandler(deps) as unknown as Invoke,
  };

  const stops: (() => Promise<void>)[] = [];
  const streamPollers: StreamPoller[] = [];
  const streams = localStreamsClient(opts.dynamoEndpoint);
  try {
    for (const spec of topology.functions) {
      if (!spec.consumes?.length && !spec.streams?.length) continue;
      const handler = handlers[spec.id];
      if (!handler) throw new Error(`the local runtime has no handler for function ${spec.id}`);
      const call = (event: unknown) => handler(event as never, lambdaContext(spec)) as Promise<never>;
      const onInvoke = opts.onInvoke;
      const invoke = !onInvoke ? call : (event: unknown) => {
        const settled = onInvoke(spec.id, (event as { Records?: unknown[] }).Records?.length ?? 0);
        if (!settled) return call(event);
        return call(event).then(
          (r) => {
            settled(true);
            return r;
          },
          (err: unknown) => {
            settled(false);
            throw err;
          },
        );
      };

      for (const src of spec.streams ?? []) {
        const table = opts.tables[src.table as keyof TableNames];
        const described = await opts.dynamoClient.send(new DescribeTableCommand({ TableName: table }));
        const streamArn = described.Table?.LatestStreamArn;
        if (!streamArn) throw new Error(`table ${table} has no stream`);
        const failures = await createQueues(opts.sqs, prefix, [{ id: `${spec.id}-${src.table}-stream`, fifo: false, visibilityTimeoutSeconds: 30, maxReceiveCount: 1, purpose: 'on-failure destination' }]);
        const dlqUrl = Object.values(failures)[0].dlqUrl;
        const poller = startStreamPoller({
          client: streams,
          streamArn,
          handler: invoke,
          checkpoints: dynamoCheckpoints(opts.dynamoClient, opts.tables.meta, `${spec.id}-${src.table}`),
          batchSize: src.batchSize,
          retryAttempts: src.retryAttempts,
          idlePollMs: 50,
          onFailure: async (failure) => {
            log({ level: 'ERROR', function: spec.id, message: 'gave up on a stream batch', shardId: failure.shardId, start: failure.startSequenceNumber, error: String(failure.error) });
            await opts.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: JSON.stringify(streamFailureMessage(failure)) }));
          },
          log: (line) => log({ level: 'INFO', function: spec.id, message: line }),
        });
        streamPollers.push(poller);
        stops.push(() => poller.stop());
      }

      for (const src of spec.consumes ?? []) {
        const queue = queues[src.queue];
        const poller = startSqsPoller({
          client: opts.sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          handler: invoke,
          batchSize: src.batchSize,
          ...(src.maxBatchingWindowSeconds !== undefined ? { maxBatchingWindowMs: src.maxBatchingWindowSeconds * 1000 } : {}),
          // Lambda scales a mapping out; a reserved concurrency caps it (the scheduler runs alone).
          concurrency: spec.reservedConcurrency ?? src.maxConcurrency ?? 4,
          log: (line) => log({ level: 'INFO', function: spec.id, message: line }),
        });
        stops.push(() => poller.stop());
      }
    }
    // Schedules (EventBridge rules on AWS) as timers: each tick is a key message with its own cause.
    for (const sched of topology.schedules ?? []) {
      const queue = queues[sched.queue];
      const tick = () => {
        sendAll(opts.sqs, queue.url, [{ key: sched.key, cause: `tick#${opts.clock().getTime()}` }])
          .catch((err: unknown) => log({ level: 'WARN', schedule: sched.id, message: 'tick not sent', error: String(err) }));
      };
      tick();
      const timer = setInterval(tick, sched.localEverySeconds * 1000);
      stops.push(async () => clearInterval(timer));
    }
  } catch (err) {
    for (const s of stops.reverse()) await s().catch(() => {});
    throw err;
  }

  return {
    queues,
    routed: async () => {
      await Promise.all(streamPollers.map((p) => p.caughtUp()));
    },
    stop: async () => {
      await Promise.all(stops.map((s) => s().catch(() => {})));
      streams.destroy();
    },
  };
}
