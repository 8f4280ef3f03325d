/** The resync Lambda: on its schedule, every key of every consumer's kinds goes to its queue again. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { resyncConsumer, type ResyncDeps } from '../../lib/reconcile/resync.ts';
import { QUEUES } from '../../lib/reconcile/router.ts';
import { jsonLog, queueUrlsFromEnvironment, sqsFromEnvironment, storeFromEnvironment } from '../shared/environment.ts';

export function createResyncHandler(deps: ResyncDeps) {
  return middy(resyncConsumer(deps));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  consume ??= resyncConsumer({
    store: storeFromEnvironment(process.env),
    sqs: sqsFromEnvironment(),
    clock: systemClock,
    queueUrls: queueUrlsFromEnvironment(process.env, Object.values(QUEUES)),
    log: jsonLog,
  });
  return consume(event);
});
