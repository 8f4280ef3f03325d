/**
 * The reconcile loop under faults, on DynamoDB Local and the SQS emulator, driving the handler
 * modules of `functions/` through the local event source mappings (DESIGN: "Reconcile model"):
 * poison keys go to the DLQ without holding up their queue, a crash mid-batch loses nothing and
 * creates nothing twice, duplicated and reordered messages are harmless, two schedulers never
 * bind a pod twice, and an undecodable log record goes to the router's on-failure destination
 * while the records after it are routed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Registry, type WriteOptions } from '../../../lib/api/registry.ts';
import type { Pod } from '../../../lib/api/schema/index.ts';
import type { Clock, KubeObject } from '../../../lib/core/object.ts';
import { localStreamsClient, memoryCheckpoints, startSqsPoller, startStreamPoller, streamFailureMessage, type StreamBatchFailure } from '../../../lib/local/event-sources.ts';
import { createQueues, localSqsClient } from '../../../lib/local/queues.ts';
import { localDynamoClient } from '../../../lib/local/tables.ts';
import { decodeMessage, formatKey, type KeyMessage } from '../../../lib/reconcile/keys.ts';
import { listAll } from '../../../lib/reconcile/lists.ts';
import { sendAll } from '../../../lib/reconcile/route-stream.ts';
import { schedulerPass, type PassResult } from '../../../lib/reconcile/scheduler.ts';
import type { QueueSpec } from '../../../lib/topology.ts';
import { createReplicaSetHandler } from '../../../functions/controllers/replicaset.ts';
import { createRouterHandler } from '../../../functions/router/handler.ts';
import { testEndpoint } from '../../helpers/dynamodb.ts';
import {
  ADMIN, NODES, PODS, REPLICASETS,
  connectionReset, faultyDynamoClient, lambdaContext, livePods, logOf, peek, podEventsOf, queueDepth, reconcileEnv,
  replicaSet, replicaSetStatus, scale, seededRandom, sleep, startSqs, throttled, until,
  type LocalSqs, type ReconcileEnv,
} from '../../helpers/reconcile.ts';

const rsKey = (name: string, namespace = 'default') => formatKey({ group: 'apps', kind: 'ReplicaSet', namespace, name });
const replicaSetQueue = (o: Partial<QueueSpec> = {}): QueueSpec => ({ id: 'replicaset', fifo: true, visibilityTimeoutSeconds: 1, maxReceiveCount: 3, purpose: 'test', ...o });

/** What one handler invocation got and answered. */
interface Invocation {
  /** When the handler was called. */
  at: number;
  records: { key: string; cause: string; receiveCount: number; messageId: string }[];
  failed: string[];
  threw?: boolean;
}

function describeRecords(event: SQSEvent): Invocation['records'] {
  return event.Records.map((r) => {
    const m = decodeMessage(r.body);
    return { key: m?.key ?? r.body, cause: m?.cause ?? '', receiveCount: Number(r.attributes.ApproximateReceiveCount), messageId: r.messageId };
  });
}

/**
 * The upward (and downward) movement of a sequence of replica targets from `from`: the creates
 * (deletes) that following the targets step by step takes, and the most a level-based controller
 * that reads only some of them may take.
 */
const rises = (from: number, targets: number[]) => targets.reduce((acc, t, i) => acc + Math.max(0, t - (i === 0 ? from : targets[i - 1])), 0);
const falls = (from: number, targets: number[]) => targets.reduce((acc, t, i) => acc + Math.max(0, (i === 0 ? from : targets[i - 1]) - t), 0);

