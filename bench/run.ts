/**
 * `npm run bench [part…]`: runs the benchmark parts (default: all), prints their tables, writes
 * JSON under bench/results/ and rewrites each part's README section between its markers.
 *
 * Environment: BENCH_SECONDS (measured seconds per measurement, default 5), BENCH_WARMUP_SECONDS
 * (default 2), BENCH_SLICE_SECONDS (raw floor and API alternate in slices this long, default 1),
 * BENCH_JVM_WARMUP_SECONDS (unmeasured DynamoDB Local warm-up, default 10), BENCH_CONCURRENCY (default 16), BENCH_CLIENT=inline (run the HTTPS load generator on the main
 * thread instead of a worker), BENCH_LIST_SIZE (default 500), BENCH_STARTUP_RUNS
 * (default 3), BENCH_SCHEDULER_NODES / BENCH_SCHEDULER_PODS (default 5000 / 10000), BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_NO_README=1 (leave README.md).
 * The e2e part: BENCH_E2E_REPLICAS (default 1000), BENCH_E2E_NODES (default 100), BENCH_E2E_IDLE_NODES
 * (default 1000; ≤ BENCH_E2E_NODES skips the idle measurement), BENCH_E2E_IDLE_SECONDS (default 60),
 * BENCH_E2E_IDLE_SETTLE_SECONDS (default 15), BENCH_E2E_RENEW_MS (default 10000), BENCH_E2E_TIMEOUT_SECONDS
 * (default 180), BENCH_E2E_AGENT_CONCURRENCY (pods the simulated nodes' process works on at once; the
 * agent's default 16 when unset), BENCH_E2E_WRITE_CONCURRENCY (the cluster's writes to DynamoDB Local at
 * once; the cluster's default 16 when unset, 0 for no limit), BENCH_E2E_CPU_PROFILE=<file> (.cpuprofiles of the cluster's main thread
 * during the rollout and, as <file>.idle.cpuprofile, the idle window). Its raw floor takes BENCH_SECONDS
 * and BENCH_CONCURRENCY, and BENCH_JVM_WARMUP_SECONDS with a default of 5.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiMarkdown, runApiBench } from './api.ts';
import { e2eMarkdown, runE2eBench } from './e2e.ts';
import { runSchedulerBench, schedulerMarkdown } from './scheduler.ts';
import { machineInfo } from './lib/machine.ts';
import { updateReadmeSection } from './lib/readme.ts';
import { writeResults } from './lib/results.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function numEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return v;
}

interface PartOutcome {
  markdown: string;
  allPassed: boolean;
}

const PARTS: Record<string, () => Promise<PartOutcome>> = {
  async api() {
    const began = new Date();
    const t0 = performance.now();
    const log = (line: string) => console.error(`[bench:api] ${line}`);
    const machine = machineInfo(root);
    const result = await runApiBench({
      root,
      seconds: numEnv('BENCH_SECONDS', 5, 0.5),
      warmupSeconds: numEnv('BENCH_WARMUP_SECONDS', 2, 0),
      sliceSeconds: numEnv('BENCH_SLICE_SECONDS', 1, 0.2),
      jvmWarmupSeconds: numEnv('BENCH_JVM_WARMUP_SECONDS', 10, 0),
      concurrency: Math.round(numEnv('BENCH_CONCURRENCY', 16, 1)),
      clientMode: process.env.BENCH_CLIENT === 'inline' ? 'inline' : 'worker',
      listSize: Math.round(numEnv('BENCH_LIST_SIZE', 500, 1)),
      startupRuns: Math.round(numEnv('BENCH_STARTUP_RUNS', 3, 1)),
      log,
    });
    const elapsedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const markdown = apiMarkdown(result, { date: began.toISOString().slice(0, 10), cpus: machine.cpus, cpuModel: machine.cpuModel, node: machine.node, commit: machine.gitCommit });
    const files = writeResults(join(root, 'bench', 'results'), 'api', { part: 'api', startedAt: began.toISOString(), elapsedSeconds, machine, ...result }, began);
    log(`results: ${files.dated} (and ${files.latest}); whole part took ${elapsedSeconds} s`);
    return { markdown, allPassed: result.rows.every((r) => r.pass) };
  },
  async scheduler() {
    const began = new Date();
    const log = (line: string) => console.error(`[bench:scheduler] ${line}`);
    const machine = machineInfo(root);
    const result = runSchedulerBench({ nodes: Math.round(numEnv('BENCH_SCHEDULER_NODES', 5000, 1)), pods: Math.round(numEnv('BENCH_SCHEDULER_PODS', 10000, 1)), log });
    const markdown = schedulerMarkdown(result, { date: began.toISOString().slice(0, 10), cpus: machine.cpus, cpuModel: machine.cpuModel, node: machine.node, commit: machine.gitCommit });
    writeResults(join(root, 'bench', 'results'), 'scheduler', { part: 'scheduler', startedAt: began.toISOString(), machine, ...result }, began);
    return { markdown, allPassed: result.rows.every((r) => r.pass) };
  },
  async e2e() {
    const began = new Date();
    const t0 = performance.now();
    const log = (line: string) => console.error(`[bench:e2e] ${line}`);
    const machine = machineInfo(root);
    const nodes = Math.round(numEnv('BENCH_E2E_NODES', 100, 1));
    const result = await runE2eBench({
      root,
      replicas: Math.round(numEnv('BENCH_E2E_REPLICAS', 1000, 1)),
      nodes,
      idleNodes: Math.round(numEnv('BENCH_E2E_IDLE_NODES', 1000, 0)),
      idleSeconds: numEnv('BENCH_E2E_IDLE_SECONDS', 60, 0),
      idleSettleSeconds: numEnv('BENCH_E2E_IDLE_SETTLE_SECONDS', 15, 0),
      renewIntervalMs: Math.round(numEnv('BENCH_E2E_RENEW_MS', 10_000, 100)),
      ...(process.env.BENCH_E2E_AGENT_CONCURRENCY ? { agentConcurrency: Math.round(numEnv('BENCH_E2E_AGENT_CONCURRENCY', 16, 1)) } : {}),
      ...(process.env.BENCH_E2E_WRITE_CONCURRENCY ? { writeConcurrency: Math.round(numEnv('BENCH_E2E_WRITE_CONCURRENCY', 16, 0)) } : {}),
      latencyPods: Math.round(numEnv('BENCH_E2E_LATENCY_PODS', nodes, 0)),
      latencyPodsPerSecond: numEnv('BENCH_E2E_LATENCY_PODS_PER_SECOND', 5, 0.1),
      timeoutSeconds: numEnv('BENCH_E2E_TIMEOUT_SECONDS', 180, 1),
      floorSeconds: numEnv('BENCH_SECONDS', 5, 0.5),
      jvmWarmupSeconds: numEnv('BENCH_JVM_WARMUP_SECONDS', 5, 0),
      concurrency: Math.round(numEnv('BENCH_CONCURRENCY', 16, 1)),
      ...(process.env.BENCH_E2E_CPU_PROFILE ? { cpuProfile: resolve(process.env.BENCH_E2E_CPU_PROFILE) } : {}),
      log,
    });
    const elapsedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const markdown = e2eMarkdown(result, { date: began.toISOString().slice(0, 10), cpus: machine.cpus, cpuModel: machine.cpuModel, node: machine.node, commit: machine.gitCommit });
    const files = writeResults(join(root, 'bench', 'results'), 'e2e', { part: 'e2e', startedAt: began.toISOString(), elapsedSeconds, machine, ...result }, began);
    log(`results: ${files.dated} (and ${files.latest}); whole part took ${elapsedSeconds} s`);
    return { markdown, allPassed: result.rows.every((r) => r.pass !== false) };
  },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const parts = wanted.length ? wanted : Object.keys(PARTS);
  for (const p of parts) if (!PARTS[p]) throw new Error(`unknown bench part "${p}" (known: ${Object.keys(PARTS).join(', ')})`);
  let allPassed = true;
  for (const part of parts) {
    const outcome = await PARTS[part]();
    console.log(`\n## bench: ${part}\n\n${outcome.markdown}\n`);
    if (process.env.BENCH_NO_README !== '1') updateReadmeSection(join(root, 'README.md'), part, outcome.markdown);
    allPassed &&= outcome.allPassed;
  }
  if (!allPassed) console.error('bench: at least one target was missed (see the tables above)');
  if (!allPassed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
