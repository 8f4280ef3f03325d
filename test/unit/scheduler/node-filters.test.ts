/** Table-driven tests for the simple node filters: NodeName, NodeUnschedulable, TaintToleration, NodeAffinity. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Affinity, Node, Pod } from '../../../lib/api/schema/index.ts';
import type { FilterPlugin, Status } from '../../../lib/scheduler/framework.ts';
import { nodeAffinityFilter } from '../../../lib/scheduler/plugins/node-affinity.ts';
import { nodeName } from '../../../lib/scheduler/plugins/node-name.ts';
import { nodeUnschedulable } from '../../../lib/scheduler/plugins/node-unschedulable.ts';
import { taintTolerationFilter } from '../../../lib/scheduler/plugins/taint-toleration.ts';
import { node, ok, pod, runFilter, status } from './helpers.ts';

interface Case {
  name: string;
  pod: Pod;
  node: Node;
  want: Status;
}

function table(plugin: FilterPlugin, cases: Case[]) {
  describe(plugin.name, () => {
    for (const c of cases) {
      it(c.name, () => {
        const got = runFilter(plugin, c.pod, { nodes: [c.node] }, c.node.metadata!.name!);
        assert.deepEqual({ code: got.code, reasons: got.reasons }, { code: c.want.code, reasons: c.want.reasons });
      });
    }
  });
}

const U = 'UnschedulableAndUnresolvable';

table(nodeName, [
  { name: 'no nodeName fits anywhere', pod: pod('p'), node: node('n1'), want: ok },
  { name: 'matching nodeName fits', pod: pod('p', { nodeName: 'n1' }), node: node('n1'), want: ok },
  { name: 'other nodeName', pod: pod('p', { nodeName: 'n2' }), node: node('n1'), want: status(U, 'NodeName', "node(s) didn't match the requested node name") },
]);

table(nodeUnschedulable, [
  { name: 'schedulable node', pod: pod('p'), node: node('n1'), want: ok },
  { name: 'cordoned node', pod: pod('p'), node: node('n1', { unschedulable: true }), want: status(U, 'NodeUnschedulable', 'node(s) were unschedulable') },
  {
    name: 'cordoned node, pod tolerates the unschedulable taint',
    pod: pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
    node: node('n1', { unschedulable: true }),
    want: ok,
  },
  { name: 'cordoned node, pod tolerates everything', pod: pod('p', { tolerations: [{ operator: 'Exists' }] }), node: node('n1', { unschedulable: true }), want: ok },
]);

const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const };
table(taintTolerationFilter, [
  { name: 'no taints', pod: pod('p'), node: node('n1'), want: ok },
  { name: 'untolerated NoSchedule', pod: pod('p'), node: node('n1', { taints: [cp] }), want: status(U, 'TaintToleration', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }') },
  { name: 'untolerated NoExecute with value', pod: pod('p'), node: node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }), want: status(U, 'TaintToleration', 'node(s) had untolerated taint {dedicated: gpu}') },
  { name: 'PreferNoSchedule does not filter', pod: pod('p'), node: node('n1', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), want: ok },
  { name: 'Exists toleration', pod: pod('p', { tolerations: [{ key: cp.key, operator: 'Exists' }] }), node: node('n1', { taints: [cp] }), want: ok },
  { name: 'Equal toleration, right value', pod: pod('p', { tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), node: node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), want: ok },
  {
    name: 'Equal toleration, wrong value',
    pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }] }),
    node: node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    want: status(U, 'TaintToleration', 'node(s) had untolerated taint {dedicated: gpu}'),
  },
  {
    name: 'toleration for another effect',
    pod: pod('p', { tolerations: [{ key: cp.key, operator: 'Exists', effect: 'NoExecute' }] }),
    node: node('n1', { taints: [cp] }),
    want: status(U, 'TaintToleration', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'),
  },
]);

const NA = "node(s) didn't match Pod's node affinity/selector";
const required = (...terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }) as Affinity;
const expr = (key: string, operator: string, ...values: string[]) => ({ matchExpressions: [{ key, operator, values }] });
const zoneA = node('n1', { labels: { zone: 'a', gen: '5' } });
table(nodeAffinityFilter, [
  { name: 'no selector', pod: pod('p'), node: zoneA, want: ok },
  { name: 'nodeSelector matches', pod: pod('p', { nodeSelector: { zone: 'a' } }), node: zoneA, want: ok },
  { name: 'nodeSelector mismatch', pod: pod('p', { nodeSelector: { zone: 'b' } }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'nodeSelector missing label', pod: pod('p', { nodeSelector: { disk: 'ssd' } }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'In', pod: pod('p', { affinity: required(expr('zone', 'In', 'a', 'b')) }), node: zoneA, want: ok },
  { name: 'In mismatch', pod: pod('p', { affinity: required(expr('zone', 'In', 'c')) }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'NotIn', pod: pod('p', { affinity: required(expr('zone', 'NotIn', 'b')) }), node: zoneA, want: ok },
  { name: 'NotIn on a missing label', pod: pod('p', { affinity: required(expr('disk', 'NotIn', 'hdd')) }), node: zoneA, want: ok },
  { name: 'Exists', pod: pod('p', { affinity: required(expr('zone', 'Exists')) }), node: zoneA, want: ok },
  { name: 'DoesNotExist', pod: pod('p', { affinity: required(expr('zone', 'DoesNotExist')) }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'Gt', pod: pod('p', { affinity: required(expr('gen', 'Gt', '4')) }), node: zoneA, want: ok },
  { name: 'Gt equal', pod: pod('p', { affinity: required(expr('gen', 'Gt', '5')) }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'Lt', pod: pod('p', { affinity: required(expr('gen', 'Lt', '6')) }), node: zoneA, want: ok },
  { name: 'Lt non-integer label', pod: pod('p', { affinity: required(expr('zone', 'Lt', '6')) }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'terms are ORed', pod: pod('p', { affinity: required(expr('zone', 'In', 'x'), expr('zone', 'In', 'a')) }), node: zoneA, want: ok },
  {
    name: 'expressions in a term are ANDed',
    pod: pod('p', { affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gen', operator: 'In', values: ['4'] }] }) }),
    node: zoneA,
    want: status(U, 'NodeAffinity', NA),
  },
  { name: 'empty term matches nothing', pod: pod('p', { affinity: required({}) }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
  { name: 'matchFields metadata.name', pod: pod('p', { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }) }), node: zoneA, want: ok },
  {
    name: 'matchFields metadata.name mismatch',
    pod: pod('p', { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }) }),
    node: zoneA,
    want: status(U, 'NodeAffinity', NA),
  },
  { name: 'nodeSelector and affinity both apply', pod: pod('p', { nodeSelector: { zone: 'b' }, affinity: required(expr('zone', 'In', 'a')) }), node: zoneA, want: status(U, 'NodeAffinity', NA) },
]);
