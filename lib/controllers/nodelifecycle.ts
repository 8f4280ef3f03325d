/**
 * The node lifecycle controller as a pure function of a periodic tick (kube 1.32's
 * pkg/controller/nodelifecycle together with the taint eviction controller it runs,
 * pkg/controller/tainteviction):
 *
 * - a node whose heartbeat (its Lease's renewTime or its Ready condition's lastHeartbeatTime,
 *   whichever is later) is older than the grace period gets Ready, MemoryPressure, DiskPressure and
 *   PIDPressure set to Unknown; when that takes Ready away from True the node gets a NodeNotReady
 *   event and its pods' Ready conditions turn False;
 * - NoSchedule taints follow the node's conditions (not-ready, unreachable, memory-pressure,
 *   disk-pressure, pid-pressure, network-unavailable) and spec.unschedulable;
 * - a node that is not Ready gets the NoExecute `not-ready` (Ready False) or `unreachable` (Ready
 *   Unknown) taint, at most one new node per zone every 1/evictionLimiterQPS seconds, slower or
 *   not at all while its zone is disrupted, and none while every zone is fully disrupted (then the
 *   controller's NoExecute taints come off instead: the fault is more likely the control plane's);
 * - pods on a node with NoExecute taints they do not tolerate are deleted, at once or when the
 *   shortest matching tolerationSeconds runs out.
 *
 * kube remembers when it last heard from each node and when it first scheduled each eviction;
 * here those instants come from the objects themselves: the heartbeat timestamps, the taints'
 * timeAdded and the pods' binding time.
 */
import type { Node, NodeCondition, Pod, PodCondition, Taint } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { toleratesTaint } from '../scheduler/framework.ts';
import type { Action, ReconcileResult } from './types.ts';
import { referenceTo, timeString } from './types.ts';

/** v1.TaintNodeNotReady: Ready is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** v1.TaintNodeUnreachable: Ready is Unknown (the node stopped reporting). */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** v1.TaintNodeUnschedulable: spec.unschedulable (a cordoned node). */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
/** Nodes with this label do not count toward their zone's disruption state. */
export const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

/** Condition reasons the controller writes when heartbeats stop. */
export const REASON_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const REASON_NEVER_UPDATED = 'NodeStatusNeverUpdated';

export interface NodeLifecycleConfig {
  /**
   * --node-monitor-grace-period: how long a node may go without a heartbeat. Skiff keeps the
   * long-standing 40 s (kube 1.32 moved to 50 s); lease renewals every 10 s leave three misses.
   */
  gracePeriodSeconds?: number;
  /** --node-startup-grace-period: the same for a node that never posted a Ready condition, from its creation. */
  startupGracePeriodSeconds?: number;
  /** --unhealthy-zone-threshold: the share of not-Ready nodes (at least 3) that makes a zone partially disrupted. */
  unhealthyZoneThreshold?: number;
  /** --large-cluster-size-threshold: above this many nodes a partially disrupted zone is slowed, not stopped. */
  largeClusterSizeThreshold?: number;
  /** --node-eviction-rate: nodes per second per zone that get a NoExecute taint. */
  evictionLimiterQPS?: number;
  /** --secondary-node-eviction-rate: the same in a partially disrupted large zone. */
  secondaryEvictionLimiterQPS?: number;
}

/** kube-controller-manager's defaults (kube 1.32), with the 40 s grace period of earlier releases. */
export const NODE_LIFECYCLE_DEFAULTS: Required<NodeLifecycleConfig> = {
  gracePeriodSeconds: 40,
  startupGracePeriodSeconds: 60,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
  evictionLimiterQPS: 0.1,
  secondaryEvictionLimiterQPS: 0.01,
};

