/**
 * The scheduling framework, shaped like kube-scheduler's: plugins implement extension points
 * (PreFilter, Filter, PreScore, Score, NormalizeScore) and return statuses; `schedule()` runs one
 * scheduling cycle for one pod against a `Snapshot` of nodes and the pods bound to them.
 *
 * Pure: no I/O, no clock, no randomness unless an `rng` is injected. The snapshot is mutable only
 * through `assume()` / `forget()`, so a batch scheduled from one snapshot accounts for its own binds.
 */
import type { Node, Pod, Taint, Toleration } from '../api/schema/index.ts';
import { labelSelectorFromSpec, matchesLabels, type LabelRequirement, type LabelSelectorSpec } from '../api/selectors.ts';
import { emptyResources, parseResourceList, podRequests, type Resources } from './resources.ts';
import { value } from './quantity.ts';

// ---------------------------------------------------------------------------------------------
// Statuses
// ---------------------------------------------------------------------------------------------

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';

export interface Status {
  code: Code;
  reasons: string[];
  plugin: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [], plugin: '' }) as Status;

export const unschedulable = (plugin: string, ...reasons: string[]): Status => ({ code: 'Unschedulable', reasons, plugin });
export const unresolvable = (plugin: string, ...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons, plugin });
export const errorStatus = (plugin: string, reason: string): Status => ({ code: 'Error', reasons: [reason], plugin });

/** A PreFilter / PreScore result that switches the plugin's Filter / Score off for this cycle. */
export const SKIP = 'Skip' as const;

/** Raised by schedule() when a plugin answers `Error` (a bug or bad input, not a capacity problem). */
export class SchedulingError extends Error {
  constructor(readonly status: Status) {
    super(`running ${status.plugin}: ${status.reasons.join(', ')}`);
    this.name = 'SchedulingError';
  }
}

// ---------------------------------------------------------------------------------------------
// Pods, parsed once
// ---------------------------------------------------------------------------------------------

export type Selector = LabelRequirement[] | 'everything' | 'nothing';

/** A label selector parsed once; an invalid one selects nothing (kube logs and skips it). */
export function parseSelector(sel: LabelSelectorSpec | null | undefined): Selector {
  try {
    return labelSelectorFromSpec(sel);
  } catch {
    return 'nothing';
  }
}

export function selectorMatches(sel: Selector, labels: Record<string, string>): boolean {
  if (sel === 'everything') return true;
  if (sel === 'nothing') return false;
  for (let i = 0; i < sel.length; i++) {
    const r = sel[i];
    // The hot case (matchLabels) without the generic matcher's allocations.
    if (r.values.length === 1 && (r.operator === '=' || r.operator === '==' || r.operator === 'in')) {
      if (labels[r.key] !== r.values[0] || !Object.prototype.hasOwnProperty.call(labels, r.key)) return false;
    } else if (!matchesLabels([r], labels)) return false;
  }
  return true;
}

/** A PodAffinityTerm with its selectors parsed and its namespaces resolved (kube's AffinityTerm). */
export interface AffinityTerm {
  /** Identity of the term's content (selectors, namespaces, key, weight), so equal terms of many pods group. */
  id: string;
  topologyKey: string;
  /** For preferred terms; 1 for required ones. */
  weight: number;
  namespaces: ReadonlySet<string>;
  /** undefined when the term has no namespaceSelector. */
  namespaceSelector: Selector | undefined;
  selector: Selector;
}

interface PodAffinityTermSpec {
  labelSelector?: LabelSelectorSpec | null;
  namespaceSelector?: LabelSelectorSpec | null;
  namespaces?: string[] | null;
  topologyKey: string;
}

function affinityTerm(t: PodAffinityTermSpec, ownNamespace: string, weight: number): AffinityTerm {
  const namespaceSelector = t.namespaceSelector ? parseSelector(t.namespaceSelector) : undefined;
  const list = t.namespaces ?? [];
  // No namespaces and no namespaceSelector means "this pod's namespace".
  const namespaces = new Set(list.length === 0 && !t.namespaceSelector ? [ownNamespace] : list);
  const id = JSON.stringify([weight, t.topologyKey, [...namespaces].sort(), t.namespaceSelector ?? null, t.labelSelector ?? null]);
  return { id, topologyKey: t.topologyKey, weight, namespaces, namespaceSelector, selector: parseSelector(t.labelSelector) };
}

