/**
 * DynamoDB client settings for the store's hot path. Two AWS SDK v3 defaults cost real CPU per
 * request (measured with `bench/profile.ts --ab`: 15–25% of a create's event-loop time):
 * - the middleware stack is resolved on every send unless `cacheMiddleware` is on;
 * - the logger middleware builds a redacted copy of every input and output for a no-op logger
 *   unless the logger has no `info` method.
 * And one SDK default is no limit at all: without timeouts a connection that hangs holds its
 * request (and a Lambda) until the function's own timeout.
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

/**
 * The HTTP limits of an AWS SDK client (the NodeHttpHandler options Skiff sets): how long a
 * connection may take to open, and how long an open one may stay silent.
 */
export interface SdkHttpOptions {
  connectionTimeout: number;
  socketTimeout: number;
}

/**
 * The limits of request-response calls (DynamoDB, Secrets Manager). A timed-out call is retried by the SDK like any transient error (a
 * transaction with its ClientRequestToken, so a retry of one that did commit is not applied
 * twice), then answers 504 Timeout. The idle limit is generous: a DynamoDB call answers in
 * milliseconds, and the local emulator's slowest moments take seconds.
 */
export const SDK_HTTP_OPTIONS: SdkHttpOptions = { connectionTimeout: 3_000, socketTimeout: 10_000 };

/** SQS's limits: a long poll (20 s at most) is silent until a message comes, so the idle limit is longer. */
export const SQS_HTTP_OPTIONS: SdkHttpOptions = { connectionTimeout: 3_000, socketTimeout: 30_000 };

export function storeDynamoClient(config: DynamoDBClientConfig = {}, http: SdkHttpOptions = SDK_HTTP_OPTIONS): DynamoDBClient {
  return new DynamoDBClient({ ...DYNAMO_CLIENT_DEFAULTS, requestHandler: http, ...config });
}
