/**
 * A Lambda event source mapping on a DynamoDB stream, reproduced for the local runtime: the same
 * handler module gets the same `DynamoDBStreamEvent` it gets on AWS, with the mapping's settings
 * as the CDK stack configures them (TRIM_HORIZON, ReportBatchItemFailures, bisect on error,
 * retry attempts, an on-failure destination).
 *
 * Per shard, in shard order (a parent to its end before its children: DynamoDB Local closes
 * shards and opens new ones too): records are read from the shard's checkpoint (or the oldest
 * record), handed over in order in batches of at most `batchSize`, and the checkpoint moves past
 * every batch that succeeded. A failed batch blocks its shard until it succeeds or is given up:
 * - a handler that throws (or answers with an itemIdentifier that is not one of the batch's
 *   sequence numbers) failed the whole batch. With bisection on, a failed batch of more than one
 *   record is split in halves, retried in order, and so on down to the one record that fails;
 *   splitting does not use up retries, so a poison record is always isolated;
 * - `batchItemFailures` checkpoints before the lowest failed sequence number and retries from it
 *   (one retry used);
 * - after `retryAttempts` retries the batch is given up: `onFailure` gets its position (not its
 *   records, like Lambda's on-failure destination) and the checkpoint moves past it.
 * Delivery is at least once: a stop or a crash between a handler's success and the checkpoint
 * write hands that batch over again on the next start.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type AttributeValue as StreamAttributeValue,
  DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import { LOCAL_AWS, localSigning } from './tables.ts';

/** A DynamoDB Streams client for DynamoDB Local, with the same fixed credentials as the tables'. */
export function localStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint, maxAttempts: 3, ...localSigning('dynamodb') });
}

/** Where a consumer is in each shard: the sequence number of the last record it is done with. */
export interface CheckpointStore {
  load(shardId: string): Promise<string | undefined>;
  save(shardId: string, sequenceNumber: string): Promise<void>;
}

/** Checkpoints as items `checkpoint#${name}#${shardId}` → `seq` in the meta table. */
export function dynamoCheckpoints(client: DynamoDBClient, metaTable: string, name: string): CheckpointStore {
  const pk = (shardId: string) => ({ S: `checkpoint#${name}#${shardId}` });
  return {
    async load(shardId) {
      const r = await client.send(new GetItemCommand({ TableName: metaTable, Key: { pk: pk(shardId) }, ConsistentRead: true }));
      return r.Item?.seq?.S;
    },
    async save(shardId, sequenceNumber) {
      await client.send(new PutItemCommand({ TableName: metaTable, Item: { pk: pk(shardId), seq: { S: sequenceNumber } } }));
    },
  };
}

/** Checkpoints that last as long as the process (tests, throwaway runs). */
export function memoryCheckpoints(initial?: Record<string, string>): CheckpointStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>(Object.entries(initial ?? {}));
  return {
    entries,
    async load(shardId) {
      return entries.get(shardId);
    },
    async save(shardId, sequenceNumber) {
      entries.set(shardId, sequenceNumber);
    },
  };
}

/** A batch given up after its retries: what Lambda writes to an on-failure destination. */
export interface StreamBatchFailure {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  /** ISO 8601, from the records' ApproximateCreationDateTime. */
  approximateArrivalOfFirstRecord?: string;
  approximateArrivalOfLastRecord?: string;
  batchSize: number;
  /** Invocations of this batch: the first one and its retries. */
  attempts: number;
  /** Why the last invocation failed. */
  error: Error;
}

