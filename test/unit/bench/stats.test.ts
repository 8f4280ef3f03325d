/** The benchmark's throughput bound for a latency percentile (`rateForLatency`). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateForLatency } from '../../../bench/lib/stats.ts';

const near = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('rateForLatency', () => {
  it('needs 99 % of a burst served within the bound when everything arrives at once', () => {
    // 990 of 1,000 done within 5 s of t=0: 198 per second.
    near(rateForLatency(new Array(1000).fill(0), 5000, 0.99), 198, 0.5);
  });

  it('counts the time the last arrivals have left when arrivals are spread out', () => {
    // 250 per second for 4 s: the 990th arrives at 3.96 s and must be done by 8.96 s.
    const arrivals = Array.from({ length: 1000 }, (_, i) => (i + 1) * 4);
    near(rateForLatency(arrivals, 5000, 0.99), 990 / 8.96, 0.5);
  });

  it('lets a backlog grow only as far as the bound allows when arrivals are steady', () => {
    // One per second for 60 s, each allowed 5 s: served at r < 1/s the 60th is done 60/r s after
    // the first arrival, 59 s after which it came, so r ≥ 60/64.
    const arrivals = Array.from({ length: 60 }, (_, i) => i * 1000);
    near(rateForLatency(arrivals, 5000, 1), 60 / 64, 0.01);
    assert.equal(rateForLatency([], 5000, 0.99), 0);
  });
});
