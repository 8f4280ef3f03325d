/**
 * The node agent (`skiff agent`) with the simulated runtime: it registers Nodes, renews their
 * Leases, and moves the pods bound to them through their lives by writing their status, as a
 * kubelet would, without running anything. One process can be many nodes: they share one
 * connection pool and one watch of bound pods, so an idle node costs the API one lease renewal
 * per interval and nothing else.
 *
 * The decisions are pure (`simulated.ts`); this file is the edge that reads the clock, keeps
 * timers and talks to the API (`client.ts`).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Lease, Node, Pod, PodStatus, Taint } from '../api/schema/index.ts';
import type { Clock } from '../core/object.ts';
import { KubeClient, apiPath, isStatus, type Watcher } from './client.ts';
import {
  NODE_LEASE_NAMESPACE,
  cidrIndex,
  freeNodeIndices,
  isTerminal,
  nodeIPFor,
  nodeLease,
  nodeStatus,
  pickPodIP,
  podCIDRFor,
  registrationEvents,
  registrationNode,
  renewedLease,
  reregisteredNode,
  simulatePod,
  terminatedPodStatus,
  type NodeInput,
} from './simulated.ts';

/** Node resources as quantities; unset ones take the defaults (cpu 4, memory 8Gi, pods 110, ephemeral-storage 100Gi). */
export interface Capacity {
  cpu?: string;
  memory?: string;
  pods?: string;
  'ephemeral-storage'?: string;
  [resource: string]: string | undefined;
}

/** What every agent takes, whether it is one node or many. */
export interface AgentCommonOptions {
  /** The API's URL, e.g. https://127.0.0.1:6443. */
  server: string;
  /** A bearer token. */
  token: string;
  /** PEM of the cluster's CA; without it the system's CAs are trusted. */
  caPem?: string;
  capacity?: Capacity;
  /** Extra node labels, beside kubelet's own (hostname, os, arch, instance type). */
  labels?: Record<string, string>;
  /** Taints a node registers with; afterwards users own them. */
  taints?: Taint[];
  /** How often each node renews its Lease. Default 10 000. */
  renewIntervalMs?: number;
  /** How long each start step takes (the sandbox, then each init container). Default 250. */
  podStartDelayMs?: number;
  /**
   * How often an unchanged node status is posted again (kubelet's nodeStatusReportFrequency,
   * 5 min in kube). Default 1 hour: the Lease is the heartbeat, and each report is a log event,
   * so an idle node costs at most one event an hour. 0: never.
   */
  statusReportIntervalMs?: number;
  /** Pods worked on at once, across the process's nodes. Default 16. */
  concurrency?: number;
  clock?: Clock;
  /** Problems and notable events, one line each. */
  log?: (line: string) => void;
  /** Called once per node when it is registered and its Lease exists. */
  onRegistered?: (node: RegisteredNode) => void;
}

export interface AgentOptions extends AgentCommonOptions {
  /** The node's name. */
  node: string;
  /** How pods run; only the simulated runtime exists so far. */
  runtime?: 'simulated';
}

export interface SimulatedNodesOptions extends AgentCommonOptions {
  /** The nodes' names; or give `count` (and `namePrefix`, default "node") for <prefix>-0 … <prefix>-<count-1>. */
  names?: string[];
  count?: number;
  namePrefix?: string;
}

export interface RegisteredNode {
  name: string;
  uid: string;
  podCIDR: string;
  nodeIP: string;
  /** False when the Node already existed and the agent took it over. */
  created: boolean;
}

export interface RunningNodes {
  readonly nodes: readonly RegisteredNode[];
  /** Stops renewals, watches and timers and closes every connection; the Nodes stay registered. */
  stop(): Promise<void>;
}

/** One node with the simulated runtime: its own field-selected watch of the pods bound to it. */
export async function startAgent(opts: AgentOptions): Promise<RunningNodes> {
  if (opts.runtime && opts.runtime !== 'simulated') throw new Error(`runtime "${opts.runtime}" is not available; only "simulated" is`);
  return new NodeRunner(opts, [opts.node]).start();
}

