/**
 * The reconcile loop end to end with stock kubectl: `skiff start --in-memory --nodes 2` (log
 * stream → router → SQS → controllers and scheduler; simulated nodes run the pods).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';

let c: TestCluster;

before(async () => {
  c = await startTestCluster(['--nodes', '2']);
});
after(async () => {
  await c?.stop();
});

interface PodView {
  name: string;
  node?: string;
  phase?: string;
  ready: boolean;
  image: string;
  deleting: boolean;
  labels: Record<string, string>;
}

async function pods(selector: string): Promise<PodView[]> {
  const list = JSON.parse(await c.k(['get', 'pods', '-l', selector, '-o', 'json'])) as {
    items: { metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> }; spec: { nodeName?: string; containers: { image: string }[] }; status?: { phase?: string; conditions?: { type: string; status: string }[] } }[];
  };
  return list.items.map((p) => ({
    name: p.metadata.name,
    node: p.spec.nodeName,
    phase: p.status?.phase,
    ready: p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false,
    image: p.spec.containers[0].image,
    deleting: !!p.metadata.deletionTimestamp,
    labels: p.metadata.labels ?? {},
  }));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/** Resolves once exactly `n` live pods match, all Running and Ready with `image`. */
const settled = (selector: string, n: number, image?: string) =>
  waitFor(`${n} ready pods for ${selector}${image ? ` with ${image}` : ''}`, async () => {
    const all = (await pods(selector)).filter((p) => !p.deleting);
    const ok = all.length === n && all.every((p) => p.phase === 'Running' && p.ready && (!image || p.image === image));
    return ok ? all : undefined;
  });

