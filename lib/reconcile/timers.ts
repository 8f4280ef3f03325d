/**
 * requeueAfter over SQS (DESIGN: "Reconcile model"). FIFO queues take no per-message delay, so a
 * consumer that wants a key again later sends it to the standard `timers` queue with a delay; the
 * timer Lambda forwards it into the consumer's FIFO queue when it is due (re-delaying past SQS's
 * 15-minute cap).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Clock } from '../core/object.ts';
import type { Requeue } from './consumer.ts';
import { sendAll } from './route-stream.ts';
import type { QueueId } from './router.ts';

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

const timerSchema = z.object({ queue: z.string().min(1), key: z.string().min(1), due: z.number() });
export type TimerMessage = z.infer<typeof timerSchema>;

export interface TimerDeps {
  sqs: SQSClient;
  clock: Clock;
  /** The timers queue's URL. */
  timersUrl: string;
}

async function sendTimer(deps: TimerDeps, t: TimerMessage): Promise<void> {
  const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((t.due - deps.clock().getTime()) / 1000)));
  await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.timersUrl, MessageBody: JSON.stringify(t), DelaySeconds: delay }));
}

/**
 * A consumer's requeue: keys due now go straight back into its own queue; later ones through the
 * timers queue. Within one process a key keeps at most one pending timer: a request for a time
 * at or after the pending one is dropped (the earlier reconcile will ask again if it must).
 */
export function timerRequeue(deps: TimerDeps & { queue: QueueId; queueUrl: string }): Requeue {
  const pending = new Map<string, number>();
  return async (key, afterMs) => {
    const now = deps.clock().getTime();
    for (const [k, due] of pending) if (due <= now) pending.delete(k);
    if (afterMs <= 0) {
      await sendAll(deps.sqs, deps.queueUrl, [{ key, cause: `timer#${now}` }]);
      return;
    }
    const due = now + afterMs;
    const current = pending.get(key);
    if (current !== undefined && current <= due) return;
    pending.set(key, due);
    await sendTimer(deps, { queue: deps.queue, key, due });
  };
}

/**
 * The timer Lambda's body: forwards each due timer into its consumer's queue (cause `timer#due`,
 * so one timer is one message however often SQS delivers it), and sends a not-yet-due one back
 * with the remaining delay. A message that is not a timer is dropped with a log line.
 */
export function timerForwarder(deps: TimerDeps & { queueUrls: Partial<Record<QueueId, string>>; log?: (e: Record<string, unknown>) => void }): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let timer: TimerMessage | undefined;
      try {
        const parsed = timerSchema.safeParse(JSON.parse(record.body));
        if (parsed.success) timer = parsed.data;
      } catch {
        timer = undefined;
      }
      const url = timer && deps.queueUrls[timer.queue as QueueId];
      if (!timer || !url) {
        deps.log?.({ level: 'ERROR', message: 'not a timer for a known queue; dropped', body: record.body.slice(0, 200) });
        continue;
      }
      try {
        if (timer.due > deps.clock().getTime() + 1000) await sendTimer(deps, timer);
        else await sendAll(deps.sqs, url, [{ key: timer.key, cause: `timer#${timer.due}` }]);
      } catch (err) {
        deps.log?.({ level: 'WARN', message: 'could not forward a timer', error: String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
