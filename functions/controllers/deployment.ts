/** The Deployment controller Lambda: keys from its queue, reconciled one at a time per key. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { sqsConsumer } from '../../lib/reconcile/consumer.ts';
import { deploymentReconciler, type ControllerDeps } from '../../lib/reconcile/controllers.ts';
import { timerRequeue } from '../../lib/reconcile/timers.ts';
import { queueEnvVar } from '../../lib/topology.ts';
import { jsonLog, need, registryFromEnvironment, sqsFromEnvironment } from '../shared/environment.ts';

export function createDeploymentHandler(deps: ControllerDeps) {
  return middy(sqsConsumer({ name: 'deployment-controller', reconcile: deploymentReconciler(deps), requeue: deps.requeue, log: deps.log }));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!consume) {
    const sqs = sqsFromEnvironment();
    consume = sqsConsumer({
      name: 'deployment-controller',
      reconcile: deploymentReconciler({ registry: registryFromEnvironment(process.env), clock: systemClock, log: jsonLog }),
      requeue: timerRequeue({
        sqs, clock: systemClock, timersUrl: need(process.env, queueEnvVar('timers')),
        queue: 'deployment', queueUrl: need(process.env, queueEnvVar('deployment')),
      }),
      log: jsonLog,
    });
  }
  return consume(event);
});
