/**
 * `skiff start` as a user meets it: the printed kubeconfig, /readyz, a restart that keeps data,
 * Ctrl-C that stops every child process, and one-line messages for a busy port or missing Java.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../../../lib/local/dynamodb-local.ts';
import { locateKubectl } from '../../../lib/local/tools.ts';
import { raw } from '../../helpers/https.ts';

const root = resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
  dirs.push(d);
  return d;
}

interface Run {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function skiff(args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/skiff.ts'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((ok) => proc.once('exit', (code) => ok(code)));
  return { proc, out: () => out, err: () => err, exited };
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function javaChildrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=,ppid=,comm=', '-e'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === pid && comm === 'java')
    .map(([p]) => Number(p));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('skiff start', () => {
  it('prints the kubeconfig, serves /readyz, keeps data across a restart, and Ctrl-C stops every child', async () => {
    const data = tempDir();
    const port = await freePort();
    const first = skiff(['start', '--data', data, '--port', String(port)]);
    await until(() => /Skiff is running at/.test(first.out()), 'the first start');
    assert.match(first.out(), new RegExp(`kubeconfig: ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/kubeconfig`));
    assert.match(first.out(), /kubectl get namespaces/);
    const kubeconfig = join(data, 'kubeconfig');
    const cluster = { url: `https://127.0.0.1:${port}`, token: readFileSync(join(data, 'admin-token'), 'utf8').trim(), caPem: readFileSync(join(data, 'pki', 'ca.crt'), 'utf8') };
    assert.equal((await raw(cluster, 'GET', '/readyz', { token: null })).status, 200);

    const kubectl = locateKubectl();
    const create = spawnSync(kubectl, ['--kubeconfig', kubeconfig, 'create', 'configmap', 'survivor', '--from-literal=k=v'], { encoding: 'utf8' });
    assert.equal(create.status, 0, create.stderr);

    const javas = javaChildrenOf(first.proc.pid!);
    assert.equal(javas.length, 1, 'DynamoDB Local runs as a child process');
    first.proc.kill('SIGINT');
    assert.equal(await first.exited, 0);
    await until(() => !alive(javas[0]), 'DynamoDB Local to stop', 10_000);

    const second = skiff(['start', '--data', data, '--port', String(port)]);
    await until(() => /Skiff is running at/.test(second.out()), 'the restart');
    const get = spawnSync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}'], { encoding: 'utf8' });
    assert.equal(get.status, 0, get.stderr);
    assert.equal(get.stdout, 'v');
    second.proc.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });

  it('a stop asked for while starting still stops DynamoDB Local', async () => {
    const run = skiff(['start', '--in-memory', '--data', tempDir(), '--port', String(await freePort()), '--nodes', '0']);
    let javas: number[] = [];
    await until(() => (javas = javaChildrenOf(run.proc.pid!)).length > 0, 'DynamoDB Local to be started');
    run.proc.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.err());
    await until(() => !alive(javas[0]), 'DynamoDB Local to stop', 10_000);
  });

  it('a DynamoDB Local left running by a killed start is stopped by the next one; a live Skiff on the same data refuses a second', async () => {
    const data = tempDir();
    const pidFile = join(data, 'dynamodb-local.pid');
    const start = async () => skiff(['start', '--data', data, '--port', String(await freePort()), '--nodes', '0']);
    const first = await start();
    await until(() => /Skiff is running at/.test(first.out()), 'the first start');
    const [jvm] = javaChildrenOf(first.proc.pid!);
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(jvm));

    const second = await start();
    assert.equal(await second.exited, 1);
    assert.equal(second.err().trim(), `skiff: another Skiff (pid ${first.proc.pid}) is using ${data}: stop it first, or pass another --data`);
    assert.ok(alive(jvm), 'the running one is left alone');

    // Killed outright, the first leaves its JVM behind.
    first.proc.kill('SIGKILL');
    await first.exited;
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(alive(jvm), 'the JVM outlives a killed Skiff');
    const third = await start();
    await until(() => /Skiff is running at/.test(third.out()), 'the next start');
    assert.ok(!alive(jvm), 'the leftover JVM was stopped');
    assert.match(third.err(), new RegExp(`stopping DynamoDB Local \\(pid ${jvm}\\) left running by an earlier start`));
    const [next] = javaChildrenOf(third.proc.pid!);
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(next));
    third.proc.kill('SIGINT');
    assert.equal(await third.exited, 0);
    await until(() => !alive(next), 'DynamoDB Local to stop', 10_000);
    assert.ok(!existsSync(pidFile), 'the pid file goes with its JVM');
  });

  it('a busy port gets a one-line message, not a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', () => ok()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = skiff(['start', '--in-memory', '--data', tempDir(), '--port', String(port)]);
      assert.equal(await run.exited, 1);
      assert.equal(run.err().trim(), `skiff: port ${port} on 127.0.0.1 is already in use: stop what is listening there or pass --port N`);
    } finally {
      blocker.close();
    }
  });

  it('missing Java gets a one-line message with the install hint', async () => {
    // A PATH that has node but no java.
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = skiff(['start', '--in-memory', '--data', tempDir(), '--port', '0'], { ...process.env, PATH: bin });
    assert.equal(await run.exited, 1);
    assert.deepEqual(run.err().trim().split('\n'), ['skiff: Java 17 or later is required for DynamoDB Local: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and retry']);
  });

  it('bad flags get usage, not a stack trace', async () => {
    const run = skiff(['start', '--nodes', 'many']);
    assert.equal(await run.exited, 1);
    assert.match(run.err(), /^skiff: --nodes must be a non-negative integer, got "many"/);
    const unknown = skiff(['start', '--frobnicate']);
    assert.equal(await unknown.exited, 1);
    assert.match(unknown.err(), /^skiff: Unknown option '--frobnicate'/);
  });
});
