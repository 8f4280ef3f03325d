/** The Deployment controller Lambda: keys from its queue, reconciled one at a time per key. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { sqsConsumer } from '../../lib/reconcile/consumer.ts';
import { deploymentReconciler, type ControllerDeps } from '../../lib/reconcile/controllers.ts';
import { jsonLog, registryFromEnvironment } from '../shared/environment.ts';

export function createDeploymentHandler(deps: ControllerDeps) {
  return middy(sqsConsumer({ name: 'deployment-controller', reconcile: deploymentReconciler(deps), log: deps.log }));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  consume ??= sqsConsumer({
    name: 'deployment-controller',
    reconcile: deploymentReconciler({ registry: registryFromEnvironment(process.env), clock: systemClock, log: jsonLog }),
    log: jsonLog,
  });
  return consume(event);
});
