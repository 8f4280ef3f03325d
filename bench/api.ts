/**
 * The API benchmark ("api" part of `npm run bench`).
 *
 * One run, one DynamoDB Local JVM (in memory): the local cluster is started in-process with
 * `startLocalCluster`, and the raw floor is measured against the DynamoDB Local that cluster
 * started, on bench-prefixed tables of the same shape, so API and floor share the JVM and the cores.
 *
 * 1. Raw floor (AWS SDK v3): 2-item TransactWriteItems (objects-like Put + log-like Put, both
 *    `attribute_not_exists`, ~1 KB items) and consistent GetItem, at 1 and 16 clients.
 * 2. The API over HTTPS (keep-alive, the cluster's CA and admin token): ConfigMap creates, updates
 *    (PUT with resourceVersion, each client its own object) and GETs at 1 and 16 clients; LIST of
 *    500 Pods at 1 client, with and without `limit=500`.
 * 3. Startup: `skiff start --in-memory` as a child process until `/readyz` answers 200 (median of 3).
 *
 * Every DynamoDB request the cluster makes is counted and timed per phase (see `lib/ddb-probe.ts`).
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetItemCommand, TransactWriteItemsCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalCluster, type LocalCluster } from '../lib/local/cluster.ts';
import { freePort } from '../lib/local/dynamodb-local.ts';
import { createTables, localDynamoClient } from '../lib/local/tables.ts';
import type { TableNames } from '../lib/topology.ts';
import { DynamoProbe, perOperation, type ProbeWindow } from './lib/ddb-probe.ts';
import { ApiClient } from './lib/https-client.ts';
import { closedLoop, mapLimit, type LoadResult } from './lib/load.ts';
import { childPids } from './lib/machine.ts';
import { PhaseMeter, type PhaseUsage } from './lib/meter.ts';
import { median, round } from './lib/stats.ts';

export interface ApiBenchConfig {
  root: string;
  seconds: number;
  warmupSeconds: number;
  /** Unmeasured load on DynamoDB Local before the first measurement. */
  jvmWarmupSeconds: number;
  concurrency: number;
  listSize: number;
  startupRuns: number;
  log: (line: string) => void;
}

export interface Phase {
  name: string;
  load: LoadResult;
  usage: PhaseUsage;
  /** DynamoDB requests the cluster made per API request (warm-up included), by command. */
  dynamoCallsPerRequest?: Record<string, number>;
  dynamo?: ProbeWindow;
}

export interface Row {
  metric: string;
  target: string;
  measured: string;
  rawFloor: string;
  ratio: string;
  pass: boolean;
  /** Machine-readable values. */
  values: Record<string, number>;
}

export interface ApiBenchResult {
  config: Omit<ApiBenchConfig, 'log' | 'root'>;
  dynamodbEndpointShared: boolean;
  rows: Row[];
  phases: Record<string, Phase>;
  rawAfterApi?: Phase;
  startup: { runsSeconds: number[]; medianSeconds: number };
  notes: string[];
}

const NS = 'bench';
const LIST_NS = 'bench-list';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;
const PODS_PATH = `/api/v1/namespaces/${LIST_NS}/pods`;

// ------------------------------------------------------------------------------------------------
// Payloads

/** ~1 KB of ConfigMap data (incompressible, so the stored item is ~1 KB like the raw floor's). */
function configMapData(seed: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (let i = 0; i < 8; i++) data[`key-${i}`] = `${seed}-${randomBytes(90).toString('base64')}`;
  return data;
}

function configMap(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NS, labels: { app: 'bench', tier: 'api' } },
    data: configMapData(name),
  };
}

