/** The heartbeat Lambda: node lease renewals in, one conditional write per node per batch out. */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { heartbeatConsumer } from '../../lib/reconcile/heartbeats.ts';
import { DynamoHeartbeats } from '../../lib/store/heartbeats.ts';
import { storeDynamoClient } from '../../lib/store/dynamo-client.ts';
import { tableEnvVar } from '../../lib/topology.ts';
import { jsonLog, need } from '../shared/environment.ts';

export function createHeartbeatHandler(deps: Parameters<typeof heartbeatConsumer>[0]) {
  return middy(heartbeatConsumer(deps));
}

let consume: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  consume ??= heartbeatConsumer({ store: new DynamoHeartbeats(storeDynamoClient(), { objects: need(process.env, tableEnvVar('objects')) }), log: jsonLog });
  return consume(event);
});