describe('reconcile loop faults', () => {
  let sqs: LocalSqs;
  let n = 0;
  const prefix = () => `faults${++n}-`;

  before(async () => {
    sqs = await startSqs();
  });
  after(async () => {
    await sqs.stop();
  });

  it('sends a key whose reconcile keeps failing to the DLQ after maxReceiveCount, reconciling its batch and its queue meanwhile', async () => {
    const env = await reconcileEnv();
    try {
      // Two seconds of visibility: a first batch that outlasts it on a loaded machine would be
      // handed over again, blurring what the receive counts show.
      const q = (await createQueues(sqs.client, prefix(), [replicaSetQueue({ maxReceiveCount: 2, visibilityTimeoutSeconds: 2 })])).replicaset;
      const rvs = new Map<string, string>();
      for (const name of ['poison', 'good-0', 'good-1', 'good-2', 'good-3', 'good-4', 'good-5']) {
        rvs.set(name, (await env.registry.create(REPLICASETS, replicaSet(name, 2), 'default', ADMIN('create'))).object.metadata.resourceVersion ?? '');
      }
      const message = (name: string): KeyMessage => ({ key: rsKey(name), cause: `replicasets.apps#${rvs.get(name)}` });

      // Every read of the poison ReplicaSet is throttled: its reconcile fails with a retryable 429, always.
      let poisonReads = 0;
      const faulty = faultyDynamoClient((command) => {
        const key = (command.input as { Key?: Record<string, AttributeValue> }).Key;
        if (command instanceof GetItemCommand && key?.pk?.S === 'replicasets.apps' && key.sk?.S === 'default/poison') {
          poisonReads++;
          throw throttled();
        }
      });
      const logs: Record<string, unknown>[] = [];
      const handler = createReplicaSetHandler({ registry: new Registry({ store: env.storeOver(faulty), clock: env.clock }), clock: env.clock, log: (e) => logs.push(e) });
      const invocations: Invocation[] = [];

      // The first wave is queued before the poller starts, so the poison key shares its first batch.
      await sendAll(sqs.client, q.url, ['poison', 'good-0', 'good-1', 'good-2'].map(message));
      await sqs.client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'not a key message', MessageGroupId: 'garbage', MessageDeduplicationId: 'garbage' }));
      let poisonReceives = 0;
      const poller = startSqsPoller({
        client: sqs.client, queueUrl: q.url, queueArn: q.arn, waitTimeSeconds: 1, concurrency: 2,
        handler: async (event) => {
          const inv: Invocation = { at: Date.now(), records: describeRecords(event), failed: [] };
          if (inv.records.some((r) => r.key === rsKey('poison'))) poisonReceives++;
          const res = await handler(event, lambdaContext('replicaset-controller'));
          inv.failed = res.batchItemFailures.map((f) => f.itemIdentifier);
          invocations.push(inv);
          return res;
        },
      });
      const poisonRuns = () => invocations.filter((i) => i.records.some((r) => r.key === rsKey('poison')));
      let dlq: string[] = [];
      try {
        await until('the poison key’s first receive', () => poisonReceives === 1);
        // The second wave comes while the poison message waits out its visibility timeout.
        await sendAll(sqs.client, q.url, ['good-3', 'good-4', 'good-5'].map(message));
        await until('the DLQ', async () => {
          dlq = (await peek(sqs.client, q.dlqUrl)).map((m) => m.Body ?? '');
          return dlq.length > 0;
        }, 8000);
        await until('the queue drained', async () => (await queueDepth(sqs.client, q.url)) === 0);
      } finally {
        await poller.stop();
      }

      assert.deepEqual(dlq.map((b) => decodeMessage(b)?.key), [rsKey('poison')], `only the poison message is dead-lettered: ${JSON.stringify({ dlq, invocations })}`);
      const runs = poisonRuns();
      assert.deepEqual(runs.map((i) => i.records.find((r) => r.key === rsKey('poison'))?.receiveCount), [1, 2], 'handed over maxReceiveCount times');
      assert.equal(poisonReads, 2, 'a throttled reconcile is handed back to the queue, not retried inside the handler');
      for (const run of runs) {
        const poisonIds = run.records.filter((r) => r.key === rsKey('poison')).map((r) => r.messageId);
        assert.deepEqual(run.failed, poisonIds, 'only the poison message is reported failed');
      }
      const first = runs[0].records.map((r) => r.key);
      assert.ok(first.length > 1, `the poison key shared its batch: ${first.join(', ')}`);

      // Nothing else waited on the poison key: every good key was reconciled once, the second wave
      // before the poison message's second receive.
      for (let i = 0; i < 6; i++) {
        const name = `good-${i}`;
        assert.equal((await livePods(env.store, name)).length, 2, `${name} reconciled`);
        const handled = invocations.filter((inv) => inv.records.some((r) => r.key === rsKey(name)));
        assert.equal(handled[0].records.find((r) => r.key === rsKey(name))?.receiveCount, 1);
        for (const inv of handled) {
          assert.deepEqual(inv.failed.filter((id) => inv.records.some((r) => r.messageId === id && r.key === rsKey(name))), [], `${name} never reported failed`);
        }
        if (i >= 3) assert.ok(handled[0].at < runs[1].at, `${name} went while the poison message was invisible: ${JSON.stringify(invocations)}`);
      }
      assert.equal((await livePods(env.store, 'poison')).length, 0);

      // A body that is not a key message is terminal: logged and acknowledged at once, never retried.
      const garbage = invocations.flatMap((i) => i.records).filter((r) => r.key === 'not a key message');
      assert.deepEqual(garbage.map((r) => r.receiveCount), [1]);
      assert.ok(logs.some((l) => l.level === 'ERROR' && l.message === 'not a key message; dropped'));
      assert.ok(logs.some((l) => l.level === 'WARN' && l.key === rsKey('poison') && /429|storage is busy/.test(String(l.error))), 'the failures are logged');
    } finally {
      await env.close();
    }
  });

  it('loses nothing and creates nothing twice when the controller crashes mid-batch after part of its writes', async () => {
    const env = await reconcileEnv();
    try {
      const q = (await createQueues(sqs.client, prefix(), [replicaSetQueue({ maxReceiveCount: 3 })])).replicaset;
      const crashRv = (await env.registry.create(REPLICASETS, replicaSet('crash', 7), 'default', ADMIN('create'))).object.metadata.resourceVersion;
      const byRv = (await env.registry.create(REPLICASETS, replicaSet('bystander', 3), 'default', ADMIN('create'))).object.metadata.resourceVersion;

      // The process dies at its 4th pod create for `crash` (slow start: batches of 1, 2, then 4):
      // that request and every later one of the invocation fail, as nothing of a dead process
      // reaches DynamoDB; the invocation ends without an answer.
      const CRASH_AT = 4;
      let podCreates = 0;
      let dead = false;
      let crashes = 0;
      const createsCrashPod = (command: unknown) =>
        command instanceof TransactWriteItemsCommand &&
        (command.input.TransactItems ?? []).some((i) => {
          const item = i.Put?.Item;
          return i.Put?.TableName === env.tables.log && item?.pk?.S === 'pods' && item.eventType?.S === 'ADDED' && item.name?.S?.startsWith('crash-');
        });
      const faulty = faultyDynamoClient((command) => {
        if (dead) throw connectionReset();
        if (createsCrashPod(command) && ++podCreates === CRASH_AT && crashes === 0) {
          dead = true;
          crashes++;
          throw connectionReset();
        }
      });
      const handler = createReplicaSetHandler({ registry: new Registry({ store: env.storeOver(faulty), clock: env.clock }), clock: env.clock });
      const invocations: Invocation[] = [];
      let createdBeforeCrash: string[] = [];

      await sendAll(sqs.client, q.url, [
        { key: rsKey('crash'), cause: `replicasets.apps#${crashRv}` },
        { key: rsKey('bystander'), cause: `replicasets.apps#${byRv}` },
      ]);
      const poller = startSqsPoller({
        client: sqs.client, queueUrl: q.url, queueArn: q.arn, waitTimeSeconds: 1,
        handler: async (event): Promise<SQSBatchResponse> => {
          const inv: Invocation = { at: Date.now(), records: describeRecords(event), failed: [] };
          const res = await handler(event, lambdaContext('replicaset-controller'));
          inv.failed = res.batchItemFailures.map((f) => f.itemIdentifier);
          invocations.push(inv);
          if (dead) {
            inv.threw = true;
            dead = false;
            createdBeforeCrash = (await livePods(env.store, 'crash')).map((p) => p.metadata?.name ?? '');
            throw new Error('Runtime.ExitError: the function crashed mid-batch');
          }
          return res;
        },
      });
      try {
        const settled = async () =>
          crashes === 1 && !dead &&
          (await livePods(env.store, 'crash')).length === 7 &&
          (await livePods(env.store, 'bystander')).length === 3 &&
          (await queueDepth(sqs.client, q.url)) === 0;
        await until('both ReplicaSets reconciled after the crash', settled, 10_000);
        // Past another visibility timeout: nothing else comes back.
        await sleep(1200);
        assert.ok(await settled());
      } finally {
        await poller.stop();
      }

      assert.equal(crashes, 1);
      const [crashed, redelivered] = invocations;
      assert.ok(crashed.threw, 'the first invocation crashed');
      assert.deepEqual(crashed.records.map((r) => r.key).sort(), [rsKey('bystander'), rsKey('crash')], 'mid-batch: both keys were in it');
      assert.deepEqual(redelivered.records.map((r) => [r.key, r.receiveCount]).sort(), [[rsKey('bystander'), 2], [rsKey('crash'), 2]], 'the whole batch came back');
      assert.deepEqual(redelivered.failed, []);
      assert.equal(createdBeforeCrash.length, CRASH_AT - 1, 'the crash struck after part of the writes');

      const crashPods = (await livePods(env.store, 'crash')).map((p) => p.metadata?.name ?? '');
      assert.equal(crashPods.length, 7);
      for (const name of createdBeforeCrash) assert.ok(crashPods.includes(name), `${name}, created before the crash, is kept`);
      const crashLog = await podEventsOf(env, 'crash');
      assert.equal(crashLog.added.length, 7, `exactly spec.replicas creates, none repeated: ${crashLog.added.join(', ')}`);
      assert.deepEqual(crashLog.deleted, []);
      const byLog = await podEventsOf(env, 'bystander');
      assert.equal(byLog.added.length, 3, 'the redelivered bystander created nothing more');
      assert.deepEqual(byLog.deleted, []);
      assert.ok(crashLog.fillers >= 1, 'the crash left a number it had taken uncommitted, which a reader filled');
    } finally {
      await env.close();
    }
  });

  it('never creates extra pods or loses an update when the router’s messages are duplicated and reordered', async () => {
    const env = await reconcileEnv();
    const streams = localStreamsClient(testEndpoint());
    const seed = 20240611;
    const chaos = duplicatingSqs(sqs.endpoint, seededRandom(seed));
    try {
      const q = (await createQueues(sqs.client, prefix(), [replicaSetQueue({ maxReceiveCount: 5 })])).replicaset;
      const streamArn = (await env.client.send(new DescribeTableCommand({ TableName: env.tables.log }))).Table?.LatestStreamArn ?? '';
      const routerLogs: Record<string, unknown>[] = [];
      const router = createRouterHandler({ store: env.store, decode: (item) => env.store.decodeLogItem(item), sqs: chaos.client, queueUrls: { replicaset: q.url }, log: (e) => routerLogs.push(e) });
      const routing = startStreamPoller({
        client: streams, streamArn, checkpoints: memoryCheckpoints(), idlePollMs: 20, retryDelayMs: 20,
        handler: (event: DynamoDBStreamEvent) => router(event, lambdaContext('router')),
      });
      const controller = createReplicaSetHandler({ registry: env.registry, clock: env.clock });
      const received: Invocation['records'] = [];
      let inFlight = 0;
      const consuming = startSqsPoller({
        client: sqs.client, queueUrl: q.url, queueArn: q.arn, waitTimeSeconds: 1, concurrency: 4,
        handler: async (event) => {
          inFlight++;
          try {
            received.push(...describeRecords(event));
            return await controller(event, lambdaContext('replicaset-controller'));
          } finally {
            inFlight--;
          }
        },
      });

      const names = ['dup-a', 'dup-b'] as const;
      const steps: Record<(typeof names)[number], number[]> = { 'dup-a': [3, 8, 2, 6, 0, 4], 'dup-b': [5, 1, 4, 7, 2, 5] };
      const bursts: Record<(typeof names)[number], number[]> = { 'dup-a': [9, 1, 7, 3], 'dup-b': [0, 6, 2] };
      const quiet = async () => {
        await routing.caughtUp();
        return chaos.pending() === 0 && inFlight === 0 && (await queueDepth(sqs.client, q.url)) === 0;
      };
      const converge = async (targets: Record<string, number>) => {
        const done = async () => {
          for (const [name, want] of Object.entries(targets)) {
            if ((await livePods(env.store, name)).length !== want) return false;
            if ((await replicaSetStatus(env.store, name))?.replicas !== want) return false;
          }
          return quiet();
        };
        await until(`pods at ${JSON.stringify(targets)} (seed ${seed})`, done, 20_000);
        await sleep(300);
        assert.ok(await done(), `still at ${JSON.stringify(targets)} once quiet`);
      };

      try {
        for (const name of names) await env.registry.create(REPLICASETS, replicaSet(name, steps[name][0]), 'default', ADMIN('create'));
        for (let i = 0; i < steps['dup-a'].length; i++) {
          if (i > 0) await Promise.all(names.map((name) => scale(env.registry, name, steps[name][i])));
          await converge(Object.fromEntries(names.map((name) => [name, steps[name][i]])));
          for (const name of names) {
            const done = steps[name].slice(0, i + 1);
            const log = await podEventsOf(env, name);
            assert.equal(log.added.length, rises(0, done), `${name}: creates after ${done.join('→')}`);
            assert.equal(log.deleted.length, falls(0, done), `${name}: deletes after ${done.join('→')}`);
          }
        }
        // Scale changes faster than the loop settles: only the last must hold, with no more creates
        // than the targets' rises (a reconcile only ever raises the count to the target it read).
        for (let i = 0; i < Math.max(...names.map((name) => bursts[name].length)); i++) {
          await Promise.all(names.filter((name) => i < bursts[name].length).map((name) => scale(env.registry, name, bursts[name][i])));
          await sleep(40);
        }
        await converge(Object.fromEntries(names.map((name) => [name, bursts[name].at(-1)!])));
      } finally {
        await consuming.stop();
        await routing.stop();
      }

      for (const name of names) {
        const all = [...steps[name], ...bursts[name]];
        const log = await podEventsOf(env, name);
        assert.ok(log.added.length <= rises(0, all), `${name}: ${log.added.length} creates, at most ${rises(0, all)} (seed ${seed})`);
        assert.ok(log.deleted.length <= falls(0, all), `${name}: ${log.deleted.length} deletes, at most ${falls(0, all)}`);
        assert.equal(log.added.length - log.deleted.length, bursts[name].at(-1), `${name}: the log agrees with the live pods`);
        assert.equal(new Set(log.added).size, log.added.length);
      }

      // The faults did happen: the same (key, cause) arrived more than once, and a key's causes
      // arrived out of order.
      const seen = new Map<string, number>();
      for (const r of received) seen.set(`${r.key} ${r.cause}`, (seen.get(`${r.key} ${r.cause}`) ?? 0) + 1);
      assert.ok([...seen.values()].every((c) => c >= 2), 'every routed message arrived at least twice');
      assert.ok(chaos.stats.held > 0, 'some batches were held back');
      let reordered = 0;
      const latest = new Map<string, number>();
      for (const r of received) {
        const [type, rev] = r.cause.split('#');
        const id = `${r.key} ${type}`;
        if (Number(rev) < (latest.get(id) ?? 0)) reordered++;
        latest.set(id, Math.max(latest.get(id) ?? 0, Number(rev)));
      }
      assert.ok(reordered > 0, 'some older causes arrived after newer ones');
      assert.equal(chaos.stats.errors, 0, 'every copy reached the queue');
      assert.deepEqual(routerLogs.filter((l) => l.level === 'ERROR'), []);
    } finally {
      chaos.client.destroy();
      streams.destroy();
      await env.close();
    }
  });

  describe('two scheduler instances at once', () => {
    const NODE_CPU_MILLIS = 1000;
    const POD_CPU_MILLIS = 100;
    const fixedClock: Clock = () => new Date('2025-03-01T12:00:00Z');

    const node = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: { capacity: { cpu: '1', memory: '4Gi', pods: '110' }, allocatable: { cpu: '1', memory: '4Gi', pods: '110' } },
    });
    const pod = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: `${POD_CPU_MILLIS}m` } } }] },
    });

    /** A write path whose binds wait at `gate` (both instances planned before either binds). */
    class GatedRegistry extends Registry {
      arrived = false;
      constructor(store: Registry['store'], clock: Clock, private readonly gate: Promise<void>) {
        super({ store, clock });
      }
      override async bind(namespace: string, name: string, node: string, uid: string | undefined, opts: WriteOptions): Promise<KubeObject> {
        this.arrived = true;
        await this.gate;
        return super.bind(namespace, name, node, uid, opts);
      }
    }

    async function setUp(env: ReconcileEnv, nodes: number, pods: string[]): Promise<void> {
      for (let i = 0; i < nodes; i++) await env.registry.create(NODES, node(`node-${i}`), undefined, ADMIN('create'));
      for (const name of pods) await env.registry.create(PODS, pod(name), 'default', ADMIN('create'));
    }

    /**
     * Checks from the pods' log that a bound pod has exactly one binding write and spec.nodeName
     * never changes after it; returns where each pod went and the millicpu requested per node.
     */
    async function checkBindings(env: ReconcileEnv): Promise<{ bound: Map<string, string>; perNode: Map<string, number> }> {
      const { entries } = await logOf(env, 'pods');
      const bound = new Map<string, string>();
      for (const name of new Set(entries.map((e) => e.name))) {
        const history = entries.filter((e) => e.name === name);
        const nodes = history.map((e) => (e.object.spec as Pod['spec'])?.nodeName);
        const binds = nodes.filter((nn, i) => nn && !(i > 0 && nodes[i - 1]));
        const first = nodes.findIndex((nn) => nn);
        if (first < 0) continue;
        assert.equal(binds.length, 1, `${name} bound ${binds.length} times: ${nodes.join(' → ')}`);
        assert.ok(nodes.slice(first).every((nn) => nn === nodes[first]), `${name}: spec.nodeName never changes once set (${nodes.join(' → ')})`);
        bound.set(name, nodes[first]!);
      }
      const live = (await listAll(env.store, PODS, 'default')).items as Pod[];
      const perNode = new Map<string, number>();
      for (const p of live) {
        if (!p.spec?.nodeName) continue;
        assert.equal(bound.get(p.metadata?.name ?? ''), p.spec.nodeName);
        perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + POD_CPU_MILLIS);
      }
      return { bound, perNode };
    }

    const overcommitted = (perNode: Map<string, number>) => [...perNode].filter(([, cpu]) => cpu > NODE_CPU_MILLIS);
    const sizes = (perNode: Map<string, number>) => JSON.stringify(Object.fromEntries(perNode));

    // Registry.bind checks the pod against the node's bound pods and claims the node's allocation
    // counter in its transaction: two instances planning from different views of a node cannot
    // both fill it.

    describe('racing on one snapshot', () => {
      let env: ReconcileEnv;
      let first: PassResult[];
      let second: PassResult[];
      let result: { bound: Map<string, string>; perNode: Map<string, number> };

      before(async () => {
        env = await reconcileEnv(fixedClock);
        const pods = Array.from({ length: 36 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
        await setUp(env, 3, pods);
        let open!: () => void;
        const gate = new Promise<void>((ok) => (open = ok));
        // Two processes with their own clients and stores, breaking ties at random as kube's
        // scheduler does (seeded apart), so they disagree on where each pod goes.
        const instances = [1, 2].map((seed) => {
          const registry = new GatedRegistry(env.storeOver(localDynamoClient(testEndpoint())), env.clock, gate);
          return { registry, pass: schedulerPass({ registry, clock: env.clock, options: { rng: seededRandom(seed) } }) };
        });
        const running = instances.map((i) => i.pass());
        await until('both instances planned', () => instances.every((i) => i.registry.arrived), 10_000);
        open();
        first = await Promise.all(running);
        second = await Promise.all(instances.map((i) => i.pass()));
        result = await checkBindings(env);
      });
      after(async () => {
        await env?.close();
      });

      it('bind each pod at most once, never move it, and count each bind once', async () => {
        // checkBindings (in `before`) asserted each bound pod's log holds exactly one binding write
        // and its spec.nodeName never changes after it.
        const { bound } = result;
        for (const r of first) assert.equal(r.bound + r.lost, 30, `every planned bind was won or refused: ${JSON.stringify(first)}`);
        // Both planned binds for the same 30 pods from the same snapshot: a pod is bound by one of
        // them at most, so at least 30 of the 60 were refused (whichever instance was quicker).
        assert.ok(first[0].lost + first[1].lost >= 30, `the instances' binds collided: ${JSON.stringify(first)}`);
        assert.ok(first[0].bound + first[1].bound <= 30, `no pod bound by both: ${JSON.stringify(first)}`);
        const passes = [...first, ...second];
        assert.equal(passes.reduce((acc, r) => acc + r.bound, 0), bound.size, `each bound pod counted once, by the instance that bound it: ${JSON.stringify({ first, second })}`);
        assert.ok(bound.size >= 30, `at least as many pods bound as fit: ${bound.size}`);
        const pending = ((await listAll(env.store, PODS, 'default')).items as Pod[]).filter((p) => !p.spec?.nodeName);
        assert.equal(pending.length, 36 - bound.size);
        for (const p of pending) {
          assert.ok(p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'), `${p.metadata?.name} parked`);
        }
      });

      it('fill no node past its allocatable', () => {
        assert.deepEqual(overcommitted(result.perNode), [], `millicpu bound per node, of ${NODE_CPU_MILLIS}: ${sizes(result.perNode)}`);
        assert.equal(result.bound.size, 30, 'exactly as many pods bound as fit');
      });
    });

    it('fill no node past its allocatable when one binds from a snapshot the other outdated', async () => {
      const env = await reconcileEnv(fixedClock);
      try {
        // Exactly full once the 30 pods are placed.
        const pods = Array.from({ length: 30 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
        await setUp(env, 3, pods);
        const storeOfItsOwn = () => env.storeOver(localDynamoClient(testEndpoint()));
        let open!: () => void;
        const stale = new GatedRegistry(storeOfItsOwn(), env.clock, new Promise<void>((ok) => (open = ok)));
        const staleRun = schedulerPass({ registry: stale, clock: env.clock })();
        await until('the first instance planned', () => stale.arrived, 10_000);
        // A pod created after the first instance read, in the same second: it sorts first, so the
        // second instance (deterministic, as deployed) places every pod one slot further on.
        await env.registry.create(PODS, pod('a-late'), 'default', ADMIN('create'));
        const fresh = await schedulerPass({ registry: new Registry({ store: storeOfItsOwn(), clock: env.clock }), clock: env.clock })();
        open();
        const outdated = await staleRun;

        const { bound, perNode } = await checkBindings(env);
        assert.equal(fresh.bound + outdated.bound, bound.size, `each bind counted once: ${JSON.stringify({ fresh, outdated })}`);
        assert.deepEqual(overcommitted(perNode), [], `millicpu bound per node, of ${NODE_CPU_MILLIS}: ${sizes(perNode)}`);
        assert.equal(bound.size, 30, 'exactly as many pods bound as fit');
      } finally {
        await env.close();
      }
    });
  });

  it('sends an undecodable log record to the router’s on-failure destination and routes the records after it', async () => {
    const env = await reconcileEnv();
    const streams = localStreamsClient(testEndpoint());
    try {
      const queues = await createQueues(sqs.client, prefix(), [
        replicaSetQueue(),
        { id: 'router-log-stream', fifo: false, visibilityTimeoutSeconds: 30, maxReceiveCount: 1, purpose: 'on-failure destination' },
      ]);
      const q = queues.replicaset;
      const onFailureUrl = queues['router-log-stream'].dlqUrl;
      await env.registry.create(REPLICASETS, replicaSet('before', 1), 'default', ADMIN('create'));
      // A log item whose payload is not gzip: the router cannot decode it, whatever it retries. (A
      // change to a ConfigMap: its creation would wake nothing and go undecoded.)
      const POISON_REV = 1_000_000_000;
      await env.client.send(
        new PutItemCommand({
          TableName: env.tables.log,
          Item: { pk: { S: 'configmaps' }, rev: { N: String(POISON_REV) }, eventType: { S: 'MODIFIED' }, namespace: { S: 'default' }, name: { S: 'mangled' }, body: { B: new Uint8Array([1, 2, 3, 4]) } },
        }),
      );
      await env.registry.create(REPLICASETS, replicaSet('after-1', 1), 'default', ADMIN('create'));
      await env.registry.create(REPLICASETS, replicaSet('after-2', 1), 'default', ADMIN('create'));

      const streamArn = (await env.client.send(new DescribeTableCommand({ TableName: env.tables.log }))).Table?.LatestStreamArn ?? '';
      const logs: Record<string, unknown>[] = [];
      const router = createRouterHandler({ store: env.store, decode: (item) => env.store.decodeLogItem(item), sqs: sqs.client, queueUrls: { replicaset: q.url }, log: (e) => logs.push(e) });
      let poisonSeq = '';
      const failures: StreamBatchFailure[] = [];
      const poller = startStreamPoller({
        client: streams, streamArn, checkpoints: memoryCheckpoints(), batchSize: 100, retryAttempts: 2, retryDelayMs: 10, idlePollMs: 20,
        handler: (event: DynamoDBStreamEvent) => {
          const poison = event.Records.find((r) => r.dynamodb?.NewImage?.rev?.N === String(POISON_REV));
          if (poison) poisonSeq = poison.dynamodb?.SequenceNumber ?? '';
          return router(event, lambdaContext('router'));
        },
        // What the local runtime's router mapping does with a batch it gives up.
        onFailure: async (failure) => {
          failures.push(failure);
          await sqs.client.send(new SendMessageCommand({ QueueUrl: onFailureUrl, MessageBody: JSON.stringify(streamFailureMessage(failure)) }));
        },
      });
      try {
        await poller.caughtUp();
        // The stream is not stuck behind it either.
        await env.registry.create(REPLICASETS, replicaSet('after-3', 1), 'default', ADMIN('create'));
        await poller.caughtUp();
      } finally {
        await poller.stop();
      }

      assert.ok(poisonSeq, 'the poison record was handed to the router');
      assert.ok(
        logs.some((l) => l.level === 'ERROR' && l.message === 'undecodable log record' && l.sequenceNumber === poisonSeq),
        `the router reported the record: ${JSON.stringify(logs)}`,
      );
      assert.equal(failures.length, 1, 'one batch given up');
      assert.equal(failures[0].startSequenceNumber, poisonSeq, 'starting at the poison record');
      const destination = (await peek(sqs.client, onFailureUrl)).map((m) => JSON.parse(m.Body ?? '{}') as { requestContext?: { condition?: string }; DDBStreamBatchInfo?: { startSequenceNumber?: string; streamArn?: string } });
      assert.equal(destination.length, 1);
      assert.equal(destination[0].requestContext?.condition, 'RetryAttemptsExhausted');
      assert.equal(destination[0].DDBStreamBatchInfo?.startSequenceNumber, poisonSeq);
      assert.equal(destination[0].DDBStreamBatchInfo?.streamArn, streamArn);

      const routed = (await peek(sqs.client, q.url)).map((m) => decodeMessage(m.Body ?? '')?.key ?? '');
      for (const name of ['before', 'after-1', 'after-2', 'after-3']) {
        assert.equal(routed.filter((k) => k === rsKey(name)).length, 1, `${name} routed once: ${routed.join(', ')}`);
      }
    } finally {
      streams.destroy();
      await env.close();
    }
  });
});

/**
 * An SQS client between the router and its queues that duplicates and reorders: each entry of a
 * SendMessageBatch goes out two or three times under distinct deduplication ids (SQS keeps them
 * all), the copies shuffled, and every other batch is held back 100–400 ms while later ones
 * overtake it. The router is told every entry went through.
 */
function duplicatingSqs(endpoint: string, rng: () => number): { client: SQSClient; stats: { batches: number; copies: number; held: number; errors: number }; pending(): number } {
  const client = localSqsClient(endpoint);
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const stats = { batches: 0, copies: 0, held: 0, errors: 0 };
  let pending = 0;
  const deliver = async (QueueUrl: string | undefined, Entries: SendMessageBatchRequestEntry[]) => {
    try {
      const out = (await send(new SendMessageBatchCommand({ QueueUrl, Entries }))) as { Failed?: unknown[] };
      stats.errors += out.Failed?.length ?? 0;
    } catch {
      stats.errors++;
    }
  };
  Object.assign(client, {
    send: async (command: unknown, options?: unknown) => {
      if (!(command instanceof SendMessageBatchCommand)) return send(command, options);
      const { QueueUrl, Entries = [] } = command.input;
      const copies = Entries.flatMap((e) =>
        Array.from({ length: 2 + Math.floor(rng() * 2) }, (_, i) => ({ ...e, Id: `${e.Id}c${i}`, ...(e.MessageDeduplicationId ? { MessageDeduplicationId: `${e.MessageDeduplicationId}-${i}` } : {}) })),
      );
      for (let i = copies.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [copies[i], copies[j]] = [copies[j], copies[i]];
      }
      stats.copies += copies.length;
      for (let i = 0; i < copies.length; i += 10) {
        const chunk = copies.slice(i, i + 10);
        if (stats.batches++ % 2 === 0) {
          await deliver(QueueUrl, chunk);
          continue;
        }
        stats.held++;
        pending++;
        setTimeout(() => void deliver(QueueUrl, chunk).finally(() => pending--), 100 + rng() * 300);
      }
      return { Successful: Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: '' })), Failed: [] };
    },
  });
  return { client, stats, pending: () => pending };
}

