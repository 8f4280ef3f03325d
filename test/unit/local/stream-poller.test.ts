/**
 * The stream poller's shard handling against a scripted DynamoDB Streams client: shard lineage
 * (a parent to its end before its children), paged DescribeStream, expired iterators, trimmed
 * checkpoints, and the batching window.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { memoryCheckpoints, startStreamPoller, streamFailureMessage } from '../../../lib/local/stream-poller.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t-log/stream/2030-01-01T00:00:00.000';

interface FakeShard {
  id: string;
  parent?: string;
  closed: boolean;
  records: _Record[];
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** A stream held in memory, answering the four calls the poller makes. */
class FakeStream {
  shards: FakeShard[] = [];
  private seq = 0;
  calls: string[] = [];
  /** Iterators handed out before this count are reported expired once. */
  expireIteratorsOnce = false;
  trimmedBefore = 0;
  private expired = new Set<string>();

  shard(id: string, parent?: string): FakeShard {
    const s: FakeShard = { id, parent, closed: false, records: [] };
    this.shards.push(s);
    return s;
  }

  write(shard: FakeShard, key: string): void {
    const seq = String(++this.seq).padStart(21, '0');
    shard.records.push({
      eventID: `e${seq}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2030-01-01T00:00:00Z'),
        Keys: { pk: { S: key } },
        NewImage: { pk: { S: key }, b: { B: new Uint8Array([0xff, 0]) } },
        SequenceNumber: seq,
        SizeBytes: 10,
        StreamViewType: 'NEW_IMAGE',
      },
    });
  }

  client(): DynamoDBStreamsClient {
    return { send: (cmd: unknown) => this.send(cmd) } as unknown as DynamoDBStreamsClient;
  }

  private async send(cmd: unknown): Promise<unknown> {
    if (cmd instanceof DescribeStreamCommand) {
      this.calls.push(`describe ${cmd.input.ExclusiveStartShardId ?? ''}`);
      // One shard per page, children listed before parents.
      const all = [...this.shards].reverse();
      const from = cmd.input.ExclusiveStartShardId ? all.findIndex((s) => s.id === cmd.input.ExclusiveStartShardId) + 1 : 0;
      const page = all.slice(from, from + 1);
      return {
        StreamDescription: {
          Shards: page.map((s) => ({ ShardId: s.id, ParentShardId: s.parent })),
          LastEvaluatedShardId: from + 1 < all.length ? page[0].id : undefined,
        },
      };
    }
    if (cmd instanceof GetShardIteratorCommand) {
      const { ShardId, ShardIteratorType, SequenceNumber } = cmd.input;
      this.calls.push(`iterator ${ShardId} ${ShardIteratorType} ${SequenceNumber ?? ''}`);
      const shard = this.shards.find((s) => s.id === ShardId);
      if (!shard) throw named('ResourceNotFoundException', 'no shard');
      if (ShardIteratorType === 'TRIM_HORIZON') return { ShardIterator: `${ShardId}|${this.trimmedBefore}` };
      if (Number(SequenceNumber) < this.trimmedBefore) throw named('TrimmedDataAccessException', 'trimmed');
      return { ShardIterator: `${ShardId}|${Number(SequenceNumber)}` };
    }
    if (cmd instanceof GetRecordsCommand) {
      const it = cmd.input.ShardIterator ?? '';
      if (this.expireIteratorsOnce && !this.expired.has(it)) {
        this.expired.add(it);
        throw named('ExpiredIteratorException', 'expired');
      }
      const [id, after] = it.split('|');
      const shard = this.shards.find((s) => s.id === id);
      if (!shard) throw named('ResourceNotFoundException', 'no shard');
      const rest = shard.records.filter((r) => Number(r.dynamodb?.SequenceNumber) > Number(after));
      const records = rest.slice(0, cmd.input.Limit ?? 1000);
      const last = records.length > 0 ? Number(records[records.length - 1].dynamodb?.SequenceNumber) : Number(after);
      const end = shard.closed && records.length === rest.length;
      return { Records: records, NextShardIterator: end ? undefined : `${id}|${last}` };
    }
    throw new Error(`unexpected command ${String(cmd)}`);
  }
}

const keys = (events: DynamoDBStreamEvent[]) => events.flatMap((e) => e.Records.map((r) => r.dynamodb?.Keys?.pk?.S));

describe('stream poller: shards', () => {
  it('reads a parent shard to its end before its children, across paged shard lists', async () => {
    const f = new FakeStream();
    const parent = f.shard('shard-a');
    const child = f.shard('shard-b', 'shard-a');
    const grandchild = f.shard('shard-c', 'shard-b');
    for (let i = 0; i < 5; i++) f.write(parent, `a${i}`);
    parent.closed = true;
    for (let i = 0; i < 5; i++) f.write(child, `b${i}`);
    child.closed = true;
    for (let i = 0; i < 3; i++) f.write(grandchild, `c${i}`);
    const events: DynamoDBStreamEvent[] = [];
    const checkpoints = memoryCheckpoints();
    const p = startStreamPoller({
      client: f.client(),
      streamArn: ARN,
      checkpoints,
      batchSize: 2,
      idlePollMs: 5,
      handler: async (e) => void events.push(e),
    });
    await p.caughtUp();
    f.write(grandchild, 'c3');
    await p.caughtUp();
    await p.stop();
    assert.deepEqual(keys(events), ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4', 'c0', 'c1', 'c2', 'c3']);
    assert.ok(events.every((e) => e.Records.length <= 2));
    assert.ok(f.calls.includes('describe shard-c'), 'followed LastEvaluatedShardId');
    assert.deepEqual(Object.fromEntries(checkpoints.entries), {
      'shard-a': '000000000000000000005',
      'shard-b': '000000000000000000010',
      'shard-c': '000000000000000000014',
    });
    const r = events[0].Records[0];
    assert.equal(r.dynamodb?.ApproximateCreationDateTime, Date.parse('2030-01-01T00:00:00Z') / 1000);
    assert.deepEqual(r.dynamodb?.NewImage?.b, { B: '/wA=' });
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.eventSourceARN, ARN);
  });

  it('resumes a closed parent from its checkpoint on restart and goes on to the child', async () => {
    const f = new FakeStream();
    const parent = f.shard('shard-a');
    const child = f.shard('shard-b', 'shard-a');
    for (let i = 0; i < 4; i++) f.write(parent, `a${i}`);
    parent.closed = true;
    for (let i = 0; i < 2; i++) f.write(child, `b${i}`);
    const events: DynamoDBStreamEvent[] = [];
    const p = startStreamPoller({
      client: f.client(),
      streamArn: ARN,
      checkpoints: memoryCheckpoints({ 'shard-a': '000000000000000000002' }),
      idlePollMs: 5,
      handler: async (e) => void events.push(e),
    });
    await p.caughtUp();
    await p.stop();
    assert.deepEqual(keys(events), ['a2', 'a3', 'b0', 'b1']);
    assert.ok(f.calls.includes('iterator shard-a AFTER_SEQUENCE_NUMBER 000000000000000000002'));
    assert.ok(f.calls.includes('iterator shard-b TRIM_HORIZON '));
  });

  it('gets a new iterator after an expired one, from where it was, and reads from the oldest record when the checkpoint was trimmed', async () => {
    const f = new FakeStream();
    const s = f.shard('shard-a');
    for (let i = 0; i < 6; i++) f.write(s, `a${i}`);
    f.expireIteratorsOnce = true;
    f.trimmedBefore = 3;
    const events: DynamoDBStreamEvent[] = [];
    const lines: string[] = [];
    const p = startStreamPoller({
      client: f.client(),
      streamArn: ARN,
      checkpoints: memoryCheckpoints({ 'shard-a': '000000000000000000001' }),
      batchSize: 2,
      idlePollMs: 5,
      log: (l) => lines.push(l),
      handler: async (e) => void events.push(e),
    });
    await p.caughtUp();
    await p.stop();
    assert.deepEqual(keys(events), ['a3', 'a4', 'a5'], 'records 2 and 3 were trimmed; nothing twice');
    assert.ok(lines.some((l) => /trimmed/.test(l)));
  });

  it('waits up to maxBatchingWindowMs to fill a batch', async () => {
    const f = new FakeStream();
    const s = f.shard('shard-a');
    f.write(s, 'a0');
    const events: DynamoDBStreamEvent[] = [];
    const p = startStreamPoller({
      client: f.client(),
      streamArn: ARN,
      checkpoints: memoryCheckpoints(),
      batchSize: 3,
      maxBatchingWindowMs: 150,
      idlePollMs: 5,
      handler: async (e) => void events.push(e),
    });
    await new Promise((ok) => setTimeout(ok, 50));
    f.write(s, 'a1');
    await p.caughtUp();
    await p.stop();
    assert.deepEqual(events.map((e) => e.Records.length), [2], 'one batch with both records');
  });
});

describe('stream poller: on-failure message', () => {
  it('has the shape Lambda sends to an on-failure destination', () => {
    const m = streamFailureMessage(
      {
        streamArn: ARN,
        shardId: 'shard-a',
        startSequenceNumber: '1',
        endSequenceNumber: '3',
        approximateArrivalOfFirstRecord: '2030-01-01T00:00:00.000Z',
        approximateArrivalOfLastRecord: '2030-01-01T00:00:01.000Z',
        batchSize: 3,
        attempts: 11,
        error: new Error('x'),
      },
      new Date('2030-01-01T00:01:00Z'),
    );
    assert.deepEqual(m, {
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2030-01-01T00:01:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shard-a',
        startSequenceNumber: '1',
        endSequenceNumber: '3',
        approximateArrivalOfFirstRecord: '2030-01-01T00:00:00.000Z',
        approximateArrivalOfLastRecord: '2030-01-01T00:00:01.000Z',
        batchSize: 3,
        streamArn: ARN,
      },
    });
  });
});
