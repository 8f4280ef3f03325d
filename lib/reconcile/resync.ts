/**
 * The periodic resync (DESIGN: "Reconcile model"): every key of every consumer's kinds is sent to
 * its queue again, so a key whose messages were lost (a queue purged, a local restart with an
 * in-memory queue, a DLQ not yet redriven) is reconciled within one period anyway.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Clock } from '../core/object.ts';
import { findByResource, type ResourceType } from '../core/resources.ts';
import type { ObjectStore } from '../store/types.ts';
import { formatKey, keyOf } from './keys.ts';
import { listAll } from './lists.ts';
import { sendAll } from './route-stream.ts';
import type { QueueId } from './router.ts';

const t = (group: string, resource: string): ResourceType => findByResource(group, 'v1', resource)!;

/** Which kinds each consumer reconciles by key. */
export const RESYNC: readonly { queue: QueueId; type: ResourceType }[] = [
  { queue: 'deployment', type: t('apps', 'deployments') },
  { queue: 'replicaset', type: t('apps', 'replicasets') },
  { queue: 'endpoints', type: t('', 'services') },
  { queue: 'namespace', type: t('', 'namespaces') },
  { queue: 'serviceaccount', type: t('', 'namespaces') },
  { queue: 'disruption', type: t('policy', 'poddisruptionbudgets') },
];

export interface ResyncDeps {
  store: ObjectStore;
  sqs: SQSClient;
  clock: Clock;
  queueUrls: Partial<Record<QueueId, string>>;
  log?: (e: Record<string, unknown>) => void;
}

/** Sends every key once; returns how many were sent per queue. */
export async function resyncAll(deps: ResyncDeps): Promise<Record<string, number>> {
  const cause = `resync#${deps.clock().getTime()}`;
  const sent: Record<string, number> = {};
  for (const { queue, type } of RESYNC) {
    const url = deps.queueUrls[queue];
    if (!url) continue;
    const { items } = await listAll(deps.store, type);
    await sendAll(deps.sqs, url, items.map((o) => ({ key: formatKey(keyOf(o)), cause })));
    sent[queue] = items.length;
  }
  // The scheduler looks at every pending pod on any trigger: one is enough.
  if (deps.queueUrls.scheduler) await sendAll(deps.sqs, deps.queueUrls.scheduler, [{ key: 'core/Pod//all', cause }]);
  return sent;
}

/** The resync function's body: one full resync per batch of ticks. */
export function resyncConsumer(deps: ResyncDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    try {
      const sent = await resyncAll(deps);
      deps.log?.({ level: 'INFO', message: 'resync', ...sent });
      return { batchItemFailures: [] };
    } catch (err) {
      deps.log?.({ level: 'WARN', message: 'resync failed; the queue retries it', error: String(err) });
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    }
  };
}
