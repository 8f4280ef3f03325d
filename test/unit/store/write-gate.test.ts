/**
 * The store's write gate: a fixed number of turns, handed to the waiting write whose rank is
 * lowest (its object's birth), ties in arrival order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteGate } from '#lib/store/write-gate.ts';

/** A write that runs until released. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { release, done };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('WriteGate', () => {
  it('runs at most `limit` writes at once', async () => {
    const gate = new WriteGate(3);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      await tick();
      running--;
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => gate.run(i % 5, work)));
    assert.equal(peak, 3);
    assert.equal(gate.running, 0);
    assert.equal(gate.waiting, 0);
  });

  it('gives a free turn to the lowest rank waiting, ties in arrival order', async () => {
    const gate = new WriteGate(1);
    const first = held();
    const order: string[] = [];
    const blocker = gate.run(0, async () => {
      order.push('blocker');
      await first.done;
    });
    const waiting = [
      gate.run(500, async () => void order.push('create at 500')),
      gate.run(100, async () => void order.push('update born 100 (a)')),
      gate.run(900, async () => void order.push('create at 900')),
      gate.run(100, async () => void order.push('update born 100 (b)')),
      gate.run(300, async () => void order.push('update born 300')),
    ];
    await tick();
    assert.equal(gate.running, 1);
    assert.equal(gate.waiting, 5);
    first.release();
    await Promise.all([blocker, ...waiting]);
    assert.deepEqual(order, ['blocker', 'update born 100 (a)', 'update born 100 (b)', 'update born 300', 'create at 500', 'create at 900']);
  });

  it('runs at once while a turn is free, and a failed write gives its turn back', async () => {
    const gate = new WriteGate(1);
    await assert.rejects(gate.run(1, async () => {
      throw new Error('TransactionCanceled');
    }), /TransactionCanceled/);
    assert.equal(gate.running, 0);
    assert.equal(await gate.run(2, async () => 'ok'), 'ok');
    const a = held();
    const first = gate.run(5, () => a.done);
    const second = gate.run(9, async () => 'second');
    await tick();
    assert.equal(gate.waiting, 1, 'the second write waits while the only turn is taken');
    a.release();
    assert.equal(await second, 'second');
    await first;
  });

  it('a write arriving later with a lower rank passes the ones already waiting', async () => {
    const gate = new WriteGate(2);
    const a = held();
    const b = held();
    const order: number[] = [];
    const running = [gate.run(0, () => a.done), gate.run(0, () => b.done)];
    const queued = [1000, 2000, 3000].map((rank) => gate.run(rank, async () => void order.push(rank)));
    await tick();
    const late = gate.run(10, async () => void order.push(10));
    a.release();
    await Promise.all([...running.slice(0, 1)]);
    b.release();
    await Promise.all([...running, ...queued, late]);
    assert.equal(order[0], 10);
    assert.deepEqual(order.slice(1), [1000, 2000, 3000]);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new WriteGate(bad), /positive integer/);
  });
});
