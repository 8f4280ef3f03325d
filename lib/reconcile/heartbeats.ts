/**
 * The heartbeat queue's two ends: the API sends node lease renewals to it, and its consumer
 * coalesces them (one conditional write per node per batch, only ever forward in time). A
 * renewal becomes no log event; the node lifecycle controller reads the latest ones.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Heartbeat, HeartbeatStore } from '../store/heartbeats.ts';

const beatSchema = z.object({ node: z.string().min(1), renewTime: z.string().min(1), holderIdentity: z.string().optional() });

export function sqsHeartbeatSender(sqs: SQSClient, queueUrl: string): (beat: Heartbeat) => Promise<void> {
  return async (beat) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(beat) }));
  };
}

export function heartbeatConsumer(deps: { store: HeartbeatStore; log?: (e: Record<string, unknown>) => void }): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const latest = new Map<string, { beat: Heartbeat; ms: number; ids: string[] }>();
    for (const record of event.Records) {
      let beat: Heartbeat | undefined;
      try {
        const parsed = beatSchema.safeParse(JSON.parse(record.body));
        if (parsed.success) beat = parsed.data;
      } catch {
        beat = undefined;
      }
      const ms = beat ? Date.parse(beat.renewTime) : NaN;
      if (!beat || Number.isNaN(ms)) {
        deps.log?.({ level: 'ERROR', message: 'not a heartbeat; dropped', body: record.body.slice(0, 200) });
        continue;
      }
      const cur = latest.get(beat.node);
      if (!cur) latest.set(beat.node, { beat, ms, ids: [record.messageId] });
      else {
        cur.ids.push(record.messageId);
        if (ms > cur.ms) Object.assign(cur, { beat, ms });
      }
    }
    const failures: { itemIdentifier: string }[] = [];
    await Promise.all([...latest.values()].map(async ({ beat, ids }) => {
      try {
        await deps.store.record(beat);
      } catch (err) {
        deps.log?.({ level: 'WARN', message: 'could not record a heartbeat', node: beat.node, error: String(err) });
        for (const id of ids) failures.push({ itemIdentifier: id });
      }
    }));
    return { batchItemFailures: failures };
  };
}
