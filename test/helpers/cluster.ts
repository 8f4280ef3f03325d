/**
 * End-to-end harness: runs `skiff start --in-memory` as a user would (a child process on a free
 * port) and drives it with the machine's stock kubectl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { locateKubectl } from '../../lib/local/tools.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCluster {
  url: string;
  kubeconfig: string;
  token: string;
  caPem: string;
  dataDir: string;
  /** Runs kubectl against the cluster; never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Runs kubectl and fails the test with its stderr when it exits non-zero. */
  k(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Starts a long-running kubectl (e.g. `get -w`); collect its output and kill it. */
  spawnKubectl(args: string[]): ChildProcess;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '../..');

export async function startTestCluster(extraArgs: string[] = [], env: Record<string, string> = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const kubectlBin = locateKubectl();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/skiff.ts'), 'start', '--in-memory', '--port', '0', '--data', dataDir, ...extraArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`skiff start did not become ready in 60 s:\n${out}\n${err}`)), 60_000);
    const check = () => {
      const m = /Skiff is running at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`skiff start exited with ${code}:\n${out}\n${err}`));
    });
  });
  const kubeconfig = join(dataDir, 'kubeconfig');
  const cacheDir = join(dataDir, 'kube-cache');
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const caPem = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  const baseArgs = ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir];

  const kubectl: TestCluster['kubectl'] = (args, opts = {}) =>
    new Promise((ok) => {
      const child = spawn(kubectlBin, [...baseArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        ok({ code: code ?? 1, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });

  return {
    url,
    kubeconfig,
    token,
    caPem,
    dataDir,
    kubectl,
    async k(args, opts) {
      const r = await kubectl(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    spawnKubectl(args) {
      return spawn(kubectlBin, [...baseArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGINT');
        await new Promise((ok) => proc.once('exit', ok));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
