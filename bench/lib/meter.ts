/**
 * Where the CPU went during one measurement: this Node process (API server + load generator +
 * SDK), the DynamoDB Local JVM, and how busy/late the Node event loop was.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { procCpuSeconds } from './machine.ts';
import { round } from './stats.ts';

export interface PhaseUsage {
  wallSeconds: number;
  /** CPU seconds per wall second (1.0 = one core busy). */
  nodeCores: number;
  jvmCores?: number;
  /** Share of wall time the Node main thread was running JavaScript / native callbacks. */
  eventLoopUtilization: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

export class PhaseMeter {
  readonly #jvmPid: number | undefined;
  #t0 = 0;
  #cpu0: NodeJS.CpuUsage = { user: 0, system: 0 };
  #jvm0: number | undefined;
  #elu0: EventLoopUtilization | undefined;
  #hist: IntervalHistogram | undefined;

  constructor(jvmPid: number | undefined) {
    this.#jvmPid = jvmPid;
  }

  start(): void {
    this.#t0 = performance.now();
    this.#cpu0 = process.cpuUsage();
    this.#jvm0 = this.#jvmPid === undefined ? undefined : procCpuSeconds(this.#jvmPid);
    this.#elu0 = performance.eventLoopUtilization();
    this.#hist = monitorEventLoopDelay({ resolution: 5 });
    this.#hist.enable();
  }

  stop(): PhaseUsage {
    const wall = (performance.now() - this.#t0) / 1000;
    const cpu = process.cpuUsage(this.#cpu0);
    const jvm1 = this.#jvmPid === undefined ? undefined : procCpuSeconds(this.#jvmPid);
    const elu = performance.eventLoopUtilization(this.#elu0);
    const h = this.#hist!;
    h.disable();
    const ms = (ns: number) => round(ns / 1e6, 1);
    return {
      wallSeconds: round(wall, 2),
      nodeCores: round((cpu.user + cpu.system) / 1e6 / wall),
      ...(jvm1 !== undefined && this.#jvm0 !== undefined ? { jvmCores: round((jvm1 - this.#jvm0) / wall) } : {}),
      eventLoopUtilization: round(elu.utilization),
      eventLoopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) },
    };
  }
}
