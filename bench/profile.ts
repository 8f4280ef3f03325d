/**
 * Profiles one API measurement: starts the local cluster in-process, runs one scenario from a
 * worker-thread load generator, and prints throughput, DynamoDB calls per request and, for a
 * `.cpuprofile` of the main thread (the API server), where its CPU went.
 *
 *   node --import tsx bench/profile.ts create 16 8        # scenario, clients, seconds
 *   node --import tsx bench/profile.ts --ab create 16 4   # A/B of lib/sdk-tuning.ts, alternating
 *   node --import tsx bench/profile.ts --report <file>.cpuprofile [requests]
 *
 * The main thread is profiled with the inspector's sampling profiler during the measured window
 * only (not startup or warm-up); the profile is written to the system temp folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCluster } from '../lib/local/cluster.ts';
import { createApiLoad } from './lib/api-load.ts';
import type { Scenario } from './lib/api-scenarios.ts';
import { attribute } from './lib/cpuprofile.ts';
import { DynamoProbe, perOperation } from './lib/ddb-probe.ts';
import { setSdkTuning } from './lib/sdk-tuning.ts';
import { PhaseMeter } from './lib/meter.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function profile(scenario: Scenario, concurrency: number, seconds: number): Promise<void> {
  const probe = new DynamoProbe();
  probe.install();
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-prof-'));
  const cluster = await startLocalCluster({ dataDir, inMemory: true, port: 0 });
  const listSize = scenario.startsWith('list') ? 500 : 1;
  const load = createApiLoad({ url: cluster.url, caPem: cluster.caPem, token: cluster.token, maxSockets: concurrency, listSize }, 'worker');
  try {
    await load.setup(concurrency);
    // GETs need objects: create some first.
    if (scenario === 'get') await load.run({ scenario: 'create', concurrency, warmupMs: 0, durationMs: 2000 });
    await load.run({ scenario, concurrency, warmupMs: 0, durationMs: 2000 });
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    probe.reset();
    const r = await load.run({ scenario, concurrency, warmupMs: 0, durationMs: seconds * 1000 });
    const calls = probe.take();
    const { profile: prof } = await session.post('Profiler.stop');
    session.disconnect();
    const file = join(tmpdir(), `skiff-${scenario}-c${concurrency}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(prof));
    console.log(JSON.stringify({ scenario, concurrency, perSecond: r.perSecond, latencyMs: r.latencyMs, totalOps: r.totalOps, errors: r.errors, dynamoPerRequest: perOperation(calls, r.totalOps) }, null, 2));
    for (const [name, s] of Object.entries(calls.byCommand)) console.log(`  ${name}: ${s.calls} calls, p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms${s.itemsPerCall ? `, ${s.itemsPerCall} items` : ''}`);
    console.log('');
    report(file, r.totalOps);
  } finally {
    await load.close();
    await cluster.stop();
    probe.uninstall();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Alternates plain and tuned SDK clients (A B A B A B) on one cluster: throughput and main-thread CPU per request. */
async function abTest(scenario: Scenario, concurrency: number, seconds: number): Promise<void> {
  setSdkTuning(false);
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-prof-'));
  const cluster = await startLocalCluster({ dataDir, inMemory: true, port: 0 });
  const load = createApiLoad({ url: cluster.url, caPem: cluster.caPem, token: cluster.token, maxSockets: concurrency, listSize: 1 }, 'worker');
  const meter = new PhaseMeter(undefined);
  try {
    await load.setup(concurrency);
    await load.run({ scenario: 'create', concurrency, warmupMs: 0, durationMs: 3000 });
    for (let round = 0; round < 3; round++) {
      for (const tuned of [false, true]) {
        setSdkTuning(tuned);
        meter.start();
        const r = await load.run({ scenario, concurrency, warmupMs: 500, durationMs: seconds * 1000 });
        const u = meter.stop();
        const cpuMsPerReq = ((u.mainThreadCores ?? NaN) * u.wallSeconds * 1000) / r.totalOps;
        console.log(`${tuned ? 'tuned' : 'plain'}  ${String(r.perSecond).padStart(7)}/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  main thread ${cpuMsPerReq.toFixed(2)} ms CPU/req  errors ${r.errors}`);
      }
    }
  } finally {
    await load.close();
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(file: string, requests: number | undefined): void {
  const a = attribute(file, root, 25);
  const busy = a.totalMs - a.idleMs;
  const per = (ms: number) => (requests ? `  ${(ms / requests).toFixed(3)} ms/req` : '');
  console.log(`profile ${file}: ${a.totalMs} ms sampled, ${a.idleMs} ms idle, ${busy} ms busy${per(busy)}`);
  console.log('\nbusy time by category (innermost decisive frame):');
  for (const c of a.byCategory) console.log(`  ${String(c.ms).padStart(7)} ms ${((100 * c.ms) / busy).toFixed(1).padStart(5)}%${per(c.ms)}  ${c.category}`);
  console.log('\nself time by owner (package or project file):');
  for (const o of a.bySelfOwner) console.log(`  ${String(o.ms).padStart(7)} ms ${((100 * o.ms) / busy).toFixed(1).padStart(5)}%${per(o.ms)}  ${o.owner}`);
  console.log('\nself time by function:');
  for (const f of a.bySelfFunction) console.log(`  ${String(f.ms).padStart(7)} ms ${((100 * f.ms) / busy).toFixed(1).padStart(5)}%  ${f.name}`);
  console.log('\ninclusive time (project code and selected library entry points):');
  const interesting = /lib\/|functions\/|signRequest|^send |^stringify|^parse |gzip/;
  for (const f of a.inclusive.filter((x) => interesting.test(x.name)).slice(0, 45)) console.log(`  ${String(f.ms).padStart(7)} ms ${((100 * f.ms) / busy).toFixed(1).padStart(5)}%${per(f.ms)}  ${f.name}`);
}

const args = process.argv.slice(2);
if (args[0] === '--ab') {
  abTest((args[1] ?? 'create') as Scenario, Number(args[2] ?? 16), Number(args[3] ?? 4)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else if (args[0] === '--report') {
  report(args[1], args[2] ? Number(args[2]) : undefined);
} else {
  const scenario = (args[0] ?? 'create') as Scenario;
  profile(scenario, Number(args[1] ?? 16), Number(args[2] ?? 8)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
