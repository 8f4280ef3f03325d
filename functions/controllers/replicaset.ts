/** The ReplicaSet controller Lambda: keys from its queue, reconciled one at a time per key. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../lib/core/object.ts';
import { sqsConsumer } from '../../lib/reconcile/consumer.ts';
import { replicaSetReconciler, type ControllerDeps } from '../../lib/reconcile/controllers.ts';
import { jsonLog, registryFromEnvironment } from '../shared/environment.ts';

export function createReplicaSetHandler(deps: ControllerDeps) {
  return middy(sqsConsumer({ name: 'replicaset-controller', reconcile: replicaSetReconciler(deps), log: deps.log }));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  consume ??= sqsConsumer({
    name: 'replicaset-controller',
    reconcile: replicaSetReconciler({ registry: registryFromEnvironment(process.env), clock: systemClock, log: jsonLog }),
    log: jsonLog,
  });
  return consume(event);
});
