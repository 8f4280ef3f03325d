/**
 * One scheduling pass (the scheduler Lambda's work per batch): read nodes and pods, place every
 * pending pod with the pure framework of `lib/scheduler`, and bind through the write path. Level
 * based: any message (a new pod, a node change, a pod that gave room back) triggers a pass over
 * every pending pod, so parked pods are retried exactly when something changed.
 */
import { randomUUID } from 'node:crypto';
import type { Registry, WriteOptions } from '../api/registry.ts';
import type { Node, Pod } from '../api/schema/index.ts';
import { rfc3339 } from '../api/meta.ts';
import { ApiError } from '../core/errors.ts';
import type { Clock, KubeObject } from '../core/object.ts';
import { findByResource } from '../core/resources.ts';
import { defaultProfile, podKey, schedule, Snapshot, type Profile, type ScheduleOptions } from '../scheduler/index.ts';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { causeCovered, decodeMessage } from './keys.ts';
import { listAll, WarmList } from './lists.ts';
import { recordEvent } from './writer.ts';

const NODES = findByResource('', 'v1', 'nodes')!;
const PODS = findByResource('', 'v1', 'pods')!;
const NAMESPACES = findByResource('', 'v1', 'namespaces')!;

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerDeps {
  registry: Registry;
  clock: Clock;
  profile?: Profile;
  options?: ScheduleOptions;
  /** Binds in flight at once (default 16). */
  bindParallelism?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface PassResult {
  bound: number;
  unschedulable: number;
  /** Binds refused because the pod changed under the pass (bound elsewhere, deleted). */
  lost: number;
  /** The pod list's resourceVersion the pass read: messages caused at or below it are covered. */
  podsRv: number;
  nodesRv: number;
}

const pending = (p: Pod) =>
  !p.spec?.nodeName && !p.metadata?.deletionTimestamp &&
  (p.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME &&
  p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** A pod's report ranks with the pod's own writes when writes wait their turn (see `WriteGate`). */
function rankOf(pod: Pod): { rank?: number } {
  const born = Date.parse(pod.metadata?.creationTimestamp ?? '');
  return Number.isNaN(born) ? {} : { rank: born };
}

/** kube's queue order without priorities: oldest first, then by name. */
const byAge = (a: Pod, b: Pod) =>
  (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || podKey(a).localeCompare(podKey(b));

export function schedulerPass(deps: SchedulerDeps): () => Promise<PassResult> {
  const profile = deps.profile ?? defaultProfile();
  const store = deps.registry.store;
  const parallel = deps.bindParallelism ?? 16;
  const ctx = (verb: string): WriteOptions => ({
    actor: { user: 'system:kube-scheduler', groups: ['system:authenticated'] },
    verb,
    requestId: randomUUID(),
    userAgent: 'kube-scheduler/v1.32.0 (linux) skiff',
    fieldManager: 'kube-scheduler',
  });
  const event = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recordEvent(deps.registry, deps.clock, {
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
      type, reason, message, component: SCHEDULER_NAME,
    }, { ...ctx('create'), ...rankOf(pod) }).catch((err: unknown) => deps.log?.({ level: 'WARN', message: 'could not record event', reason, error: String(err) }));

  // The pods as of the last pass, kept warm between passes: each pass reads only the changes since.
  const warmPods = new WarmList(store, PODS);
  const loadPods = () => warmPods.list();

  return async () => {
    const nodes = await listAll(store, NODES);
    const pods = await loadPods();
    const namespaces = await listAll(store, NAMESPACES);
    const snapshot = new Snapshot({
      nodes: nodes.items as Node[],
      pods: pods.items as Pod[],
      namespaceLabels: Object.fromEntries(namespaces.items.map((n) => [n.metadata.name ?? '', n.metadata.labels ?? {}])),
    });
    const nodesByName = new Map(nodes.items.map((n) => [n.metadata.name ?? '', n]));
    const queue = (pods.items as Pod[]).filter(pending).sort(byAge);
    const placements: { pod: Pod; node: string }[] = [];
    const parked: { pod: Pod; message: string }[] = [];
    for (const pod of queue) {
      const result = schedule(pod, snapshot, profile, deps.options);
      if ('node' in result) {
        snapshot.assume(pod, result.node);
        placements.push({ pod, node: result.node });
      } else {
        parked.push({ pod, message: result.message });
      }
    }

    let bound = 0;
    let lost = 0;
    let next = 0;
    const scheduled: { pod: Pod; message: string }[] = [];
    const lane = async () => {
      while (next < placements.length) {
        const { pod, node } = placements[next++];
        const ns = pod.metadata?.namespace ?? '';
        const name = pod.metadata?.name ?? '';
        try {
          await deps.registry.bind(ns, name, node, pod.metadata?.uid, ctx('create'), { pod: pod as KubeObject, node: nodesByName.get(node) });
          bound++;
          scheduled.push({ pod, message: `Successfully assigned ${ns}/${name} to ${node}` });
        } catch (err) {
          snapshot.forget(pod);
          if (err instanceof ApiError && (err.code === 409 || err.code === 404)) {
            lost++;
            continue;
          }
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, placements.length) }, lane));
    // The Scheduled events once every bind is through: binds first, reports after.
    let nextEvent = 0;
    const eventLane = async () => {
      while (nextEvent < scheduled.length) {
        const { pod, message } = scheduled[nextEvent++];
        await event(pod, 'Normal', 'Scheduled', message);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, scheduled.length) }, eventLane));

    for (const { pod, message } of parked) await park(pod, message);
    return { bound, unschedulable: parked.length, lost, podsRv: Number(pods.resourceVersion), nodesRv: Number(nodes.resourceVersion) };
  };

  /** PodScheduled=False with kube's message, and a FailedScheduling event, when the reason changed. */
  async function park(pod: Pod, message: string): Promise<void> {
    const conditions = (pod.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[];
    const current = conditions.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
    const updated = structuredClone(pod) as KubeObject & Pod;
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339(deps.clock()) };
    updated.status = { ...(pod.status ?? {}), phase: pod.status?.phase ?? 'Pending', conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition] } as Pod['status'];
    try {
      await deps.registry.update(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', updated, { ...ctx('update'), subresource: 'status' });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
    await event(pod, 'Warning', 'FailedScheduling', message);
  }
}

/**
 * The scheduler queue's consumer: a batch of trigger messages runs one pass, unless every message
 * was caused by an event the previous pass already read (its cause at or below that pass's pod or
 * node list resourceVersion). A failed pass hands the whole batch back to the queue.
 */
export function schedulerConsumer(deps: SchedulerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const pass = schedulerPass(deps);
  let seen: Record<string, number> = {};
  const covered = (body: string) => {
    const m = decodeMessage(body);
    return !m || causeCovered(m.cause, seen);
  };
  // Whether the last pass left pods it could not place: only then can a node change help.
  let parked = true;
  const nodeOnly = (body: string) => decodeMessage(body)?.key.startsWith('core/Node/') ?? false;
  return async (event) => {
    if (event.Records.every((r) => covered(r.body) || (!parked && nodeOnly(r.body)))) return { batchItemFailures: [] };
    try {
      let result = await pass();
      // Binds lost to a change under the pass (another bind took the room, the pod changed):
      // those pods are still pending and nothing else will wake them, so look again now.
      for (let again = 0; result.lost > 0 && again < 3; again++) result = await pass();
      seen = { pods: result.podsRv, nodes: result.nodesRv };
      parked = result.unschedulable > 0;
      if (result.bound || result.unschedulable || result.lost) deps.log?.({ level: 'INFO', message: 'scheduling pass', ...result });
      return { batchItemFailures: [] };
    } catch (err) {
      seen = {};
      parked = true;
      deps.log?.({ level: 'WARN', message: 'scheduling pass failed; the queue retries it', error: String(err) });
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    }
  };
}
