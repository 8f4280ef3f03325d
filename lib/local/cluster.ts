/**
 * The local runtime: DynamoDB Local and the SQS emulator, the topology's tables and queues, the
 * API handler behind HTTPS, certificates and a kubeconfig. `skiff start` runs this.
 */
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { createApi, type Api } from '../api/app.ts';
import { adminEntry, serviceAccountTokens, tokenAuthenticator } from '../api/auth.ts';
import { keyTokenSigner } from '../api/token-signers.ts';
import { bootstrap, publishApiEndpoints } from '../api/bootstrap.ts';
import { MAX_BODY_BYTES } from '../api/codec.ts';
import { Registry } from '../api/registry.ts';
import { systemClock, type Clock } from '../core/object.ts';
import { DynamoStore } from '../store/dynamo-store.ts';
import { handleStreaming } from '../../functions/api/handler.ts';
import { ensureAdminToken, ensureCertificates, ensureServiceAccountKey } from './certs.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { LocalRuntimeError } from './errors.ts';
import { eventFromRequest, sinkForResponse } from './http-adapter.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { startSimulatedNodes } from '../agent/agent.ts';
import { localSqsClient } from './queues.ts';
import { startReconcileLoop } from './reconcile-loop.ts';
import { sqsHeartbeatSender } from '../reconcile/heartbeats.ts';
import { DynamoHeartbeats } from '../store/heartbeats.ts';
import { createTables, localDynamoClient } from './tables.ts';

export interface LocalClusterOptions {
  dataDir: string;
  inMemory?: boolean;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How long a node may go without a heartbeat before it is NotReady (kube's default, 50 s). */
  nodeMonitorGraceSeconds?: number;
  /** Simulated nodes to run in this process (default 2; 0 for none). */
  nodes?: number;
  clock?: Clock;
  /** Longest a watch stays open before the client must resume it (default 30 min). */
  maxWatchSeconds?: number;
  /** How far back a watch may start (default one hour); older starts get 410 Gone. */
  watchWindowSeconds?: number;
  /**
   * Most writes DynamoDB Local runs at once, oldest object first (default 16; 0 for no limit).
   * One JVM on the machine's cores has a fixed capacity: without a limit a burst of creates fills
   * its queue and every pod already created waits behind it (see `WriteGate`).
   */
  writeConcurrency?: number;
  log?: (line: string) => void;
  /** Hooks to measure the runtime with (the benchmarks); nothing calls them otherwise. */
  instrument?: LocalInstrumentation;
}

/**
 * Measurement hooks. The client hooks run once, before the client's first request, so SDK
 * middleware added there (`client.middlewareStack.add`) sees every command, even with the
 * store client's cached middleware stacks.
 */
export interface LocalInstrumentation {
  /** The one DynamoDB client of the API, the store, the heartbeats and the reconcile loop's handlers and checkpoints. */
  dynamo?(client: DynamoDBClient): void;
  /** The one SQS client of the API's heartbeat sender and the reconcile loop (routes, timers, pollers). */
  sqs?(client: SQSClient): void;
  /** Each handler invocation of the local event source mappings; a returned function is called when it settles. */
  invoke?(functionId: string, records: number): ((ok: boolean) => void) | void;
  /** Each HTTPS request the API server receives, as it arrives. */
  request?(req: IncomingMessage): void;
}

export interface LocalCluster {
  url: string;
  port: number;
  kubeconfigPath: string;
  token: string;
  caPem: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  api: Api;
  stop(): Promise<void>;
}

/** DynamoDB Local's writes in flight at once (measured: see docs/architecture.md, "Writes in turn"). */
const DEFAULT_WRITE_CONCURRENCY = 16;

async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((ok, fail) => {
    const probe = createNetServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new LocalRuntimeError(`port ${port} on ${host} is already in use: stop what is listening there or pass --port N`) : err),
    );
    probe.listen(port, host, () => probe.close(() => ok()));
  });
}

