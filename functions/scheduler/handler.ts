/**
 * The scheduler Lambda: single-active (reserved concurrency 1); each batch of trigger messages
 * runs one scheduling pass over every pending pod.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { schedulerConsumer, type SchedulerDeps } from '../../lib/reconcile/scheduler.ts';
import { jsonLog, registryFromEnvironment } from '../shared/environment.ts';

export function createSchedulerHandler(deps: SchedulerDeps) {
  return middy(schedulerConsumer(deps));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  consume ??= schedulerConsumer({ registry: registryFromEnvironment(process.env), clock: systemClock, log: jsonLog });
  return consume(event);
});