export interface NodeLifecycleInput {
  /** Every node. */
  nodes: Node[];
  /** The renewTime of each node's Lease (kube-node-lease/<node>); undefined when it has none. */
  heartbeats: Record<string, Date | undefined>;
  /** Pods bound to a node (spec.nodeName set); pods of nodes not in `nodes` are ignored. */
  pods: Pod[];
  now: Date;
  config?: NodeLifecycleConfig;
}

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** Condition → status → the NoSchedule taint kube keeps in step with it (nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** What the kubelet reports and the controller turns Unknown; NetworkUnavailable is the network's. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

const kube = (o: unknown) => o as KubeObject;
const clone = <T>(v: T): T => structuredClone(v);

function ms(t: string | undefined | null): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

/** Taints match by key and effect (kube's Taint.MatchTaint). */
const sameTaint = (a: Taint, b: { key: string; effect: string }) => a.key === b.key && a.effect === b.effect;
const hasTaint = (taints: readonly Taint[], key: string, effect: string) => taints.some((t) => sameTaint(t, { key, effect }));
const isControllerNoExecute = (t: Taint) => t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE);

/** nodetopology.GetZoneKey: region and zone from the topology labels (or their beta forms), '' without either. */
export function zoneKey(node: Node): string {
  const l = node.metadata?.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

/**
 * kube's ComputeZoneState over the zone's Ready statuses (undefined: no Ready condition yet, which
 * counts as not Ready): fully disrupted with no Ready node, partially disrupted with more than two
 * not Ready making up at least `threshold` of the zone.
 */
export function computeZoneState(ready: readonly (string | undefined)[], threshold: number): ZoneState {
  const up = ready.filter((s) => s === 'True').length;
  const down = ready.length - up;
  if (up === 0 && down > 0) return 'FullDisruption';
  if (down > 2 && down / ready.length >= threshold) return 'PartialDisruption';
  return 'Normal';
}

interface Health {
  node: Node;
  name: string;
  zone: string;
  /** The conditions after this pass. */
  conditions: NodeCondition[];
  ready: NodeCondition | undefined;
  /** Ready changed this pass: the status is written. */
  statusChanged: boolean;
  /** Ready went from True to Unknown this pass. */
  wentNotReady: boolean;
}

/** kube's tryUpdateNodeHealth, with the heartbeat read from the objects. */
/** What a node's conditions were before this controller marked them Unknown: kubelet's healthy values. */
const RECOVERED: Record<string, { status: 'True' | 'False'; reason: string; message: string }> = {
  Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  MemoryPressure: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
};

function nodeHealth(node: Node, lease: Date | undefined, cfg: Required<NodeLifecycleConfig>, now: Date, wake: (at: number) => void): Health {
  const name = node.metadata?.name ?? '';
  const created = node.metadata?.creationTimestamp;
  const before = node.status?.conditions ?? [];
  const ready = before.find((c) => c.type === 'Ready');
  const grace = (ready ? cfg.gracePeriodSeconds : cfg.startupGracePeriodSeconds) * 1000;
  const seen = [ready ? ms(ready.lastHeartbeatTime) ?? ms(created) : ms(created), lease?.getTime()].filter((t): t is number => t !== undefined);
  const heartbeat = seen.length ? Math.max(...seen) : Number.NEGATIVE_INFINITY;
  const base = { node, name, zone: zoneKey(node), conditions: before, ready, statusChanged: false, wentNotReady: false };
  // kube: stale once now is after heartbeat + grace.
  if (now.getTime() <= heartbeat + grace) {
    wake(heartbeat + grace + 1);
    // Skiff's agents re-post an unchanged node status rarely (the Lease is the heartbeat), so a
    // node this controller marked Unknown whose lease has been renewed since is given back the
    // status its agent last posted: Ready, without pressure. (kube waits for the kubelet's next
    // status post.)
    const markedAt = ready?.status === 'Unknown' && ready.reason === REASON_STATUS_UNKNOWN ? ms(ready.lastTransitionTime) : undefined;
    if (markedAt !== undefined && lease !== undefined && lease.getTime() > markedAt) {
      const at = timeString(now);
      const conditions = before.map((c) => {
        if (c.status !== 'Unknown' || c.reason !== REASON_STATUS_UNKNOWN) return c;
        const back = RECOVERED[c.type];
        return back ? { ...c, status: back.status, reason: back.reason, message: back.message, lastHeartbeatTime: timeString(lease), lastTransitionTime: at } : c;
      });
      return { ...base, conditions, ready: conditions.find((c) => c.type === 'Ready'), statusChanged: true };
    }
    return base;
  }
  const at = timeString(now);
  const conditions = before.map((c) => c);
  for (const type of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({
        type, status: 'Unknown', reason: REASON_NEVER_UPDATED, message: 'Kubelet never posted node status.',
        ...(created ? { lastHeartbeatTime: created } : {}), lastTransitionTime: at,
      });
    } else if (conditions[i].status !== 'Unknown') {
      conditions[i] = { ...conditions[i], status: 'Unknown', reason: REASON_STATUS_UNKNOWN, message: 'Kubelet stopped posting node status.', lastTransitionTime: at };
    }
  }
  // Written only when Ready itself changed, as kube does.
  if (ready?.status === 'Unknown') return base;
  return {
    ...base,
    conditions,
    ready: conditions.find((c) => c.type === 'Ready'),
    statusChanged: true,
    wentNotReady: ready?.status === 'True',
  };
}

