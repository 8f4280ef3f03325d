/**
 * The router Lambda: the log table's stream in, key-only messages to each consumer's queue out
 * (`lib/reconcile/router.ts` decides which keys an event wakes).
 */
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { QUEUES } from '../../lib/reconcile/router.ts';
import { streamRouter, type StreamRouterDeps } from '../../lib/reconcile/route-stream.ts';
import { jsonLog, queueUrlsFromEnvironment, sqsFromEnvironment, storeFromEnvironment } from '../shared/environment.ts';

export function createRouterHandler(deps: StreamRouterDeps) {
  return middy(streamRouter(deps));
}

let route: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>) | undefined;

export const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  if (!route) {
    const store = storeFromEnvironment(process.env);
    route = streamRouter({
      store,
      decode: (item) => store.decodeLogItem(item),
      sqs: sqsFromEnvironment(),
      queueUrls: queueUrlsFromEnvironment(process.env, Object.values(QUEUES)),
      log: jsonLog,
    });
  }
  return route(event);
});