/** The message Lambda sends to an SQS or SNS on-failure destination for a stream batch. */
export function streamFailureMessage(failure: StreamBatchFailure, now = new Date()): Record<string, unknown> {
  return {
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: failure.attempts },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: failure.shardId,
      startSequenceNumber: failure.startSequenceNumber,
      endSequenceNumber: failure.endSequenceNumber,
      approximateArrivalOfFirstRecord: failure.approximateArrivalOfFirstRecord,
      approximateArrivalOfLastRecord: failure.approximateArrivalOfLastRecord,
      batchSize: failure.batchSize,
      streamArn: failure.streamArn,
    },
  };
}

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  checkpoints: CheckpointStore;
  /** Records per invocation (default 100). */
  batchSize?: number;
  /** Wait up to this long for a batch to fill (default 0: hand over what there is). */
  maxBatchingWindowMs?: number;
  /** Retries of a failing batch before it is given up (default 10; -1: until it succeeds). */
  retryAttempts?: number;
  /** Split a batch that fails as a whole and retry the halves (default true). */
  bisectBatchOnFunctionError?: boolean;
  /** Lambda's on-failure destination: called (until it succeeds) for each batch given up. */
  onFailure?: (failure: StreamBatchFailure) => Promise<void>;
  /** Pause between reads that found nothing new (default 100 ms). */
  idlePollMs?: number;
  /** First retry's delay; it doubles per retry up to 5 s (default 100 ms). */
  retryDelayMs?: number;
  /** How often the shard list is read again while nothing else asks for it (default 5 s). */
  describeIntervalMs?: number;
  /** The records' `awsRegion` (DynamoDB Local writes `ddblocal`; default us-east-1). */
  awsRegion?: string;
  log?: (line: string) => void;
}

export interface StreamPoller {
  /**
   * Resolves once everything written to the stream before the call has been handed over (or
   * given up): the shard list read again, every open shard read to its end, nothing buffered or
   * in flight. Rejects if the poller stops first.
   */
  caughtUp(): Promise<void>;
  /** Stops reading, waits for the handler call in flight (its batch is checkpointed if it succeeded). */
  stop(): Promise<void>;
}

export function startStreamPoller(opts: StreamPollerOptions): StreamPoller {
  return new ShardPoller(opts).start();
}

/** A record as handed over, with what the poller keeps beside it. */
interface Entry {
  seq: string;
  created?: Date;
  record: DynamoDBRecord;
}

interface ShardState {
  id: string;
  parent?: string;
  status: 'waiting' | 'running' | 'finished';
  /** Records read and not yet handed over or given up. */
  buffered: number;
  busy: boolean;
  /** The caughtUp mark current when a read that found nothing started. */
  emptyReadMark: number;
  wake: Signal;
  done?: Promise<void>;
}

type Outcome = { ok: true } | { ok: false; error: Error; failedFrom?: number };

class Stopped extends Error {}

/** A wake-up for one sleeper; a notify with nobody asleep makes the next sleep return at once. */
class Signal {
  private pending = false;
  private waiter?: () => void;
  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((ok) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        ok();
      };
      const timer = setTimeout(done, ms);
      this.waiter = done;
    });
  }
  notify(): void {
    if (this.waiter) this.waiter();
    else this.pending = true;
  }
}

const MAX_GET_RECORDS = 1000;

class ShardPoller {
  private readonly o: Required<Omit<StreamPollerOptions, 'onFailure' | 'log'>> & Pick<StreamPollerOptions, 'onFailure'>;
  private readonly log: (line: string) => void;
  private readonly shards = new Map<string, ShardState>();
  private readonly mainWake = new Signal();
  private stopped = false;
  private readonly stopping: Promise<void>;
  private stopNow!: () => void;
  private running?: Promise<void>;
  private mark = 0;
  private describedMark = 0;
  private readonly waiters: { mark: number; ok: () => void; fail: (err: Error) => void }[] = [];

  constructor(opts: StreamPollerOptions) {
    this.o = {
      batchSize: 100,
      maxBatchingWindowMs: 0,
      retryAttempts: 10,
      bisectBatchOnFunctionError: true,
      idlePollMs: 100,
      retryDelayMs: 100,
      describeIntervalMs: 5000,
      awsRegion: LOCAL_AWS.region,
      ...definedOnly(opts),
    } as ShardPoller['o'];
    if (!(this.o.batchSize >= 1)) throw new Error(`batchSize must be at least 1, not ${this.o.batchSize}`);
    this.log = opts.log ?? (() => {});
    this.stopping = new Promise((ok) => (this.stopNow = ok));
  }

  start(): StreamPoller {
    this.running = this.run();
    return {
      caughtUp: () => this.caughtUp(),
      stop: () => this.stop(),
    };
  }