function pod(i: number): Record<string, unknown> {
  const name = `pod-${String(i).padStart(4, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: LIST_NS, labels: { app: 'bench-list', shard: String(i % 10) } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/team/app:1.27.3',
          ports: [{ containerPort: 8080, name: 'http' }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'REPLICA', value: String(i) },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
      ],
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Raw floor

const s = (v: string): AttributeValue => ({ S: v });
const n = (v: number): AttributeValue => ({ N: String(v) });

class RawFloor {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly #body = randomBytes(1024);
  #rev = 0;
  readonly keys: string[] = [];

  constructor(client: DynamoDBClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  /** The store's 2-item shape: object Put + log Put, both conditioned on absence, with a token. */
  async transaction(tag: string): Promise<void> {
    const rev = ++this.#rev;
    const sk = `${NS}/${tag}`;
    const uid = randomUUID();
    const hash = randomBytes(32).toString('hex');
    const time = new Date().toISOString();
    await this.client.send(
      new TransactWriteItemsCommand({
        ClientRequestToken: randomUUID(),
        TransactItems: [
          {
            Put: {
              TableName: this.tables.objects,
              Item: { pk: s('configmaps'), sk: s(sk), rv: n(rev), uid: s(uid), hash: s(hash), body: { B: this.#body } },
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: this.tables.log,
              Item: {
                pk: s('configmaps'),
                rev: n(rev),
                eventType: s('ADDED'),
                namespace: s(NS),
                name: s(tag),
                uid: s(uid),
                body: { B: this.#body },
                actor: s('{"user":"skiff-admin","groups":["system:masters","system:authenticated"]}'),
                verb: s('create'),
                requestId: s(randomUUID()),
                time: s(time),
                hash: s(hash),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    this.keys.push(sk);
  }

  async get(sk: string): Promise<void> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.tables.objects, Key: { pk: s('configmaps'), sk: s(sk) }, ConsistentRead: true }),
    );
    if (!r.Item) throw new Error(`raw GetItem ${sk}: no item`);
  }
}

// ------------------------------------------------------------------------------------------------
// Startup

async function readyz(port: number): Promise<number> {
  return new Promise((ok) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/readyz', method: 'GET', rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok(0));
    req.end();
  });
}

/** Seconds from spawning `skiff start --in-memory` until `/readyz` answers 200. */
async function startupOnce(root: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-start-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/skiff.ts'), 'start', '--in-memory', '--port', String(port), '--data', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  let dead = false;
  void exited.then(() => (dead = true));
  try {
    for (;;) {
      if (dead) throw new Error(`skiff start exited before /readyz: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      if (performance.now() - t0 > 60_000) throw new Error('skiff start: /readyz not 200 within 60 s');
      if ((await readyz(port)) === 200) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    // SIGTERM lets skiff stop its DynamoDB Local JVM; SIGKILL only if it hangs.
    if (!dead) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------
// Targets

function latencyTarget(base: number, raw: number): { limit: number; text: string } {
  // A target below the emulator's own floor is met when the API adds ≤ 15 ms to the floor.
  if (raw > base) return { limit: raw + 15, text: `≤ ${round(raw + 15, 1)} ms (raw p99 + 15; base ≤ ${base} ms)` };
  return { limit: base, text: `≤ ${base} ms` };
}

const fmtRate = (v: number) => `${Math.round(v).toLocaleString('en-US')}/s`;
const fmtMs = (v: number) => `${round(v, 1)} ms`;
const fmtDelta = (v: number) => `${v >= 0 ? '+' : ''}${round(v, 1)} ms`;

// ------------------------------------------------------------------------------------------------
// The run

export async function runApiBench(cfg: ApiBenchConfig): Promise<ApiBenchResult> {
  const { log } = cfg;
  const C = cfg.concurrency;
  const warmupMs = cfg.warmupSeconds * 1000;
  const durationMs = cfg.seconds * 1000;
  const notes: string[] = [];
  const phases: Record<string, Phase> = {};

  const probe = new DynamoProbe();
  probe.install();
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
  let cluster: LocalCluster | undefined;
  let api: ApiClient | undefined;
  let rawClient: DynamoDBClient | undefined;
  let rawAfterApi: Phase | undefined;
  try {
    log(`starting the local cluster in-process (in-memory DynamoDB Local) in ${dataDir}`);
    cluster = await startLocalCluster({ dataDir, inMemory: true, port: 0 });
    const jvm = childPids('java');
    if (jvm.length !== 1) notes.push(`expected one DynamoDB Local JVM child, found ${jvm.length}: JVM CPU not reported`);
    const meter = new PhaseMeter(jvm.length === 1 ? jvm[0] : undefined);

    /** Runs one measured phase with CPU accounting and DynamoDB call counting. */
    const phase = async (name: string, concurrency: number, op: (client: number, seq: number) => Promise<void>, countDynamo: boolean): Promise<Phase> => {
      probe.reset();
      meter.start();
      const load = await closedLoop({ concurrency, warmupMs, durationMs, op });
      const usage = meter.stop();
      const dynamo = probe.take();
      const p: Phase = {
        name,
        load,
        usage,
        ...(countDynamo ? { dynamoCallsPerRequest: perOperation(dynamo, load.totalOps), dynamo } : {}),
      };
      const l = load.latencyMs;
      log(
        `${name.padEnd(22)} c=${String(concurrency).padStart(2)}  ${String(load.perSecond).padStart(7)}/s  p50 ${fmtMs(l.p50).padStart(9)}  p99 ${fmtMs(l.p99).padStart(9)}` +
          `  node ${usage.nodeCores} cores (ELU ${usage.eventLoopUtilization})  jvm ${usage.jvmCores ?? '?'} cores` +
          (countDynamo ? `  ddb/req ${JSON.stringify(p.dynamoCallsPerRequest)}` : '') +
          (load.errors ? `  ERRORS ${load.errors}: ${load.errorSamples[0]}` : ''),
      );
      if (load.errors) notes.push(`${name} at ${concurrency}: ${load.errors} errors (${load.errorSamples[0]})`);
      return p;
    };

    // ---- raw floor, on the cluster's own DynamoDB Local --------------------------------------
    rawClient = localDynamoClient(cluster.dynamodbEndpoint);
    probe.ignore(rawClient);
    const rawTables = await createTables(rawClient, 'bench-');
    const raw = new RawFloor(rawClient, rawTables);
    // DynamoDB Local runs with -XX:TieredStopAtLevel=1 and starts cold: its first seconds are far
    // slower than its steady state. Warm it (and this process's SDK paths) before measuring anything.
    if (cfg.jvmWarmupSeconds > 0) {
      log(`warming DynamoDB Local for ${cfg.jvmWarmupSeconds} s`);
      const half = (cfg.jvmWarmupSeconds * 1000) / 2;
      await closedLoop({ concurrency: C, warmupMs: 0, durationMs: half, op: (client, seq) => raw.transaction(`warm-${client}-${seq}`) });
      const keys = raw.keys;
      await closedLoop({ concurrency: C, warmupMs: 0, durationMs: half, op: () => raw.get(keys[Math.floor(Math.random() * keys.length)]) });
    }
    for (const c of [1, C]) {
      phases[`rawTx${c}`] = await phase('raw TransactWriteItems', c, (client, seq) => raw.transaction(`raw-c${c}-${client}-${seq}`), false);
    }
    for (const c of [1, C]) {
      const keys = raw.keys;
      phases[`rawGet${c}`] = await phase('raw GetItem', c, () => raw.get(keys[Math.floor(Math.random() * keys.length)]), false);
    }

    // ---- the API over HTTPS --------------------------------------------------------------------
    api = new ApiClient({ url: cluster.url, caPem: cluster.caPem, token: cluster.token, maxSockets: C });
    for (const ns of [NS, LIST_NS]) {
      await api.expect([201], 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    const created: string[] = [];
    for (const c of [1, C]) {
      phases[`create${c}`] = await phase(
        'API create (POST)',
        c,
        async (client, seq) => {
          const name = `cm-c${c}-${client}-${seq}`;
          await api!.expect([201], 'POST', CM_PATH, configMap(name));
          created.push(name);
        },
        true,
      );
    }

    // Each client updates its own object: no conflicts between clients.
    const own = await mapLimit(
      Array.from({ length: C }, (_, i) => i),
      C,
      async (i) => JSON.parse((await api!.expect([201], 'POST', CM_PATH, configMap(`upd-${i}`))).body.toString('utf8')) as { metadata: { resourceVersion: string }; data: Record<string, string> },
    );
    for (const c of [1, C]) {
      phases[`update${c}`] = await phase(
        'API update (PUT)',
        c,
        async (client, seq) => {
          const cur = own[client];
          const body = {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `upd-${client}`, namespace: NS, labels: { app: 'bench', tier: 'api' }, resourceVersion: cur.metadata.resourceVersion },
            data: { ...cur.data, counter: `c${c}-${seq}` },
          };
          const res = await api!.expect([200], 'PUT', `${CM_PATH}/upd-${client}`, body);
          own[client] = JSON.parse(res.body.toString('utf8')) as typeof cur;
        },
        true,
      );
    }

    for (const c of [1, C]) {
      phases[`get${c}`] = await phase(
        'API GET',
        c,
        async () => {
          await api!.expect([200], 'GET', `${CM_PATH}/${created[Math.floor(Math.random() * created.length)]}`);
        },
        true,
      );
    }

    log(`creating ${cfg.listSize} pods in ${LIST_NS}`);
    const podsStart = performance.now();
    await mapLimit(
      Array.from({ length: cfg.listSize }, (_, i) => i),
      C,
      (i) => api!.expect([201], 'POST', PODS_PATH, pod(i)),
    );
    log(`  created in ${round((performance.now() - podsStart) / 1000, 1)} s`);
    let listBytes = 0;
    for (const [key, path] of [
      ['list', PODS_PATH],
      ['listLimit', `${PODS_PATH}?limit=${cfg.listSize}`],
    ] as const) {
      const check = await api.expect([200], 'GET', path);
      const parsed = JSON.parse(check.body.toString('utf8')) as { items: unknown[]; metadata: { continue?: string } };
      if (parsed.items.length !== cfg.listSize) throw new Error(`${path}: ${parsed.items.length} items, expected ${cfg.listSize}`);
      if (parsed.metadata.continue) throw new Error(`${path}: unexpected continue token`);
      listBytes = check.body.length;
      phases[key] = await phase(
        key === 'list' ? `API LIST ${cfg.listSize} pods` : `API LIST ?limit=${cfg.listSize}`,
        1,
        async () => {
          const res = await api!.expect([200], 'GET', path);
          if (res.body.length < listBytes / 2) throw new Error(`${path}: short body (${res.body.length} bytes)`);
        },
        true,
      );
    }
    notes.push(`LIST response: ${cfg.listSize} pods, ${Math.round(listBytes / 1024)} KiB of JSON`);

    // The floor again, to see whether the JVM slowed down as the tables grew.
    rawAfterApi = await phase('raw tx (after API)', C, (client, seq) => raw.transaction(`raw-after-${client}-${seq}`), false);
  } finally {
    api?.close();
    rawClient?.destroy();
    if (cluster) await cluster.stop();
    probe.uninstall();
    rmSync(dataDir, { recursive: true, force: true });
  }

  // ---- startup ---------------------------------------------------------------------------------
  const runsSeconds: number[] = [];
  for (let i = 0; i < cfg.startupRuns; i++) {
    const secs = await startupOnce(cfg.root);
    runsSeconds.push(round(secs, 2));
    log(`startup run ${i + 1}: ${round(secs, 2)} s to /readyz 200`);
  }
  const startupMedian = median(runsSeconds);

  // ---- rows ------------------------------------------------------------------------------------
  const rows: Row[] = [];
  const rawTx = phases[`rawTx${C}`].load;
  const rawGet = phases[`rawGet${C}`].load;
  const create = phases[`create${C}`].load;
  const get = phases[`get${C}`].load;

  const ratio = create.perSecond / rawTx.perSecond;
  rows.push({
    metric: `Creates/s, ${C} clients (ConfigMap POST)`,
    target: '≥ 0.60 × raw 2-item tx/s',
    measured: fmtRate(create.perSecond),
    rawFloor: `${fmtRate(rawTx.perSecond)} (2-item TransactWriteItems)`,
    ratio: round(ratio, 2).toFixed(2),
    pass: ratio >= 0.6,
    values: { api: create.perSecond, raw: rawTx.perSecond, ratio: round(ratio, 3) },
  });
  const ct = latencyTarget(50, rawTx.latencyMs.p99);
  rows.push({
    metric: `Create p99, ${C} clients`,
    target: ct.text,
    measured: fmtMs(create.latencyMs.p99),
    rawFloor: `${fmtMs(rawTx.latencyMs.p99)} (2-item tx p99)`,
    ratio: fmtDelta(create.latencyMs.p99 - rawTx.latencyMs.p99),
    pass: create.latencyMs.p99 <= ct.limit,
    values: { api: create.latencyMs.p99, raw: rawTx.latencyMs.p99, delta: round(create.latencyMs.p99 - rawTx.latencyMs.p99), limit: round(ct.limit) },
  });
  const gt = latencyTarget(20, rawGet.latencyMs.p99);
  rows.push({
    metric: `GET p99, ${C} clients`,
    target: gt.text,
    measured: fmtMs(get.latencyMs.p99),
    rawFloor: `${fmtMs(rawGet.latencyMs.p99)} (GetItem p99)`,
    ratio: fmtDelta(get.latencyMs.p99 - rawGet.latencyMs.p99),
    pass: get.latencyMs.p99 <= gt.limit,
    values: { api: get.latencyMs.p99, raw: rawGet.latencyMs.p99, delta: round(get.latencyMs.p99 - rawGet.latencyMs.p99), limit: round(gt.limit) },
  });
  for (const [key, label] of [
    ['list', `LIST ${cfg.listSize} pods p99, 1 client`],
    ['listLimit', `LIST ${cfg.listSize} pods ?limit=${cfg.listSize} p99, 1 client`],
  ] as const) {
    const l = phases[key].load;
    rows.push({
      metric: label,
      target: '≤ 250 ms',
      measured: fmtMs(l.latencyMs.p99),
      rawFloor: '—',
      ratio: '—',
      pass: l.latencyMs.p99 <= 250,
      values: { api: l.latencyMs.p99, limit: 250 },
    });
  }
  rows.push({
    metric: `Startup to /readyz 200 (median of ${cfg.startupRuns})`,
    target: '≤ 10 s',
    measured: `${round(startupMedian, 1)} s`,
    rawFloor: '—',
    ratio: '—',
    pass: startupMedian <= 10,
    values: { api: startupMedian, limit: 10 },
  });
  // A measurement with failed requests does not pass, whatever its numbers.
  const failed = (...keys: string[]) => keys.some((k) => (phases[k]?.load.errors ?? 0) > 0);
  if (failed(`create${C}`)) rows[0].pass = rows[1].pass = false;
  if (failed(`get${C}`)) rows[2].pass = false;
  if (failed('list')) rows[3].pass = false;
  if (failed('listLimit')) rows[4].pass = false;
  if (rawAfterApi) {
    const drift = rawAfterApi.load.perSecond / rawTx.perSecond - 1;
    notes.push(`raw 2-item tx/s at ${C} re-measured after the API phases: ${fmtRate(rawAfterApi.load.perSecond)} (${drift >= 0 ? '+' : ''}${Math.round(drift * 100)}% vs before)`);
  }

  return {
    config: { seconds: cfg.seconds, warmupSeconds: cfg.warmupSeconds, jvmWarmupSeconds: cfg.jvmWarmupSeconds, concurrency: C, listSize: cfg.listSize, startupRuns: cfg.startupRuns },
    dynamodbEndpointShared: true,
    rows,
    phases,
    ...(rawAfterApi ? { rawAfterApi } : {}),
    startup: { runsSeconds, medianSeconds: startupMedian },
    notes,
  };
}

// ------------------------------------------------------------------------------------------------
// Markdown

export function apiMarkdown(r: ApiBenchResult, meta: { date: string; cpus: number; cpuModel: string; node: string; commit: string }): string {
  const C = r.config.concurrency;
  const lines: string[] = [];
  lines.push(
    `API benchmark (\`npm run bench\`), ${meta.date}, commit \`${meta.commit.slice(0, 7)}\`: ${meta.cpus} × ${meta.cpuModel}, Node ${meta.node}, ` +
      `${r.config.seconds} s per measurement after ${r.config.warmupSeconds} s warm-up. API and raw floor share one in-memory DynamoDB Local JVM ` +
      '(see `/work/shared/TOOLING.md` for how targets below its floor are read). Raw JSON: `bench/results/api-latest.json`.',
  );
  lines.push('');
  lines.push('| Metric | Target | Measured | Raw floor (same JVM, same run) | Ratio / Δ | Result |');
  lines.push('|---|---|---:|---:|---:|:---:|');
  for (const row of r.rows) lines.push(`| ${row.metric} | ${row.target} | ${row.measured} | ${row.rawFloor} | ${row.ratio} | ${row.pass ? 'pass' : '**FAIL**'} |`);
  lines.push('');
  lines.push('| Operation | Clients | API ops/s | API p50 | API p99 | Raw counterpart | Raw ops/s | Raw p50 | Raw p99 | DynamoDB calls per API request |');
  lines.push('|---|---:|---:|---:|---:|---|---:|---:|---:|---|');
  const calls = (p: Phase) =>
    Object.entries(p.dynamoCallsPerRequest ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const detail = (label: string, key: string, rawLabel: string, rawKey: string | undefined, c: number) => {
    const p = r.phases[key];
    const raw = rawKey ? r.phases[rawKey] : undefined;
    const l = p.load;
    lines.push(
      `| ${label} | ${c} | ${Math.round(l.perSecond)} | ${fmtMs(l.latencyMs.p50)} | ${fmtMs(l.latencyMs.p99)} | ${rawLabel} | ` +
        (raw ? `${Math.round(raw.load.perSecond)} | ${fmtMs(raw.load.latencyMs.p50)} | ${fmtMs(raw.load.latencyMs.p99)}` : '— | — | —') +
        ` | ${calls(p)} |`,
    );
  };
  for (const c of [1, C]) detail('Create ConfigMap (POST)', `create${c}`, '2-item TransactWriteItems', `rawTx${c}`, c);
  for (const c of [1, C]) detail('Update ConfigMap (PUT)', `update${c}`, '2-item TransactWriteItems', `rawTx${c}`, c);
  for (const c of [1, C]) detail('GET ConfigMap', `get${c}`, 'GetItem (consistent)', `rawGet${c}`, c);
  detail(`LIST ${r.config.listSize} pods`, 'list', '—', undefined, 1);
  detail(`LIST ${r.config.listSize} pods, limit=${r.config.listSize}`, 'listLimit', '—', undefined, 1);
  lines.push('');
  lines.push(`- Startup runs: ${r.startup.runsSeconds.map((v) => `${v} s`).join(', ')}.`);
  for (const note of r.notes) lines.push(`- ${note}.`);
  return lines.join('\n');
}
