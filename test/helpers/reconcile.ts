/**
 * The reconcile loop's integration tests: the write path on fresh DynamoDB Local tables, the SQS
 * emulator in process, Lambda contexts for the handler modules of `functions/`, the faults the
 * tests inject at the clients, and readers of what the loop left in the store and the queues.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { bootstrap } from '../../lib/api/bootstrap.ts';
import { Registry, type WriteOptions } from '../../lib/api/registry.ts';
import type { Pod, ReplicaSet } from '../../lib/api/schema/index.ts';
import { ConflictError } from '../../lib/core/errors.ts';
import { systemClock, type Clock, type KubeObject } from '../../lib/core/object.ts';
import { findByResource } from '../../lib/core/resources.ts';
import { localSqsClient } from '../../lib/local/queues.ts';
import { localDynamoClient } from '../../lib/local/tables.ts';
import { listAll } from '../../lib/reconcile/lists.ts';
import { DynamoStore } from '../../lib/store/dynamo-store.ts';
import type { LogEntry } from '../../lib/store/types.ts';
import type { TableNames } from '../../lib/topology.ts';
import { freshTables, testEndpoint } from './dynamodb.ts';

export const PODS = findByResource('', 'v1', 'pods')!;
export const NODES = findByResource('', 'v1', 'nodes')!;
export const REPLICASETS = findByResource('apps', 'v1', 'replicasets')!;

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Polls `cond` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A small seeded generator (mulberry32): the faults' choices repeat for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- the emulators ------------------------------------------------------------------------

export interface LocalSqs {
  endpoint: string;
  client: SQSClient;
  stop(): Promise<void>;
}

export async function startSqs(): Promise<LocalSqs> {
  const server: FauxqsServer = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = localSqsClient(endpoint);
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

/** What Lambda passes a handler beside the event, enough for the middy handlers of `functions/`. */
export function lambdaContext(functionName: string, timeoutSeconds = 60): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface ReconcileEnv {
  client: DynamoDBClient;
  tables: TableNames;
  store: DynamoStore;
  registry: Registry;
  clock: Clock;
  /**
   * Another store on the same tables over `client`: another process, or a faulty client. The
   * environment owns the client from then on.
   */
  storeOver(client: DynamoDBClient): DynamoStore;
  /** Closes every store and destroys every client. */
  close(): Promise<void>;
}

/** Options that keep the tests fast: holes a crashed writer left are filled after 200 ms. */
const FAST = { holeTimeoutMs: 200, pollIntervalMs: 20, tooLargeWaitMs: 1000 };

/** Fresh tables with the bootstrap objects (the `default` namespace among them). */
export async function reconcileEnv(clock: Clock = systemClock): Promise<ReconcileEnv> {
  const { client, tables } = await freshTables();
  const stores: DynamoStore[] = [];
  const clients = new Set<DynamoDBClient>([client]);
  const storeOver = (c: DynamoDBClient) => {
    const s = new DynamoStore({ client: c, tables, clock, ...FAST });
    stores.push(s);
    clients.add(c);
    return s;
  };
  const store = storeOver(client);
  const registry = new Registry({ store, clock });
  await bootstrap(registry);
  return {
    client,
    tables,
    store,
    registry,
    clock,
    storeOver,
    async close() {
      for (const s of stores) await s.close();
      for (const c of clients) c.destroy();
    },
  };
}

// ---- faults -------------------------------------------------------------------------------

/** A DynamoDB command as the SDK's client sees it. */
export interface DynamoCommand {
  input: unknown;
}

/**
 * A DynamoDB Local client whose every request first goes through `fault`: it may throw (the
 * request never reaches DynamoDB), stall, or count, and lets the request through by returning.
 */
export function faultyDynamoClient(fault: (command: DynamoCommand) => void | Promise<void>): DynamoDBClient {
  const client = localDynamoClient(testEndpoint());
  const send = client.send.bind(client) as (command: DynamoCommand, options?: unknown) => Promise<unknown>;
  Object.assign(client, {
    send: async (command: DynamoCommand, options?: unknown) => {
      await fault(command);
      return send(command, options);
    },
  });
  return client;
}

/** DynamoDB's answer to a request over the table's throughput (the store maps it to 429). */
export function throttled(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException', $fault: 'client' });
}

/** A connection that died under a request (the store maps it to a 504). */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

// ---- objects ------------------------------------------------------------------------------

export const ADMIN = (verb: string): WriteOptions => ({
  actor: { user: 'test-admin', groups: ['system:masters', 'system:authenticated'] },
  verb,
  requestId: randomUUID(),
  userAgent: 'reconcile-faults-test',
  fieldManager: 'reconcile-faults-test',
});

export function replicaSet(name: string, replicas: number, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

/** Sets a ReplicaSet's spec.replicas as a user would, re-reading after a conflict with the controller. */
export async function scale(registry: Registry, name: string, replicas: number, namespace = 'default'): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const live = (await registry.get(REPLICASETS, namespace, name)) as KubeObject & ReplicaSet;
    const next = structuredClone(live);
    next.spec = { ...next.spec!, replicas };
    try {
      await registry.update(REPLICASETS, namespace, name, next, ADMIN('update'));
      return;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= 20) throw err;
    }
  }
}

const controllerName = (o: KubeObject) => o.metadata.ownerReferences?.find((r) => r.controller)?.name;

/** The pods a ReplicaSet controls now, leaving out those being deleted. */
export async function livePods(store: DynamoStore, rsName: string, namespace = 'default'): Promise<Pod[]> {
  const { items } = await listAll(store, PODS, namespace);
  return items.filter((p) => controllerName(p) === rsName && !p.metadata.deletionTimestamp) as Pod[];
}

export async function replicaSetStatus(store: DynamoStore, name: string, namespace = 'default'): Promise<ReplicaSet['status']> {
  return ((await store.get(REPLICASETS, namespace, name)) as ReplicaSet | undefined)?.status;
}

/** Every entry of one type's log, oldest first (fillers, which record no change, left out), and how many fillers. */
export async function logOf(env: ReconcileEnv, typeKey: string): Promise<{ entries: LogEntry[]; fillers: number }> {
  const entries: LogEntry[] = [];
  let fillers = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await env.client.send(
      new QueryCommand({
        TableName: env.tables.log,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: typeKey } },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const entry = await env.store.decodeLogItem(item);
      if (entry) entries.push(entry);
      else fillers++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { entries, fillers };
}

/** The pod log entries of the pods a ReplicaSet created, by event type. */
export async function podEventsOf(env: ReconcileEnv, rsName: string): Promise<{ added: string[]; deleted: string[]; fillers: number }> {
  const { entries, fillers } = await logOf(env, 'pods');
  const mine = entries.filter((e) => controllerName(e.object) === rsName);
  return {
    added: mine.filter((e) => e.eventType === 'ADDED').map((e) => e.name),
    deleted: mine.filter((e) => e.eventType === 'DELETED').map((e) => e.name),
    fillers,
  };
}

// ---- queues -------------------------------------------------------------------------------

/** Messages visible or in flight. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const r = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Receives what is visible in a queue now (without deleting it), up to `max` messages. */
export async function peek(sqs: SQSClient, url: string, max = 100): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < max) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
    );
    if (!r.Messages?.length) break;
    out.push(...r.Messages);
  }
  return out;
}