/**
 * doNoScheduleTaintingPass: the NoSchedule taints kube derives from conditions and
 * spec.unschedulable, added (stamped with timeAdded, as SwapNodeControllerTaint does) or removed
 * so they match; other taints stay as they are.
 */
function noScheduleTaints(taints: Taint[], h: Health, at: string): Taint[] {
  const want: string[] = [];
  for (const c of h.conditions) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push(key);
  }
  if (h.node.spec?.unschedulable) want.push(TAINT_UNSCHEDULABLE);
  const managed = (t: Taint) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key));
  const out = taints.filter((t) => !managed(t) || want.includes(t.key));
  for (const key of want) if (!hasTaint(out, key, 'NoSchedule')) out.push({ key, effect: 'NoSchedule', timeAdded: at });
  return out;
}

/** taintutils.AddOrUpdateTaint: replaces a taint with the same key and effect, else appends. */
function addOrUpdate(taints: Taint[], taint: Taint): Taint[] {
  const i = taints.findIndex((t) => sameTaint(t, taint));
  if (i < 0) return [...taints, taint];
  const out = [...taints];
  out[i] = taint;
  return out;
}

/** Sets a pod condition as kube's UpdatePodCondition does: a new transition time only when the status changes. */
function setPodCondition(conditions: PodCondition[], next: PodCondition, at: string): PodCondition[] {
  const i = conditions.findIndex((c) => c.type === next.type);
  if (i < 0) return [...conditions, { ...next, lastTransitionTime: at }];
  const old = conditions[i];
  const merged = { ...next, lastTransitionTime: old.status === next.status ? old.lastTransitionTime : at };
  if (old.status === merged.status && old.reason === merged.reason && old.message === merged.message
    && old.lastProbeTime === merged.lastProbeTime && old.lastTransitionTime === merged.lastTransitionTime) return conditions;
  const out = [...conditions];
  out[i] = merged;
  return out;
}

/** When the pod was bound: its PodScheduled transition, else its creation. */
function boundAt(pod: Pod): number {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True');
  return ms(scheduled?.lastTransitionTime) ?? ms(pod.metadata?.creationTimestamp) ?? Number.NEGATIVE_INFINITY;
}

/**
 * The taint eviction controller's processPodOnNode: when a pod on a node with these NoExecute
 * taints goes (ms since the epoch; minus infinity for at once), or undefined for never. Every
 * taint must be tolerated, each by the first toleration that matches it. The soonest
 * tolerationSeconds among those (zero or less: at once) counts from when the pod first had a
 * deadline: the earliest timeAdded of a taint tolerated for a limited time, or the pod's binding if
 * later. Without tolerationSeconds the pod stays.
 */
export function evictionTime(pod: Pod, noExecute: readonly Taint[]): number | undefined {
  if (!noExecute.length) return undefined;
  const tolerations = pod.spec?.tolerations ?? [];
  let seconds = Number.POSITIVE_INFINITY;
  let since = Number.POSITIVE_INFINITY;
  for (const taint of noExecute) {
    const used = tolerations.find((t) => toleratesTaint([t], taint));
    if (!used) return Number.NEGATIVE_INFINITY;
    if (used.tolerationSeconds === undefined) continue;
    seconds = Math.min(seconds, used.tolerationSeconds);
    since = Math.min(since, ms(taint.timeAdded) ?? Number.NEGATIVE_INFINITY);
  }
  if (seconds === Number.POSITIVE_INFINITY) return undefined;
  if (seconds <= 0) return Number.NEGATIVE_INFINITY;
  return Math.max(since, boundAt(pod)) + seconds * 1000;
}

