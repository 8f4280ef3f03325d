/**
 * Pod resource requests the way kube-scheduler computes them (`resourcehelper.PodRequests`):
 * regular containers summed, init containers by the max rule (restartable "sidecar" init containers
 * accumulate), pod overhead added. Requests missing from a container fall back to its limits, as
 * API defaulting would have set them.
 */
import type { Container, Pod } from '../api/schema/index.ts';
import { milliValue, value } from './quantity.ts';

/** CPU in millicores; memory and ephemeral storage in bytes; extended resources in their own units. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and other scalar resources (`nvidia.com/gpu`, `hugepages-2Mi`, ...); undefined when none. */
  scalar?: Record<string, number>;
}

/** kube's DefaultMilliCPURequest / DefaultMemoryRequest, used for scoring pods that request nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0 });

type QuantityMap = Record<string, string> | undefined;

/** Parses a ResourceList; `pods` is left out (it is a node capacity, never a request). */
export function parseResourceList(list: QuantityMap): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const name of Object.keys(list)) {
    const q = list[name];
    if (name === 'cpu') r.milliCPU = milliValue(q);
    else if (name === 'memory') r.memory = value(q);
    else if (name === 'ephemeral-storage') r.ephemeralStorage = value(q);
    else if (name !== 'pods') (r.scalar ??= {})[name] = value(q);
  }
  return r;
}

function add(into: Resources, r: Resources): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const k of Object.keys(r.scalar)) s[k] = (s[k] ?? 0) + r.scalar[k];
  }
}

function max(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const k of Object.keys(r.scalar)) s[k] = Math.max(s[k] ?? 0, r.scalar[k]);
  }
}

const clone = (r: Resources): Resources => ({ ...r, scalar: r.scalar ? { ...r.scalar } : undefined });

function containerRequests(c: Container, nonZero: boolean): Resources {
  const requests = (c.resources?.requests ?? undefined) as QuantityMap;
  const limits = (c.resources?.limits ?? undefined) as QuantityMap;
  const merged = limits ? { ...limits, ...(requests ?? {}) } : requests;
  const r = parseResourceList(merged);
  if (nonZero) {
    if (!merged || merged.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!merged || merged.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective requests. With `nonZero`, a container that leaves cpu or memory out counts
 * as 100m / 200Mi (kube's NonMissingContainerRequests, used by the scoring plugins).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const spec = pod.spec;
  const reqs = emptyResources();
  if (!spec) return reqs;
  for (const c of spec.containers ?? []) add(reqs, containerRequests(c as Container, nonZero));
  const restartable = emptyResources();
  const init = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c as Container, nonZero);
    if ((c as Container).restartPolicy === 'Always') {
      add(reqs, r);
      add(restartable, r);
      max(init, restartable);
    } else {
      const tmp = clone(r);
      add(tmp, restartable);
      max(init, tmp);
    }
  }
  max(reqs, init);
  if (spec.overhead) add(reqs, parseResourceList(spec.overhead as QuantityMap));
  return reqs;
}
