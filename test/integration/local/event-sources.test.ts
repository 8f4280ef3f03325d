/**
 * The local event source mappings against the real emulators: the stream poller on DynamoDB
 * Local's stream of the log table, the SQS poller on fauxqs queues made by createQueues.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand, GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import {
  dynamoCheckpoints,
  localStreamsClient,
  memoryCheckpoints,
  startSqsPoller,
  startStreamPoller,
  type StreamBatchFailure,
  type StreamPollerOptions,
} from '../../../lib/local/event-sources.ts';
import { createQueues, localSqsClient } from '../../../lib/local/queues.ts';
import type { QueueSpec, TableNames } from '../../../lib/topology.ts';
import { freshTables, testEndpoint } from '../../helpers/dynamodb.ts';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('stream poller on DynamoDB Local', () => {
  let ddb: DynamoDBClient;
  let tables: TableNames;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;

  before(async () => {
    ({ client: ddb, tables } = await freshTables());
    streams = localStreamsClient(testEndpoint());
    const d = await ddb.send(new DescribeTableCommand({ TableName: tables.log }));
    streamArn = d.Table?.LatestStreamArn ?? '';
    assert.ok(streamArn, 'the log table has a stream');
  });
  after(() => {
    streams.destroy();
    ddb.destroy();
  });

  // The tests share the log table: each writes its own pk and looks at its own records only.
  const put = (pk: string, rev: number, extra: Record<string, AttributeValue> = {}) =>
    ddb.send(new PutItemCommand({ TableName: tables.log, Item: { pk: { S: pk }, rev: { N: String(rev) }, ...extra } }));
  const ours = (event: DynamoDBStreamEvent, pk: string) => event.Records.filter((r) => r.dynamodb?.Keys?.pk?.S === pk);
  const revOf = (r: DynamoDBRecord) => Number(r.dynamodb?.Keys?.rev?.N);
  const poller = (o: Pick<StreamPollerOptions, 'handler'> & Partial<StreamPollerOptions>) =>
    startStreamPoller({ client: streams, streamArn, checkpoints: memoryCheckpoints(), idlePollMs: 20, retryDelayMs: 5, ...o });

  it('hands over every record once, in order, in batches of at most batchSize, shaped like Lambda events', async () => {
    const seen: DynamoDBRecord[] = [];
    const all: string[] = [];
    const sizes: number[] = [];
    const p = poller({
      batchSize: 25,
      handler: async (event) => {
        sizes.push(event.Records.length);
        all.push(...event.Records.map((r) => r.dynamodb?.SequenceNumber ?? ''));
        seen.push(...ours(event, 'order'));
      },
    });
    try {
      await put('order', 1, {
        bin: { B: new Uint8Array([1, 2, 255]) },
        nested: { M: { bs: { BS: [new Uint8Array([3]), new Uint8Array([4, 5])] }, l: { L: [{ B: new Uint8Array([6]) }, { NULL: true }, { NS: ['1', '2'] }] } } },
      });
      for (const rev of range(2, 150)) await put('order', rev);
      await sleep(50); // some batches go while records are still being written
      for (const rev of range(151, 300)) await put('order', rev);
      await p.caughtUp();
      assert.deepEqual(seen.map(revOf), range(1, 300));
      assert.ok(sizes.every((n) => n >= 1 && n <= 25), `batch sizes ${sizes.join(',')}`);
      assert.ok(sizes.length >= 12, `${sizes.length} batches`);
      assert.equal(new Set(all).size, all.length, 'no record twice');
      const seqs = all.map(BigInt);
      assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), 'sequence numbers ascend');

      const first = seen[0];
      assert.deepEqual(JSON.parse(JSON.stringify(first)), first, 'plain JSON, like the event Lambda sends');
      assert.deepEqual(Object.keys(first), ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN']);
      assert.equal(first.eventName, 'INSERT');
      assert.equal(first.eventVersion, '1.1');
      assert.equal(first.eventSource, 'aws:dynamodb');
      assert.equal(first.awsRegion, 'us-east-1');
      assert.equal(first.eventSourceARN, streamArn);
      assert.match(first.eventID ?? '', /\S/);
      const s = first.dynamodb ?? {};
      assert.deepEqual(Object.keys(s), ['ApproximateCreationDateTime', 'Keys', 'NewImage', 'SequenceNumber', 'SizeBytes', 'StreamViewType']);
      assert.equal(typeof s.ApproximateCreationDateTime, 'number');
      assert.ok(Math.abs((s.ApproximateCreationDateTime ?? 0) - Date.now() / 1000) < 180, 'epoch seconds');
      assert.deepEqual(s.Keys, { pk: { S: 'order' }, rev: { N: '1' } });
      assert.equal(s.StreamViewType, 'NEW_IMAGE');
      assert.equal(typeof s.SizeBytes, 'number');
      assert.deepEqual(s.NewImage?.bin, { B: 'AQL/' }, 'binary as base64');
      assert.deepEqual(s.NewImage?.nested, { M: { bs: { BS: ['Aw==', 'BAU='] }, l: { L: [{ B: 'Bg==' }, { NULL: true }, { NS: ['1', '2'] }] } } });
    } finally {
      await p.stop();
    }
  });

  it('starts again after its checkpoint: a new poller with the same checkpoints gets only newer records', async () => {
    const checkpoints = dynamoCheckpoints(ddb, tables.meta, 'restart');
    const firstRun: number[] = [];
    const a = poller({ checkpoints, handler: async (event) => void firstRun.push(...ours(event, 'restart').map(revOf)) });
    for (const rev of range(1, 20)) await put('restart', rev);
    await a.caughtUp();
    await a.stop();
    assert.deepEqual(firstRun, range(1, 20));

    for (const rev of range(21, 30)) await put('restart', rev);
    const secondRun: DynamoDBRecord[] = [];
    const b = poller({ checkpoints, handler: async (event) => void secondRun.push(...event.Records) });
    try {
      await b.caughtUp();
      assert.deepEqual(secondRun.map(revOf), range(21, 30), 'nothing before the checkpoint, from any test');
      assert.ok(secondRun.every((r) => r.dynamodb?.Keys?.pk?.S === 'restart'));
    } finally {
      await b.stop();
    }
    const d = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = d.StreamDescription?.Shards?.at(-1)?.ShardId ?? '';
    const item = await ddb.send(new GetItemCommand({ TableName: tables.meta, Key: { pk: { S: `checkpoint#restart#${shardId}` } }, ConsistentRead: true }));
    assert.equal(item.Item?.seq?.S, secondRun.at(-1)?.dynamodb?.SequenceNumber, 'the meta item holds the last sequence number');
    assert.deepEqual(Object.keys(item.Item ?? {}).sort(), ['pk', 'seq']);
  });

  it('isolates a poison record by bisection, gives it to onFailure after retryAttempts, and delivers the rest once', async () => {
    const delivered: number[] = [];
    const failures: StreamBatchFailure[] = [];
    let poisonSeq = '';
    let poisonAlone = 0;
    const p = poller({
      batchSize: 16,
      retryAttempts: 2,
      onFailure: async (f) => void failures.push(f),
      handler: async (event) => {
        const mine = ours(event, 'poison');
        const bad = mine.find((r) => r.dynamodb?.NewImage?.poison?.BOOL === true);
        if (bad) {
          poisonSeq = bad.dynamodb?.SequenceNumber ?? '';
          if (event.Records.length === 1) poisonAlone++;
          throw new Error('cannot digest this');
        }
        delivered.push(...mine.map(revOf));
      },
    });
    try {
      for (const rev of range(1, 40)) await put('poison', rev, rev === 17 ? { poison: { BOOL: true } } : {});
      await p.caughtUp();
      assert.deepEqual(delivered, range(1, 40).filter((r) => r !== 17), 'every other record once, in order');
      assert.equal(failures.length, 1);
      const f = failures[0];
      assert.equal(f.batchSize, 1);
      assert.equal(f.startSequenceNumber, poisonSeq);
      assert.equal(f.endSequenceNumber, poisonSeq);
      assert.equal(f.attempts, 3, 'the first invocation and two retries');
      assert.equal(poisonAlone, 3);
      assert.equal(f.streamArn, streamArn);
      assert.match(f.error.message, /cannot digest/);
      assert.match(f.approximateArrivalOfFirstRecord ?? '', /^\d{4}-\d\d-\d\dT/);
    } finally {
      await p.stop();
    }
  });

  it('retries from the lowest record named in batchItemFailures and checkpoints before it', async () => {
    const invocations: number[][] = [];
    const checkpoints = memoryCheckpoints();
    let failedOnce = false;
    let failedSeq = '';
    const p = poller({
      batchSize: 10,
      checkpoints,
      handler: async (event) => {
        const mine = ours(event, 'partial');
        if (mine.length > 0) invocations.push(mine.map(revOf));
        const r5 = mine.find((r) => revOf(r) === 5);
        const r7 = mine.find((r) => revOf(r) === 7);
        if (!failedOnce && r5 && r7) {
          failedOnce = true;
          failedSeq = r5.dynamodb?.SequenceNumber ?? '';
          // Out of order on purpose: the lowest sequence number counts.
          return { batchItemFailures: [{ itemIdentifier: r7.dynamodb?.SequenceNumber ?? '' }, { itemIdentifier: failedSeq }] };
        }
      },
    });
    try {
      for (const rev of range(1, 30)) await put('partial', rev);
      await p.caughtUp();
      assert.ok(failedOnce);
      const failedAt = invocations.findIndex((revs) => revs.includes(5));
      assert.equal(invocations[failedAt + 1][0], 5, `the retry starts at the failed record: ${JSON.stringify(invocations)}`);
      const counts = new Map<number, number>();
      for (const rev of invocations.flat()) counts.set(rev, (counts.get(rev) ?? 0) + 1);
      assert.deepEqual([...counts.keys()].sort((x, y) => x - y), range(1, 30));
      for (const rev of range(1, 4)) assert.equal(counts.get(rev), 1, `record ${rev} came before the failure: not handed over again`);
      assert.equal(counts.get(5), 2);
      const flat = [...new Set(invocations.flat())];
      assert.deepEqual(flat, range(1, 30), 'in order');
    } finally {
      await p.stop();
    }
  });

  it('stops promptly, after the handler call in flight, whose batch it checkpoints', async () => {
    const checkpoints = memoryCheckpoints();
    let entered = false;
    let finished = false;
    let lastSeq = '';
    const p = poller({
      checkpoints,
      handler: async (event) => {
        const mine = ours(event, 'slow');
        if (mine.length === 0) return;
        entered = true;
        await sleep(300);
        lastSeq = event.Records.at(-1)?.dynamodb?.SequenceNumber ?? '';
        finished = true;
      },
    });
    await put('slow', 1);
    await until('the slow handler', () => entered);
    const t0 = Date.now();
    await p.stop();
    assert.ok(finished, 'stop waited for the handler');
    assert.ok(Date.now() - t0 < 1000, `stop took ${Date.now() - t0} ms`);
    assert.equal([...checkpoints.entries.values()].at(-1), lastSeq);
    await assert.rejects(p.caughtUp(), /stopped/);

    const idle = poller({ handler: async () => {} });
    await idle.caughtUp();
    const t1 = Date.now();
    await idle.stop();
    assert.ok(Date.now() - t1 < 300, `an idle poller stops in ${Date.now() - t1} ms`);
  });
});

describe('SQS poller on fauxqs', () => {
  let server: FauxqsServer;
  let sqs: SQSClient;
  let n = 0;

  before(async () => {
    server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
    sqs = localSqsClient(`http://127.0.0.1:${server.port}`);
  });
  after(async () => {
    sqs.destroy();
    await server.stop();
  });

  const spec = (o: Partial<QueueSpec> = {}): QueueSpec => ({ id: 'q', fifo: false, visibilityTimeoutSeconds: 1, maxReceiveCount: 3, purpose: 'test', ...o });
  const queue = async (o: Partial<QueueSpec> = {}) => (await createQueues(sqs, `t${++n}-`, [spec(o)])).q;
  const counts = async (url: string) => {
    const r = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(r.Attributes?.ApproximateNumberOfMessages) + Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible);
  };
  const sendAll = async (url: string, bodies: string[], group?: string) => {
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: bodies.slice(i, i + 10).map((b, j) => ({
            Id: String(j),
            MessageBody: b,
            ...(group ? { MessageGroupId: group, MessageDeduplicationId: b } : {}),
          })),
        }),
      );
    }
  };

  it('createQueues makes each queue and its DLQ with the spec’s attributes, and is idempotent', async () => {
    const specs = [spec({ id: 'std', maxReceiveCount: 4 }), spec({ id: 'work', fifo: true, visibilityTimeoutSeconds: 7 })];
    const q = await createQueues(sqs, 'cq-', specs);
    assert.match(q.std.url, /\/cq-std$/);
    assert.match(q.std.dlqUrl, /\/cq-std-dlq$/);
    assert.match(q.work.url, /\/cq-work\.fifo$/);
    assert.match(q.work.dlqArn, /:cq-work-dlq\.fifo$/);
    const attrs = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
    const work = await attrs(q.work.url);
    assert.equal(work.FifoQueue, 'true');
    assert.equal(work.ContentBasedDeduplication, 'false');
    assert.equal(work.VisibilityTimeout, '7');
    assert.deepEqual(JSON.parse(work.RedrivePolicy ?? '{}'), { deadLetterTargetArn: q.work.dlqArn, maxReceiveCount: 3 });
    assert.equal((await attrs(q.work.dlqUrl)).FifoQueue, 'true');
    assert.equal((await attrs(q.std.url)).FifoQueue, undefined);

    const again = await createQueues(sqs, 'cq-', [spec({ id: 'std', maxReceiveCount: 4 }), spec({ id: 'work', fifo: true, visibilityTimeoutSeconds: 9 })]);
    assert.deepEqual(again, q, 'same queues');
    assert.equal((await attrs(q.work.url)).VisibilityTimeout, '9', 'a changed spec applies to the existing queue');
  });

  it('hands over batches of at most batchSize with Lambda’s record shape and deletes what succeeded', async () => {
    const q = await queue();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: 'hello',
        MessageAttributes: {
          s: { DataType: 'String', StringValue: 'x' },
          n: { DataType: 'Number', StringValue: '5' },
          b: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
        },
      }),
    );
    await sendAll(q.url, range(1, 24).map(String));
    const records: SQSRecord[] = [];
    const sizes: number[] = [];
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      waitTimeSeconds: 1,
      handler: async (event) => {
        sizes.push(event.Records.length);
        records.push(...event.Records);
      },
    });
    try {
      await until('25 messages', () => records.length >= 25);
      await until('the deletes', async () => (await counts(q.url)) === 0);
    } finally {
      await p.stop();
    }
    assert.equal(records.length, 25);
    assert.equal(new Set(records.map((r) => r.messageId)).size, 25);
    assert.ok(sizes.every((s) => s >= 1 && s <= 10), `batch sizes ${sizes.join(',')}`);
    const r = records.find((x) => x.body === 'hello');
    assert.ok(r);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON');
    assert.deepEqual(Object.keys(r), [
      'messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfBody', 'md5OfMessageAttributes', 'eventSource', 'eventSourceARN', 'awsRegion',
    ]);
    assert.equal(r.messageId, sent.MessageId);
    assert.equal(r.md5OfBody, sent.MD5OfMessageBody);
    assert.equal(r.md5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(r.eventSource, 'aws:sqs');
    assert.equal(r.eventSourceARN, q.arn);
    assert.equal(r.awsRegion, 'us-east-1');
    assert.deepEqual(Object.keys(r.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    assert.equal(r.attributes.ApproximateReceiveCount, '1');
    assert.match(r.attributes.SentTimestamp, /^\d{13}$/);
    assert.deepEqual(r.messageAttributes, {
      s: { stringValue: 'x', stringListValues: [], binaryListValues: [], dataType: 'String' },
      n: { stringValue: '5', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      b: { binaryValue: 'AQI=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    const plain = records.find((x) => x.body === '1');
    assert.deepEqual(plain?.messageAttributes, {});
    assert.equal(plain && 'md5OfMessageAttributes' in plain, false);
  });

  it('redelivers only the messages named in batchItemFailures, after the visibility timeout', async () => {
    const q = await queue();
    await sendAll(q.url, ['m0', 'm1', 'm2', 'm3', 'm4']);
    const seen: { body: string; count: string; at: number }[] = [];
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      waitTimeSeconds: 1,
      handler: async (event): Promise<SQSBatchResponse> => {
        const failed = [];
        for (const r of event.Records) {
          seen.push({ body: r.body, count: r.attributes.ApproximateReceiveCount, at: Date.now() });
          if (r.body === 'm2' && r.attributes.ApproximateReceiveCount === '1') failed.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failed };
      },
    });
    try {
      await until('m2 twice', () => seen.filter((s) => s.body === 'm2').length === 2, 5000);
      await sleep(200);
      await until('the deletes', async () => (await counts(q.url)) === 0);
    } finally {
      await p.stop();
    }
    const m2 = seen.filter((s) => s.body === 'm2');
    assert.deepEqual(m2.map((s) => s.count), ['1', '2']);
    assert.ok(m2[1].at - m2[0].at >= 900, `back after the visibility timeout (${m2[1].at - m2[0].at} ms)`);
    assert.deepEqual(seen.map((s) => s.body).sort(), ['m0', 'm1', 'm2', 'm2', 'm3', 'm4'], 'the others once');
  });

  it('treats an itemIdentifier that is not in the batch as a failure of the whole batch', async () => {
    const q = await queue();
    await sendAll(q.url, ['a', 'b', 'c']);
    const seen: string[] = [];
    let first = true;
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      waitTimeSeconds: 1,
      handler: async (event) => {
        seen.push(...event.Records.map((r) => `${r.body}${r.attributes.ApproximateReceiveCount}`));
        if (first) {
          first = false;
          return { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] };
        }
      },
    });
    try {
      await until('the retry', () => seen.length >= 6, 5000);
      await until('the deletes', async () => (await counts(q.url)) === 0);
    } finally {
      await p.stop();
    }
    assert.deepEqual(seen.sort(), ['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  });

  it('loses nothing when the handler throws: the batch comes back after the visibility timeout', async () => {
    const q = await queue();
    await sendAll(q.url, ['x1', 'x2', 'x3', 'x4']);
    const thrownOn: string[] = [];
    const done: string[] = [];
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      waitTimeSeconds: 1,
      handler: async (event) => {
        if (thrownOn.length === 0) {
          thrownOn.push(...event.Records.map((r) => r.body));
          throw new Error('boom');
        }
        for (const r of event.Records) done.push(`${r.body}:${r.attributes.ApproximateReceiveCount}`);
      },
    });
    try {
      await until('every message handled', () => done.length >= 4, 5000);
      await until('the deletes', async () => (await counts(q.url)) === 0);
    } finally {
      await p.stop();
    }
    assert.ok(thrownOn.length > 0);
    assert.deepEqual(done.map((d) => d.split(':')[0]).sort(), ['x1', 'x2', 'x3', 'x4']);
    for (const d of done) {
      const [body, count] = d.split(':');
      assert.equal(count, thrownOn.includes(body) ? '2' : '1', d);
    }
  });

  it('lets the queue move a poison message to the DLQ after maxReceiveCount receives, without holding up the rest', async () => {
    const q = await queue({ maxReceiveCount: 2 });
    await sendAll(q.url, ['poison']);
    const poisonAt: number[] = [];
    const goodAt = new Map<string, number>();
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      batchSize: 1,
      waitTimeSeconds: 1,
      handler: async (event): Promise<SQSBatchResponse> => {
        const r = event.Records[0];
        if (r.body === 'poison') {
          poisonAt.push(Date.now());
          return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
        }
        goodAt.set(r.body, Date.now());
        return { batchItemFailures: [] };
      },
    });
    let dlq: string[] = [];
    try {
      await until('the first receive', () => poisonAt.length === 1);
      await sendAll(q.url, range(1, 8).map((i) => `good${i}`));
      await until('the good ones', () => goodAt.size === 8);
      assert.equal(poisonAt.length, 1, 'the good messages went while the poison one was invisible');
      await until('the DLQ', async () => {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        dlq = (r.Messages ?? []).map((m) => m.Body ?? '');
        return dlq.length > 0;
      }, 6000);
    } finally {
      await p.stop();
    }
    assert.deepEqual(dlq, ['poison']);
    assert.equal(poisonAt.length, 2, 'handed over maxReceiveCount times');
    assert.equal(await counts(q.url), 0);
  });

  it('keeps each message group in order on a FIFO queue with concurrency > 1, across a retry', async () => {
    const q = await queue({ fifo: true });
    const groups = ['g1', 'g2', 'g3'];
    for (const g of groups) await sendAll(q.url, range(0, 9).map((i) => `${g}-${i}`), g);
    const order = new Map<string, number[]>(groups.map((g) => [g, []]));
    let active = 0;
    let maxActive = 0;
    let failedOnce = false;
    let sample: SQSRecord | undefined;
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      batchSize: 1,
      concurrency: 3,
      waitTimeSeconds: 1,
      handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        active++;
        maxActive = Math.max(maxActive, active);
        try {
          await sleep(10);
          const r = event.Records[0];
          sample ??= r;
          const [g, i] = r.body.split('-');
          order.get(g)?.push(Number(i));
          if (r.body === 'g1-4' && !failedOnce) {
            failedOnce = true;
            return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
          }
          return { batchItemFailures: [] };
        } finally {
          active--;
        }
      },
    });
    try {
      await until('every group', () => [...order.values()].every((o) => o.at(-1) === 9), 8000);
      await until('the deletes', async () => (await counts(q.url)) === 0);
    } finally {
      await p.stop();
    }
    assert.deepEqual(order.get('g1'), [0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9], 'nothing of g1 passed its failed message');
    assert.deepEqual(order.get('g2'), range(0, 9));
    assert.deepEqual(order.get('g3'), range(0, 9));
    assert.ok(maxActive >= 2, `invocations at once: ${maxActive}`);
    assert.ok(sample);
    assert.deepEqual(Object.keys(sample.attributes), [
      'ApproximateReceiveCount', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp',
    ]);
    assert.equal(sample.attributes.MessageGroupId, sample.body.split('-')[0]);
    assert.equal(sample.attributes.MessageDeduplicationId, sample.body);
  });

  it('stops promptly while long-polling, after the handler call in flight and its deletes', async () => {
    const q = await queue({ visibilityTimeoutSeconds: 30 });
    let finished = false;
    let entered = false;
    const p = startSqsPoller({
      client: sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      concurrency: 2,
      handler: async () => {
        entered = true;
        await sleep(300);
        finished = true;
      },
    });
    await sendAll(q.url, ['slow']);
    await until('the handler', () => entered);
    const t0 = Date.now();
    await p.stop();
    assert.ok(finished, 'stop waited for the handler');
    assert.ok(Date.now() - t0 < 1000, `stop took ${Date.now() - t0} ms`);
    assert.equal(await counts(q.url), 0, 'and deleted its message');
  });
});
