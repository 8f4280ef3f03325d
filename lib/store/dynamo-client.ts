/**
 * DynamoDB client settings for the store's hot path. Two AWS SDK v3 defaults cost real CPU per
 * request (measured with `bench/profile.ts --ab`: 15–25% of a create's event-loop time):
 * - the middleware stack is resolved on every send unless `cacheMiddleware` is on;
 * - the logger middleware builds a redacted copy of every input and output for a no-op logger
 *   unless the logger has no `info` method.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

// `error` is silent too: the SDK logs every failed command there, and the store turns expected
// failures (conditional checks, cancelled transactions) into API errors itself.
const quietLogger = { trace() {}, debug() {}, warn: (...a: unknown[]) => console.warn(...a), error() {} };

export const DYNAMO_CLIENT_DEFAULTS = { cacheMiddleware: true, logger: quietLogger } as unknown as DynamoDBClientConfig;

export function storeDynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ ...DYNAMO_CLIENT_DEFAULTS, ...config });
}
