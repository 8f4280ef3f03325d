/**
 * The simulated node agent against `skiff start --in-memory`, checked with stock kubectl: nodes
 * Ready, leases renewed, pods started, finished and deleted, an agent restart that rewrites
 * nothing, the REST client on its own, and `skiff agent` as a user runs it.
 *
 * The server ends every watch after 2 s and keeps 4 s of history, so the agent's watch is resumed
 * many times during the run, and a watch from an old version meets 410 Gone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulatedNodes, type RunningNodes, type SimulatedNodesOptions } from '../../../lib/agent/agent.ts';
import { KubeClient, StatusError, apiPath, isStatus } from '../../../lib/agent/client.ts';
import type { ConfigMap, Node, Pod } from '../../../lib/api/schema/index.ts';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';

const root = resolve(import.meta.dirname, '../../..');
const NODES = ['agent-a', 'agent-b'];

let c: TestCluster;
let sim: RunningNodes | undefined;
const logs: string[] = [];

before(async () => {
  c = await startTestCluster(['--nodes', '0'], { SKIFF_MAX_WATCH_SECONDS: '2', SKIFF_WATCH_WINDOW_SECONDS: '4' });
});
after(async () => {
  await sim?.stop();
  await c?.stop();
});

const startNodes = (extra: Partial<SimulatedNodesOptions> = {}) =>
  startSimulatedNodes({
    server: c.url,
    token: c.token,
    caPem: c.caPem,
    names: NODES,
    labels: { 'skiff.dev/test': 'agent' },
    renewIntervalMs: 300,
    podStartDelayMs: 100,
    log: (line) => logs.push(line),
    ...extra,
  });

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await c.k(['get', ...args, '-o', 'json'])) as T;

const podYaml = (name: string, node: string, extra = '') => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${extra}
spec:
  nodeName: ${node}
  containers:
  - name: app
    image: nginx:1.27
`;

/** `kubectl get nodes` rows as name → STATUS. */
async function nodeRows(): Promise<Map<string, string>> {
  const out = await c.k(['get', 'nodes', '--no-headers']);
  return new Map(out.trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/) as [string, string]));
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  assert.equal(bits, '24');
  return ip.split('.').slice(0, 3).join('.') === base.split('.').slice(0, 3).join('.') && ip !== base;
}

