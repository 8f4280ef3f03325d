/** Latency summaries. Times are milliseconds. */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (q in 0..1). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: round(sorted.length ? sum / sorted.length : NaN),
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : NaN),
  };
}

export function round(v: number, digits = 2): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/**
 * The lowest steady rate (items per second) at which a first-come-first-served pipeline, serving
 * items as they arrive at `arrivalsMs` and taking no time of its own, would finish the share `q` of
 * them within `withinMs` of their arrival: the throughput a latency percentile needs under that
 * arrival curve, whatever each item's own path costs.
 */
export function rateForLatency(arrivalsMs: readonly number[], withinMs: number, q: number): number {
  const arrivals = [...arrivalsMs].sort((a, b) => a - b);
  if (arrivals.length === 0) return 0;
  const allowed = arrivals.length - Math.ceil(q * arrivals.length);
  const late = (rate: number) => {
    const gap = 1000 / rate;
    let done = -Infinity;
    let count = 0;
    for (const at of arrivals) {
      done = Math.max(done, at) + gap;
      if (done - at > withinMs) count++;
    }
    return count;
  };
  let lo = 0;
  let hi = 1;
  while (late(hi) > allowed) hi *= 2;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (late(mid) > allowed) lo = mid;
    else hi = mid;
  }
  return hi;
}
