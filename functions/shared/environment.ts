/**
 * What every consumer Lambda builds from its environment: the store and write path over the
 * tables the topology names, an SQS client, and the queue URLs it sends to.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { Registry } from '../../lib/api/registry.ts';
import { systemClock } from '../../lib/core/object.ts';
import { SQS_HTTP_OPTIONS, storeDynamoClient } from '../../lib/store/dynamo-client.ts';
import { DynamoStore } from '../../lib/store/dynamo-store.ts';
import { queueEnvVar, tableEnvVar } from '../../lib/topology.ts';

export function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

export function storeFromEnvironment(env: NodeJS.ProcessEnv): DynamoStore {
  return new DynamoStore({
    client: storeDynamoClient(),
    tables: { objects: need(env, tableEnvVar('objects')), log: need(env, tableEnvVar('log')), meta: need(env, tableEnvVar('meta')) },
  });
}

export function registryFromEnvironment(env: NodeJS.ProcessEnv): Registry {
  return new Registry({ store: storeFromEnvironment(env), clock: systemClock });
}

/** The URLs of the queues given, from their environment variables (absent ones are left out). */
export function queueUrlsFromEnvironment<T extends string>(env: NodeJS.ProcessEnv, ids: readonly T[]): Partial<Record<T, string>> {
  const out: Partial<Record<T, string>> = {};
  for (const id of ids) {
    const url = env[queueEnvVar(id)];
    if (url) out[id] = url;
  }
  return out;
}

export function sqsFromEnvironment(): SQSClient {
  return new SQSClient({ requestHandler: SQS_HTTP_OPTIONS });
}

/** One JSON line per log entry: CloudWatch Logs' structured form. */
export function jsonLog(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));
}