  private caughtUp(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('stream poller stopped'));
    const mark = ++this.mark;
    const p = new Promise<void>((ok, fail) => this.waiters.push({ mark, ok, fail }));
    this.mainWake.notify();
    for (const s of this.shards.values()) s.wake.notify();
    return p;
  }

  private async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopNow();
      this.mainWake.notify();
      for (const s of this.shards.values()) s.wake.notify();
    }
    await this.running;
    await Promise.all([...this.shards.values()].map((s) => s.done));
    for (const w of this.waiters.splice(0)) w.fail(new Error('stream poller stopped'));
  }

  /** Sleeps until woken (idle polls, the shard list) unless stopped; a stop ends the sleep at once. */
  private async pause(signal: Signal, ms: number): Promise<void> {
    if (this.stopped) throw new Stopped();
    await signal.sleep(ms);
    if (this.stopped) throw new Stopped();
  }

  /** Sleeps the whole delay (backoffs) unless stopped; a stop ends the sleep at once. */
  private async delay(ms: number): Promise<void> {
    if (this.stopped) throw new Stopped();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((ok) => (timer = setTimeout(ok, ms))), this.stopping]);
    clearTimeout(timer);
    if (this.stopped) throw new Stopped();
  }

  /**
   * Runs a call to the stream or the checkpoint store until it succeeds or the poller stops. It is
   * tried once even when stopping, so the batch a stop waited for still gets its checkpoint.
   */
  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopped) throw new Stopped();
        this.log(`stream poller ${this.o.streamArn}: ${what} failed (attempt ${attempt}): ${message(err)}`);
        await this.delay(Math.min(100 * 2 ** attempt, 5000));
      }
    }
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        const mark = this.mark;
        await this.retrying('DescribeStream', () => this.describe());
        if (this.stopped) return;
        this.describedMark = mark;
        this.startEligible();
        this.checkCaughtUp();
        await this.pause(this.mainWake, this.o.describeIntervalMs);
      }
    } catch (err) {
      if (!(err instanceof Stopped)) throw err;
    }
  }

  private async describe(): Promise<void> {
    let start: string | undefined;
    do {
      const r = await this.o.client.send(new DescribeStreamCommand({ StreamArn: this.o.streamArn, ExclusiveStartShardId: start }));
      for (const shard of r.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
        this.shards.set(shard.ShardId, {
          id: shard.ShardId,
          parent: shard.ParentShardId,
          status: 'waiting',
          buffered: 0,
          busy: false,
          emptyReadMark: 0,
          wake: new Signal(),
        });
      }
      start = r.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** Starts the shards whose parent is done (or no longer in the stream). */
  private startEligible(): void {
    for (const s of this.shards.values()) {
      if (s.status !== 'waiting') continue;
      const parent = s.parent ? this.shards.get(s.parent) : undefined;
      if (parent && parent.status !== 'finished') continue;
      s.status = 'running';
      s.done = this.runShard(s).then(
        () => {
          s.status = 'finished';
          // Its children may start now.
          this.mainWake.notify();
        },
        (err: unknown) => {
          if (!(err instanceof Stopped)) this.log(`stream poller ${this.o.streamArn}: shard ${s.id} failed: ${message(err)}`);
        },
      );
    }
  }

  private checkCaughtUp(): void {
    if (this.waiters.length === 0) return;
    const shards = [...this.shards.values()];
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (this.describedMark < w.mark) continue;
      const done = shards.every(
        (s) => s.status === 'finished' || (s.status === 'running' && s.buffered === 0 && !s.busy && s.emptyReadMark >= w.mark),
      );
      if (done) {
        this.waiters.splice(i, 1);
        w.ok();
      }
    }
  }

  private async iterator(shard: ShardState, after: string | undefined): Promise<string | undefined> {
    return this.retrying(`GetShardIterator for ${shard.id}`, async () => {
      const get = (type: 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON') =>
        this.o.client.send(
          new GetShardIteratorCommand({
            StreamArn: this.o.streamArn,
            ShardId: shard.id,
            ShardIteratorType: type,
            SequenceNumber: type === 'AFTER_SEQUENCE_NUMBER' ? after : undefined,
          }),
        );
      if (after === undefined) return (await get('TRIM_HORIZON')).ShardIterator;
      try {
        return (await get('AFTER_SEQUENCE_NUMBER')).ShardIterator;
      } catch (err) {
        if ((err as Error).name !== 'TrimmedDataAccessException') throw err;
        this.log(`stream poller ${this.o.streamArn}: shard ${shard.id}: records after ${after} were trimmed; reading from the oldest one left`);
        return (await get('TRIM_HORIZON')).ShardIterator;
      }
    });
  }

  private async runShard(shard: ShardState): Promise<void> {
    let position = await this.retrying(`loading the checkpoint of ${shard.id}`, () => this.o.checkpoints.load(shard.id));
    let iterator = await this.iterator(shard, position);
    const buffer: Entry[] = [];
    let firstBufferedAt = 0;
    const { batchSize, maxBatchingWindowMs, idlePollMs } = this.o;
    while (!this.stopped) {
      if (iterator !== undefined && buffer.length < batchSize) {
        const mark = this.mark;
        const want = Math.min(MAX_GET_RECORDS, batchSize - buffer.length);
        let read: { Records?: _Record[]; NextShardIterator?: string } | undefined;
        try {
          read = await this.o.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: want }));
        } catch (err) {
          if (this.stopped) throw new Stopped();
          if ((err as Error).name !== 'ExpiredIteratorException') {
            this.log(`stream poller ${this.o.streamArn}: GetRecords on ${shard.id} failed: ${message(err)}`);
            await this.delay(1000);
          }
          iterator = await this.iterator(shard, position);
          continue;
        }
        iterator = read.NextShardIterator ?? undefined;
        const records = read.Records ?? [];
        if (records.length > 0 && buffer.length === 0) firstBufferedAt = Date.now();
        for (const r of records) {
          const entry = toEntry(r, this.o.streamArn, this.o.awsRegion);
          buffer.push(entry);
          position = entry.seq;
        }
        shard.buffered = buffer.length;
        if (records.length === 0) shard.emptyReadMark = mark;
        // A full read may have more behind it: fill the batch first.
        if (records.length === want && buffer.length < batchSize) continue;
      }
      if (buffer.length > 0) {
        const waited = Date.now() - firstBufferedAt;
        if (buffer.length < batchSize && iterator !== undefined && waited < maxBatchingWindowMs) {
          await this.pause(shard.wake, Math.min(idlePollMs, maxBatchingWindowMs - waited));
          continue;
        }
        const batch = buffer.splice(0, batchSize);
        if (buffer.length > 0) firstBufferedAt = Date.now();
        shard.buffered = buffer.length + batch.length;
        await this.deliver(shard, batch);
        shard.buffered = buffer.length;
        this.checkCaughtUp();
        continue;
      }
      if (iterator === undefined) return; // the shard is closed and read to its end
      this.checkCaughtUp();
      await this.pause(shard.wake, idlePollMs);
    }
    throw new Stopped();
  }

  private async checkpoint(shard: ShardState, seq: string): Promise<void> {
    await this.retrying(`saving the checkpoint of ${shard.id}`, () => this.o.checkpoints.save(shard.id, seq));
  }

  /** Hands a batch over with Lambda's retry, bisect and give-up rules; checkpoints as it goes. */
  private async deliver(shard: ShardState, batch: Entry[]): Promise<void> {
    const { retryAttempts, bisectBatchOnFunctionError, retryDelayMs } = this.o;
    const work: { entries: Entry[]; attempts: number }[] = [{ entries: batch, attempts: 0 }];
    while (work.length > 0) {
      if (this.stopped) throw new Stopped();
      const cur = work[0];
      const outcome = await this.invoke(shard, cur.entries);
      if (outcome.ok) {
        await this.checkpoint(shard, cur.entries[cur.entries.length - 1].seq);
        work.shift();
        continue;
      }
      const invocations = cur.attempts + 1;
      if (outcome.failedFrom !== undefined) {
        if (outcome.failedFrom > 0) await this.checkpoint(shard, cur.entries[outcome.failedFrom - 1].seq);
        cur.entries = cur.entries.slice(outcome.failedFrom);
        cur.attempts++;
      } else if (bisectBatchOnFunctionError && cur.entries.length > 1) {
        const half = Math.ceil(cur.entries.length / 2);
        work.splice(0, 1, { entries: cur.entries.slice(0, half), attempts: 0 }, { entries: cur.entries.slice(half), attempts: 0 });
        this.log(`stream poller ${this.o.streamArn}: shard ${shard.id}: batch of ${cur.entries.length} failed (${outcome.error.message}); retrying it in halves`);
        await this.delay(retryDelayMs);
        continue;
      } else {
        cur.attempts++;
      }
      if (retryAttempts >= 0 && cur.attempts > retryAttempts) {
        const first = cur.entries[0];
        const last = cur.entries[cur.entries.length - 1];
        const failure: StreamBatchFailure = {
          streamArn: this.o.streamArn,
          shardId: shard.id,
          startSequenceNumber: first.seq,
          endSequenceNumber: last.seq,
          approximateArrivalOfFirstRecord: first.created?.toISOString(),
          approximateArrivalOfLastRecord: last.created?.toISOString(),
          batchSize: cur.entries.length,
          attempts: invocations,
          error: outcome.error,
        };
        this.log(
          `stream poller ${this.o.streamArn}: shard ${shard.id}: giving up records ${failure.startSequenceNumber}..${failure.endSequenceNumber} after ${invocations} invocations: ${outcome.error.message}`,
        );
        if (this.o.onFailure) {
          const onFailure = this.o.onFailure;
          await this.retrying('the on-failure destination', () => onFailure(failure));
        }
        await this.checkpoint(shard, last.seq);
        work.shift();
        continue;
      }
      await this.delay(Math.min(retryDelayMs * 2 ** (cur.attempts - 1), 5000));
    }
  }

  private async invoke(shard: ShardState, entries: Entry[]): Promise<Outcome> {
    shard.busy = true;
    try {
      const event: DynamoDBStreamEvent = { Records: entries.map((e) => structuredClone(e.record)) };
      const response = await this.o.handler(event);
      return interpret(response, entries);
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      shard.busy = false;
    }
  }
}