/** A pod plus everything the plugins would otherwise recompute per node. */
export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly requests: Resources;
  /** Requests with kube's defaults for containers that leave cpu/memory out (scoring only). */
  readonly nonZeroRequests: Resources;
  readonly tolerations: readonly Toleration[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly AffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly AffinityTerm[];
}

export const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;

export function newPodInfo(pod: Pod): PodInfo {
  const namespace = pod.metadata?.namespace ?? 'default';
  const aff = pod.spec?.affinity;
  const req = (ts: readonly PodAffinityTermSpec[] | null | undefined) => (ts ?? []).map((t) => affinityTerm(t, namespace, 1));
  const pref = (ts: readonly { weight: number; podAffinityTerm: PodAffinityTermSpec }[] | null | undefined) =>
    (ts ?? []).filter((t) => t.weight !== 0).map((t) => affinityTerm(t.podAffinityTerm, namespace, t.weight));
  return {
    pod,
    key: podKey(pod),
    namespace,
    labels: (pod.metadata?.labels ?? {}) as Record<string, string>,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    tolerations: (pod.spec?.tolerations ?? []) as Toleration[],
    requiredAffinityTerms: req(aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinityTerms: req(aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinityTerms: pref(aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: pref(aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

const hasAffinity = (p: PodInfo) =>
  p.requiredAffinityTerms.length + p.requiredAntiAffinityTerms.length + p.preferredAffinityTerms.length + p.preferredAntiAffinityTerms.length > 0;

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

/** A node, the pods bound to it and their summed requests, kept incrementally. */
export class NodeInfo {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly taints: readonly Taint[];
  readonly allocatable: Resources;
  /** status.allocatable.pods (falling back to capacity); 0 when the node reports neither. */
  readonly allowedPodNumber: number;
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  readonly pods: PodInfo[] = [];
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  /** Position in Snapshot.nodes, for per-cycle arrays indexed by node. */
  index = -1;

  constructor(readonly node: Node) {
    this.name = node.metadata?.name ?? '';
    this.labels = (node.metadata?.labels ?? {}) as Record<string, string>;
    this.taints = (node.spec?.taints ?? []) as Taint[];
    const alloc = (node.status?.allocatable ?? node.status?.capacity ?? {}) as Record<string, string>;
    this.allocatable = parseResourceList(alloc);
    const pods = alloc.pods ?? (node.status?.capacity as Record<string, string> | undefined)?.pods;
    this.allowedPodNumber = pods === undefined ? 0 : value(pods);
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    addInto(this.requested, p.requests, 1);
    addInto(this.nonZeroRequested, p.nonZeroRequests, 1);
    if (hasAffinity(p)) this.podsWithAffinity++;
    if (p.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity++;
  }

  removePod(p: PodInfo): boolean {
    const i = this.pods.findIndex((q) => q.key === p.key);
    if (i < 0) return false;
    const [old] = this.pods.splice(i, 1);
    addInto(this.requested, old.requests, -1);
    addInto(this.nonZeroRequested, old.nonZeroRequests, -1);
    if (hasAffinity(old)) this.podsWithAffinity--;
    if (old.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity--;
    return true;
  }
}

function addInto(into: Resources, r: Resources, sign: 1 | -1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const k of Object.keys(r.scalar)) s[k] = (s[k] ?? 0) + sign * r.scalar[k];
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------------------------

export interface SnapshotInput {
  nodes: readonly Node[];
  /** Pods; those without spec.nodeName, on unknown nodes, or Succeeded/Failed are ignored. */
  pods?: readonly Pod[];
  /** Namespace labels, for PodAffinityTerm.namespaceSelector. */
  namespaceLabels?: ReadonlyMap<string, Record<string, string>> | Record<string, Record<string, string>>;
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/**
 * Nodes and their bound pods, with the indexes the inter-pod plugins need: pods by namespace, and
 * the (usually few) pods that carry affinity or required anti-affinity terms.
 */
export class Snapshot {
  readonly nodes: NodeInfo[] = [];
  private readonly byName = new Map<string, NodeInfo>();
  private readonly podNode = new Map<string, NodeInfo>();
  private readonly byNamespace = new Map<string, Set<PodInfo>>();
  /** namespace → `key\0value` → pods carrying that label. */
  private readonly byLabel = new Map<string, Map<string, Set<PodInfo>>>();
  private readonly groups: Record<TermKind, Map<string, TermGroup>> = {
    requiredAffinity: new Map(), requiredAntiAffinity: new Map(), preferredAffinity: new Map(), preferredAntiAffinity: new Map(),
  };
  readonly namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  /** Where the next cycle starts walking nodes (kube's nextStartNodeIndex), so sampling rotates. */
  nextStartNodeIndex = 0;
  private readonly domainCache = new Map<string, Map<string, number>>();

  constructor(input: SnapshotInput) {
    const ns = input.namespaceLabels;
    this.namespaceLabels = ns instanceof Map ? ns : new Map(Object.entries(ns ?? {}));
    for (const n of input.nodes) {
      const info = new NodeInfo(n);
      if (this.byName.has(info.name)) throw new SnapshotError(`duplicate node ${info.name}`);
      info.index = this.nodes.length;
      this.byName.set(info.name, info);
      this.nodes.push(info);
    }
    for (const p of input.pods ?? []) {
      const nodeName = p.spec?.nodeName;
      const phase = p.status?.phase;
      if (!nodeName || phase === 'Succeeded' || phase === 'Failed') continue;
      const node = this.byName.get(nodeName);
      if (node && !this.podNode.has(podKey(p))) this.add(newPodInfo(p), node);
    }
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** Which node a pod (by `namespace/name`) is bound or assumed to. */
  nodeOf(key: string): NodeInfo | undefined {
    return this.podNode.get(key);
  }

  /** Pods bound to any node in `namespace`. */
  podsInNamespace(namespace: string): ReadonlySet<PodInfo> {
    return this.byNamespace.get(namespace) ?? EMPTY;
  }

  namespaces(): IterableIterator<[string, Set<PodInfo>]> {
    return this.byNamespace.entries();
  }

  /**
   * Records `pod` as bound to `nodeName` before the bind is confirmed, so later pods of the same
   * batch see its requests, its labels and its affinity terms. Throws for an unknown node or a pod
   * already bound or assumed.
   */
  assume(pod: Pod, nodeName: string): PodInfo {
    const node = this.byName.get(nodeName);
    if (!node) throw new SnapshotError(`node ${nodeName} is not in the snapshot`);
    const key = podKey(pod);
    if (this.podNode.has(key)) throw new SnapshotError(`pod ${key} is already on node ${this.podNode.get(key)!.name}`);
    const bound: Pod = { ...pod, spec: { ...(pod.spec as NonNullable<Pod['spec']>), nodeName } };
    const info = newPodInfo(bound);
    this.add(info, node);
    return info;
  }

  /** Undoes assume() (the bind failed) or removes a pod that went away. */
  forget(pod: Pod | string): boolean {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    const node = this.podNode.get(key);
    if (!node) return false;
    const info = node.pods.find((p) => p.key === key)!;
    node.removePod(info);
    this.podNode.delete(key);
    this.byNamespace.get(info.namespace)?.delete(info);
    const labels = this.byLabel.get(info.namespace);
    if (labels) for (const k of Object.keys(info.labels)) labels.get(`${k}\0${info.labels[k]}`)?.delete(info);
    this.group(info, node, -1);
    return true;
  }

  /**
   * Calls `fn` for every pod in `namespaces` (or in a namespace whose labels `namespaceSelector`
   * matches) whose labels `selector` matches, skipping terminating pods. Uses the label index when
   * the selector pins a label (`app=web`, `app in (a,b)`), so cost follows the matches, not the pods.
   */
  eachMatchingPod(namespaces: ReadonlySet<string>, namespaceSelector: Selector | undefined, selector: Selector, fn: (p: PodInfo, node: NodeInfo) => void): void {
    if (selector === 'nothing') return;
    const visit = (ns: string) => {
      let candidates: Iterable<PodInfo> = this.byNamespace.get(ns) ?? EMPTY;
      if (selector !== 'everything') {
        const pin = selector.find((r) => r.operator === '=' || r.operator === '==' || r.operator === 'in');
        if (pin) {
          const labels = this.byLabel.get(ns);
          if (!labels) return;
          if (pin.values.length === 1) candidates = labels.get(`${pin.key}\0${pin.values[0]}`) ?? EMPTY;
          else candidates = pin.values.flatMap((v) => [...(labels.get(`${pin.key}\0${v}`) ?? EMPTY)]);
        }
      }
      for (const p of candidates) {
        if (p.pod.metadata?.deletionTimestamp) continue;
        if (selectorMatches(selector, p.labels)) fn(p, this.podNode.get(p.key)!);
      }
    };
    for (const ns of namespaces) visit(ns);
    if (namespaceSelector !== undefined && namespaceSelector !== 'nothing') {
      for (const ns of this.byNamespace.keys()) {
        if (namespaces.has(ns)) continue;
        if (selectorMatches(namespaceSelector, this.namespaceLabels.get(ns) ?? {})) visit(ns);
      }
    }
  }

  /** Number of nodes per value of `key` (nodes without it are left out). Nodes never change in a snapshot. */
  domains(key: string): ReadonlyMap<string, number> {
    let m = this.domainCache.get(key);
    if (!m) {
      m = new Map();
      for (const n of this.nodes) {
        const v = n.labels[key];
        if (v !== undefined) m.set(v, (m.get(v) ?? 0) + 1);
      }
      this.domainCache.set(key, m);
    }
    return m;
  }

  private add(info: PodInfo, node: NodeInfo): void {
    node.addPod(info);
    this.podNode.set(info.key, node);
    let set = this.byNamespace.get(info.namespace);
    if (!set) this.byNamespace.set(info.namespace, (set = new Set()));
    set.add(info);
    let labels = this.byLabel.get(info.namespace);
    if (!labels) this.byLabel.set(info.namespace, (labels = new Map()));
    for (const k of Object.keys(info.labels)) {
      const lk = `${k}\0${info.labels[k]}`;
      let pods = labels.get(lk);
      if (!pods) labels.set(lk, (pods = new Set()));
      pods.add(info);
    }
    this.group(info, node, 1);
  }

  /**
   * The affinity terms of bound pods, grouped by content: each distinct term (usually one per
   * workload) with how many pods carrying it sit in each domain of its topologyKey. Plugins test a
   * term against the incoming pod once per group instead of once per pod.
   */
  termGroups(kind: TermKind): IterableIterator<TermGroup> {
    return this.groups[kind].values();
  }

  private group(info: PodInfo, node: NodeInfo, by: 1 | -1): void {
    if (!hasAffinity(info)) return;
    for (const kind of TERM_KINDS) {
      const groups = this.groups[kind];
      for (const t of info[TERM_FIELD[kind]]) {
        let g = groups.get(t.id);
        if (!g) {
          if (by < 0) continue;
          groups.set(t.id, (g = { term: t, pods: 0, domains: new Map() }));
        }
        g.pods += by;
        const v = node.labels[t.topologyKey];
        if (v !== undefined) {
          const n = (g.domains.get(v) ?? 0) + by;
          if (n > 0) g.domains.set(v, n);
          else g.domains.delete(v);
        }
        if (g.pods <= 0) groups.delete(t.id);
      }
    }
  }
}

export type TermKind = 'requiredAffinity' | 'requiredAntiAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';
const TERM_KINDS: readonly TermKind[] = ['requiredAffinity', 'requiredAntiAffinity', 'preferredAffinity', 'preferredAntiAffinity'];
const TERM_FIELD = {
  requiredAffinity: 'requiredAffinityTerms',
  requiredAntiAffinity: 'requiredAntiAffinityTerms',
  preferredAffinity: 'preferredAffinityTerms',
  preferredAntiAffinity: 'preferredAntiAffinityTerms',
} as const;

/** Bound pods sharing one affinity term: how many, and how many per value of the term's topologyKey. */
export interface TermGroup {
  term: AffinityTerm;
  pods: number;
  domains: Map<string, number>;
}

const EMPTY: ReadonlySet<PodInfo> = new Set();

/** Whether `term` (owned by some pod) selects `target`: namespace first, then labels. */
export function termMatches(term: AffinityTerm, target: PodInfo, snapshot: Snapshot): boolean {
  if (!term.namespaces.has(target.namespace)) {
    if (term.namespaceSelector === undefined) return false;
    if (!selectorMatches(term.namespaceSelector, snapshot.namespaceLabels.get(target.namespace) ?? {})) return false;
  }
  return selectorMatches(term.selector, target.labels);
}

// ---------------------------------------------------------------------------------------------
// Plugins and cycle state
// ---------------------------------------------------------------------------------------------

/** Per-cycle scratch space (kube's CycleState): the pod parsed once, plus each plugin's precomputation. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  constructor(readonly podInfo: PodInfo, readonly snapshot: Snapshot) {}
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, v: unknown): void {
    this.data.set(key, v);
  }
}

export interface FilterPlugin {
  readonly name: string;
  /** Once per cycle, before any Filter. `SKIP` turns this plugin's Filter off for the cycle. */
  preFilter?(pod: Pod, state: CycleState): Status | typeof SKIP | undefined;
  filter(pod: Pod, nodeInfo: NodeInfo, state: CycleState): Status;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** Once per cycle, with the feasible nodes. `SKIP` turns this plugin's Score off for the cycle. */
  preScore?(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]): Status | typeof SKIP | undefined;
  /** 0..100 unless normalize() maps it there. */
  score(pod: Pod, nodeInfo: NodeInfo, state: CycleState): number;
  /** Rewrites `scores` (parallel to `nodes`) in place into 0..100. */
  normalize?(pod: Pod, scores: number[], nodes: readonly NodeInfo[], state: CycleState): void;
}

export interface Profile {
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export const MAX_NODE_SCORE = 100;

/** kube's helper.DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed. */
export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? MAX_NODE_SCORE : 0;
    else {
      const s = Math.trunc((MAX_NODE_SCORE * scores[i]) / max);
      scores[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// schedule()
// ---------------------------------------------------------------------------------------------

export interface ScheduleOptions {
  /**
   * Stop filtering once this share of nodes is feasible (kube's percentageOfNodesToScore).
   * 0 or unset: kube's adaptive default (all nodes below 100; 50% minus 1% per 125 nodes, at
   * least 5% and 100 nodes). 100 checks every node.
   */
  percentageOfNodesToScore?: number;
  /** Breaks ties between equally scored nodes (reservoir sampling, as kube). Unset: the first wins. */
  rng?: () => number;
  /**
   * Append kube's default-preemption PostFilter message (`preemption: 0/3 nodes are available:
   * ...`). Skiff never preempts, so this reports what kube's PostFilter says when it finds no
   * victims. Default true.
   */
  preemptionMessage?: boolean;
}

export type ScheduleResult =
  | { node: string }
  | { unschedulable: true; message: string; reasons: Record<string, number>; plugins: string[] };

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * Math.min(pct, 100)) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/** kube's reason histogram: "<count> <reason>" strings, sorted as Go's sort.Strings does. */
function histogram(statuses: Iterable<Status>): { counts: Record<string, number>; text: string } {
  const counts: Record<string, number> = {};
  for (const s of statuses) for (const r of s.reasons) counts[r] = (counts[r] ?? 0) + 1;
  const parts = Object.keys(counts).map((r) => `${counts[r]} ${r}`);
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { counts, text: parts.join(', ') };
}

/**
 * FitError.Error(): `0/N nodes are available: <histogram>.` then the PostFilter (preemption)
 * message: ` preemption: 0/N nodes are available: <histogram>.`
 */
function fitError(pod: Pod, numAllNodes: number, statuses: Status[], preFilterMsg: string | undefined, preemption: boolean): ScheduleResult {
  const { counts, text } = histogram(statuses);
  let message = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) message += ` ${preFilterMsg}.`;
  else if (text) message += ` ${text}.`;
  if (preemption) {
    if (pod.spec?.preemptionPolicy === 'Never') {
      message += ' not eligible due to preemptionPolicy=Never.';
    } else {
      const post = statuses.map((s) =>
        s.code === 'UnschedulableAndUnresolvable' ? unresolvable('DefaultPreemption', PREEMPTION_NOT_HELPFUL) : unschedulable('DefaultPreemption', NO_PREEMPTION_VICTIMS));
      message += ` preemption: 0/${statuses.length} nodes are available: ${histogram(post).text}.`;
    }
  }
  const plugins = [...new Set(statuses.map((s) => s.plugin))].sort();
  return { unschedulable: true, message, reasons: counts, plugins };
}

/**
 * One scheduling cycle: PreFilter, Filter (stopping once enough nodes are feasible), PreScore,
 * Score, NormalizeScore, weighted sum, highest total wins. Does not assume(): the caller binds and
 * then calls snapshot.assume() (or assumes first and forgets on a failed bind).
 */
export function schedule(pod: Pod, snapshot: Snapshot, profile: Profile, opts: ScheduleOptions = {}): ScheduleResult {
  const all = snapshot.nodes;
  const preemption = opts.preemptionMessage ?? true;
  if (all.length === 0) return { unschedulable: true, message: NO_NODES_AVAILABLE, reasons: {}, plugins: [] };
  const state = new CycleState(newPodInfo(pod), snapshot);

  const filters: FilterPlugin[] = [];
  for (const p of profile.filters) {
    const s = p.preFilter?.(pod, state);
    if (s === SKIP) continue;
    if (s && s.code !== 'Success') {
      if (s.code === 'Error') throw new SchedulingError(s);
      // Every node gets the PreFilter's status; the message names the PreFilter reasons once.
      const statuses = all.map(() => s);
      return fitError(pod, all.length, statuses, s.reasons.join(', '), preemption);
    }
    filters.push(p);
  }

  const toFind = numFeasibleNodesToFind(opts.percentageOfNodesToScore, all.length);
  const feasible: NodeInfo[] = [];
  const failed: Status[] = [];
  const n = all.length;
  const start = snapshot.nextStartNodeIndex % n;
  let processed = 0;
  for (; processed < n && feasible.length < toFind; processed++) {
    const node = all[(start + processed) % n];
    let status: Status | undefined;
    for (let i = 0; i < filters.length; i++) {
      const s = filters[i].filter(pod, node, state);
      if (s.code !== 'Success') {
        status = s;
        break;
      }
    }
    if (!status) feasible.push(node);
    else if (status.code === 'Error') throw new SchedulingError(status);
    else failed.push(status);
  }
  snapshot.nextStartNodeIndex = (start + processed) % n;

  if (feasible.length === 0) return fitError(pod, n, failed, undefined, preemption);
  if (feasible.length === 1) return { node: feasible[0].name };

  const totals = new Array<number>(feasible.length).fill(0);
  const scores = new Array<number>(feasible.length);
  for (const p of profile.scores) {
    const s = p.preScore?.(pod, state, feasible);
    if (s === SKIP) continue;
    if (s && s.code !== 'Success') throw new SchedulingError(s);
    for (let i = 0; i < feasible.length; i++) scores[i] = p.score(pod, feasible[i], state);
    p.normalize?.(pod, scores, feasible, state);
    for (let i = 0; i < feasible.length; i++) totals[i] += scores[i] * p.weight;
  }

  let best = 0;
  let ties = 1;
  for (let i = 1; i < feasible.length; i++) {
    if (totals[i] > totals[best]) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best] && opts.rng) {
      ties++;
      if (Math.floor(opts.rng() * ties) === 0) best = i;
    }
  }
  return { node: feasible[best].name };
}

/** Whether some toleration tolerates `taint` (kube's Toleration.ToleratesTaint). */
export function toleratesTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) {
    if (t.effect && t.effect !== taint.effect) continue;
    if (t.key && t.key !== taint.key) continue;
    if (t.operator === 'Exists') return true;
    if ((t.operator === 'Equal' || !t.operator) && (t.value ?? '') === (taint.value ?? '')) return true;
  }
  return false;
}
