/**
 * Node loss end to end: an agent in its own process runs pods, stops heartbeating, its node goes
 * NotReady and is tainted, its pods are evicted after their toleration and recreated on the nodes
 * left; when the agent returns, the taints go. The node monitor's grace period is shortened for
 * the test (SKIFF_NODE_MONITOR_GRACE_SECONDS); leases renew every 10 s, so it stays above that.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';

const root = resolve(import.meta.dirname, '../../..');
let c: TestCluster;
let agent: ChildProcess | undefined;

function startAgent(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/skiff.ts'), 'agent', '--kubeconfig', c.kubeconfig, '--node', 'edge', '--labels', 'role=edge'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

before(async () => {
  c = await startTestCluster(['--nodes', '2'], { SKIFF_NODE_MONITOR_GRACE_SECONDS: '14' });
});
after(async () => {
  agent?.kill('SIGKILL');
  await c?.stop();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 300));
  }
}

interface NodeView {
  ready?: string;
  taints: string[];
}

async function node(name: string): Promise<NodeView> {
  const n = JSON.parse(await c.k(['get', 'node', name, '-o', 'json'])) as {
    spec: { taints?: { key: string; effect: string }[] };
    status: { conditions?: { type: string; status: string }[] };
  };
  return {
    ready: n.status.conditions?.find((x) => x.type === 'Ready')?.status,
    taints: (n.spec.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort(),
  };
}

async function livePods(): Promise<{ name: string; node?: string; running: boolean }[]> {
  const list = JSON.parse(await c.k(['get', 'pods', '-l', 'app=edge-web', '-o', 'json'])) as {
    items: { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status?: { phase?: string } }[];
  };
  return list.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, running: p.status?.phase === 'Running' }));
}

describe('node loss', () => {
  it('a node that stops heartbeating goes NotReady, is tainted, and its pods move after their toleration', async () => {
    agent = startAgent();
    await waitFor('edge Ready', async () => (await node('edge')).ready === 'True');
    // Only edge takes new pods while the deployment comes up.
    await c.k(['cordon', 'node-0', 'node-1']);
    await c.k(['apply', '-f', '-'], { input: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: edge-web }
spec:
  replicas: 2
  selector: { matchLabels: { app: edge-web } }
  template:
    metadata: { labels: { app: edge-web } }
    spec:
      tolerations:
      - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }
      - { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }
      containers: [{ name: web, image: nginx }]
` });
    const first = await waitFor('two pods running on edge', async () => {
      const pods = await livePods();
      return pods.length === 2 && pods.every((p) => p.running && p.node === 'edge') ? pods : undefined;
    });
    await c.k(['uncordon', 'node-0', 'node-1']);

    // The agent dies without a word: no more lease renewals.
    agent.kill('SIGKILL');
    const lost = await waitFor('edge NotReady and tainted', async () => {
      const n = await node('edge');
      return n.ready === 'Unknown' && n.taints.includes('node.kubernetes.io/unreachable:NoExecute') ? n : undefined;
    }, 45_000);
    assert.ok(lost.taints.includes('node.kubernetes.io/unreachable:NoSchedule'), JSON.stringify(lost.taints));
    const described = await c.k(['describe', 'node', 'edge']);
    assert.match(described, /NodeNotReady/);

    const moved = await waitFor('two replacements running elsewhere', async () => {
      const pods = await livePods();
      return pods.length === 2 && pods.every((p) => p.running && p.node !== 'edge') ? pods : undefined;
    }, 45_000);
    assert.ok(moved.every((p) => !first.some((f) => f.name === p.name)), 'the evicted pods were replaced, not moved');
    const events = await c.k(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'name']);
    assert.ok(events.trim().split('\n').length >= 2, events);

    // The agent comes back: Ready again, the controller's taints go, the evicted pods finish.
    agent = startAgent();
    const back = await waitFor('edge Ready without taints', async () => {
      const n = await node('edge');
      return n.ready === 'True' && n.taints.length === 0 ? n : undefined;
    }, 45_000);
    assert.deepEqual(back.taints, []);
    await waitFor('the evicted pods gone', async () => {
      const all = JSON.parse(await c.k(['get', 'pods', '-l', 'app=edge-web', '-o', 'json'])) as { items: unknown[] };
      return all.items.length === 2;
    }, 30_000);
  });
});
