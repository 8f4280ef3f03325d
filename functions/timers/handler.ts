/** The timer Lambda: forwards due requeue-after timers into their consumers' FIFO queues. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { QUEUES } from '../../lib/reconcile/router.ts';
import { timerForwarder } from '../../lib/reconcile/timers.ts';
import { jsonLog, need, queueUrlsFromEnvironment, sqsFromEnvironment } from '../shared/environment.ts';
import { queueEnvVar } from '../../lib/topology.ts';

export function createTimersHandler(deps: Parameters<typeof timerForwarder>[0]) {
  return middy(timerForwarder(deps));
}

let forward: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  forward ??= timerForwarder({
    sqs: sqsFromEnvironment(),
    clock: systemClock,
    timersUrl: need(process.env, queueEnvVar('timers')),
    queueUrls: queueUrlsFromEnvironment(process.env, Object.values(QUEUES)),
    log: jsonLog,
  });
  return forward(event);
});