describe('simulated nodes', () => {
  it('register as Ready nodes, each with a lease that is renewed', async () => {
    const registered: string[] = [];
    sim = await startNodes({ onRegistered: (n) => registered.push(n.name) });
    assert.deepEqual([...registered].sort(), NODES);
    assert.deepEqual(sim.nodes.map((n) => n.podCIDR).sort(), ['10.244.0.0/24', '10.244.1.0/24']);

    const rows = await nodeRows();
    for (const n of NODES) assert.equal(rows.get(n), 'Ready', `kubectl get nodes: ${[...rows]}`);
    const node = await getJson<Node>('node', 'agent-a');
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'agent-a');
    assert.equal(node.metadata?.labels?.['skiff.dev/test'], 'agent');
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0-skiff');
    assert.equal(node.status?.capacity?.pods, '110');

    for (const n of NODES) {
      const lease = await getJson<{ spec: { renewTime: string; holderIdentity: string; leaseDurationSeconds: number }; metadata: { ownerReferences: { kind: string; uid: string }[] } }>('lease', '-n', 'kube-node-lease', n);
      assert.equal(lease.spec.holderIdentity, n);
      assert.equal(lease.spec.leaseDurationSeconds, 40);
      assert.match(lease.spec.renewTime, /\.\d{6}Z$/);
      const owner = await getJson<Node>('node', n);
      assert.deepEqual(lease.metadata.ownerReferences.map((o) => [o.kind, o.uid]), [['Node', owner.metadata?.uid]]);
      const first = Date.parse(lease.spec.renewTime);
      await until(`${n}'s lease to be renewed`, async () => {
        const again = await getJson<{ spec: { renewTime: string } }>('lease', '-n', 'kube-node-lease', n);
        return Date.parse(again.spec.renewTime) > first;
      }, 5000);
    }
  });

  it('run a pod bound to a node: Running and Ready, with an address from the node’s pod CIDR', async () => {
    await c.k(['apply', '-f', '-'], { input: podYaml('web', 'agent-a') });
    await c.k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=15s']);
    const pod = await getJson<Pod>('pod', 'web');
    const node = await getJson<Node>('node', 'agent-a');
    const s = pod.status!;
    assert.equal(s.phase, 'Running');
    assert.ok(inCidr(s.podIP!, node.spec!.podCIDR!), `${s.podIP} in ${node.spec!.podCIDR}`);
    assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
    assert.equal(s.hostIP, node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address);
    assert.equal(s.qosClass, 'BestEffort');
    assert.ok(s.startTime);
    assert.deepEqual(s.conditions!.map((x) => `${x.type}=${x.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const cs = s.containerStatuses![0];
    assert.deepEqual([cs.name, cs.image, cs.ready, cs.started, cs.restartCount], ['app', 'nginx:1.27', true, true, 0]);
    assert.match(cs.containerID!, /^simulated:\/\//);
    assert.ok(cs.state?.running?.startedAt);
    const wide = await c.k(['get', 'pod', 'web', '-o', 'wide', '--no-headers']);
    assert.match(wide, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+agent-a/);
  });

  it('finish a restartPolicy Never pod: Succeeded', async () => {
    await c.k(['apply', '-f', '-'], { input: podYaml('job', 'agent-b', '  annotations: { skiff.dev/simulated-duration: 1s }').replace('spec:\n', 'spec:\n  restartPolicy: Never\n') });
    await c.k(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/job', '--timeout=15s']);
    const pod = await getJson<Pod>('pod', 'job');
    const t = pod.status!.containerStatuses![0].state!.terminated!;
    assert.deepEqual([t.exitCode, t.reason], [0, 'Completed']);
    assert.equal(pod.status!.conditions!.find((x) => x.type === 'Ready')?.reason, 'PodCompleted');
    assert.match(await c.k(['get', 'pod', 'job', '--no-headers']), /^job\s+0\/1\s+Completed/);
  });

  it('complete `kubectl delete` of a running pod within seconds', async () => {
    const began = Date.now();
    await c.k(['delete', 'pod', 'web', '--timeout=10s']);
    const took = Date.now() - began;
    assert.ok(took < 5000, `kubectl delete took ${took} ms`);
    const gone = await c.kubectl(['get', 'pod', 'web']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  it('survive an agent restart: running pods are not rewritten, cordons stay, addresses are not reused', async () => {
    await c.k(['apply', '-f', '-'], { input: podYaml('steady', 'agent-b') });
    await c.k(['wait', '--for=condition=Ready', 'pod/steady', '--timeout=15s']);
    await c.k(['cordon', 'agent-b']);
    const before = await getJson<Pod>('pod', 'steady');
    const nodeBefore = await getJson<Node>('node', 'agent-b');

    await sim!.stop();
    sim = await startNodes();
    assert.deepEqual(sim.nodes.map((n) => n.created), [false, false]);
    await new Promise((r) => setTimeout(r, 1000));

    const after = await getJson<Pod>('pod', 'steady');
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion, 'the restarted agent rewrote a running pod');
    assert.equal(after.status?.phase, 'Running');
    const nodeAfter = await getJson<Node>('node', 'agent-b');
    assert.equal(nodeAfter.metadata?.uid, nodeBefore.metadata?.uid);
    assert.equal(nodeAfter.spec?.unschedulable, true);
    assert.equal(nodeAfter.spec?.podCIDR, nodeBefore.spec?.podCIDR);
    assert.equal((await nodeRows()).get('agent-b'), 'Ready,SchedulingDisabled');

    await c.k(['apply', '-f', '-'], { input: podYaml('fresh', 'agent-b') });
    await c.k(['wait', '--for=condition=Ready', 'pod/fresh', '--timeout=15s']);
    const fresh = await getJson<Pod>('pod', 'fresh');
    assert.notEqual(fresh.status?.podIP, after.status?.podIP);
    await c.k(['uncordon', 'agent-b']);
    assert.deepEqual(logs, [], 'the agent logged problems');
  });
});

describe('the REST client', () => {
  it('speaks the verbs, surfaces Status errors, and keeps a watch going across server ends and 410s', async () => {
    const client = new KubeClient({ server: c.url, token: c.token, caPem: c.caPem });
    const cms = apiPath('v1', 'configmaps', { namespace: 'default' });
    const cm = (name: string) => apiPath('v1', 'configmaps', { namespace: 'default', name });
    try {
      await assert.rejects(client.get(cm('missing')), (err: unknown) => err instanceof StatusError && err.code === 404 && err.reason === 'NotFound' && /not found/.test(err.message));
      await assert.rejects(client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, bogus: 1 }), (err: unknown) => isStatus(err, 422));

      const startRv = (await client.list(cms)).metadata.resourceVersion;
      const made = await client.create<ConfigMap>(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', labels: { t: 'client' } }, data: { a: '1' } });
      const merged = await client.patch<ConfigMap>(cm('c1'), { data: { b: '2' } }, 'merge');
      assert.deepEqual(merged.data, { a: '1', b: '2' });
      const strategic = await client.patch<ConfigMap>(cm('c1'), { metadata: { labels: { u: 'v' } } }, 'strategic');
      assert.deepEqual(strategic.metadata?.labels, { t: 'client', u: 'v' });
      await assert.rejects(client.update(cm('c1'), { ...made, data: { stale: 'yes' } }), (err: unknown) => isStatus(err, 409, 'Conflict'));
      const put = await client.update<ConfigMap>(cm('c1'), { ...strategic, data: { c: '3' } });
      assert.deepEqual(put.data, { c: '3' });
      await assert.rejects(client.delete(cm('c1'), { preconditions: { uid: 'not-its-uid' } }), (err: unknown) => isStatus(err, 409));
      const list = await client.listAll(cms, { labelSelector: 't=client', limit: 1 });
      assert.deepEqual(list.items.map((i) => i.metadata.name), ['c1']);

      // A watch from before the window: 410, relisted; then resumed across server-ended watches.
      await new Promise((r) => setTimeout(r, 4500));
      const lists: string[][] = [];
      const events: string[] = [];
      const watcher = client.watch<ConfigMap>(cms, {
        labelSelector: 't=client',
        resourceVersion: startRv,
        onList: (items) => void lists.push(items.map((i) => i.metadata!.name!)),
        onEvent: (type, obj) => void events.push(`${type} ${obj.metadata?.name}`),
      });
      await watcher.synced;
      await until('the relist', async () => lists.length > 0);
      assert.deepEqual(lists[0], ['c1']);
      await new Promise((r) => setTimeout(r, 2500)); // past a server-ended watch
      await client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c2', labels: { t: 'client' } } });
      await client.delete(cm('c1'), { preconditions: { uid: made.metadata?.uid } });
      await until('the events', async () => events.includes('ADDED c2') && events.includes('DELETED c1'));
      await watcher.stop();
    } finally {
      client.close();
    }
  });
});

describe('skiff agent', () => {
  function skiff(args: string[]) {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/skiff.ts'), 'agent', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((ok) => proc.once('exit', (code) => ok(code)));
    return { proc, out: () => out, err: () => err, exited };
  }

  it('runs --simulate N nodes from a kubeconfig, prints a line per node, and stops on Ctrl-C', async () => {
    const run = skiff(['--kubeconfig', c.kubeconfig, '--simulate', '2', '--node', 'sim', '--cpu', '2', '--taints', 'dedicated=sim:NoSchedule']);
    try {
      await until('two registered nodes', async () => {
        if (run.proc.exitCode !== null) throw new Error(`skiff agent exited ${run.proc.exitCode}: ${run.err()}`);
        return (run.out().match(/^node sim-\d registered/gm) ?? []).length === 2;
      }, 30_000);
      const rows = await nodeRows();
      assert.equal(rows.get('sim-0'), 'Ready');
      assert.equal(rows.get('sim-1'), 'Ready');
      const node = await getJson<Node>('node', 'sim-1');
      assert.equal(node.status?.capacity?.cpu, '2');
      assert.deepEqual(node.spec?.taints, [{ key: 'dedicated', value: 'sim', effect: 'NoSchedule' }]);
      const began = Date.now();
      run.proc.kill('SIGINT');
      assert.equal(await run.exited, 0);
      assert.ok(Date.now() - began < 3000, 'Ctrl-C took too long');
    } finally {
      if (run.proc.exitCode === null) run.proc.kill('SIGKILL');
    }
  });

  it('answers a bad flag with one line and exit code 2', async () => {
    const run = skiff(['--kubeconfig', c.kubeconfig, '--simulate', 'many']);
    assert.equal(await run.exited, 2);
    assert.equal(run.err().trim().split('\n').length, 1, run.err());
    assert.match(run.err(), /--simulate must be a positive integer/);
  });
});
