/**
 * A controller Lambda from its reconciler: an SQS consumer (one reconcile per key at a time,
 * partial batch responses) whose requeueAfter goes through the timers queue. `create` builds it
 * with given dependencies (the local runtime); `handler` builds it from the environment on the
 * first invocation (AWS).
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { sqsConsumer } from '../../lib/reconcile/consumer.ts';
import type { ControllerDeps, KeyReconciler } from '../../lib/reconcile/controllers.ts';
import type { QueueId } from '../../lib/reconcile/router.ts';
import { timerRequeue } from '../../lib/reconcile/timers.ts';
import { queueEnvVar, tableEnvVar } from '../../lib/topology.ts';
import { storeDynamoClient } from '../../lib/store/dynamo-client.ts';
import { DynamoHeartbeats } from '../../lib/store/heartbeats.ts';
import { jsonLog, need, registryFromEnvironment, sqsFromEnvironment } from './environment.ts';

type Consume = (event: SQSEvent) => Promise<SQSBatchResponse>;

export function controllerLambda(name: string, queue: QueueId, reconciler: (deps: ControllerDeps) => KeyReconciler) {
  const consumer = (deps: ControllerDeps): Consume => sqsConsumer({ name, reconcile: reconciler(deps), requeue: deps.requeue, log: deps.log });
  let consume: Consume | undefined;
  return {
    create: (deps: ControllerDeps) => middy(consumer(deps)),
    handler: middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
      consume ??= consumer({
        registry: registryFromEnvironment(process.env),
        heartbeats: new DynamoHeartbeats(storeDynamoClient(), { objects: need(process.env, tableEnvVar('objects')) }),
        clock: systemClock,
        log: jsonLog,
        ...(process.env.SKIFF_ROOT_CA_PEM ? { rootCaPem: process.env.SKIFF_ROOT_CA_PEM } : {}),
        requeue: timerRequeue({
          sqs: sqsFromEnvironment(),
          clock: systemClock,
          timersUrl: need(process.env, queueEnvVar('timers')),
          queue,
          queueUrl: need(process.env, queueEnvVar(queue)),
        }),
      });
      return consume(event);
    }),
  };
}
