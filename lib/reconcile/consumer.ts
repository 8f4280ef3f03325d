/**
 * A controller's queue consumer, like controller-runtime's workqueue over SQS (DESIGN: "Reconcile
 * model"): one reconcile per key at a time, level-based, errors mapped to what SQS and Lambda's
 * partial batch responses can do with them.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ApiError } from '../core/errors.ts';
import { causeCovered, decodeMessage, parseKey, type ReconcileKey } from './keys.ts';

export interface ReconcileOutcome {
  /**
   * The state the reconcile read, as type → the list resourceVersion it saw (`pods` → 1234). A
   * later message caused by an event at or below it carries nothing new for this key and is
   * acknowledged without another reconcile.
   */
  observed?: Record<string, number>;
  /** Reconcile this key again after this long even if nothing changes. */
  requeueAfterMs?: number;
}

export type Reconcile = (key: ReconcileKey, attempt: number) => Promise<ReconcileOutcome | void>;

/** Where a consumer asks to see a key again later (the timer path). */
export type Requeue = (key: string, afterMs: number) => Promise<void>;

export interface ConsumerOptions {
  /** Controller name, for logs. */
  name: string;
  reconcile: Reconcile;
  requeue?: Requeue;
  /** Re-reads after a 409 Conflict before the message is handed back to the queue (default 5). */
  conflictRetries?: number;
  /** Keys reconciled at once within one batch (default 8). Messages of one key never run at once. */
  parallelism?: number;
  log?: (entry: Record<string, unknown>) => void;
  /** Entries kept to skip stale messages (default 10,000 keys). */
  memory?: number;
}

/** Why a message failed in a way the queue should retry (after the visibility timeout). */
function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.code === 409 || err.code === 429 || err.code >= 500;
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/**
 * An SQS handler (`ReportBatchItemFailures`) around `reconcile`. Per batch: messages are grouped
 * by key, and each key is reconciled once for all its messages (the reconcile reads current state,
 * so one pass covers every event that woke it). A message whose cause the key's last reconcile
 * already observed is acknowledged without work. Outcomes:
 * - success or a missing object (404): acknowledged;
 * - 409 Conflict: reconciled again from a fresh read, with backoff, up to `conflictRetries`;
 *   then, like throttling (429), 5xx and transport errors, the key's messages are reported as
 *   failed and come back after the visibility timeout (DLQ after the queue's maxReceiveCount);
 * - any other API error (the write path refused the change): logged and acknowledged, since a
 *   retry would be refused the same way. A later change to the object wakes the key again.
 * A message that is not a key message is logged and acknowledged.
 */
export function sqsConsumer(opts: ConsumerOptions): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = opts.log ?? (() => {});
  const conflictRetries = opts.conflictRetries ?? 5;
  const parallelism = opts.parallelism ?? 8;
  const memory = opts.memory ?? 10_000;
  const observed = new Map<string, Record<string, number>>();

  const remember = (key: string, seen: Record<string, number> | undefined) => {
    observed.delete(key);
    if (!seen) return;
    observed.set(key, seen);
    if (observed.size > memory) observed.delete(observed.keys().next().value as string);
  };

  const covered = (key: string, cause: string): boolean => causeCovered(cause, observed.get(key));

  async function reconcileKey(key: string, parsed: ReconcileKey): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = (await opts.reconcile(parsed, attempt)) ?? {};
        remember(key, outcome.observed);
        if (outcome.requeueAfterMs !== undefined && opts.requeue) await opts.requeue(key, outcome.requeueAfterMs);
        return true;
      } catch (err) {
        remember(key, undefined);
        if (err instanceof ApiError && err.code === 404) return true;
        if (err instanceof ApiError && err.code === 409 && attempt <= conflictRetries) {
          await sleep(Math.random() * Math.min(1000, 20 * 2 ** attempt));
          continue;
        }
        if (retryable(err)) {
          log({ level: 'WARN', controller: opts.name, key, message: 'reconcile failed; the queue retries it', error: String(err) });
          return false;
        }
        log({ level: 'ERROR', controller: opts.name, key, message: 'reconcile refused; dropped until the object changes again', error: String(err) });
        return true;
      }
    }
  }

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const byKey = new Map<string, { parsed: ReconcileKey; records: SQSRecord[]; stale: boolean }>();
    for (const record of event.Records) {
      const msg = decodeMessage(record.body);
      const parsed = msg && parseKey(msg.key);
      if (!msg || !parsed) {
        log({ level: 'ERROR', controller: opts.name, messageId: record.messageId, message: 'not a key message; dropped', body: record.body.slice(0, 200) });
        continue;
      }
      const entry = byKey.get(msg.key) ?? { parsed, records: [], stale: true };
      entry.records.push(record);
      entry.stale &&= covered(msg.key, msg.cause);
      byKey.set(msg.key, entry);
    }
    const failures: { itemIdentifier: string }[] = [];
    const work = [...byKey.entries()].filter(([, e]) => !e.stale);
    let next = 0;
    const lane = async () => {
      while (next < work.length) {
        const [key, entry] = work[next++];
        if (!(await reconcileKey(key, entry.parsed))) for (const r of entry.records) failures.push({ itemIdentifier: r.messageId });
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, work.length) }, lane));
    return { batchItemFailures: failures };
  };
}