export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const log = opts.log ?? (() => {});
  const host = opts.host ?? '127.0.0.1';
  const dataDir = resolve(opts.dataDir);
  const clock = opts.clock ?? systemClock;
  mkdirSync(dataDir, { recursive: true });
  await checkPortFree(host, opts.port ?? 6443);

  const pki = await ensureCertificates(dataDir, { hosts: [host] });
  const token = ensureAdminToken(dataDir);

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const ddb: DynamoDbLocal = await startDynamoDbLocal({ dbPath: opts.inMemory ? undefined : join(dataDir, 'dynamodb'), pidFile: join(dataDir, 'dynamodb-local.pid'), log });
    stops.push(() => ddb.stop());
    const sqs: FauxqsServer = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
    stops.push(() => sqs.stop());
    const sqsEndpoint = `http://127.0.0.1:${sqs.port}`;
    const sqsClient = localSqsClient(sqsEndpoint);
    opts.instrument?.sqs?.(sqsClient);
    stops.push(async () => sqsClient.destroy());

    const client = localDynamoClient(ddb.endpoint);
    opts.instrument?.dynamo?.(client);
    const tables = await createTables(client, 'skiff-');
    const writeConcurrency = opts.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
    const store = new DynamoStore({ client, tables, clock, watchWindowSeconds: opts.watchWindowSeconds, ...(writeConcurrency > 0 ? { writeConcurrency } : {}) });
    stops.push(async () => store.close?.());
    await bootstrap(new Registry({ store, clock }));
    const loop = await startReconcileLoop({
      dynamoClient: client, dynamoEndpoint: ddb.endpoint, sqs: sqsClient, tables, store, clock,
      rootCaPem: pki.caPem,
      log: (e) => log(JSON.stringify(e)),
      ...(opts.nodeMonitorGraceSeconds !== undefined ? { nodeLifecycle: { gracePeriodSeconds: opts.nodeMonitorGraceSeconds } } : {}),
      ...(opts.instrument?.invoke ? { onInvoke: opts.instrument.invoke.bind(opts.instrument) } : {}),
    });
    stops.push(() => loop.stop());

    const { tokens, check } = serviceAccountTokens(keyTokenSigner(ensureServiceAccountKey(dataDir)), store, clock);
    const api = createApi({
      store,
      heartbeats: { send: sqsHeartbeatSender(sqsClient, loop.queues.heartbeat.url), store: new DynamoHeartbeats(client, tables) },
      auth: tokenAuthenticator([adminEntry(token)], check),
      tokens,
      clock,
      serverAddress: `${host}:${opts.port ?? 6443}`,
      maxWatchSeconds: opts.maxWatchSeconds,
      log: (e) => log(JSON.stringify(e)),
    });

    const server: Server = createHttpsServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
      opts.instrument?.request?.(req);
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      eventFromRequest(req, MAX_BODY_BYTES)
        .then((event) => handleStreaming(api, event, sinkForResponse(res), abort.signal))
        .catch((err: Error) => {
          log(`request failed: ${err.stack ?? err.message}`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end();
        });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((ok, fail) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        fail(err.code === 'EADDRINUSE' ? new LocalRuntimeError(`port ${opts.port} on ${host} is already in use: stop what is listening there or pass --port N`) : err),
      );
      server.listen(opts.port ?? 6443, host, () => ok());
    });
    stops.push(
      () =>
        new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : (opts.port ?? 6443);
    const url = `https://${host}:${port}`;
    await publishApiEndpoints(new Registry({ store, clock }), { host, port });
    const kubeconfigPath = join(dataDir, 'kubeconfig');
    writeKubeconfig({ path: kubeconfigPath, server: url, caPem: pki.caPem, token });
    // Local nodes: simulated agents in this process, talking to the API over HTTPS as remote
    // agents do. Names are stable (node-0, node-1, …), so a restart finds its nodes again.
    const nodeCount = opts.nodes ?? 2;
    if (nodeCount > 0) {
      const nodes = await startSimulatedNodes({
        server: url, token, caPem: pki.caPem, count: nodeCount, namePrefix: 'node', clock,
        log: (line) => log(JSON.stringify({ level: 'WARN', component: 'agent', message: line })),
      });
      stops.push(() => nodes.stop());
    }
    return {
      url,
      port,
      kubeconfigPath,
      token,
      caPem: pki.caPem,
      dynamodbEndpoint: ddb.endpoint,
      sqsEndpoint,
      api,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
