/**
 * DynamoDB Local: the Java build shipped inside the npm package `amplify-dynamodb-simulator`.
 * Only its `emulator/` folder is needed, so the package tarball is fetched with `npm pack`
 * (checked against a pinned integrity) and unpacked into `.cache/` instead of installing the
 * package with its ~280 Amplify CLI dependencies.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRuntimeError } from './errors.ts';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const emulatorDir = join(projectRoot, '.cache', 'dynamodb-local', '2.9.30');

/** Makes sure the DynamoDB Local jar is on disk; downloads it once. Returns its folder. */
export function ensureDynamoDbLocal(log: (line: string) => void = () => {}): string {
  if (existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) return emulatorDir;
  log(`fetching DynamoDB Local (${PACKAGE}) into ${emulatorDir}`);
  const work = mkdtempSync(join(tmpdir(), 'skiff-ddb-'));
  try {
    const pack = spawnSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (pack.status !== 0) {
      throw new LocalRuntimeError(`could not fetch ${PACKAGE} with npm pack: ${pack.stderr.trim().split('\n').pop() ?? ''}`);
    }
    const tarball = join(work, pack.stdout.trim().split('\n').pop() ?? '');
    const digest = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (digest !== INTEGRITY) throw new LocalRuntimeError(`${PACKAGE} failed its integrity check`);
    const untar = spawnSync('tar', ['xzf', tarball, '-C', work, 'package/emulator'], { encoding: 'utf8' });
    if (untar.status !== 0) throw new LocalRuntimeError(`could not unpack ${PACKAGE}: ${untar.stderr.trim()}`);
    mkdirSync(dirname(emulatorDir), { recursive: true });
    rmSync(emulatorDir, { recursive: true, force: true });
    renameSync(join(work, 'package', 'emulator'), emulatorDir);
    return emulatorDir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function javaAvailable(): boolean {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return r.status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** Persist into this folder; in memory when absent. */
  dbPath?: string;
  port?: number;
  log?: (line: string) => void;
  /**
   * Where the JVM's pid is kept while it runs. A JVM left running by a start whose process died
   * without stopping it (SIGKILL, a crash) is stopped by the next start with the same file; one
   * whose Skiff is still alive refuses the start instead.
   */
  pidFile?: string;
}

/** A process's parent pid and command line (`ps`, on Linux and macOS); undefined when it is gone. */
function processInfo(pid: number): { ppid: number; args: string } | undefined {
  const r = spawnSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], { encoding: 'utf8' });
  const m = /^\s*(\d+)\s+(.*)$/.exec(r.stdout.trim());
  return r.status === 0 && m ? { ppid: Number(m[1]), args: m[2] } : undefined;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Stops the DynamoDB Local an earlier start left running, or refuses if its Skiff still runs. */
async function stopLeftover(pidFile: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const info = Number.isInteger(pid) && pid > 0 ? processInfo(pid) : undefined;
  if (!info || !info.args.includes('DynamoDBLocal.jar')) {
    rmSync(pidFile, { force: true });
    return;
  }
  // Still a child of a Node process: a Skiff (or a test or benchmark) runs it. Otherwise it was
  // handed to init or a subreaper when its Skiff died.
  const owner = info.ppid > 1 ? processInfo(info.ppid) : undefined;
  if (owner && /(^|\/)node(\s|$)/.test(owner.args)) {
    throw new LocalRuntimeError(`another Skiff (pid ${info.ppid}) is using ${dirname(pidFile)}: stop it first, or pass another --data`);
  }
  log(`stopping DynamoDB Local (pid ${pid}) left running by an earlier start`);
  const gone = async () => {
    for (let waited = 0; waited < 3000; waited += 100) {
      if (!processInfo(pid)) return true;
      await sleep(100);
    }
    return false;
  };
  process.kill(pid, 'SIGTERM');
  if (!(await gone())) {
    process.kill(pid, 'SIGKILL');
    await gone();
  }
  rmSync(pidFile, { force: true });
}

/** Starts DynamoDB Local and resolves once it answers requests. */
export async function startDynamoDbLocal(opts: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (!javaAvailable()) {
    throw new LocalRuntimeError('Java 17 or later is required for DynamoDB Local: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and retry');
  }
  const dir = ensureDynamoDbLocal(opts.log);
  if (opts.pidFile) await stopLeftover(opts.pidFile, opts.log ?? (() => {}));
  const port = opts.port ?? (await freePort());
  const args = [
    '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar', join(dir, 'DynamoDBLocal.jar'),
    '-port', String(port),
    ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory']),
    // A local cluster sends nothing off the machine (DynamoDB Local reports usage to AWS unless told not to).
    '-disableTelemetry',
  ];
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const pidFile = opts.pidFile;
  if (pidFile && child.pid) {
    mkdirSync(dirname(pidFile), { recursive: true });
    writeFileSync(pidFile, `${child.pid}\n`);
  }
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((ok) =>
    child.once('exit', (code) => {
      // The file names this JVM only while it runs (a later start may have written its own).
      if (pidFile && existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(child.pid)) rmSync(pidFile, { force: true });
      ok(code);
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let ready = false;
  while (Date.now() < deadline) {
    const dead = await Promise.race([exited.then(() => true), new Promise<boolean>((ok) => setTimeout(() => ok(false), 100))]);
    if (dead) throw new LocalRuntimeError(`DynamoDB Local exited at start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=skiff/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x' },
        body: '{}',
      });
      if (res.status < 500) {
        ready = true;
        break;
      }
    } catch {
      // not listening yet
    }
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new LocalRuntimeError('DynamoDB Local did not become ready within 30 s');
  }
  return {
    endpoint,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
