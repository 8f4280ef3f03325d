/**
 * Builds the API from a Lambda environment: tables by name, the admin token, the KMS key that signs
 * ServiceAccount tokens (`SKIFF_SA_TOKEN_KEY_ARN`; without it none are issued), clients with SDK
 * defaults.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createApi, type Api } from '../../lib/api/app.ts';
import { KMSClient } from '@aws-sdk/client-kms';
import { adminEntry, serviceAccountTokens, tokenAuthenticator } from '../../lib/api/auth.ts';
import { kmsTokenSigner } from '../../lib/api/token-signers.ts';
import { systemClock } from '../../lib/core/object.ts';
import { SDK_HTTP_OPTIONS, SQS_HTTP_OPTIONS, storeDynamoClient } from '../../lib/store/dynamo-client.ts';
import { DynamoStore } from '../../lib/store/dynamo-store.ts';
import { DynamoHeartbeats } from '../../lib/store/heartbeats.ts';
import { sqsHeartbeatSender } from '../../lib/reconcile/heartbeats.ts';
import { queueEnvVar } from '../../lib/topology.ts';
import { SQSClient } from '@aws-sdk/client-sqs';

export async function apiFromEnvironment(env: NodeJS.ProcessEnv): Promise<Api> {
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`environment variable ${k} is not set`);
    return v;
  };
  const client = storeDynamoClient();
  const store = new DynamoStore({
    client,
    tables: { objects: need('SKIFF_TABLE_OBJECTS'), log: need('SKIFF_TABLE_LOG'), meta: need('SKIFF_TABLE_META') },
  });
  const heartbeatQueue = env[queueEnvVar('heartbeat')];
  const heartbeats = heartbeatQueue
    ? { send: sqsHeartbeatSender(new SQSClient({ requestHandler: SQS_HTTP_OPTIONS }), heartbeatQueue), store: new DynamoHeartbeats(client, { objects: need('SKIFF_TABLE_OBJECTS') }) }
    : undefined;
  const tokenKey = env.SKIFF_SA_TOKEN_KEY_ARN;
  const signing = tokenKey ? serviceAccountTokens(await kmsTokenSigner(new KMSClient({ requestHandler: SDK_HTTP_OPTIONS }), tokenKey), store, systemClock) : undefined;
  return createApi({
    store,
    heartbeats,
    auth: tokenAuthenticator([adminEntry(await adminToken(env))], signing?.check),
    ...(signing ? { tokens: signing.tokens } : {}),
    clock: systemClock,
    maxWatchSeconds: Number(env.SKIFF_MAX_WATCH_SECONDS ?? 25),
  });
}

/** The admin token: from the stack's secret, or (tests, local tools) straight from the environment. */
async function adminToken(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.SKIFF_ADMIN_TOKEN) return env.SKIFF_ADMIN_TOKEN;
  const arn = env.SKIFF_ADMIN_TOKEN_SECRET_ARN;
  if (!arn) throw new Error('set SKIFF_ADMIN_TOKEN_SECRET_ARN (or SKIFF_ADMIN_TOKEN)');
  const out = await new SecretsManagerClient({ requestHandler: SDK_HTTP_OPTIONS }).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
  return out.SecretString;
}
