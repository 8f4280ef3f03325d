/** What the numbers were measured on, and CPU accounting for the processes involved. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, freemem, totalmem, release, platform, arch, loadavg } from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  arch: string;
  kernel: string;
  memoryMb: number;
  freeMemoryMb: number;
  loadAverage: number[];
  java: string;
  gitCommit: string;
  gitDirty: boolean;
  /** Uncommitted changes outside bench/ and README.md: the code measured is not exactly `gitCommit`. */
  gitChangedOutsideBench: string[];
}

/** A command's output (stdout, or stderr when stdout is empty: `java -version` prints there). */
function tryRun(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (r.stdout?.trim() || r.stderr?.trim()) ?? '';
}

export function machineInfo(root: string): MachineInfo {
  const c = cpus();
  const javaVersion = tryRun('java', ['-version']).split('\n')[0] ?? '';
  const porcelain = (spawnSync('git', ['-C', root, 'status', '--porcelain'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    node: process.version,
    platform: platform(),
    arch: arch(),
    kernel: release(),
    memoryMb: Math.round(totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
    java: javaVersion,
    gitCommit: spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout?.trim() ?? '',
    gitDirty: porcelain.length > 0,
    gitChangedOutsideBench: porcelain.map((l) => l.slice(3)).filter((f) => !f.startsWith('bench/') && f !== 'README.md'),
  };
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used, from /proc; undefined off Linux. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The pids of this process's children running `comm` (e.g. the DynamoDB Local JVM, "java"). */
export function childPids(comm: string): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && name === comm) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}