/**
 * Many simulated nodes in this process (scale tests, `skiff start --nodes N`): registered,
 * leased and running their pods, with one shared watch of all bound pods. Resolves once every
 * node is registered with its Lease and the pods already bound to them are picked up.
 *
 *   const sim = await startSimulatedNodes({ server, token, caPem, count: 3 });   // node-0 … node-2
 *   …
 *   await sim.stop();
 */
export async function startSimulatedNodes(opts: SimulatedNodesOptions): Promise<RunningNodes> {
  const names = opts.names ?? Array.from({ length: opts.count ?? 1 }, (_, i) => `${opts.namePrefix ?? 'node'}-${i}`);
  if (names.length === 0) throw new Error('no nodes to run: give names or a positive count');
  if (new Set(names).size !== names.length) throw new Error('node names must be unique');
  return new NodeRunner(opts, names).start();
}

// ---- the runner ------------------------------------------------------------------------------

interface NodeState {
  name: string;
  uid: string;
  input: NodeInput;
  /** The Node as last written or read. */
  live: Node;
  lease?: Lease;
  /** Pod addresses in use: pod key → IP. */
  ips: Map<string, string>;
  leaseTimer?: NodeJS.Timeout;
  statusTimer?: NodeJS.Timeout;
  leaseFailures: number;
  /** Registered by this agent just now (its Lease is most likely missing). */
  created: boolean;
}

const NODES = '/api/v1/nodes';
const PODS = '/api/v1/pods';
const EVENTS = '/api/v1/namespaces/default/events';
const podKey = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const podPath = (pod: Pod) => apiPath('v1', 'pods', { namespace: pod.metadata?.namespace, name: pod.metadata?.name });
const nodePath = (name: string) => apiPath('v1', 'nodes', { name });
const leasePath = (name?: string) => apiPath('coordination.k8s.io/v1', 'leases', { namespace: NODE_LEASE_NAMESPACE, name });

/** Whether `a` is an older version than `b`; Skiff's versions are decimal sequence numbers. */
function olderThan(a: Pod, b: Pod): boolean {
  const x = a.metadata?.resourceVersion;
  const y = b.metadata?.resourceVersion;
  if (!x || !y || !/^\d+$/.test(x) || !/^\d+$/.test(y)) return false;
  return BigInt(x) < BigInt(y);
}

