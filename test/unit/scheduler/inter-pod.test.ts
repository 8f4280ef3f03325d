/** InterPodAffinity and PodTopologySpread, table-driven over small clusters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Affinity, Node, Pod, TopologySpreadConstraint } from '../../../lib/api/schema/index.ts';
import type { Status } from '../../../lib/scheduler/framework.ts';
import { interPodAffinityFilter, interPodAffinityScore } from '../../../lib/scheduler/plugins/inter-pod-affinity.ts';
import { podTopologySpreadFilter, podTopologySpreadScore } from '../../../lib/scheduler/plugins/pod-topology-spread.ts';
import { node, ok, pod, runFilter, runScore, status } from './helpers.ts';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const term = (labels: Record<string, string>, topologyKey = HOST, extra: object = {}) => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });
const affinity = (...terms: object[]): Affinity => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } }) as Affinity;
const anti = (...terms: object[]): Affinity => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } }) as Affinity;

// Two zones: a = {n1, n2}, b = {n3}.
const nodes = [node('n1', { labels: { [ZONE]: 'a' } }), node('n2', { labels: { [ZONE]: 'a' } }), node('n3', { labels: { [ZONE]: 'b' } })];
const web = (name: string, on: string, o: Parameters<typeof pod>[1] = {}) => pod(name, { labels: { app: 'web' }, nodeName: on, ...o });

describe('InterPodAffinity filter', () => {
  const AFF = "node(s) didn't match pod affinity rules";
  const ANTI = "node(s) didn't match pod anti-affinity rules";
  const EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";
  const cases: { name: string; pod: Pod; bound: Pod[]; on: string; want: Status; nodes?: Node[] }[] = [
    { name: 'no rules', pod: pod('p'), bound: [web('w', 'n1')], on: 'n1', want: ok },
    { name: 'affinity: same node as a match', pod: pod('p', { affinity: affinity(term({ app: 'web' })) }), bound: [web('w', 'n1')], on: 'n1', want: ok },
    { name: 'affinity: other node', pod: pod('p', { affinity: affinity(term({ app: 'web' })) }), bound: [web('w', 'n1')], on: 'n2', want: status('UnschedulableAndUnresolvable', 'InterPodAffinity', AFF) },
    { name: 'affinity by zone', pod: pod('p', { affinity: affinity(term({ app: 'web' }, ZONE)) }), bound: [web('w', 'n1')], on: 'n2', want: ok },
    { name: 'affinity by zone, other zone', pod: pod('p', { affinity: affinity(term({ app: 'web' }, ZONE)) }), bound: [web('w', 'n1')], on: 'n3', want: status('UnschedulableAndUnresolvable', 'InterPodAffinity', AFF) },
    { name: 'affinity: match in another namespace does not count', pod: pod('p', { affinity: affinity(term({ app: 'web' })) }), bound: [web('w', 'n1', { ns: 'other' })], on: 'n1', want: status('UnschedulableAndUnresolvable', 'InterPodAffinity', AFF) },
    { name: 'affinity: namespaces lists the other namespace', pod: pod('p', { affinity: affinity(term({ app: 'web' }, HOST, { namespaces: ['other'] })) }), bound: [web('w', 'n1', { ns: 'other' })], on: 'n1', want: ok },
    { name: 'affinity: empty namespaceSelector means all namespaces', pod: pod('p', { affinity: affinity(term({ app: 'web' }, HOST, { namespaceSelector: {} })) }), bound: [web('w', 'n1', { ns: 'other' })], on: 'n1', want: ok },
    { name: 'affinity: first pod of a self-affine group', pod: pod('p', { labels: { app: 'web' }, affinity: affinity(term({ app: 'web' })) }), bound: [], on: 'n2', want: ok },
    { name: 'affinity: not self-affine and nothing matches', pod: pod('p', { affinity: affinity(term({ app: 'web' })) }), bound: [], on: 'n2', want: status('UnschedulableAndUnresolvable', 'InterPodAffinity', AFF) },
    { name: 'affinity: node lacks the topology key', pod: pod('p', { affinity: affinity(term({ app: 'web' }, 'rack')) }), bound: [web('w', 'n1')], on: 'n1', want: status('UnschedulableAndUnresolvable', 'InterPodAffinity', AFF) },
    { name: 'anti-affinity: node with a match', pod: pod('p', { affinity: anti(term({ app: 'web' })) }), bound: [web('w', 'n1')], on: 'n1', want: status('Unschedulable', 'InterPodAffinity', ANTI) },
    { name: 'anti-affinity: other node', pod: pod('p', { affinity: anti(term({ app: 'web' })) }), bound: [web('w', 'n1')], on: 'n2', want: ok },
    { name: 'anti-affinity by zone', pod: pod('p', { affinity: anti(term({ app: 'web' }, ZONE)) }), bound: [web('w', 'n1')], on: 'n2', want: status('Unschedulable', 'InterPodAffinity', ANTI) },
    { name: 'existing pod anti-affinity rejects the incoming pod', pod: pod('p', { labels: { app: 'db' } }), bound: [web('w', 'n1', { affinity: anti(term({ app: 'db' }, ZONE)) })], on: 'n2', want: status('Unschedulable', 'InterPodAffinity', EXISTING) },
    { name: 'existing pod anti-affinity, other zone', pod: pod('p', { labels: { app: 'db' } }), bound: [web('w', 'n1', { affinity: anti(term({ app: 'db' }, ZONE)) })], on: 'n3', want: ok },
    { name: 'terminating pods do not count', pod: pod('p', { affinity: anti(term({ app: 'web' })) }), bound: [{ ...web('w', 'n1'), metadata: { name: 'w', namespace: 'default', labels: { app: 'web' }, deletionTimestamp: '2026-01-01T00:00:00Z' } }], on: 'n1', want: ok },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = runFilter(interPodAffinityFilter, c.pod, { nodes: c.nodes ?? nodes, pods: c.bound }, c.on);
      assert.deepEqual({ code: got.code, reasons: got.reasons }, { code: c.want.code, reasons: c.want.reasons });
    });
  }
});

describe('InterPodAffinity score', () => {
  const preferred = (weight: number, t: object, kind: 'podAffinity' | 'podAntiAffinity' = 'podAffinity'): Affinity =>
    ({ [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: t }] } }) as Affinity;
  it('prefers the zone holding matching pods', () => {
    assert.deepEqual(runScore(interPodAffinityScore, pod('p', { affinity: preferred(5, term({ app: 'web' }, ZONE)) }), { nodes, pods: [web('w', 'n1')] }), { n1: 100, n2: 100, n3: 0 });
  });
  it('anti-affinity pushes away', () => {
    assert.deepEqual(runScore(interPodAffinityScore, pod('p', { affinity: preferred(5, term({ app: 'web' }), 'podAntiAffinity') }), { nodes, pods: [web('w', 'n1')] }), { n1: 0, n2: 100, n3: 100 });
  });
  it("existing pods' required affinity attracts (hardPodAffinityWeight)", () => {
    const bound = [web('w', 'n3', { affinity: affinity(term({ app: 'db' })) })];
    assert.deepEqual(runScore(interPodAffinityScore, pod('p', { labels: { app: 'db' } }), { nodes, pods: bound }), { n1: 0, n2: 0, n3: 100 });
  });
  it('no terms anywhere scores 0', () => {
    assert.deepEqual(runScore(interPodAffinityScore, pod('p'), { nodes, pods: [web('w', 'n1')] }), { n1: 0, n2: 0, n3: 0 });
  });
});

const spread = (maxSkew: number, topologyKey: string, when: 'DoNotSchedule' | 'ScheduleAnyway' = 'DoNotSchedule', extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint[] =>
  [{ maxSkew, topologyKey, whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } }, ...extra }];

describe('PodTopologySpread filter', () => {
  const SKEW = "node(s) didn't match pod topology spread constraints";
  const incoming = (c: TopologySpreadConstraint[], o: Parameters<typeof pod>[1] = {}) => pod('p', { labels: { app: 'web' }, spread: c, ...o });
  const cases: { name: string; pod: Pod; bound: Pod[]; on: string; want: Status; nodes?: Node[] }[] = [
    { name: 'empty cluster: any node', pod: incoming(spread(1, HOST)), bound: [], on: 'n1', want: ok },
    { name: 'skew 1 by host: occupied node rejected', pod: incoming(spread(1, HOST)), bound: [web('a', 'n1')], on: 'n1', want: status('Unschedulable', 'PodTopologySpread', SKEW) },
    { name: 'skew 1 by host: empty node accepted', pod: incoming(spread(1, HOST)), bound: [web('a', 'n1')], on: 'n2', want: ok },
    { name: 'skew 2 by host allows a second pod', pod: incoming(spread(2, HOST)), bound: [web('a', 'n1')], on: 'n1', want: ok },
    { name: 'by zone: zone a has 2, b has 0', pod: incoming(spread(1, ZONE)), bound: [web('a', 'n1'), web('b', 'n2')], on: 'n1', want: status('Unschedulable', 'PodTopologySpread', SKEW) },
    { name: 'by zone: zone b accepted', pod: incoming(spread(1, ZONE)), bound: [web('a', 'n1'), web('b', 'n2')], on: 'n3', want: ok },
    { name: 'non-matching pods do not count', pod: incoming(spread(1, HOST)), bound: [pod('x', { nodeName: 'n1', labels: { app: 'db' } })], on: 'n1', want: ok },
    { name: 'other namespaces do not count', pod: incoming(spread(1, HOST)), bound: [web('a', 'n1', { ns: 'other' })], on: 'n1', want: ok },
    { name: 'node without the key', pod: incoming(spread(1, 'rack')), bound: [], on: 'n1', want: status('UnschedulableAndUnresolvable', 'PodTopologySpread', `${SKEW} (missing required label)`) },
    {
      name: 'minDomains above the domain count makes the minimum 0',
      pod: incoming(spread(1, ZONE, 'DoNotSchedule', { minDomains: 3 })),
      bound: [web('a', 'n1'), web('b', 'n3')],
      on: 'n2',
      want: status('Unschedulable', 'PodTopologySpread', SKEW),
    },
    {
      name: 'nodeAffinityPolicy Honor: nodes the pod cannot use are not domains',
      pod: incoming(spread(1, HOST), { nodeSelector: { [ZONE]: 'a' } }),
      bound: [web('a', 'n1')],
      on: 'n2',
      want: ok,
    },
    {
      name: 'nodeAffinityPolicy Honor: n3 is excluded, so n1 (1) vs n2 (1) is fine',
      pod: incoming(spread(1, HOST), { nodeSelector: { [ZONE]: 'a' } }),
      bound: [web('a', 'n1'), web('b', 'n2')],
      on: 'n1',
      want: ok,
    },
    {
      name: 'nodeAffinityPolicy Ignore: the empty n3 counts',
      pod: incoming(spread(1, HOST, 'DoNotSchedule', { nodeAffinityPolicy: 'Ignore' }), { nodeSelector: { [ZONE]: 'a' } }),
      bound: [web('a', 'n1'), web('b', 'n2')],
      on: 'n1',
      want: status('Unschedulable', 'PodTopologySpread', SKEW),
    },
    {
      name: 'matchLabelKeys narrows the selector',
      pod: pod('p', { labels: { app: 'web', rev: '2' }, spread: spread(1, HOST, 'DoNotSchedule', { matchLabelKeys: ['rev'] }) }),
      bound: [web('a', 'n1', { labels: { app: 'web', rev: '1' } })],
      on: 'n1',
      want: ok,
    },
    { name: 'ScheduleAnyway never filters', pod: incoming(spread(1, HOST, 'ScheduleAnyway')), bound: [web('a', 'n1'), web('b', 'n1')], on: 'n1', want: ok },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = runFilter(podTopologySpreadFilter, c.pod, { nodes: c.nodes ?? nodes, pods: c.bound }, c.on);
      assert.deepEqual({ code: got.code, reasons: got.reasons }, { code: c.want.code, reasons: c.want.reasons });
    });
  }
});

describe('PodTopologySpread score', () => {
  it('prefers the emptier hosts', () => {
    const s = runScore(podTopologySpreadScore, pod('p', { labels: { app: 'web' }, spread: spread(1, HOST, 'ScheduleAnyway') }), { nodes, pods: [web('a', 'n1'), web('b', 'n1'), web('c', 'n2')] });
    assert.ok(s.n3 > s.n2 && s.n2 > s.n1, JSON.stringify(s));
    assert.equal(s.n3, 100);
  });
  it('prefers the emptier zone', () => {
    const s = runScore(podTopologySpreadScore, pod('p', { labels: { app: 'web' }, spread: spread(1, ZONE, 'ScheduleAnyway') }), { nodes, pods: [web('a', 'n1')] });
    assert.ok(s.n3 > s.n1 && s.n1 === s.n2, JSON.stringify(s));
  });
  it('nodes without the key score 0', () => {
    const s = runScore(podTopologySpreadScore, pod('p', { labels: { app: 'web' }, spread: spread(1, 'rack', 'ScheduleAnyway') }), { nodes: [...nodes, node('n4', { labels: { rack: 'r1' } })], pods: [] });
    assert.deepEqual(s, { n1: 0, n2: 0, n3: 0, n4: 100 });
  });
});
