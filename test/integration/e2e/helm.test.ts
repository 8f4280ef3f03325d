/**
 * Stock helm against `skiff start --in-memory`: install, upgrade, rollback and uninstall of
 * `examples/hello-chart`, each waiting for readiness, with the release kept as helm keeps it
 * (Secrets of type `helm.sh/release.v1`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { locateHelm } from '../../../lib/local/tools.ts';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';

const chart = resolve(import.meta.dirname, '../../../examples/hello-chart');
let c: TestCluster;
let helmBin: string;

before(async () => {
  helmBin = locateHelm();
  c = await startTestCluster(['--nodes', '2']);
});
after(async () => {
  await c?.stop();
});

/** Runs helm against the cluster with its own config and cache folders; fails the test on a non-zero exit. */
function helm(args: string[], timeoutMs = 120_000): Promise<string> {
  const home = join(c.dataDir, 'helm');
  const env = { ...process.env, KUBECONFIG: c.kubeconfig, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
  return new Promise((ok, fail) => {
    const child = spawn(helmBin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) ok(out);
      else fail(new Error(`helm ${args.join(' ')} exited ${code}:\n${err}${out}`));
    });
  });
}

async function state(): Promise<{ replicas: number; ready: number; image: string; greeting: string }> {
  const d = parseYaml(await c.k(['get', 'deployment', 'web-hello', '-o', 'yaml']));
  const cm = parseYaml(await c.k(['get', 'configmap', 'web-hello', '-o', 'yaml']));
  return { replicas: d.spec.replicas, ready: d.status.readyReplicas ?? 0, image: d.spec.template.spec.containers[0].image, greeting: cm.data.greeting };
}

describe('helm', () => {
  it('installs a chart and waits for it to be ready', async () => {
    await helm(['install', 'web', chart, '--wait', '--timeout', '90s']);
    assert.deepEqual(await state(), { replicas: 2, ready: 2, image: 'nginx:1.27', greeting: 'hello' });
    const svc = parseYaml(await c.k(['get', 'service', 'web-hello', '-o', 'yaml']));
    assert.match(svc.spec.clusterIP, /^10\.\d+\.\d+\.\d+$/);
    assert.match(await c.k(['get', 'secrets', '-l', 'owner=helm,name=web', '-o', 'name']), /^secret\/sh\.helm\.release\.v1\.web\.v1$/m);
    assert.match(await helm(['list']), /^web\s+default\s+1\s+.*\sdeployed\s+hello-0\.1\.0\s+1\.27/m);
  });

  it('upgrades with new values, rolling the pods for a new config', async () => {
    const checksum = async () => parseYaml(await c.k(['get', 'deployment', 'web-hello', '-o', 'yaml'])).spec.template.metadata.annotations['checksum/config'];
    const before = await checksum();
    await helm(['upgrade', 'web', chart, '--set', 'greeting=hi', '--wait', '--timeout', '90s']);
    assert.deepEqual(await state(), { replicas: 2, ready: 2, image: 'nginx:1.27', greeting: 'hi' });
    // The config alone changed the template: a new ReplicaSet's pods took over.
    assert.notEqual(await checksum(), before);
    const rs = (await c.k(['get', 'rs', '-l', 'app.kubernetes.io/instance=web', '-o', 'jsonpath={range .items[*]}{.spec.replicas}{" "}{end}'])).trim().split(' ').map(Number).sort();
    assert.deepEqual(rs, [0, 2]);
    await helm(['upgrade', 'web', chart, '--set', 'replicas=3', '--set', 'greeting=hi', '--set', 'image.tag=1.28', '--wait', '--timeout', '90s']);
    assert.deepEqual(await state(), { replicas: 3, ready: 3, image: 'nginx:1.28', greeting: 'hi' });
    const history = await helm(['history', 'web']);
    assert.match(history, /^1\s+.*superseded/m);
    assert.match(history, /^2\s+.*superseded/m);
    assert.match(history, /^3\s+.*deployed/m);
  });

  it('rolls back to the first revision', async () => {
    await helm(['rollback', 'web', '1', '--wait', '--timeout', '90s']);
    assert.deepEqual(await state(), { replicas: 2, ready: 2, image: 'nginx:1.27', greeting: 'hello' });
    assert.match(await helm(['history', 'web']), /^4\s+.*deployed\s+hello-0\.1\.0\s+1\.27\s+Rollback to 1/m);
  });

  it('uninstalls, taking every object and the release records with it', async () => {
    await helm(['uninstall', 'web', '--wait', '--timeout', '90s']);
    for (const kind of ['deployment', 'service', 'configmap']) {
      const r = await c.kubectl(['get', kind, 'web-hello']);
      assert.notEqual(r.code, 0, `${kind} still there`);
      assert.match(r.stderr, /NotFound/);
    }
    assert.equal((await c.k(['get', 'secrets', '-l', 'owner=helm', '-o', 'name'])).trim(), '');
    assert.equal((await helm(['list', '-q'])).trim(), '');
  });
});