function message(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

class NodeRunner {
  readonly #opts: AgentCommonOptions;
  readonly #names: string[];
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #client: KubeClient;
  readonly #renewMs: number;
  readonly #startDelayMs: number;
  readonly #statusReportMs: number;
  readonly #concurrency: number;
  readonly #bootID = randomUUID();
  readonly #nodes = new Map<string, NodeState>();
  #watcher?: Watcher;
  #stopped = false;
  readonly #onStop: (() => void)[] = [];
  readonly #inflight = new Set<Promise<unknown>>();

  // Pods bound to our nodes, as last seen, and what the runtime keeps about them.
  readonly #pods = new Map<string, Pod>();
  readonly #ackAt = new Map<string, number>();
  readonly #written = new Map<string, { sent: PodStatus; stored: PodStatus | undefined }>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  /** Pods (by uid) whose delete went through: nothing more to do while their DELETED event comes. */
  readonly #deleted = new Set<string>();
  // The work queue: each key is worked on by one worker at a time.
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();

  constructor(opts: AgentCommonOptions, names: string[]) {
    this.#opts = opts;
    this.#names = names;
    this.#clock = opts.clock ?? (() => new Date());
    this.#log = opts.log ?? (() => {});
    this.#renewMs = opts.renewIntervalMs ?? 10_000;
    this.#startDelayMs = opts.podStartDelayMs ?? 250;
    this.#statusReportMs = opts.statusReportIntervalMs ?? 3_600_000;
    this.#concurrency = Math.max(1, opts.concurrency ?? 16);
    this.#client = new KubeClient({ server: opts.server, token: opts.token, caPem: opts.caPem, userAgent: 'skiff-agent/v1.32.0-skiff' });
  }

  async start(): Promise<RunningNodes> {
    const handle: RunningNodes = { nodes: [], stop: () => this.stop() };
    try {
      await this.#registerAll(handle.nodes as RegisteredNode[]);
      this.#watchPods();
      await Promise.race([this.#watcher!.synced, new Promise((ok) => this.#onStop.push(() => ok(undefined)))]);
      const n = this.#names.length;
      this.#names.forEach((name, i) => {
        const node = this.#nodes.get(name)!;
        this.#scheduleLease(node, Math.round((this.#renewMs * (i + 1)) / n));
        this.#scheduleStatusReport(node, Math.round((this.#statusReportMs * (i + 1)) / n));
      });
      return handle;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const f of this.#onStop) f();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const node of this.#nodes.values()) {
      clearTimeout(node.leaseTimer);
      clearTimeout(node.statusTimer);
    }
    this.#queue.length = 0;
    this.#queued.clear();
    this.#client.close();
    await this.#watcher?.stop();
    await Promise.allSettled([...this.#inflight]);
  }

  /** Runs `work` as tracked work, so stop() can wait for it. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    const done = () => this.#inflight.delete(work);
    work.then(done, done);
    return work;
  }

  // ---------------------------------------------------------------- registration

  async #registerAll(out: RegisteredNode[]): Promise<void> {
    const existing = new Map((await this.#client.listAll<Node>(NODES)).items.map((n) => [n.metadata!.name!, n]));
    const taken = new Set<number>();
    for (const n of existing.values()) {
      const i = cidrIndex(n.spec?.podCIDR ?? n.spec?.podCIDRs?.[0]);
      if (i !== undefined) taken.add(i);
    }
    const fresh = freeNodeIndices(taken, this.#names.filter((name) => !existing.get(name)?.spec?.podCIDR).length);
    const indexFor = new Map<string, number>();
    for (const name of this.#names) if (!existing.get(name)?.spec?.podCIDR) indexFor.set(name, fresh.shift()!);

    // Register a few at a time: thousands of nodes should not open thousands of requests at once.
    const pending = [...this.#names];
    const worker = async () => {
      for (let name = pending.shift(); name !== undefined && !this.#stopped; name = pending.shift()) {
        const node = await this.#register(name, existing.get(name), indexFor.get(name));
        const registered = { name, uid: node.uid, podCIDR: node.input.podCIDR, nodeIP: node.input.nodeIP, created: node.created };
        await this.#renewLease(node);
        out.push(registered);
        this.#opts.onRegistered?.(registered);
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, this.#names.length) }, () => this.#track(worker())));
    if (this.#stopped) throw new Error('the agent was stopped while registering');
  }

  #input(name: string, podCIDR: string, nodeIP: string): NodeInput {
    const capacity: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#opts.capacity ?? {})) if (v !== undefined) capacity[k] = v;
    return { name, podCIDR, nodeIP, capacity, labels: this.#opts.labels, taints: this.#opts.taints, bootID: this.#bootID };
  }

  /**
   * Creates the Node; if it exists, takes it over as a re-registering kubelet does: its labels
   * are applied and its status replaced, while taints, cordons and other labels stay.
   */
  async #register(name: string, existing: Node | undefined, index: number | undefined): Promise<NodeState> {
    let live = existing;
    if (!live) {
      const input = this.#input(name, podCIDRFor(index!), nodeIPFor(index!));
      try {
        const created = await this.#client.create<Node>(NODES, registrationNode(input, this.#clock()));
        await this.#recordRegistration(name, false);
        return this.#addNode(created, input, true);
      } catch (err) {
        if (!isStatus(err, 409, 'AlreadyExists')) throw err;
        live = await this.#client.get<Node>(nodePath(name));
      }
    }
    const podCIDR = live.spec?.podCIDR ?? live.spec?.podCIDRs?.[0] ?? podCIDRFor(index ?? freeNodeIndices([], 1)[0]);
    const nodeIP = live.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? nodeIPFor(cidrIndex(podCIDR) ?? index ?? 0);
    const input = this.#input(name, podCIDR, nodeIP);
    for (let attempt = 0; ; attempt++) {
      try {
        const update = reregisteredNode(live, input);
        if (update) live = await this.#client.update<Node>(nodePath(name), update);
        const wasReady = live.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
        live = await this.#client.updateStatus<Node>(nodePath(name), { ...live, status: nodeStatus(input, this.#clock(), live.status) });
        await this.#recordRegistration(name, wasReady);
        return this.#addNode(live, input, false);
      } catch (err) {
        if (!isStatus(err, 409) || attempt >= 5) throw err;
        live = await this.#client.get<Node>(nodePath(name));
      }
    }
  }

  /** The kubelet's Events for a registration; best effort, as a kubelet's are. */
  async #recordRegistration(name: string, wasReady: boolean): Promise<void> {
    for (const event of registrationEvents(name, wasReady, this.#clock())) {
      try {
        await this.#client.create(EVENTS, event);
      } catch (err) {
        if (!this.#stopped) this.#log(`node ${name}: event ${event.reason} not recorded: ${message(err)}`);
      }
    }
  }

  #addNode(live: Node, input: NodeInput, created: boolean): NodeState {
    const node: NodeState = { name: input.name, uid: live.metadata!.uid!, input, live, ips: new Map(), leaseFailures: 0, created };
    this.#nodes.set(node.name, node);
    return node;
  }

  // ---------------------------------------------------------------- heartbeats

  /**
   * Renews the node's Lease through the API: the one place heartbeats leave the agent. Kubelet's
   * way: PUT the lease it holds; on a conflict or when it is gone, read it again (or create it).
   */
  async #renewLease(node: NodeState): Promise<void> {
    const now = this.#clock();
    if (!node.lease && node.created) {
      // A node registered just now has no lease yet: create it straight away.
      node.created = false;
      try {
        node.lease = await this.#client.create<Lease>(leasePath(), nodeLease(node, now));
        return;
      } catch (err) {
        if (!isStatus(err, 409, 'AlreadyExists')) throw err;
      }
    }
    if (node.lease) {
      try {
        node.lease = await this.#client.update<Lease>(leasePath(node.name), renewedLease(node.lease, node, now));
        return;
      } catch (err) {
        if (!isStatus(err, 409) && !isStatus(err, 404)) throw err;
        node.lease = undefined;
      }
    }
    try {
      const live = await this.#client.get<Lease>(leasePath(node.name));
      node.lease = await this.#client.update<Lease>(leasePath(node.name), renewedLease(live, node, now));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      node.lease = await this.#client.create<Lease>(leasePath(), nodeLease(node, now));
    }
  }

  #scheduleLease(node: NodeState, delayMs: number): void {
    if (this.#stopped) return;
    node.leaseTimer = setTimeout(() => {
      void this.#track(this.#renewLease(node)).then(
        () => {
          node.leaseFailures = 0;
          this.#scheduleLease(node, this.#renewMs);
        },
        (err) => {
          if (this.#stopped) return;
          node.leaseFailures++;
          this.#log(`node ${node.name}: lease renewal failed: ${message(err)}`);
          // Kubelet's retry: quick at first, never slower than the renew interval.
          this.#scheduleLease(node, Math.min(this.#renewMs, 200 * 2 ** Math.min(node.leaseFailures, 10)));
        },
      );
    }, delayMs);
  }

  /** Posts the node's status again, fresh heartbeat times and all, every statusReportIntervalMs. */
  #scheduleStatusReport(node: NodeState, delayMs = this.#statusReportMs): void {
    if (this.#stopped || this.#statusReportMs <= 0) return;
    node.statusTimer = setTimeout(() => {
      void this.#track(this.#reportStatus(node))
        .catch((err) => {
          if (!this.#stopped) this.#log(`node ${node.name}: status report failed: ${message(err)}`);
        })
        .finally(() => this.#scheduleStatusReport(node));
    }, delayMs);
  }

  async #reportStatus(node: NodeState): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        node.live = await this.#client.updateStatus<Node>(nodePath(node.name), { ...node.live, status: nodeStatus(node.input, this.#clock(), node.live.status) });
        return;
      } catch (err) {
        if (!isStatus(err, 409) || attempt >= 3) throw err;
        node.live = await this.#client.get<Node>(nodePath(node.name));
      }
    }
  }

  // ---------------------------------------------------------------- pods

  #watchPods(): void {
    // One node watches its own pods; many share one watch of every bound pod.
    const fieldSelector = this.#names.length === 1 ? `spec.nodeName=${this.#names[0]}` : 'spec.nodeName!=';
    this.#watcher = this.#client.watch<Pod>(PODS, {
      fieldSelector,
      onList: (items) => {
        const seen = new Set<string>();
        for (const pod of items) {
          if (!this.#nodes.has(pod.spec?.nodeName ?? '')) continue;
          seen.add(podKey(pod));
          this.#observe(pod);
        }
        for (const key of [...this.#pods.keys()]) if (!seen.has(key)) this.#forget(key);
      },
      onEvent: (type, pod) => {
        if (!this.#nodes.has(pod.spec?.nodeName ?? '')) return;
        const key = podKey(pod);
        if (type === 'DELETED') {
          if (this.#pods.get(key)?.metadata?.uid === pod.metadata?.uid) this.#forget(key);
          return;
        }
        this.#observe(pod);
      },
      onError: (err) => {
        if (!this.#stopped) this.#log(`pod watch: ${message(err)}; retrying`);
      },
    });
  }

  /** Takes in a pod as the API shows it now, and queues it for work. */
  #observe(pod: Pod): void {
    const key = podKey(pod);
    const cached = this.#pods.get(key);
    if (cached && cached.metadata?.uid !== pod.metadata?.uid) this.#forget(key);
    else if (cached && olderThan(pod, cached)) return;
    this.#pods.set(key, pod);
    // Addresses pods already have stay theirs (a restarted agent must not hand them out again).
    const node = this.#nodes.get(pod.spec!.nodeName!)!;
    if (pod.status?.podIP && !pod.spec?.hostNetwork && !isTerminal(pod)) node.ips.set(key, pod.status.podIP);
    this.#enqueue(key);
  }

  #forget(key: string): void {
    const pod = this.#pods.get(key);
    if (pod) this.#nodes.get(pod.spec?.nodeName ?? '')?.ips.delete(key);
    this.#pods.delete(key);
    this.#ackAt.delete(key);
    this.#written.delete(key);
    this.#failures.delete(key);
    if (pod?.metadata?.uid) this.#deleted.delete(pod.metadata.uid);
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
  }

  #enqueue(key: string): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.#concurrency && this.#queue.length) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#running.add(key);
      void this.#track(this.#work(key)).finally(() => {
        this.#running.delete(key);
        if (this.#dirty.delete(key)) this.#enqueue(key);
        this.#pump();
      });
    }
  }

  #schedule(key: string, at: Date | undefined): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    if (!at || this.#stopped) return;
    const delay = Math.max(0, at.getTime() - this.#clock().getTime());
    this.#timers.set(key, setTimeout(() => {
      this.#timers.delete(key);
      this.#enqueue(key);
    }, delay));
  }

  async #work(key: string): Promise<void> {
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await this.#reconcile(key)) {
          this.#failures.delete(key);
          return;
        }
      }
      throw new Error('the pod kept changing under its status updates');
    } catch (err) {
      if (this.#stopped) return;
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      this.#log(`pod ${key}: ${message(err)}; retrying`);
      this.#schedule(key, new Date(this.#clock().getTime() + Math.min(30_000, 500 * 2 ** (n - 1))));
    }
  }

  /** One step of the pod's life; false when a conflict refreshed the pod and the step must be redone. */
  async #reconcile(key: string): Promise<boolean> {
    const pod = this.#pods.get(key);
    const node = pod && this.#nodes.get(pod.spec?.nodeName ?? '');
    if (!pod || !node) return true;
    if (pod.metadata?.deletionTimestamp) return this.#terminate(key, pod, node);
    if (isTerminal(pod)) {
      node.ips.delete(key);
      this.#schedule(key, undefined);
      return true;
    }
    const now = this.#clock();
    let ack = this.#ackAt.get(key);
    if (ack === undefined) {
      const started = Date.parse(pod.status?.startTime ?? '');
      ack = Number.isNaN(started) ? now.getTime() : started;
      this.#ackAt.set(key, ack);
    }
    const step = simulatePod(pod, { now, ackAt: new Date(ack), nodeIP: node.input.nodeIP, podIP: this.#podIP(node, key, pod), startDelayMs: this.#startDelayMs });
    if (!(await this.#writeStatus(key, pod, step.status))) return false;
    if (step.status.phase === 'Succeeded' || step.status.phase === 'Failed') node.ips.delete(key);
    this.#schedule(key, step.nextAt);
    return true;
  }

  /** The pod's address: the one it has, or the lowest free one of the node's pod CIDR. */
  #podIP(node: NodeState, key: string, pod: Pod): string | undefined {
    if (pod.spec?.hostNetwork) return undefined;
    const had = pod.status?.podIP ?? node.ips.get(key);
    if (had) return had;
    const ip = pickPodIP(node.input.podCIDR, node.ips.values());
    if (ip) node.ips.set(key, ip);
    else this.#log(`pod ${key}: no free address left in ${node.input.podCIDR}`);
    return ip;
  }

  /**
   * The pod is being deleted: report its containers stopped, then finish the delete with grace 0
   * and the pod's uid as a precondition (a pod of the same name made since is left alone).
   * Like kubelet 1.27+, the final status carries a terminal phase.
   */
  async #terminate(key: string, pod: Pod, node: NodeState): Promise<boolean> {
    this.#schedule(key, undefined);
    if (this.#deleted.has(pod.metadata!.uid!)) return true;
    if (!isTerminal(pod)) {
      const status = terminatedPodStatus(pod, { now: this.#clock(), nodeIP: node.input.nodeIP });
      if (!(await this.#writeStatus(key, pod, status))) return false;
    }
    try {
      await this.#client.delete(podPath(pod), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid! } });
    } catch (err) {
      if (!isStatus(err, 404) && !isStatus(err, 409)) throw err;
    }
    this.#deleted.add(pod.metadata!.uid!);
    node.ips.delete(key);
    return true;
  }

  /**
   * PUTs the pod's status with the pod's resourceVersion, unless nothing would change. On a
   * conflict the pod is read again and false returned. A status the API stored differently from
   * how it was sent is not sent again while the pod stays as stored.
   */
  async #writeStatus(key: string, pod: Pod, status: PodStatus): Promise<boolean> {
    if (isDeepStrictEqual(status, pod.status)) return true;
    const last = this.#written.get(key);
    if (last && isDeepStrictEqual(status, last.sent) && isDeepStrictEqual(pod.status, last.stored)) return true;
    try {
      const stored = await this.#client.updateStatus<Pod>(podPath(pod), { ...pod, status });
      this.#written.set(key, { sent: status, stored: stored.status });
      if (this.#pods.get(key)?.metadata?.uid === stored.metadata?.uid && !olderThan(stored, this.#pods.get(key)!)) this.#pods.set(key, stored);
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return true; // gone: the watch brings the DELETED event
      if (!isStatus(err, 409)) throw err;
      try {
        const fresh = await this.#client.get<Pod>(podPath(pod));
        if (fresh.metadata?.uid !== pod.metadata?.uid) return true;
        const cached = this.#pods.get(key);
        if (cached && cached.metadata?.uid === fresh.metadata?.uid && !olderThan(fresh, cached)) this.#pods.set(key, fresh);
      } catch (e) {
        if (isStatus(e, 404)) return true;
        throw e;
      }
      return false;
    }
  }
}
