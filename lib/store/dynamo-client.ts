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

/**
 * Binary attributes (the store's compressed payloads) decoded by Node's native base64 alone: the
 * SDK's default first checks every string against a regular expression, which for payloads of a
 * few KB costs more than the decoding.
 */
function base64Decoder(text: string): Uint8Array {
  const b = Buffer.from(text, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const DYNAMO_CLIENT_DEFAULTS = { cacheMiddleware: true, logger: quietLogger, base64Decoder } as unknown as DynamoDBClientConfig;

export function storeDynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ ...DYNAMO_CLIENT_DEFAULTS, ...config });
}
