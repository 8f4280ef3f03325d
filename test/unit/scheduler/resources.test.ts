/** NodeResourcesFit (filter), LeastAllocated and BalancedAllocation (scores), table-driven. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node, Pod } from '../../../lib/api/schema/index.ts';
import type { Status } from '../../../lib/scheduler/framework.ts';
import { balancedAllocation, balancedScore } from '../../../lib/scheduler/plugins/balanced-allocation.ts';
import { leastAllocated } from '../../../lib/scheduler/plugins/least-allocated.ts';
import { nodeResourcesFit } from '../../../lib/scheduler/plugins/node-resources-fit.ts';
import { node, ok, pod, runFilter, runScore, status } from './helpers.ts';

let seq = 0;
const on = (n: string, cpu?: string, memory?: string) => pod(`bound-${seq++}`, { nodeName: n, cpu, memory });

describe('NodeResourcesFit filter', () => {
  const cases: { name: string; pod: Pod; node: Node; bound?: Pod[]; want: Status }[] = [
    { name: 'fits an empty node', pod: pod('p', { cpu: '1', memory: '1Gi' }), node: node('n1'), want: ok },
    { name: 'exactly fills the node', pod: pod('p', { cpu: '4', memory: '8Gi' }), node: node('n1'), want: ok },
    { name: 'too much cpu', pod: pod('p', { cpu: '4500m' }), node: node('n1'), want: status('Unschedulable', 'NodeResourcesFit', 'Insufficient cpu') },
    { name: 'cpu taken by bound pods', pod: pod('p', { cpu: '1' }), node: node('n1'), bound: [on('n1', '3500m')], want: status('Unschedulable', 'NodeResourcesFit', 'Insufficient cpu') },
    {
      name: 'cpu and memory both short',
      pod: pod('p', { cpu: '2', memory: '2Gi' }),
      node: node('n1', { cpu: '1', memory: '1Gi' }),
      want: status('Unschedulable', 'NodeResourcesFit', 'Insufficient cpu', 'Insufficient memory'),
    },
    { name: 'too many pods', pod: pod('p'), node: node('n1', { pods: '1' }), bound: [on('n1')], want: status('Unschedulable', 'NodeResourcesFit', 'Too many pods') },
    { name: 'zero-request pod ignores cpu pressure', pod: pod('p'), node: node('n1', { cpu: '1' }), bound: [on('n1', '1')], want: ok },
    {
      name: 'ephemeral storage',
      pod: pod('p', { spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'ephemeral-storage': '2Gi' } } }] } }),
      node: node('n1', { storage: '1Gi' }),
      want: status('Unschedulable', 'NodeResourcesFit', 'Insufficient ephemeral-storage'),
    },
    {
      name: 'extended resource missing on node',
      pod: pod('p', { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } }),
      node: node('n1'),
      want: status('Unschedulable', 'NodeResourcesFit', 'Insufficient nvidia.com/gpu'),
    },
    {
      name: 'extended resource present',
      pod: pod('p', { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } }),
      node: node('n1', { extra: { 'nvidia.com/gpu': '2' } }),
      want: ok,
    },
    { name: 'terminal pods do not count', pod: pod('p', { cpu: '1' }), node: node('n1'), bound: [{ ...on('n1', '4'), status: { phase: 'Succeeded' } }], want: ok },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = runFilter(nodeResourcesFit, c.pod, { nodes: [c.node], pods: c.bound }, 'n1');
      assert.deepEqual({ code: got.code, reasons: got.reasons }, { code: c.want.code, reasons: c.want.reasons });
    });
  }
});

describe('LeastAllocated score', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; bound?: Pod[]; want: Record<string, number> }[] = [
    {
      // kube's table: cpu (4000-3000)/4000=25, mem (10000-5000)/10000=50 → 37; node 2: 50, 50 → 50
      name: 'kube example: differently sized nodes',
      pod: pod('p', { cpu: '3000m', memory: '5000' }),
      nodes: [node('n1', { cpu: '4', memory: '10000' }), node('n2', { cpu: '6', memory: '10000' })],
      want: { n1: 37, n2: 50 },
    },
    {
      name: 'defaults for a pod without requests (100m, 200Mi)',
      pod: pod('p'),
      nodes: [node('n1', { cpu: '1', memory: '2000Mi' })],
      want: { n1: 90 },
    },
    {
      name: 'over-committed resource scores 0',
      pod: pod('p', { cpu: '8', memory: '1Gi' }),
      nodes: [node('n1', { cpu: '4', memory: '2Gi' })],
      want: { n1: 25 },
    },
    {
      name: 'bound pods count',
      pod: pod('p', { cpu: '1', memory: '1Gi' }),
      nodes: [node('n1'), node('n2')],
      bound: [on('n1', '2', '4Gi')],
      want: { n1: 31, n2: 81 },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(runScore(leastAllocated, c.pod, { nodes: c.nodes, pods: c.bound }), c.want));
});

describe('BalancedAllocation score', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; want: Record<string, number> }[] = [
    { name: 'equal fractions score 100', pod: pod('p', { cpu: '2', memory: '4Gi' }), nodes: [node('n1')], want: { n1: 100 } },
    { name: 'cpu 50%, memory 0%', pod: pod('p', { cpu: '2' }), nodes: [node('n1')], want: { n1: 75 } },
    { name: 'fractions capped at 1', pod: pod('p', { cpu: '8', memory: '0' }), nodes: [node('n1')], want: { n1: 50 } },
    { name: 'pod without requests is skipped', pod: pod('p'), nodes: [node('n1')], want: { n1: 0 } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(runScore(balancedAllocation, c.pod, { nodes: c.nodes }), c.want));
  it('a resource the node lacks is left out', () => assert.equal(balancedScore(0.9, undefined), 100));
});
