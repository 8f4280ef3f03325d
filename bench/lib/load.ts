/**
 * A closed-loop load generator: `concurrency` clients each issue one operation at a time, back to
 * back, for a warm-up period and then a measured window, with no gap between the two.
 *
 * - Throughput: operations that completed inside the measured window, per second.
 * - Latency: every operation that started inside the window (including those finishing just after).
 */
import { performance } from 'node:perf_hooks';
import { summarize, round, type LatencySummary } from './stats.ts';

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One operation by client `client` (0-based), its `seq`-th (0-based). Throw to count an error. */
  op: (client: number, seq: number) => Promise<void>;
  /** Keep every latency sample in the result (to merge slices of one measurement). */
  keepSamples?: boolean;
}

export interface LoadResult {
  concurrency: number;
  seconds: number;
  /** Completed inside the measured window, per second. */
  perSecond: number;
  latencyMs: LatencySummary;
  /** Every operation run, warm-up included (for per-operation call counts). */
  totalOps: number;
  /** Operations that completed inside the window. */
  completed: number;
  errors: number;
  errorSamples: string[];
  /** Latencies (ms) of the operations that started inside the window, when asked for. */
  samples?: number[];
}

export async function closedLoop(opts: LoadOptions): Promise<LoadResult> {
  const t0 = performance.now();
  const windowStart = t0 + opts.warmupMs;
  const windowEnd = windowStart + opts.durationMs;
  const latencies: number[] = [];
  let completedInWindow = 0;
  let totalOps = 0;
  let errors = 0;
  const errorSamples: string[] = [];

  const client = async (c: number) => {
    for (let seq = 0; ; seq++) {
      const start = performance.now();
      if (start >= windowEnd) return;
      let ok = true;
      try {
        await opts.op(c, seq);
      } catch (err) {
        ok = false;
        errors++;
        if (errorSamples.length < 5) errorSamples.push((err as Error).message ?? String(err));
        // Do not spin on a failing server.
        await new Promise((r) => setTimeout(r, 5));
      }
      const end = performance.now();
      totalOps++;
      if (ok && start >= windowStart) latencies.push(end - start);
      if (ok && end >= windowStart && end < windowEnd) completedInWindow++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, c) => client(c)));
  return {
    concurrency: opts.concurrency,
    seconds: opts.durationMs / 1000,
    perSecond: round(completedInWindow / (opts.durationMs / 1000), 1),
    latencyMs: summarize(latencies),
    totalOps,
    completed: completedInWindow,
    errors,
    errorSamples,
    ...(opts.keepSamples ? { samples: latencies } : {}),
  };
}

/** One measurement out of several slices of it (see `closedLoop`'s `keepSamples`). */
export function mergeLoads(parts: readonly LoadResult[]): LoadResult {
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  const completed = parts.reduce((a, p) => a + p.completed, 0);
  return {
    concurrency: parts[0]?.concurrency ?? 0,
    seconds: round(seconds, 3),
    perSecond: round(completed / seconds, 1),
    latencyMs: summarize(parts.flatMap((p) => p.samples ?? [])),
    totalOps: parts.reduce((a, p) => a + p.totalOps, 0),
    completed,
    errors: parts.reduce((a, p) => a + p.errors, 0),
    errorSamples: parts.flatMap((p) => p.errorSamples).slice(0, 5),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