export function reconcileNodeLifecycle(input: NodeLifecycleInput): ReconcileResult {
  const cfg: Required<NodeLifecycleConfig> = { ...NODE_LIFECYCLE_DEFAULTS };
  for (const [k, v] of Object.entries(input.config ?? {})) if (v !== undefined) cfg[k as keyof NodeLifecycleConfig] = v;
  const { now } = input;
  const nowMs = now.getTime();
  const at = timeString(now);
  let soonest = Number.POSITIVE_INFINITY;
  const wake = (t: number) => {
    if (t > nowMs) soonest = Math.min(soonest, t);
  };

  const nodes = [...input.nodes].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const health = nodes.map((n) => nodeHealth(n, input.heartbeats[n.metadata?.name ?? ''], cfg, now, wake));

  // handleDisruption: each zone's state from the Ready conditions after this pass.
  const zoneReady = new Map<string, (string | undefined)[]>();
  for (const h of health) {
    if (!zoneReady.has(h.zone)) zoneReady.set(h.zone, []);
    if (h.node.metadata?.labels?.[LABEL_EXCLUDE_DISRUPTION] !== undefined) continue;
    zoneReady.get(h.zone)!.push(h.ready?.status);
  }
  const states = new Map<string, ZoneState>();
  for (const [zone, ready] of zoneReady) if (ready.length) states.set(zone, computeZoneState(ready, cfg.unhealthyZoneThreshold));
  const allFullyDisrupted = states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
  /**
   * Nodes per second that may get a NoExecute taint in the zone (setLimiterInZone); a zone fully
   * disrupted while another is not keeps the normal rate. With every zone fully disrupted no node
   * is queued at all.
   */
  const rate = (zone: string): number => {
    const state = states.get(zone);
    if (!state) return cfg.evictionLimiterQPS;
    if (state === 'PartialDisruption') return zoneReady.get(zone)!.length > cfg.largeClusterSizeThreshold ? cfg.secondaryEvictionLimiterQPS : 0;
    return cfg.evictionLimiterQPS;
  };

  // Taints: NoSchedule from conditions; NoExecute removed, swapped, or queued per zone.
  const taints = new Map<string, Taint[]>();
  const queued = new Map<string, { h: Health; key: string }[]>();
  for (const h of health) {
    let next = noScheduleTaints([...(h.node.spec?.taints ?? [])], h, at);
    const ready = h.ready?.status;
    if (allFullyDisrupted || ready === 'True') {
      next = next.filter((t) => !isControllerNoExecute(t));
    } else if (ready === 'False' || ready === 'Unknown') {
      const key = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
      const opposite = ready === 'False' ? TAINT_UNREACHABLE : TAINT_NOT_READY;
      if (hasTaint(next, opposite, 'NoExecute')) {
        next = addOrUpdate(next, { key, effect: 'NoExecute', timeAdded: at }).filter((t) => !sameTaint(t, { key: opposite, effect: 'NoExecute' }));
      } else if (!hasTaint(next, key, 'NoExecute')) {
        if (!queued.has(h.zone)) queued.set(h.zone, []);
        queued.get(h.zone)!.push({ h, key });
      }
    }
    // The eviction clock of a NoExecute taint starts when it is first seen: one written without
    // timeAdded gets it now.
    next = next.map((t) => (t.effect === 'NoExecute' && !t.timeAdded ? { ...t, timeAdded: at } : t));
    taints.set(h.name, next);
  }

  // doNoExecuteTaintingPass: a token bucket of burst 1 per zone, its last token read from the
  // newest timeAdded of the controller's NoExecute taints in the zone.
  for (const [zone, waiting] of queued) {
    const qps = rate(zone);
    if (qps <= 0) continue;
    const interval = 1000 / qps;
    const stamps = health
      .filter((h) => h.zone === zone)
      .flatMap((h) => (h.node.spec?.taints ?? []).filter(isControllerNoExecute).map((t) => ms(t.timeAdded)))
      .filter((t): t is number => t !== undefined);
    const nextToken = stamps.length ? Math.max(...stamps) + interval : Number.NEGATIVE_INFINITY;
    if (nowMs < nextToken) {
      wake(nextToken);
      continue;
    }
    // First in: the longest not Ready.
    waiting.sort((a, b) => (ms(a.h.ready?.lastTransitionTime) ?? 0) - (ms(b.h.ready?.lastTransitionTime) ?? 0) || a.h.name.localeCompare(b.h.name));
    const { h, key } = waiting[0];
    taints.set(h.name, addOrUpdate(taints.get(h.name)!, { key, effect: 'NoExecute', timeAdded: at }));
    if (waiting.length > 1) wake(nowMs + interval);
  }

  const actions: Action[] = [];
  for (const h of health) {
    const next = taints.get(h.name)!;
    const changedTaints = JSON.stringify(next) !== JSON.stringify(h.node.spec?.taints ?? []);
    if (!changedTaints && !h.statusChanged) continue;
    const updated = clone(h.node);
    if (h.statusChanged) updated.status = { ...(updated.status ?? {}), conditions: clone(h.conditions) };
    if (changedTaints) {
      updated.spec = { ...(updated.spec ?? {}) };
      if (next.length) updated.spec.taints = next;
      else delete updated.spec.taints;
      actions.push({ kind: 'update', object: kube(updated) });
    }
    if (h.statusChanged) actions.push({ kind: 'updateStatus', object: kube(updated) });
    if (h.wentNotReady) {
      actions.push({
        kind: 'event', involvedObject: referenceTo(kube(h.node)), type: 'Normal', reason: 'NodeNotReady',
        message: `Node ${h.name} status is now: NodeNotReady`,
      });
    }
  }

  // Pods: marked not Ready on a node the controller found silent, evicted for NoExecute taints.
  const byNode = new Map<string, Pod[]>();
  for (const p of input.pods) {
    const n = p.spec?.nodeName;
    if (!n) continue;
    if (!byNode.has(n)) byNode.set(n, []);
    byNode.get(n)!.push(p);
  }
  const statusWrites: Action[] = [];
  const deletes: Action[] = [];
  for (const h of health) {
    const pods = [...(byNode.get(h.name) ?? [])].sort((a, b) =>
      (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    // MarkPodsNotReady, on the transition and again for any pod still Ready there (a failed
    // write, or a pod bound since): kube's nodesToRetry and processPod.
    const silent = h.ready?.status === 'Unknown' && (h.ready.reason === REASON_STATUS_UNKNOWN || h.ready.reason === REASON_NEVER_UPDATED);
    const noExecute = taints.get(h.name)!.filter((t) => t.effect === 'NoExecute');
    for (const pod of pods) {
      const observed = pod.status?.conditions ?? [];
      let conditions = observed;
      const events: Action[] = [];
      const readyCondition = conditions.find((c) => c.type === 'Ready');
      if (silent && readyCondition && readyCondition.status !== 'False') {
        conditions = setPodCondition(conditions, { ...readyCondition, status: 'False' }, at);
        events.push({ kind: 'event', involvedObject: referenceTo(kube(pod)), type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' });
      }
      if (!pod.metadata?.deletionTimestamp) {
        const when = evictionTime(pod, noExecute);
        if (when !== undefined && when <= nowMs) {
          conditions = setPodCondition(conditions, {
            type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
          }, at);
          const ns = pod.metadata?.namespace ?? '';
          const name = pod.metadata?.name ?? '';
          deletes.push(
            { kind: 'delete', resource: 'pods', namespace: ns, name, preconditions: { uid: pod.metadata?.uid ?? '' } },
            { kind: 'event', involvedObject: referenceTo(kube(pod)), type: 'Normal', reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${ns}/${name}` },
          );
        } else if (when !== undefined) {
          wake(when);
        }
      }
      if (conditions !== observed) {
        const updated = clone(pod);
        updated.status = { ...(updated.status ?? {}), conditions: clone(conditions) };
        statusWrites.push({ kind: 'updateStatus', object: kube(updated) });
      }
      statusWrites.push(...events);
    }
  }
  actions.push(...statusWrites, ...deletes);
  return soonest === Number.POSITIVE_INFINITY ? { actions } : { actions, requeueAfterMs: Math.max(1, Math.ceil(soonest - nowMs)) };
}
