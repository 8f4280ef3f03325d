/** Stock kubectl against `skiff start --in-memory`, command by command. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';
import { raw } from '../../helpers/https.ts';

let c: TestCluster;

before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c?.stop();
});

const deployment = (name: string, image = 'nginx:1.25', replicas = 2) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{ containerPort: 80 }]
`;

describe('kubectl', () => {
  it('serves discovery: api-resources lists every kind with its short names', async () => {
    const out = await c.k(['api-resources']);
    for (const [name, short] of [
      ['pods', 'po'],
      ['deployments', 'deploy'],
      ['replicasets', 'rs'],
      ['nodes', 'no'],
      ['namespaces', 'ns'],
      ['services', 'svc'],
      ['configmaps', 'cm'],
      ['endpoints', 'ep'],
      ['events', 'ev'],
      ['serviceaccounts', 'sa'],
    ]) {
      assert.match(out, new RegExp(`^${name}\\s+${short}\\s`, 'm'), `${name} with short name ${short}`);
    }
    assert.match(out, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease/m);
    assert.match(out, /^secrets\s+v1\s+true\s+Secret/m);
  });

  it('serves discovery to kubectl 1.26–1.29 in the v2beta1 form they ask for (they cannot read v2)', async () => {
    // The exact Accept header those kubectl versions send.
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    for (const path of ['/api', '/apis']) {
      const r = await raw(c, 'GET', path, { accept });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
      const doc = r.json() as { apiVersion: string; items: { versions: { resources: { resource: string }[] }[] }[] };
      assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2beta1');
      const resources = doc.items.flatMap((g) => g.versions.flatMap((v) => v.resources.map((x) => x.resource)));
      assert.ok(resources.includes(path === '/api' ? 'pods' : 'deployments'), resources.join(','));
    }
    // Plain JSON alone gets the legacy documents.
    const legacy = await raw(c, 'GET', '/apis', { accept: 'application/json' });
    assert.equal(legacy.json().kind, 'APIGroupList');
  });

  it('answers kubectl auth can-i and auth whoami (protobuf bodies) for the admin', async () => {
    assert.equal((await c.k(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
    assert.equal((await c.k(['auth', 'can-i', 'delete', 'nodes', '--all-namespaces'])).trim(), 'yes');
    assert.equal((await c.k(['auth', 'can-i', 'get', '/healthz'])).trim(), 'yes');
    assert.match(await c.k(['auth', 'can-i', '--list', '-n', 'default']), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const who = await c.k(['auth', 'whoami']);
    assert.match(who, /^Username\s+skiff-admin$/m);
    assert.match(who, /^Groups\s+\[system:masters system:authenticated\]$/m);
    // Bodies are decoded with the review's schema: unknown fields follow fieldValidation.
    const strict = await raw(c, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews?fieldValidation=Strict', { body: JSON.stringify({ spec: { bogus: 1, resourceAttributes: { verb: 'get' } } }) });
    assert.equal(strict.status, 422);
    assert.match(String(strict.json().message), /unknown field "spec\.bogus"/);
    const explained = await c.k(['explain', 'selfsubjectaccessreviews.spec.resourceAttributes']);
    assert.match(explained, /^KIND:\s+SelfSubjectAccessReview/m);
    assert.match(explained, /^\s+verb\s+<string>/m);
    // Nothing is stored: a review is not a resource to list.
    const list = await c.kubectl(['get', 'selfsubjectaccessreviews']);
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, /MethodNotAllowed|does not allow this method/);
  });

  it('issues ServiceAccount tokens with kubectl create token (protobuf bodies) that kubectl can sign in with', async () => {
    const token = (await c.k(['create', 'token', 'default', '--duration=1h'])).trim();
    assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const who = await c.k(['auth', 'whoami', `--token=${token}`]);
    assert.match(who, /^Username\s+system:serviceaccount:default:default$/m);
    assert.match(who, /^Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]$/m);
    assert.match(await c.k(['create', 'configmap', 'made-by-a-robot', `--token=${token}`]), /created/);
    const forVault = (await c.k(['create', 'token', 'default', '--audience=vault'])).trim();
    const wrongAudience = await c.kubectl(['get', 'pods', `--token=${forVault}`]);
    assert.notEqual(wrongAudience.code, 0);
    assert.match(wrongAudience.stderr, /Unauthorized|must be logged in/);
    const missing = await c.kubectl(['create', 'token', 'nobody']);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
    const short = await c.kubectl(['create', 'token', 'default', '--duration=5m']);
    assert.match(short.stderr, /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    await c.k(['run', 'token-holder', '--image=busybox']);
    const bound = (await c.k(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=token-holder'])).trim();
    assert.match(await c.k(['get', 'configmap', 'made-by-a-robot', `--token=${bound}`]), /made-by-a-robot/);
    await c.k(['delete', 'pod', 'token-holder', '--grace-period=0', '--force']);
    const revoked = await c.kubectl(['get', 'configmap', 'made-by-a-robot', `--token=${bound}`]);
    assert.match(revoked.stderr, /Unauthorized|must be logged in/);
    // Issuer discovery, as kube serves it: the key set named by the configuration checks the tokens.
    const config = JSON.parse(await c.k(['get', '--raw', '/.well-known/openid-configuration'])) as { issuer: string; jwks_uri: string };
    assert.equal(config.jwks_uri, `${c.url}/openid/v1/jwks`);
    const keys = JSON.parse(await c.k(['get', '--raw', '/openid/v1/jwks'])) as { keys: { kty: string; crv: string; alg: string; kid: string }[] };
    assert.deepEqual(keys.keys.map((k) => [k.kty, k.crv, k.alg]), [['EC', 'P-256', 'ES256']]);
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid, keys.keys[0].kid);
  });

  it("admits pods as kube's ServiceAccount plugin does: API access volume mounted, a missing ServiceAccount refused", async () => {
    await c.k(['run', 'with-token', '--image=busybox']);
    const spec = JSON.parse(await c.k(['get', 'pod', 'with-token', '-o', 'jsonpath={.spec}'])) as {
      serviceAccountName: string;
      volumes: { name: string; projected?: { sources: Record<string, unknown>[] } }[];
      containers: { volumeMounts: { name: string; mountPath: string; readOnly: boolean }[] }[];
    };
    assert.equal(spec.serviceAccountName, 'default');
    const volume = spec.volumes.find((v) => v.name.startsWith('kube-api-access-'));
    assert.ok(volume, JSON.stringify(spec.volumes));
    assert.deepEqual(volume.projected?.sources.map((s) => Object.keys(s)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
    assert.deepEqual(spec.containers[0].volumeMounts, [{ name: volume.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
    const ghost = await c.kubectl(['run', 'ghost-sa', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"ghost"}}']);
    assert.notEqual(ghost.code, 0);
    assert.match(ghost.stderr, /pods "ghost-sa" is forbidden: error looking up service account default\/ghost: serviceaccount "ghost" not found/);
    await c.k(['run', 'no-token', '--image=busybox', '--overrides={"spec":{"automountServiceAccountToken":false}}']);
    assert.equal(await c.k(['get', 'pod', 'no-token', '-o', 'jsonpath={.spec.volumes}']), '');
  });

  it('shows the kubelet\'s registration events in describe node', async () => {
    const described = await c.k(['describe', 'node', 'node-0']);
    assert.match(described, /Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\./);
    assert.match(described, /Normal\s+NodeReady\s+\S+\s+kubelet\s+Node node-0 status is now: NodeReady/);
  });

  it('has the bootstrap namespaces', async () => {
    const out = await c.k(['get', 'namespaces', '-o', 'name']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^namespace/${ns}$`, 'm'));
  });

  it('has the kubernetes Service, with the API\'s own address as its Endpoints and EndpointSlice', async () => {
    const port = Number(new URL(c.url).port);
    const svc = JSON.parse(await c.k(['get', 'service', 'kubernetes', '-o', 'json'])) as { spec: { ports: { port: number; targetPort: number }[] } };
    assert.deepEqual(svc.spec.ports.map((p) => [p.port, p.targetPort]), [[443, port]]);
    const ep = JSON.parse(await c.k(['get', 'endpoints', 'kubernetes', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; subsets: unknown };
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }]);
    assert.equal(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], 'true');
    const slice = JSON.parse(await c.k(['get', 'endpointslice', 'kubernetes', '-o', 'json'])) as { addressType: string; endpoints: unknown; ports: unknown; metadata: { labels: Record<string, string> } };
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, [{ addresses: ['127.0.0.1'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'https', port, protocol: 'TCP' }]);
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
    assert.match(await c.k(['describe', 'service', 'kubernetes']), new RegExp(`Endpoints:\\s+127\\.0\\.0\\.1:${port}`));
  });

  it('creates a namespace (protobuf body) and objects in it, and lists them with -A, -l and -o wide', async () => {
    await c.k(['create', 'namespace', 'team-a']);
    const ns = parseYaml(await c.k(['get', 'namespace', 'team-a', '-o', 'yaml']));
    assert.equal(ns.status.phase, 'Active');
    assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
    assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'team-a');

    await c.k(['apply', '-n', 'team-a', '-f', '-'], { input: deployment('web') });
    await c.k(['create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=mode=fast']);
    await c.k(['create', 'deployment', 'api', '-n', 'team-a', '--image=busybox:1.36', '--replicas=3']);

    const wide = await c.k(['get', 'deployments', '-n', 'team-a', '-o', 'wide']);
    assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/m);
    // UP-TO-DATE is 0 or 2 depending on whether the Deployment controller got there yet.
    assert.match(wide, /^web\s+0\/2\s+[02]\s+0\s+\S+\s+web\s+nginx:1\.25\s+app=web/m);
    assert.match(wide, /^api\s+0\/3\s+/m);

    const all = await c.k(['get', 'configmaps', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE/m);
    assert.match(all, /^team-a\s+settings\s+1\s+/m);

    const labelled = await c.k(['get', 'deployments', '-n', 'team-a', '-l', 'app=web', '-o', 'name']);
    assert.equal(labelled.trim(), 'deployment.apps/web');
    const notLabelled = await c.k(['get', 'deployments', '-n', 'team-a', '-l', 'app!=web', '-o', 'name']);
    assert.equal(notLabelled.trim(), 'deployment.apps/api');
  });

  it('returns defaulted objects with -o yaml', async () => {
    const d = parseYaml(await c.k(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(d.metadata.generation, 1);
    assert.match(d.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(d.metadata.resourceVersion, /^\d+$/);
    assert.equal(d.spec.strategy.type, 'RollingUpdate');
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%');
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
    assert.equal(d.spec.template.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(d.spec.template.spec.terminationGracePeriodSeconds, 30);
    assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  });

  it('labels, annotates, patches and replaces; generation moves on spec changes only', async () => {
    await c.k(['label', 'deployment', 'web', '-n', 'team-a', 'tier=frontend']);
    await c.k(['annotate', 'configmap', 'settings', '-n', 'team-a', 'owner=ops']);
    let d = parseYaml(await c.k(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(d.metadata.labels.tier, 'frontend');
    assert.equal(d.metadata.generation, 1);

    await c.k(['patch', 'deployment', 'web', '-n', 'team-a', '-p', '{"spec":{"replicas":4}}']);
    await c.k(['patch', 'deployment', 'web', '-n', 'team-a', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.26"}]']);
    d = parseYaml(await c.k(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(d.spec.replicas, 4);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(d.metadata.generation, 3);

    await c.k(['label', 'deployment', 'web', '-n', 'team-a', 'tier-']);
    d = parseYaml(await c.k(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(d.metadata.labels.tier, undefined);

    const cm = parseYaml(await c.k(['get', 'configmap', 'settings', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(cm.metadata.annotations.owner, 'ops');
    cm.data.mode = 'slow';
    await c.k(['replace', '-f', '-'], { input: JSON.stringify(cm) });
    const replaced = parseYaml(await c.k(['get', 'configmap', 'settings', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(replaced.data.mode, 'slow');

    // A replace carrying the old resourceVersion is a stale write.
    const stale = await c.kubectl(['replace', '-f', '-'], { input: JSON.stringify(cm) });
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /the object has been modified/);
  });

  it('applies again with a changed image (strategic merge patch)', async () => {
    await c.k(['apply', '-n', 'team-a', '-f', '-'], { input: deployment('web', 'nginx:1.27', 4) });
    const d = parseYaml(await c.k(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(d.spec.template.spec.containers.length, 1);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
  });

  it('applies server-side with field managers and reports conflicts', async () => {
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata: { name: ssa, namespace: team-a }
data: { a: "1" }
`;
    const created = await c.k(['apply', '--server-side', '-f', '-'], { input: manifest });
    assert.match(created, /configmap\/ssa serverside-applied/);
    const cm = parseYaml(await c.k(['get', 'configmap', 'ssa', '-n', 'team-a', '-o', 'yaml', '--show-managed-fields']));
    assert.ok(cm.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply'));

    const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], { input: manifest.replace('"1"', '"2"') });
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict/i);
    await c.k(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], { input: manifest.replace('"1"', '"2"') });
    const forced = parseYaml(await c.k(['get', 'configmap', 'ssa', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(forced.data.a, '2');
  });

  it('validates on the server with --dry-run=server and stores nothing', async () => {
    const out = await c.k(['apply', '--dry-run=server', '-n', 'team-a', '-f', '-'], { input: deployment('ghost') });
    assert.match(out, /deployment\.apps\/ghost created \(server dry run\)/);
    const get = await c.kubectl(['get', 'deployment', 'ghost', '-n', 'team-a']);
    assert.notEqual(get.code, 0);
    assert.match(get.stderr, /NotFound|not found/);
  });

  it('explains fields from the OpenAPI document', async () => {
    const out = await c.k(['explain', 'deployment.spec.strategy']);
    assert.match(out, /KIND:\s+Deployment/);
    assert.match(out, /rollingUpdate/);
    assert.match(out, /type\s+<string>/);
  });

  it('rejects unknown fields with strict validation', async () => {
    const bad = deployment('typo').replace('replicas: 2', 'replicas: 2\n  replicaz: 3');
    const r = await c.kubectl(['apply', '-n', 'team-a', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /replicaz/);
  });

  it('watches with get -w: the list, then each change', async () => {
    const w = c.spawnKubectl(['get', 'configmaps', '-n', 'team-a', '-w', '-o', 'custom-columns=NAME:.metadata.name,V:.data.v', '--no-headers']);
    let out = '';
    w.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = async (re: RegExp) => {
      const end = Date.now() + 15_000;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`watch output never matched ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(/^settings\s/m);
    await c.k(['create', 'configmap', 'watched', '-n', 'team-a', '--from-literal=v=one']);
    await waitFor(/^watched\s+one$/m);
    await c.k(['patch', 'configmap', 'watched', '-n', 'team-a', '-p', '{"data":{"v":"two"}}']);
    await waitFor(/^watched\s+two$/m);
    w.kill();
  });

  it('deletes, and the object is gone', async () => {
    await c.k(['delete', 'configmap', 'watched', '-n', 'team-a']);
    const r = await c.kubectl(['get', 'configmap', 'watched', '-n', 'team-a']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /configmaps "watched" not found/);
    await c.k(['delete', 'deployment', 'api', '-n', 'team-a']);
    const left = await c.k(['get', 'deployments', '-n', 'team-a', '-o', 'name']);
    assert.equal(left.trim(), 'deployment.apps/web');
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const r = await c.kubectl(['create', 'configmap', 'x', '-n', 'nowhere', '--from-literal=a=b']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "nowhere" not found/);
  });

  it('runs a pod and shows it with -o wide and describe', async () => {
    await c.k(['run', 'solo', '-n', 'team-a', '--image=busybox:1.36', '--labels=app=solo', '--', 'sleep', '3600']);
    // The scheduler binds it and a local node runs it.
    let wide = '';
    for (let i = 0; i < 80 && !/^solo\s+1\/1\s+Running/m.test(wide); i++) {
      await new Promise((ok) => setTimeout(ok, 250));
      wide = await c.k(['get', 'pods', '-n', 'team-a', '-o', 'wide']);
    }
    assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/m);
    assert.match(wide, /^solo\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+node-\d\s+<none>\s+<none>/m);
    const described = await c.k(['describe', 'pod', 'solo', '-n', 'team-a']);
    assert.match(described, /^Name:\s+solo$/m);
    assert.match(described, /^QoS Class:\s+BestEffort$/m);
    assert.match(described, /Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s/);

    // What the simulated runtime does not serve is said plainly, naming the node.
    const logs = await c.kubectl(['logs', 'solo', '-n', 'team-a']);
    assert.notEqual(logs.code, 0);
    assert.match(logs.stderr, /pod "solo" runs on node "node-\d", which serves no container logs/);
    const exec = await c.kubectl(['exec', 'solo', '-n', 'team-a', '--', 'true']);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /pod "solo" runs on node "node-\d", which does not serve exec/);
  });

  it('scales through the scale subresource', async () => {
    await c.k(['scale', 'deployment', 'web', '-n', 'team-a', '--replicas=6']);
    const d = parseYaml(await c.k(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']));
    assert.equal(d.spec.replicas, 6);
  });

  it('creates a PodDisruptionBudget (protobuf body) and shows the status its controller keeps', async () => {
    await c.k(['create', 'pdb', 'lone', '-n', 'team-a', '--selector=app=lone', '--max-unavailable=1']);
    let budget: { status?: { observedGeneration?: number; expectedPods?: number; disruptionsAllowed?: number; conditions?: { reason: string }[] } } = {};
    for (let i = 0; i < 120 && budget.status?.observedGeneration !== 1; i++) {
      if (i) await new Promise((ok) => setTimeout(ok, 250));
      budget = parseYaml(await c.k(['get', 'pdb', 'lone', '-n', 'team-a', '-o', 'yaml']));
    }
    // No pods selected: nothing expected, so no disruption allowed.
    assert.deepEqual([budget.status?.observedGeneration, budget.status?.expectedPods, budget.status?.disruptionsAllowed, budget.status?.conditions?.map((x) => x.reason)], [1, 0, 0, ['InsufficientPods']]);
    assert.match(await c.k(['get', 'pdb', '-n', 'team-a']), /^lone\s+N\/A\s+1\s+0\s+\S+$/m);
    assert.match(await c.k(['describe', 'pdb', 'lone', '-n', 'team-a']), /Max unavailable:\s+1\nSelector:\s+app=lone/);
  });
});