/**
 * Lambda's reading of a partial batch response: nothing, or no or an empty `batchItemFailures`,
 * is success; a list of sequence numbers fails from the lowest one on; anything else (an
 * identifier that is empty, missing or not in the batch) fails the whole batch.
 */
function interpret(response: unknown, entries: Entry[]): Outcome {
  if (response === undefined || response === null || typeof response !== 'object') return { ok: true };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true };
  if (!Array.isArray(failures)) return { ok: false, error: new Error('batchItemFailures is not a list') };
  if (failures.length === 0) return { ok: true };
  let lowest = entries.length;
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const at = typeof id === 'string' ? entries.findIndex((e) => e.seq === id) : -1;
    if (at < 0) return { ok: false, error: new Error(`batchItemFailures names ${JSON.stringify(id)}, not a sequence number of the batch`) };
    lowest = Math.min(lowest, at);
  }
  return { ok: false, failedFrom: lowest, error: new Error(`record ${entries[lowest].seq} reported failed in batchItemFailures`) };
}

/** A stream record as Lambda puts it in the event, from the SDK's parsed GetRecords record. */
function toEntry(r: _Record, streamArn: string, awsRegion: string): Entry {
  const s = r.dynamodb ?? {};
  if (!s.SequenceNumber) throw new Error('stream record without a sequence number');
  const dynamodb: StreamRecord = {};
  if (s.ApproximateCreationDateTime) dynamodb.ApproximateCreationDateTime = s.ApproximateCreationDateTime.getTime() / 1000;
  if (s.Keys) dynamodb.Keys = image(s.Keys);
  if (s.NewImage) dynamodb.NewImage = image(s.NewImage);
  if (s.OldImage) dynamodb.OldImage = image(s.OldImage);
  dynamodb.SequenceNumber = s.SequenceNumber;
  dynamodb.SizeBytes = s.SizeBytes;
  dynamodb.StreamViewType = s.StreamViewType;
  const record: DynamoDBRecord = {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: r.eventSource ?? 'aws:dynamodb',
    awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
  };
  // Present on deletes by Time to Live only.
  if (r.userIdentity) record.userIdentity = { type: r.userIdentity.Type, principalId: r.userIdentity.PrincipalId };
  return { seq: s.SequenceNumber, created: s.ApproximateCreationDateTime, record };
}

function image(item: Record<string, StreamAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) out[k] = attribute(v);
  return out;
}

/** The SDK decodes binary values into bytes; Lambda's JSON carries them as base64 strings. */
function attribute(v: StreamAttributeValue): AttributeValue {
  if (v.B !== undefined) return { B: base64(v.B) };
  if (v.BS !== undefined) return { BS: v.BS.map(base64) };
  if (v.M !== undefined) return { M: image(v.M) };
  if (v.L !== undefined) return { L: v.L.map(attribute) };
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.SS !== undefined) return { SS: v.SS };
  if (v.NS !== undefined) return { NS: v.NS };
  throw new Error(`unknown attribute value type: ${Object.keys(v).join(', ')}`);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
