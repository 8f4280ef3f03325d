import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QuantityError, milliValue, parseQuantity, value } from '../../../lib/scheduler/quantity.ts';
import { podRequests } from '../../../lib/scheduler/resources.ts';
import { pod } from './helpers.ts';

describe('quantity', () => {
  const cases: [string, 'milli' | 'value', number][] = [
    ['100m', 'milli', 100],
    ['1', 'milli', 1000],
    ['0.5', 'milli', 500],
    ['0.1', 'milli', 100],
    ['.5', 'milli', 500],
    ['1.', 'milli', 1000],
    ['0.1m', 'milli', 1], // rounds up, as MilliValue()
    ['2500u', 'milli', 3],
    ['1e3', 'value', 1000],
    ['1E-3', 'milli', 1],
    ['1k', 'value', 1000],
    ['1M', 'value', 1_000_000],
    ['128Mi', 'value', 128 * 1024 * 1024],
    ['1Gi', 'value', 1024 ** 3],
    ['1.5Gi', 'value', 1.5 * 1024 ** 3],
    ['1Ki', 'value', 1024],
    ['100m', 'value', 1],
    ['-1', 'value', -1],
    ['+2', 'value', 2],
    ['0', 'milli', 0],
  ];
  for (const [q, unit, want] of cases) {
    it(`${q} as ${unit} is ${want}`, () => {
      assert.equal(unit === 'milli' ? milliValue(q) : value(q), want);
    });
  }
  it('accepts numbers', () => assert.equal(milliValue(2), 2000));
  for (const bad of ['', 'abc', '1Zi', '1.2.3', 'm', '1 Gi', '.']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseQuantity(bad), QuantityError));
  }
  it('integers and their milli form agree', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => milliValue(`${n}m`) === n && milliValue(String(n)) === n * 1000));
  });
});

describe('podRequests', () => {
  it('sums containers, takes the max with init containers, adds overhead', () => {
    const p = pod('p', {
      spec: {
        containers: [
          { name: 'a', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          { name: 'b', image: 'x', resources: { requests: { cpu: '200m' } } },
        ],
        initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '500m', memory: '32Mi' } } }],
        overhead: { cpu: '10m' },
      },
    });
    const r = podRequests(p);
    assert.equal(r.milliCPU, 510);
    assert.equal(r.memory, 64 * 1024 * 1024);
  });
  it('restartable (sidecar) init containers accumulate', () => {
    const p = pod('p', {
      spec: {
        containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }],
        initContainers: [
          { name: 's', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
          { name: 'i', image: 'x', resources: { requests: { cpu: '250m' } } },
        ],
      },
    });
    // max(100 + 200, 200 + 250) = 450
    assert.equal(podRequests(p).milliCPU, 450);
  });
  it('falls back to limits, and non-zero defaults apply only to missing requests', () => {
    const p = pod('p', { spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }] } });
    assert.equal(podRequests(p).milliCPU, 1000);
    assert.equal(podRequests(p, true).memory, 200 * 1024 * 1024);
    assert.equal(podRequests(pod('q'), true).milliCPU, 100);
    assert.equal(podRequests(pod('q')).milliCPU, 0);
  });
});
