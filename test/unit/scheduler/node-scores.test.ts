/** TaintToleration and NodeAffinity scores, table-driven. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Affinity, Node, Pod } from '../../../lib/api/schema/index.ts';
import type { ScorePlugin } from '../../../lib/scheduler/framework.ts';
import { nodeAffinityScore } from '../../../lib/scheduler/plugins/node-affinity.ts';
import { taintTolerationScore } from '../../../lib/scheduler/plugins/taint-toleration.ts';
import { node, pod, runScore } from './helpers.ts';

function table(plugin: ScorePlugin, cases: { name: string; pod: Pod; nodes: Node[]; want: Record<string, number> }[]) {
  describe(`${plugin.name} score`, () => {
    for (const c of cases) it(c.name, () => assert.deepEqual(runScore(plugin, c.pod, { nodes: c.nodes }), c.want));
  });
}

const soft = (key: string, value = '') => ({ key, value, effect: 'PreferNoSchedule' as const });

table(taintTolerationScore, [
  { name: 'no taints anywhere', pod: pod('p'), nodes: [node('n1'), node('n2')], want: { n1: 100, n2: 100 } },
  {
    name: 'fewer intolerable soft taints win',
    pod: pod('p'),
    nodes: [node('n1'), node('n2', { taints: [soft('a')] }), node('n3', { taints: [soft('a'), soft('b')] })],
    want: { n1: 100, n2: 50, n3: 0 },
  },
  {
    name: 'tolerated soft taints do not count',
    pod: pod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] }),
    nodes: [node('n1', { taints: [soft('a')] }), node('n2', { taints: [soft('b')] })],
    want: { n1: 100, n2: 0 },
  },
  {
    name: 'NoSchedule tolerations do not cover soft taints',
    pod: pod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] }),
    nodes: [node('n1', { taints: [soft('a')] }), node('n2')],
    want: { n1: 0, n2: 100 },
  },
]);

const preferred = (...prefs: [number, string, string][]): Affinity => ({
  nodeAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: prefs.map(([weight, key, v]) => ({ weight, preference: { matchExpressions: [{ key, operator: 'In', values: [v] }] } })),
  },
}) as Affinity;

table(nodeAffinityScore, [
  { name: 'no preferences', pod: pod('p'), nodes: [node('n1')], want: { n1: 0 } },
  {
    name: 'weights add up and normalize to the best node',
    pod: pod('p', { affinity: preferred([2, 'zone', 'a'], [6, 'disk', 'ssd']) }),
    nodes: [node('n1', { labels: { zone: 'a' } }), node('n2', { labels: { disk: 'ssd' } }), node('n3', { labels: { zone: 'a', disk: 'ssd' } }), node('n4')],
    want: { n1: 25, n2: 75, n3: 100, n4: 0 },
  },
]);
