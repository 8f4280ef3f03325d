/**
 * A Lambda event source mapping on an SQS queue, reproduced for the local runtime: the same
 * handler module gets the same `SQSEvent` it gets on AWS, with ReportBatchItemFailures on, as
 * the CDK stack configures it.
 *
 * `concurrency` loops each long-poll the queue, hand what they receive to the handler and then:
 * - if the handler threw, delete nothing: every message comes back after the visibility timeout;
 * - else delete every message not named in `batchItemFailures`; an identifier that is empty,
 *   missing or not a message id of the batch fails the whole batch, as on Lambda.
 * Nothing else touches visibility, and the queue's redrive policy moves a message to its
 * dead-letter queue after `maxReceiveCount` receives. A FIFO queue keeps a message group's
 * messages in order across the loops by itself: it hands out no message of a group while
 * another of the same group is in flight.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { LOCAL_AWS } from './tables.ts';

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Messages per invocation (default 10). Above 10 takes a batching window, as on Lambda. */
  batchSize?: number;
  /** Standard queues only: keep receiving for up to this long to fill a batch (default 0). */
  maxBatchingWindowMs?: number;
  /** Invocations at once: loops that each receive and invoke (default 1). */
  concurrency?: number;
  /** Long polling per ReceiveMessage, 0–20 (default 20). A stop aborts it. */
  waitTimeSeconds?: number;
  /** The records' `awsRegion` (default us-east-1). */
  awsRegion?: string;
  log?: (line: string) => void;
}

export interface SqsPoller {
  /** Aborts the receives under way and waits for the handler calls in flight and their deletes. */
  stop(): Promise<void>;
}

const MAX_RECEIVE = 10;

export function startSqsPoller(opts: SqsPollerOptions): SqsPoller {
  const batchSize = opts.batchSize ?? 10;
  const concurrency = opts.concurrency ?? 1;
  const waitTimeSeconds = opts.waitTimeSeconds ?? 20;
  const region = opts.awsRegion ?? LOCAL_AWS.region;
  const log = opts.log ?? (() => {});
  const fifo = opts.queueUrl.endsWith('.fifo') || opts.queueArn.endsWith('.fifo');
  const windowMs = fifo ? 0 : (opts.maxBatchingWindowMs ?? 0);
  if (!(batchSize >= 1)) throw new Error(`batchSize must be at least 1, not ${batchSize}`);
  if (batchSize > MAX_RECEIVE && windowMs <= 0) throw new Error('a batchSize above 10 needs a batching window (standard queues only)');
  if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1, not ${concurrency}`);
  if (!(waitTimeSeconds >= 0 && waitTimeSeconds <= 20)) throw new Error(`waitTimeSeconds must be 0–20, not ${waitTimeSeconds}`);

  const abort = new AbortController();
  const stopped = () => abort.signal.aborted;
  const sleep = (ms: number) =>
    new Promise<void>((ok) => {
      const done = () => {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        ok();
      };
      const timer = setTimeout(done, ms);
      abort.signal.addEventListener('abort', done);
    });

  const receive = async (max: number, wait: number): Promise<Message[]> => {
    const r = await opts.client.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.queueUrl,
        MaxNumberOfMessages: Math.min(max, MAX_RECEIVE),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return r.Messages ?? [];
  };

  /** One batch: a long poll for the first messages, then the batching window if there is one. */
  const nextBatch = async (): Promise<Message[]> => {
    const batch = await receive(batchSize, waitTimeSeconds);
    if (batch.length === 0 || windowMs <= 0) return batch;
    const deadline = Date.now() + windowMs;
    while (batch.length < batchSize && !stopped()) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let more: Message[];
      try {
        more = await receive(batchSize - batch.length, Math.min(20, Math.floor(left / 1000)));
      } catch (err) {
        // What was received is in flight: hand it over rather than leave it to the visibility timeout.
        if (!stopped()) log(`sqs poller ${opts.queueArn}: ReceiveMessage failed: ${message(err)}`);
        break;
      }
      batch.push(...more);
      if (more.length === 0 && left < 1000) await sleep(Math.min(50, left));
    }
    return batch;
  };

  const settle = async (messages: Message[], records: SQSRecord[], response: SQSBatchResponse | void | undefined) => {
    const failed = failedIds(response, records);
    if (failed === 'all') return;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    for (let i = 0; i < done.length; i += MAX_RECEIVE) {
      const chunk = done.slice(i, i + MAX_RECEIVE);
      try {
        const r = await opts.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: opts.queueUrl,
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        for (const f of r.Failed ?? []) log(`sqs poller ${opts.queueArn}: delete failed (${f.Code}: ${f.Message}); the message comes back`);
      } catch (err) {
        log(`sqs poller ${opts.queueArn}: DeleteMessageBatch failed: ${message(err)}; ${chunk.length} messages come back`);
      }
    }
  };

  const loop = async (n: number): Promise<void> => {
    while (!stopped()) {
      let messages: Message[];
      try {
        messages = await nextBatch();
      } catch (err) {
        if (stopped()) return;
        log(`sqs poller ${opts.queueArn} [${n}]: ReceiveMessage failed: ${message(err)}`);
        await sleep(1000);
        continue;
      }
      if (messages.length === 0) continue;
      const records = messages.map((m) => toRecord(m, opts.queueArn, region));
      let response: SQSBatchResponse | void | undefined;
      try {
        response = await opts.handler({ Records: records });
      } catch (err) {
        log(`sqs poller ${opts.queueArn} [${n}]: handler failed on ${records.length} messages (they come back): ${message(err)}`);
        continue;
      }
      await settle(messages, records, response);
    }
  };

  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  return {
    async stop() {
      abort.abort();
      await Promise.all(loops);
    },
  };
}

/**
 * Lambda's reading of a partial batch response: the message ids to keep, or 'all' when the
 * response fails the whole batch (an identifier that is empty, missing or not in the batch).
 */
function failedIds(response: unknown, records: SQSRecord[]): Set<string> | 'all' {
  const none = new Set<string>();
  if (response === undefined || response === null || typeof response !== 'object') return none;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return none;
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(records.map((r) => r.messageId));
  const out = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    out.add(id);
  }
  return out;
}

/** An SQS message as Lambda puts it in the event. */
function toRecord(m: Message, queueArn: string, awsRegion: string): SQSRecord {
  const a = m.Attributes ?? {};
  // Lambda's order: the FIFO fields sit between SentTimestamp and ApproximateFirstReceiveTimestamp.
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? '',
    ...(a.SequenceNumber !== undefined ? { SequenceNumber: a.SequenceNumber } : {}),
    ...(a.MessageGroupId !== undefined ? { MessageGroupId: a.MessageGroupId } : {}),
    SenderId: a.SenderId ?? '',
    ...(a.MessageDeduplicationId !== undefined ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
    ...(a.AWSTraceHeader !== undefined ? { AWSTraceHeader: a.AWSTraceHeader } : {}),
    ...(a.DeadLetterQueueSourceArn !== undefined ? { DeadLetterQueueSourceArn: a.DeadLetterQueueSourceArn } : {}),
  };
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: base64(v.BinaryValue) } : {}),
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map(base64),
      dataType: v.DataType ?? 'String',
    };
  }
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
