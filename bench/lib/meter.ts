/**
 * Where the CPU went during one measurement: the Node main thread (the API server and the SDK
 * calls it makes; with BENCH_CLIENT=inline also the load generator), the whole Node process (plus
 * the load-generator worker, libuv's pool for gzip, GC threads), the DynamoDB Local JVM, and
 * everything else on the machine. Plus how busy and how late the main event loop was.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { procCpuSeconds } from './machine.ts';
import { round } from './stats.ts';

export interface PhaseUsage {
  wallSeconds: number;
  /** CPU seconds per wall second (1.0 = one core busy). */
  mainThreadCores?: number;
  nodeProcessCores: number;
  jvmCores?: number;
  /** Machine-wide busy cores not accounted to this process or the JVM (other processes, interrupts). */
  otherCores?: number;
  /** Cores the hypervisor took from this VM (steal). */
  stealCores?: number;
  /** Share of wall time the Node main thread was running JavaScript / native callbacks. */
  eventLoopUtilization: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

const TICKS = 100;

/** Busy and stolen CPU seconds of the whole machine, from /proc/stat. */
function machineSeconds(): { busy: number; steal: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return { busy: (f[0] + f[1] + f[2] + f[5] + f[6]) / TICKS, steal: (f[7] ?? 0) / TICKS };
  } catch {
    return undefined;
  }
}

function mainThreadSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS;
  } catch {
    return undefined;
  }
}

export class PhaseMeter {
  readonly #jvmPid: number | undefined;
  #t0 = 0;
  #cpu0: NodeJS.CpuUsage = { user: 0, system: 0 };
  #jvm0: number | undefined;
  #main0: number | undefined;
  #machine0: { busy: number; steal: number } | undefined;
  #elu0: EventLoopUtilization | undefined;
  #hist: IntervalHistogram | undefined;

  constructor(jvmPid: number | undefined) {
    this.#jvmPid = jvmPid;
  }

  start(): void {
    this.#t0 = performance.now();
    this.#cpu0 = process.cpuUsage();
    this.#jvm0 = this.#jvmPid === undefined ? undefined : procCpuSeconds(this.#jvmPid);
    this.#main0 = mainThreadSeconds();
    this.#machine0 = machineSeconds();
    this.#elu0 = performance.eventLoopUtilization();
    this.#hist = monitorEventLoopDelay({ resolution: 5 });
    this.#hist.enable();
  }

  stop(): PhaseUsage {
    const wall = (performance.now() - this.#t0) / 1000;
    const cpu = process.cpuUsage(this.#cpu0);
    const jvm1 = this.#jvmPid === undefined ? undefined : procCpuSeconds(this.#jvmPid);
    const main1 = mainThreadSeconds();
    const machine1 = machineSeconds();
    const elu = performance.eventLoopUtilization(this.#elu0);
    const h = this.#hist!;
    h.disable();
    const ms = (ns: number) => round(ns / 1e6, 1);
    const nodeCores = (cpu.user + cpu.system) / 1e6 / wall;
    const jvmCores = jvm1 !== undefined && this.#jvm0 !== undefined ? (jvm1 - this.#jvm0) / wall : undefined;
    const m0 = this.#machine0;
    const machineCores = machine1 && m0 ? (machine1.busy - m0.busy) / wall : undefined;
    const stealCores = machine1 && m0 ? (machine1.steal - m0.steal) / wall : undefined;
    return {
      wallSeconds: round(wall, 2),
      ...(main1 !== undefined && this.#main0 !== undefined ? { mainThreadCores: round((main1 - this.#main0) / wall) } : {}),
      nodeProcessCores: round(nodeCores),
      ...(jvmCores !== undefined ? { jvmCores: round(jvmCores) } : {}),
      ...(machineCores !== undefined ? { otherCores: round(Math.max(0, machineCores - nodeCores - (jvmCores ?? 0))) } : {}),
      ...(stealCores !== undefined ? { stealCores: round(stealCores) } : {}),
      eventLoopUtilization: round(elu.utilization),
      eventLoopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) },
    };
  }
}

/** Usage over several slices of one measurement: CPU weighted by wall time, worst event-loop delay. */
export function mergeUsage(parts: readonly PhaseUsage[]): PhaseUsage {
  const wall = parts.reduce((a, p) => a + p.wallSeconds, 0);
  const avg = (f: (p: PhaseUsage) => number | undefined): number | undefined => {
    if (parts.some((p) => f(p) === undefined)) return undefined;
    return round(parts.reduce((a, p) => a + f(p)! * p.wallSeconds, 0) / wall);
  };
  const opt = (name: string, v: number | undefined) => (v === undefined ? {} : { [name]: v });
  return {
    wallSeconds: round(wall, 2),
    ...opt('mainThreadCores', avg((p) => p.mainThreadCores)),
    nodeProcessCores: avg((p) => p.nodeProcessCores) ?? 0,
    ...opt('jvmCores', avg((p) => p.jvmCores)),
    ...opt('otherCores', avg((p) => p.otherCores)),
    ...opt('stealCores', avg((p) => p.stealCores)),
    eventLoopUtilization: avg((p) => p.eventLoopUtilization) ?? 0,
    eventLoopDelayMs: {
      p50: Math.max(...parts.map((p) => p.eventLoopDelayMs.p50)),
      p99: Math.max(...parts.map((p) => p.eventLoopDelayMs.p99)),
      max: Math.max(...parts.map((p) => p.eventLoopDelayMs.max)),
    },
  };
}
