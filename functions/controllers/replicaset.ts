/** The ReplicaSet controller Lambda: keys from its queue, reconciled one at a time per key. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { sqsConsumer } from '../../lib/reconcile/consumer.ts';
import { replicaSetReconciler, type ControllerDeps } from '../../lib/reconcile/controllers.ts';
import { timerRequeue } from '../../lib/reconcile/timers.ts';
import { queueEnvVar } from '../../lib/topology.ts';
import { jsonLog, need, registryFromEnvironment, sqsFromEnvironment } from '../shared/environment.ts';

export function createReplicaSetHandler(deps: ControllerDeps) {
  return middy(sqsConsumer({ name: 'replicaset-controller', reconcile: replicaSetReconciler(deps), requeue: deps.requeue, log: deps.log }));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!consume) {
    const sqs = sqsFromEnvironment();
    consume = sqsConsumer({
      name: 'replicaset-controller',
      reconcile: replicaSetReconciler({ registry: registryFromEnvironment(process.env), clock: systemClock, log: jsonLog }),
      requeue: timerRequeue({
        sqs, clock: systemClock, timersUrl: need(process.env, queueEnvVar('timers')),
        queue: 'replicaset', queueUrl: need(process.env, queueEnvVar('replicaset')),
      }),
      log: jsonLog,
    });
  }
  return consume(event);
});
