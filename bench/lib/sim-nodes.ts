/**
 * Simulated nodes in a process of their own, as agents run off the control plane's machine:
 * `startSimulatedNodes` with the options in SKIFF_BENCH_NODES (JSON). Prints one JSON line on
 * stdout when every node is registered (`{"ready":…}`), forwards the agents' log lines to stderr,
 * and stops (its Nodes stay registered) when stdin closes or on SIGTERM, printing `{"stopped":…}`.
 *
 * `SimNodes.start` is the parent's side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulatedNodes, type SimulatedNodesOptions } from '../../lib/agent/agent.ts';

export type SimNodesConfig = Pick<SimulatedNodesOptions, 'server' | 'token' | 'caPem' | 'names' | 'renewIntervalMs' | 'podStartDelayMs' | 'statusReportIntervalMs' | 'concurrency'>;

interface ReadyLine {
  ready: true;
  nodes: number;
  seconds: number;
}
interface StoppedLine {
  stopped: true;
  logLines: number;
}

async function child(): Promise<void> {
  const config = JSON.parse(process.env.SKIFF_BENCH_NODES ?? '{}') as SimNodesConfig;
  let logLines = 0;
  const t0 = performance.now();
  const sim = await startSimulatedNodes({
    ...config,
    log: (line) => {
      logLines++;
      process.stderr.write(`${line}\n`);
    },
  });
  const ready: ReadyLine = { ready: true, nodes: sim.nodes.length, seconds: (performance.now() - t0) / 1000 };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sim.stop();
    const stopped: StoppedLine = { stopped: true, logLines };
    process.stdout.write(`${JSON.stringify(stopped)}\n`, () => process.exit(0));
  };
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  process.on('SIGTERM', () => void stop());
}

/** The parent's handle on a child process of simulated nodes. */
export class SimNodes {
  readonly process: ChildProcess;
  readonly ready: ReadyLine;
  readonly #logSamples: string[];
  readonly #exited: Promise<void>;
  readonly #count: () => number;

  private constructor(proc: ChildProcess, ready: ReadyLine, state: { logSamples: string[]; exited: Promise<void>; count: () => number }) {
    this.process = proc;
    this.ready = ready;
    this.#logSamples = state.logSamples;
    this.#exited = state.exited;
    this.#count = state.count;
  }

  /** Lines the agents logged so far (failed renewals, pod retries, other problems). */
  get logLines(): number {
    return this.#count();
  }

  /** The first few of them. */
  get logSamples(): readonly string[] {
    return this.#logSamples;
  }

  /** Spawns the process and resolves once its nodes are registered (rejects if it dies first). */
  static async start(config: SimNodesConfig, timeoutMs = 120_000): Promise<SimNodes> {
    const entry = fileURLToPath(import.meta.url);
    const proc = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, SKIFF_BENCH_NODES: JSON.stringify(config), SKIFF_BENCH_NODES_CHILD: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const logSamples: string[] = [];
    let lines = 0;
    let errTail = '';
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => {
      for (const line of d.split('\n')) {
        if (!line.trim() || /NodeVersionSupportWarning|AWS SDK for JavaScript|node >=22|upgrade to node|a\.co\/|--trace-warnings|To continue receiving/.test(line)) continue;
        lines++;
        if (logSamples.length < 10) logSamples.push(line.slice(0, 300));
        errTail = line.slice(0, 300);
      }
    });
    const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
    let out = '';
    proc.stdout!.setEncoding('utf8');
    const ready = await new Promise<ReadyLine>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`simulated nodes not ready within ${timeoutMs / 1000} s`)), timeoutMs);
      proc.stdout!.on('data', (d: string) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        const line = JSON.parse(out.slice(0, nl)) as ReadyLine;
        out = out.slice(nl + 1);
        if (line.ready) {
          clearTimeout(timer);
          ok(line);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        fail(new Error(`simulated nodes exited before they were ready: ${errTail}`));
      });
    }).catch((err: unknown) => {
      proc.kill('SIGKILL');
      throw err;
    });
    return new SimNodes(proc, ready, { logSamples, exited, count: () => lines });
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  /** Stops the agents (closing stdin), killing the process if it does not exit within 15 s. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.stdin!.end();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

if (process.env.SKIFF_BENCH_NODES_CHILD === '1' && process.argv[1] === fileURLToPath(import.meta.url)) {
  child().catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