const deployment = (name: string, image: string, replicas: number, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: ${image}
        ports: [{ containerPort: 8080, name: http }]
${extra}`;

describe('the reconcile loop with kubectl', () => {
  it('registers the local nodes, Ready', async () => {
    const nodes = await waitFor('two Ready nodes', async () => {
      const out = await c.k(['get', 'nodes', '--no-headers']);
      const lines = out.trim().split('\n').filter(Boolean);
      return lines.length === 2 && lines.every((l) => /\sReady\s/.test(l)) ? lines : undefined;
    });
    assert.equal(nodes.length, 2);
  });

  it('runs a Deployment: ReplicaSet, pods bound across nodes and Running, rollout status done', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment('web', 'nginx:1.25', 4) });
    const running = await settled('app=web', 4, 'nginx:1.25');
    assert.equal(new Set(running.map((p) => p.node)).size, 2, `spread across both nodes: ${JSON.stringify(running.map((p) => p.node))}`);
    const status = await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(status, /successfully rolled out/);
    const rs = JSON.parse(await c.k(['get', 'rs', '-l', 'app=web', '-o', 'json'])) as { items: { metadata: { labels: Record<string, string>; ownerReferences: { kind: string; name: string }[] }; status: { readyReplicas?: number } }[] };
    assert.equal(rs.items.length, 1);
    assert.equal(rs.items[0].metadata.ownerReferences[0].kind, 'Deployment');
    assert.ok(rs.items[0].metadata.labels['pod-template-hash']);
    assert.equal(rs.items[0].status.readyReplicas, 4);
    const describe = await c.k(['describe', 'deployment', 'web']);
    assert.match(describe, /ScalingReplicaSet/);
  });

  it('scales up and down', async () => {
    await c.k(['scale', 'deployment/web', '--replicas=6']);
    await settled('app=web', 6);
    await c.k(['scale', 'deployment/web', '--replicas=3']);
    await settled('app=web', 3);
  });

  it('replaces a deleted pod', async () => {
    const [victim] = await settled('app=web', 3);
    await c.k(['delete', 'pod', victim.name, '--wait=false']);
    const after = await settled('app=web', 3);
    assert.ok(!after.some((p) => p.name === victim.name));
  });

  it('rolls out a new image, keeps history with change-cause, and rolls back to a revision', async () => {
    await c.k(['annotate', 'deployment/web', 'kubernetes.io/change-cause=first']);
    // The controller copies the cause onto the current ReplicaSet when it next syncs: a change made
    // before that sync would name the next revision instead (as with kube's controller).
    await waitFor('change-cause copied to the current ReplicaSet', async () =>
      (await c.k(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.annotations.kubernetes\\.io/change-cause}'])).includes('first') || undefined);
    await c.k(['set', 'image', 'deployment/web', 'main=nginx:1.26']);
    await c.k(['annotate', 'deployment/web', 'kubernetes.io/change-cause=second', '--overwrite']);
    const status = await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(status, /successfully rolled out/);
    await settled('app=web', 3, 'nginx:1.26');
    const history = await c.k(['rollout', 'history', 'deployment/web']);
    assert.match(history, /1\s+first/);
    assert.match(history, /2\s+second/);
    await c.k(['rollout', 'undo', 'deployment/web', '--to-revision=1']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    await settled('app=web', 3, 'nginx:1.25');
    const after = await c.k(['rollout', 'history', 'deployment/web']);
    assert.match(after, /3\s+first/, 'the old revision comes back as the newest');
  });

  it('pauses and resumes a rollout', async () => {
    await c.k(['rollout', 'pause', 'deployment/web']);
    await c.k(['set', 'image', 'deployment/web', 'main=nginx:1.27']);
    await new Promise((ok) => setTimeout(ok, 2000));
    const paused = await pods('app=web');
    assert.ok(paused.every((p) => p.image === 'nginx:1.25'), 'nothing rolls while paused');
    await c.k(['rollout', 'resume', 'deployment/web']);
    await settled('app=web', 3, 'nginx:1.27');
  });

  it('waits, diffs, edits, restarts a rollout and lists its events as kubectl does everywhere', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment('daily', 'nginx', 2) });
    assert.match(await c.k(['wait', '--for=condition=Available', 'deployment/daily', '--timeout=30s'], { timeoutMs: 40_000 }), /condition met/);

    // diff: exit 1 and the changed fields, from a server-side dry run; nothing is written.
    const diff = await c.kubectl(['diff', '-f', '-'], { input: deployment('daily', 'nginx:1.27', 3) });
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /^-\s+replicas: 2$/m);
    assert.match(diff.stdout, /^\+\s+replicas: 3$/m);
    assert.match(diff.stdout, /^\+\s+- image: nginx:1\.27$/m);
    assert.equal((await c.k(['get', 'deployment', 'daily', '-o', 'jsonpath={.spec.replicas}'])).trim(), '2');

    // edit through an editor that changes the replicas in the file kubectl hands it.
    const dir = mkdtempSync(join(tmpdir(), 'skiff-editor-'));
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, "#!/bin/sh\nsed -i 's/replicas: 2/replicas: 3/' \"$1\"\n");
    chmodSync(editor, 0o755);
    process.env.KUBE_EDITOR = editor;
    try {
      assert.match(await c.k(['edit', 'deployment', 'daily']), /edited/);
    } finally {
      delete process.env.KUBE_EDITOR;
    }
    await settled('app=daily', 3);

    // rollout restart: a new ReplicaSet from the restartedAt annotation, rolled out to the end.
    const before = (await pods('app=daily')).map((p) => p.name);
    await c.k(['rollout', 'restart', 'deployment/daily']);
    await c.k(['rollout', 'status', 'deployment/daily', '--timeout=60s'], { timeoutMs: 70_000 });
    const restarted = await settled('app=daily', 3);
    assert.ok(restarted.every((p) => !before.includes(p.name)), 'every pod replaced');
    assert.equal((await c.k(['get', 'rs', '-l', 'app=daily', '-o', 'name'])).trim().split('\n').length, 2);

    const events = await c.k(['events', '--for', 'deployment/daily']);
    // The edit's scale-up, then the restart's old ReplicaSet scaled away.
    assert.match(events, /ScalingReplicaSet\s+Deployment\/daily\s+Scaled up replica set daily-\S+ from 2 to 3/);
    assert.match(events, /ScalingReplicaSet\s+Deployment\/daily\s+Scaled down replica set daily-\S+ from \d+ to 0/);
    await c.k(['delete', 'deployment', 'daily']);
  });

  it('refuses a Deployment whose selector does not match its template (422)', async () => {
    const bad = deployment('bad', 'nginx', 1).replace('selector: { matchLabels: { app: bad } }', 'selector: { matchLabels: { app: other } }');
    const r = await c.kubectl(['apply', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /selector.*does not match template labels|`selector` does not match template `labels`/);
  });

  it('keeps a pod that fits nowhere Pending with the reason, and schedules it once a node fits', async () => {
    await c.k(['apply', '-f', '-'], { input: `
apiVersion: v1
kind: Pod
metadata: { name: big }
spec:
  containers: [{ name: c, image: busybox, resources: { requests: { cpu: "100" } } }]
` });
    const message = await waitFor('a FailedScheduling reason', async () => {
      const pod = JSON.parse(await c.k(['get', 'pod', 'big', '-o', 'json'])) as { status?: { conditions?: { type: string; status: string; message?: string }[] } };
      return pod.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False')?.message;
    });
    assert.match(message, /^0\/2 nodes are available: 2 Insufficient cpu\./);
    // A node big enough appears (registered by hand, as a kubelet would).
    await c.k(['apply', '-f', '-'], { input: `
apiVersion: v1
kind: Node
metadata: { name: huge, labels: { kubernetes.io/hostname: huge } }
status:
  capacity: { cpu: "128", memory: 512Gi, pods: "110" }
  allocatable: { cpu: "128", memory: 512Gi, pods: "110" }
  conditions: [{ type: Ready, status: "True", reason: KubeletReady, message: ready }]
` });
    const node = await waitFor('pod big bound', async () => {
      const pod = JSON.parse(await c.k(['get', 'pod', 'big', '-o', 'json'])) as { spec: { nodeName?: string } };
      return pod.spec.nodeName;
    });
    assert.equal(node, 'huge');
    await c.k(['delete', 'pod', 'big', '--grace-period=0', '--force']);
    await c.k(['delete', 'node', 'huge']);
  });

  it('cordons, taints and drains: pods move to the node that is left', async () => {
    const nodes = (await c.k(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).sort();
    const [keep, drain] = nodes;
    await c.k(['cordon', drain]);
    const cordoned = JSON.parse(await c.k(['get', 'node', drain, '-o', 'json'])) as { spec: { unschedulable?: boolean } };
    assert.equal(cordoned.spec.unschedulable, true);
    await c.k(['taint', 'nodes', keep, 'dedicated=web:PreferNoSchedule']);
    await c.k(['drain', drain, '--ignore-daemonsets', '--force', '--delete-emptydir-data', '--timeout=60s'], { timeoutMs: 70_000 });
    const moved = await settled('app=web', 3);
    assert.ok(moved.every((p) => p.node === keep), `all on ${keep}: ${JSON.stringify(moved.map((p) => p.node))}`);
    await c.k(['uncordon', drain]);
    await c.k(['taint', 'nodes', keep, 'dedicated=web:PreferNoSchedule-']);
  });
});

describe('the other controllers with kubectl', () => {
  it('gives every namespace a default ServiceAccount', async () => {
    await c.k(['create', 'namespace', 'sa-check']);
    const sa = await waitFor('default ServiceAccount', async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'sa-check', '-o', 'name'])).stdout.trim() || undefined);
    assert.equal(sa, 'serviceaccount/default');
  });

  it('publishes the cluster CA as kube-root-ca.crt in every namespace, and puts it back when changed or deleted', async () => {
    type Cm = { data?: Record<string, string>; metadata: { annotations?: Record<string, string> } };
    const read = async (ns: string): Promise<Cm | undefined> => {
      const r = await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'json', '--ignore-not-found']);
      return r.stdout.trim() ? (JSON.parse(r.stdout) as Cm) : undefined;
    };
    const published = (ns: string) => waitFor(`kube-root-ca.crt in ${ns}`, async () => {
      const cm = await read(ns);
      return cm?.data?.['ca.crt'] === c.caPem && Object.keys(cm.data).length === 1 ? cm : undefined;
    });
    // The bootstrap namespaces have it, and so does a new one.
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) await published(ns);
    await c.k(['create', 'namespace', 'ca-check']);
    const cm = await published('ca-check');
    assert.match(cm.metadata.annotations?.['kubernetes.io/description'] ?? '', /^Contains a CA bundle that can be used to verify the kube-apiserver/);
    // Changed: the data is put back, an annotation someone added stays.
    await c.k(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'ca-check', '--type=merge', '-p', '{"data":{"ca.crt":"tampered","extra":"x"},"metadata":{"annotations":{"team":"a"}}}']);
    const fixed = await published('ca-check');
    assert.equal(fixed.metadata.annotations?.team, 'a');
    // Deleted: recreated.
    await c.k(['delete', 'configmap', 'kube-root-ca.crt', '-n', 'ca-check']);
    await published('ca-check');
  });

  it('keeps a Service\'s Endpoints and EndpointSlices on its ready pods, with named ports resolved', async () => {
    await c.k(['apply', '-f', '-'], { input: `${deployment('api', 'nginx:1.25', 2)}
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec:
  selector: { app: api }
  ports: [{ name: web, port: 80, targetPort: http }]
` });
    const running = await settled('app=api', 2);
    const ips = (await c.k(['get', 'pods', '-l', 'app=api', '-o', 'jsonpath={.items[*].status.podIP}'])).trim().split(/\s+/).sort();
    const endpoints = await waitFor('endpoints with both pods', async () => {
      const ep = JSON.parse(await c.k(['get', 'endpoints', 'api', '-o', 'json'])) as { subsets?: { addresses?: { ip: string; targetRef?: { name: string } }[]; ports?: { name?: string; port: number }[] }[] };
      const addrs = (ep.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.ip).sort();
      return JSON.stringify(addrs) === JSON.stringify(ips) ? ep : undefined;
    });
    assert.deepEqual(endpoints.subsets![0].ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    assert.equal(running.length, 2);

    // The EndpointSlice controller's view: one IPv4 slice, owned by the Service, found by label.
    type Slice = {
      metadata: { name: string; labels: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
      addressType: string; ports?: { name?: string; port?: number; protocol?: string }[];
      endpoints?: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string }; nodeName?: string }[];
    };
    const slicesOf = async () => (JSON.parse(await c.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=api', '-o', 'json'])) as { items: Slice[] }).items;
    const [slice] = await waitFor('a slice with both pods ready', async () => {
      const items = await slicesOf();
      const ready = items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses).sort();
      return items.length === 1 && JSON.stringify(ready) === JSON.stringify(ips) ? items : undefined;
    });
    assert.match(slice!.metadata.name, /^api-[a-z0-9]{5}$/);
    assert.equal(slice!.addressType, 'IPv4');
    assert.equal(slice!.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slice!.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['Service', 'api', true]]);
    assert.deepEqual(slice!.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    assert.ok(slice!.endpoints!.every((e) => e.nodeName && e.targetRef?.name.startsWith('api-')), JSON.stringify(slice!.endpoints));
    // kubectl describe reads the slices (kubectl ≥ 1.31 no longer reads Endpoints for this).
    const described = await c.k(['describe', 'service', 'api']);
    const line = /^Endpoints:\s+(.*)$/m.exec(described)?.[1] ?? '';
    assert.deepEqual(line.split(',').sort(), ips.map((ip) => `${ip}:8080`), described);
    assert.match(await c.k(['get', 'endpointslices', slice!.metadata.name]), new RegExp(`^${slice!.metadata.name}\\s+IPv4\\s+8080\\s+\\S+`, 'm'));

    await c.k(['scale', 'deployment/api', '--replicas=1']);
    await settled('app=api', 1);
    await waitFor('endpoints down to one address', async () => {
      const ep = JSON.parse(await c.k(['get', 'endpoints', 'api', '-o', 'json'])) as { subsets?: { addresses?: unknown[] }[] };
      return (ep.subsets ?? []).flatMap((s) => s.addresses ?? []).length === 1;
    });
    // The same slice shrinks in place.
    const shrunk = await waitFor('the slice down to one endpoint', async () => {
      const items = await slicesOf();
      return items.length === 1 && items[0]!.endpoints?.length === 1 ? items[0] : undefined;
    });
    assert.equal(shrunk.metadata.name, slice!.metadata.name);

    // A slice deleted by hand is made again; the Service's deletion takes its slices along.
    await c.k(['delete', 'endpointslice', slice!.metadata.name]);
    await waitFor('a new slice for api', async () => ((await slicesOf()).some((s) => s.metadata.name !== slice!.metadata.name && s.endpoints?.length === 1) ? true : undefined));
    await c.k(['delete', 'service', 'api']);
    await waitFor('api slices gone', async () => ((await slicesOf()).length === 0 ? true : undefined));
  });

  it('mirrors hand-written Endpoints of a Service without a selector into EndpointSlices', async () => {
    type Slice = { metadata: { name: string; labels: Record<string, string>; ownerReferences?: { kind: string; name: string }[] }; addressType: string; endpoints?: { addresses: string[]; conditions: { ready?: boolean } }[]; ports?: { name?: string; port: number }[] };
    const mirrored = async () => (JSON.parse(await c.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=external-db,endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io', '-o', 'json'])) as { items: Slice[] }).items;
    await c.k(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Service
metadata: { name: external-db }
spec:
  ports: [{ name: pg, port: 5432 }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: external-db, labels: { tier: data } }
subsets:
- addresses: [{ ip: 192.0.2.10 }, { ip: 192.0.2.11 }]
  notReadyAddresses: [{ ip: 192.0.2.12 }]
  ports: [{ name: pg, port: 5432 }]
` });
    const [slice] = await waitFor('a mirrored slice', async () => {
      const items = await mirrored();
      return items.length === 1 && (items[0].endpoints?.length ?? 0) === 3 ? items : undefined;
    });
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints?.map((e) => [e.addresses[0], e.conditions.ready]), [['192.0.2.10', true], ['192.0.2.11', true], ['192.0.2.12', false]]);
    assert.deepEqual(slice.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    assert.equal(slice.metadata.labels.tier, 'data');
    assert.deepEqual(slice.metadata.ownerReferences?.map((r) => [r.kind, r.name]), [['Endpoints', 'external-db']]);
    assert.match(await c.k(['describe', 'service', 'external-db']), /Endpoints:\s+192\.0\.2\.10:5432,192\.0\.2\.11:5432/);

    // An address gone from the Endpoints goes from the same slice.
    await c.k(['patch', 'endpoints', 'external-db', '--type=json', '-p', '[{"op":"remove","path":"/subsets/0/addresses/1"}]']);
    const updated = await waitFor('the slice without 192.0.2.11', async () => {
      const items = await mirrored();
      return items.length === 1 && items[0].endpoints?.length === 2 ? items[0] : undefined;
    });
    assert.equal(updated.metadata.name, slice.metadata.name, 'updated in place');
    // Once the Endpoints are gone, so are their slices.
    await c.k(['delete', 'endpoints', 'external-db']);
    await waitFor('no mirrored slices', async () => ((await mirrored()).length === 0 ? true : undefined));
    await c.k(['delete', 'service', 'external-db']);
  });

  it('drains only as fast as a PodDisruptionBudget allows', async () => {
    await c.k(['apply', '-f', '-'], { input: `${deployment('guarded', 'nginx', 2)}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: guarded }
spec:
  minAvailable: 2
  selector: { matchLabels: { app: guarded } }
` });
    const running = await settled('app=guarded', 2);
    type Budget = { metadata: { generation?: number }; status?: { observedGeneration?: number; currentHealthy: number; desiredHealthy: number; expectedPods: number; disruptionsAllowed: number; conditions?: { type: string; status: string; reason: string }[] } };
    const budget = async () => JSON.parse(await c.k(['get', 'pdb', 'guarded', '-o', 'json'])) as Budget;
    const synced = await waitFor('the budget\'s status', async () => {
      const b = await budget();
      return b.status?.observedGeneration === b.metadata.generation && b.status?.currentHealthy === 2 ? b : undefined;
    });
    assert.deepEqual(
      [synced.status!.desiredHealthy, synced.status!.expectedPods, synced.status!.disruptionsAllowed, synced.status!.conditions?.map((x) => [x.type, x.status, x.reason])],
      [2, 2, 0, [['DisruptionAllowed', 'False', 'InsufficientPods']]],
    );
    assert.match(await c.k(['get', 'pdb', 'guarded']), /^guarded\s+2\s+N\/A\s+0\s+\S+$/m);

    // With no disruption to spare, drain cannot evict the guarded pod and says why.
    const node = running[0]!.node!;
    const blocked = await c.kubectl(['drain', node, '--ignore-daemonsets', '--force', '--timeout=7s'], { timeoutMs: 30_000 });
    assert.notEqual(blocked.code, 0, blocked.stdout);
    assert.match(blocked.stderr, /Cannot evict pod as it would violate the pod's disruption budget/, blocked.stderr);
    assert.equal((await pods('app=guarded')).filter((p) => !p.deleting).length, 2, 'nothing guarded was evicted');

    // One more replica makes one disruption allowed: the drain goes pod by pod, each eviction
    // waiting for the replacement to be healthy, until the node is empty of them.
    await c.k(['scale', 'deployment/guarded', '--replicas=3']);
    await waitFor('one disruption allowed', async () => ((await budget()).status?.disruptionsAllowed === 1 ? true : undefined));
    await c.k(['drain', node, '--ignore-daemonsets', '--force', '--timeout=90s'], { timeoutMs: 100_000 });
    const after = await settled('app=guarded', 3);
    assert.ok(after.every((p) => p.node !== node), JSON.stringify(after.map((p) => p.node)));
    await c.k(['uncordon', node]);
    await c.k(['delete', 'pdb', 'guarded']);
  });

  it('deletes a Deployment in the background: its ReplicaSets and pods go too', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment('bg', 'nginx', 2) });
    await settled('app=bg', 2);
    await c.k(['delete', 'deployment', 'bg']);
    await waitFor('bg ReplicaSets and pods gone', async () => {
      const left = await c.k(['get', 'rs,pods', '-l', 'app=bg', '-o', 'name']);
      return left.trim() === '';
    });
  });

  it('deletes in the foreground: the owner stays until its dependents are gone', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment('fg', 'nginx', 2) });
    await settled('app=fg', 2);
    const r = await c.kubectl(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    const d = await c.kubectl(['get', 'deployment', 'fg', '-o', 'json']);
    if (d.code === 0) {
      const obj = JSON.parse(d.stdout) as { metadata: { finalizers?: string[]; deletionTimestamp?: string } };
      assert.ok(obj.metadata.deletionTimestamp);
      assert.ok(obj.metadata.finalizers?.includes('foregroundDeletion'));
    }
    await waitFor('fg and everything it owned gone', async () => {
      const left = await c.k(['get', 'deployment,rs,pods', '-l', 'app=fg', '-o', 'name']);
      const owner = await c.kubectl(['get', 'deployment', 'fg']);
      return left.trim() === '' && owner.code !== 0;
    });
  });

  it('orphans: --cascade=orphan leaves the ReplicaSet and pods, without an owner', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment('orph', 'nginx', 2) });
    await settled('app=orph', 2);
    await c.k(['delete', 'deployment', 'orph', '--cascade=orphan']);
    const rs = await waitFor('ReplicaSet released', async () => {
      const list = JSON.parse(await c.k(['get', 'rs', '-l', 'app=orph', '-o', 'json'])) as { items: { metadata: { ownerReferences?: unknown[] } }[] };
      return list.items.length === 1 && !list.items[0].metadata.ownerReferences ? list.items : undefined;
    });
    assert.equal(rs.length, 1);
    assert.equal((await c.kubectl(['get', 'deployment', 'orph'])).code, 1);
    await settled('app=orph', 2);
  });

  it('deletes a namespace with everything in it', async () => {
    await c.k(['create', 'namespace', 'doomed']);
    await c.k(['apply', '-n', 'doomed', '-f', '-'], { input: `${deployment('w', 'nginx', 2)}
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { a: "1" }
` });
    await waitFor('pods running in doomed', async () => {
      const out = await c.k(['get', 'pods', '-n', 'doomed', '--no-headers']);
      return out.split('\n').filter((l) => /Running/.test(l)).length === 2;
    });
    await c.k(['delete', 'namespace', 'doomed', '--wait=false']);
    await waitFor('namespace doomed gone', async () => (await c.kubectl(['get', 'namespace', 'doomed'])).code === 1, 60_000);
    const left = await c.k(['get', 'all,configmaps', '-n', 'doomed', '-o', 'name']);
    assert.equal(left.trim(), '');
  });
});
