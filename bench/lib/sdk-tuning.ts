/**
 * An experiment, not part of the measured bench: toggles two AWS SDK v3 client settings on every
 * DynamoDBClient (including the one the cluster builds), to measure what they would save if the
 * project set them in `localDynamoClient` / the Lambda's client:
 * - `cacheMiddleware: true`: resolve the middleware stack once per command class, not per request;
 * - a logger without `info`: the logger middleware then skips building the redacted input/output
 *   log record (`schemaLogFilter`) that the default no-op logger throws away.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Send = (this: DynamoDBClient, ...args: unknown[]) => Promise<unknown>;
interface TunableConfig {
  cacheMiddleware?: boolean;
  logger?: unknown;
}

const quietLogger = { trace() {}, debug() {}, warn() {}, error() {} };
let enabled = false;
let installed = false;

export function setSdkTuning(on: boolean): void {
  enabled = on;
  if (installed) return;
  installed = true;
  const proto = DynamoDBClient.prototype as unknown as { send: Send };
  const original = proto.send;
  const originalLogger = new WeakMap<object, unknown>();
  proto.send = function (this: DynamoDBClient, ...args: unknown[]) {
    const config = this.config as unknown as TunableConfig;
    if (!originalLogger.has(this)) originalLogger.set(this, config.logger);
    config.cacheMiddleware = enabled;
    config.logger = enabled ? quietLogger : originalLogger.get(this);
    return original.apply(this, args);
  };
}
