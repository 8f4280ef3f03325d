/**
 * The simulated runtime as pure functions: the status a kubelet would report for a pod at a given
 * moment, the Node an agent registers, the Lease it renews, and the addresses it hands out.
 * Nothing here does I/O or reads the clock: `lib/agent/agent.ts` passes `now` in and writes the
 * results through the API.
 *
 * A pod's life is a timeline that starts when its node acknowledges it (`ackAt`): one start step
 * for the sandbox, then one per init container, then the app containers run. Every timestamp in
 * the status comes from that timeline, so the same inputs always give the same status and an
 * unchanged status is never written twice.
 */
import { createHash } from 'node:crypto';
import type {
  Container,
  ContainerStatus,
  Lease,
  Node,
  NodeCondition,
  NodeStatus,
  Pod,
  PodCondition,
  PodStatus,
  Taint,
} from '../api/schema/index.ts';

/** How long a run-to-completion pod's containers run, as a Go duration ("5s", "1m30s", "250ms"). */
export const SIMULATED_DURATION_ANNOTATION = 'skiff.dev/simulated-duration';
/** The exit code a `restartPolicy: Never` pod's containers end with (default 0). */
export const SIMULATED_EXIT_CODE_ANNOTATION = 'skiff.dev/simulated-exit-code';
/** How long run-to-completion pods run without the duration annotation. */
export const DEFAULT_RUN_DURATION_MS = 3000;

export const KUBELET_VERSION = 'v1.32.0-skiff';
export const RUNTIME_VERSION = 'simulated://1.0';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const KUBELET_PORT = 10250;

/** What an agent's node offers unless told otherwise. */
export const DEFAULT_CAPACITY: Readonly<Record<string, string>> = {
  cpu: '4',
  memory: '8Gi',
  pods: '110',
  'ephemeral-storage': '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
};

// ---- time ------------------------------------------------------------------------------------

/** A `Time`: RFC 3339 with second precision, as kube serializes it. */
export function timeString(t: number | Date): string {
  const ms = typeof t === 'number' ? t : t.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `MicroTime`: RFC 3339 with six fractional digits. */
export function microTimeString(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("1h2m3.5s", "300ms") in milliseconds; undefined when malformed or negative. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? Math.round(total) : undefined;
}

// ---- addresses -------------------------------------------------------------------------------

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Pod CIDRs are /24 blocks from 10.244.0.0 up to 10.255.255.0: 3072 nodes. */
const POD_NET_BASE = ipToInt('10.244.0.0')!;
export const MAX_NODE_INDEX = 12 * 256 - 1;
/** Node addresses come from 172.18.0.0/16, from .2 up, as on a container network. */
const NODE_NET_BASE = ipToInt('172.18.0.2')!;

/** Node `index`'s pod CIDR: 10.244.<index>.0/24 for the first 256, then on into 10.245.0.0 and up. */
export function podCIDRFor(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_NODE_INDEX) throw new RangeError(`node index ${index} is outside 0..${MAX_NODE_INDEX}`);
  return `${intToIp(POD_NET_BASE + index * 256)}/24`;
}

/** The index `podCIDRFor` gave this CIDR, or undefined for a CIDR it would not give. */
export function cidrIndex(cidr: string | undefined): number | undefined {
  const m = /^([\d.]+)\/24$/.exec(cidr ?? '');
  const base = m ? ipToInt(m[1]) : undefined;
  if (base === undefined || (base - POD_NET_BASE) % 256 !== 0) return undefined;
  const i = (base - POD_NET_BASE) / 256;
  return i >= 0 && i <= MAX_NODE_INDEX ? i : undefined;
}

/** Node `index`'s InternalIP: 172.18.0.2 for node 0, counting up. */
export function nodeIPFor(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_NODE_INDEX) throw new RangeError(`node index ${index} is outside 0..${MAX_NODE_INDEX}`);
  return intToIp(NODE_NET_BASE + index);
}

/** The `count` lowest node indices not in `taken`. */
export function freeNodeIndices(taken: Iterable<number>, count: number): number[] {
  const used = new Set(taken);
  const out: number[] = [];
  for (let i = 0; out.length < count; i++) {
    if (i > MAX_NODE_INDEX) throw new RangeError(`no free pod CIDR left: at most ${MAX_NODE_INDEX + 1} nodes`);
    if (!used.has(i)) out.push(i);
  }
  return out;
}

/**
 * The lowest address of `cidr` that is not in `used`, skipping the network address, the gateway
 * (.1) and the broadcast address, as the host-local IPAM plugin hands them out. Undefined when
 * the range is full or `cidr` is not an IPv4 CIDR.
 */
export function pickPodIP(cidr: string, used: Iterable<string>): string | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  const base = m ? ipToInt(m[1]) : undefined;
  const bits = m ? Number(m[2]) : NaN;
  if (base === undefined || !(bits >= 8 && bits <= 30)) return undefined;
  const size = 2 ** (32 - bits);
  const network = base - (base % size);
  const taken = new Set(used);
  for (let off = 2; off < size - 1; off++) {
    const ip = intToIp(network + off);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

// ---- flags -----------------------------------------------------------------------------------

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string, what: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > 253)) throw new Error(`${what} key "${key}": the prefix must be a DNS subdomain`);
  if (!NAME_PART.test(name) || name.length > 63) throw new Error(`${what} key "${key}": must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric`);
}

function checkValue(value: string, what: string): void {
  if (value !== '' && (!NAME_PART.test(value) || value.length > 63)) {
    throw new Error(`${what} value "${value}": must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric`);
  }
}

/** `k=v,k2=v2` (as `--labels` takes it) into a label map; throws with a one-line message. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`label "${item}": expected key=value`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    checkKey(key, 'label');
    checkValue(value, 'label');
    out[key] = value;
  }
  return out;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** `k=v:Effect,k2:Effect` (kubelet's `--register-with-taints` form) into taints; throws with a one-line message. */
export function parseTaints(text: string): Taint[] {
  const out: Taint[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = item.lastIndexOf(':');
    if (colon <= 0) throw new Error(`taint "${item}": expected key[=value]:Effect`);
    const effect = item.slice(colon + 1);
    if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) throw new Error(`taint "${item}": the effect must be one of ${TAINT_EFFECTS.join(', ')}`);
    const kv = item.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq >= 0 ? kv.slice(0, eq) : kv;
    const value = eq >= 0 ? kv.slice(eq + 1) : undefined;
    checkKey(key, 'taint');
    if (value !== undefined) checkValue(value, 'taint');
    if (out.some((t) => t.key === key && t.effect === effect)) throw new Error(`taint "${item}": duplicate key and effect`);
    out.push({ key, ...(value ? { value } : {}), effect: effect as Taint['effect'] });
  }
  return out;
}

// ---- node and lease --------------------------------------------------------------------------

/** What an agent knows about the node it registers. */
export interface NodeInput {
  name: string;
  podCIDR: string;
  nodeIP: string;
  /** Merged over DEFAULT_CAPACITY. Allocatable equals capacity. */
  capacity?: Record<string, string>;
  /** Added to the kubelet's own labels (hostname, os, arch, instance type). */
  labels?: Record<string, string>;
  /** Registered with the node; afterwards they belong to the cluster's users. */
  taints?: Taint[];
  /** Default amd64. */
  arch?: string;
  /** Changes when the agent restarts; default derived from the name. */
  bootID?: string;
}

function hex(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function uuidFrom(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The labels a kubelet puts on its node, plus the agent's own. */
export function nodeLabels(input: NodeInput): Record<string, string> {
  const arch = input.arch ?? 'amd64';
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': input.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': 'simulated',
    ...(input.labels ?? {}),
  };
}

const NODE_CONDITIONS: readonly Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/**
 * The node's status as its kubelet reports it at `now`. Conditions keep their lastTransitionTime
 * from `previous` while their status holds; conditions other components own are kept.
 */
export function nodeStatus(input: NodeInput, now: Date, previous?: NodeStatus): NodeStatus {
  const capacity = { ...DEFAULT_CAPACITY, ...(input.capacity ?? {}) };
  const at = timeString(now);
  const mine = new Set(NODE_CONDITIONS.map((c) => c.type));
  const prev = previous?.conditions ?? [];
  const conditions: NodeCondition[] = [
    ...NODE_CONDITIONS.map((c) => {
      const old = prev.find((p) => p.type === c.type);
      return { ...c, lastHeartbeatTime: at, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : at };
    }),
    ...prev.filter((p) => !mine.has(p.type)),
  ];
  const machine = hex('machine', input.name);
  return {
    capacity,
    allocatable: { ...capacity },
    conditions,
    addresses: [
      { type: 'InternalIP', address: input.nodeIP },
      { type: 'Hostname', address: input.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: machine.slice(0, 32),
      systemUUID: uuidFrom(hex('system', input.name)),
      bootID: input.bootID ?? uuidFrom(hex('boot', input.name)),
      kernelVersion: '6.8.0-skiff',
      osImage: 'Skiff simulated node',
      containerRuntimeVersion: RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: input.arch ?? 'amd64',
    },
  };
}

/** An Event as a kubelet records it about its own Node (kube's kubelets use the node's name as its uid). */
export interface KubeletEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: 'default' };
  involvedObject: { kind: 'Node'; name: string; uid: string };
  reason: string;
  message: string;
  type: 'Normal';
  source: { component: 'kubelet'; host: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: 1;
  reportingComponent: 'kubelet';
  reportingInstance: string;
}

/**
 * What a kubelet records about its Node when it (re)registers: `Starting`, and `NodeReady` when
 * the node was not Ready before (a new node, or one back after going NotReady).
 */
export function registrationEvents(node: string, wasReady: boolean, now: Date): KubeletEvent[] {
  // Named as kube's recorder names events: the object's name and the time in hex nanoseconds.
  let nanos = BigInt(now.getTime()) * 1_000_000n;
  const event = (reason: string, message: string): KubeletEvent => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${node}.${(nanos++).toString(16)}`, namespace: 'default' },
    involvedObject: { kind: 'Node', name: node, uid: node },
    reason,
    message,
    type: 'Normal',
    source: { component: 'kubelet', host: node },
    firstTimestamp: timeString(now),
    lastTimestamp: timeString(now),
    count: 1,
    reportingComponent: 'kubelet',
    reportingInstance: node,
  });
  const events = [event('Starting', 'Starting kubelet.')];
  if (!wasReady) events.push(event('NodeReady', `Node ${node} status is now: NodeReady`));
  return events;
}

/** The Node an agent creates when it first registers. */
export function registrationNode(input: NodeInput, now: Date): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: input.name, labels: nodeLabels(input) },
    spec: {
      podCIDR: input.podCIDR,
      podCIDRs: [input.podCIDR],
      ...(input.taints?.length ? { taints: input.taints.map((t) => ({ ...t })) } : {}),
    },
    status: nodeStatus(input, now),
  };
}

/**
 * The node's metadata and spec after the agent re-registers against an existing Node, or
 * undefined when nothing changes. As kubelet does, its labels are (re)applied and everything
 * else users set stays: taints, `spec.unschedulable` from a cordon, other labels. A node without
 * a pod CIDR gets the agent's.
 */
export function reregisteredNode(existing: Node, input: NodeInput): Node | undefined {
  const labels = { ...(existing.metadata?.labels ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(nodeLabels(input))) {
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  }
  const spec = { ...(existing.spec ?? {}) };
  if (!spec.podCIDR && !spec.podCIDRs?.length) {
    spec.podCIDR = input.podCIDR;
    spec.podCIDRs = [input.podCIDR];
    changed = true;
  }
  if (!changed) return undefined;
  return { ...existing, metadata: { ...existing.metadata, labels }, spec };
}

/** The node's Lease in kube-node-lease, owned by the Node as kubelet makes it. */
export function nodeLease(node: { name: string; uid?: string }, now: Date): Lease {
  return renewedLease({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: node.name, namespace: NODE_LEASE_NAMESPACE } }, node, now);
}

/** `lease` renewed at `now` by the node's agent; adds the owner reference when it is missing. */
export function renewedLease(lease: Lease, node: { name: string; uid?: string }, now: Date): Lease {
  const owners = lease.metadata?.ownerReferences ?? [];
  const owned = owners.some((o) => o.kind === 'Node' && o.name === node.name);
  return {
    ...lease,
    metadata: {
      ...lease.metadata,
      ...(!owned && node.uid ? { ownerReferences: [...owners, { apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }] } : {}),
    },
    spec: {
      ...(lease.spec ?? {}),
      holderIdentity: node.name,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      renewTime: microTimeString(now),
    },
  };
}

// ---- pods ------------------------------------------------------------------------------------

export interface PodContext {
  now: Date;
  /** When the node acknowledged the pod: its timeline starts here (status.startTime). */
  ackAt: Date;
  nodeIP: string;
  /** The pod's address; without one (and without hostNetwork) the pod waits at ContainerCreating. */
  podIP?: string;
  /** How long the sandbox takes, and each init container. */
  startDelayMs: number;
}

export interface PodStep {
  status: PodStatus;
  /** When the status changes next without outside help (undefined: never). */
  nextAt?: Date;
}

const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** `restartPolicy: Always` on an init container makes it a sidecar: it keeps running. */
function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

export function containerID(pod: Pod, name: string, restartCount = 0): string {
  return `simulated://${hex(pod.metadata?.uid ?? pod.metadata?.name ?? '', name, String(restartCount))}`;
}

/** The image's repository with a digest, as a runtime reports `imageID`. */
export function imageID(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  let repo = colon > lastSlash ? ref.slice(0, colon) : ref;
  const first = repo.split('/')[0];
  if (!repo.includes('/')) repo = `docker.io/library/${repo}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') repo = `docker.io/${repo}`;
  const digest = at >= 0 ? image.slice(at + 1) : `sha256:${hex('image', image)}`;
  return `${repo}@${digest}`;
}

/** How long a run-to-completion pod runs; undefined for `Always` pods, which run until deleted. */
export function runDuration(pod: Pod): number | undefined {
  const policy = pod.spec?.restartPolicy || 'Always';
  if (policy === 'Always') return undefined;
  const text = pod.metadata?.annotations?.[SIMULATED_DURATION_ANNOTATION];
  return (text !== undefined ? parseDuration(text) : undefined) ?? DEFAULT_RUN_DURATION_MS;
}

/** The exit code a finished pod's containers report: the annotation's for `Never` pods, else 0. */
function exitCode(pod: Pod): number {
  if (pod.spec?.restartPolicy !== 'Never') return 0;
  const n = Number(pod.metadata?.annotations?.[SIMULATED_EXIT_CODE_ANNOTATION] ?? '0');
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 0;
}

function probeDelay(probe: { initialDelaySeconds?: number } | undefined): number {
  return probe ? Math.max(0, probe.initialDelaySeconds ?? 0) * 1000 : 0;
}

function waiting(c: Container, reason: string): ContainerStatus {
  return { name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason } }, lastState: {} };
}

/** The fields that name a container in its status, whatever its state. */
function identity(pod: Pod, c: Container) {
  return { name: c.name, image: c.image ?? '', imageID: imageID(c.image ?? ''), containerID: containerID(pod, c.name) };
}

function running(pod: Pod, c: Container, startedAt: number, ready: boolean, started: boolean): ContainerStatus {
  return {
    ...identity(pod, c),
    ready,
    restartCount: 0,
    started,
    state: { running: { startedAt: timeString(startedAt) } },
    lastState: {},
  };
}

function terminated(pod: Pod, c: Container, startedAt: string | undefined, finishedAt: string, code: number, ready = false): ContainerStatus {
  return {
    ...identity(pod, c),
    ready,
    restartCount: 0,
    started: false,
    state: {
      terminated: {
        exitCode: code,
        reason: code === 0 ? 'Completed' : 'Error',
        ...(startedAt ? { startedAt } : {}),
        finishedAt,
        containerID: containerID(pod, c.name),
      },
    },
    lastState: {},
  };
}

/** A previous status's start time of a running container, kept so a restarted agent does not rewrite it. */
function keepStartedAt(status: ContainerStatus, previous: ContainerStatus[] | undefined): ContainerStatus {
  const old = previous?.find((p) => p.name === status.name);
  const oldState = old?.state;
  const state = status.state;
  if (state?.running && oldState?.running?.startedAt) return { ...status, state: { running: { startedAt: oldState.running.startedAt } } };
  if (state?.terminated && oldState?.terminated) {
    return { ...status, state: { terminated: { ...state.terminated, startedAt: oldState.terminated.startedAt ?? state.terminated.startedAt, finishedAt: oldState.terminated.finishedAt ?? state.terminated.finishedAt } } };
  }
  return status;
}

const names = (cs: Container[]) => `[${cs.map((c) => c.name).join(' ')}]`;

interface ConditionInput {
  sandboxReady: boolean;
  phase: NonNullable<PodStatus['phase']>;
  inits: Container[];
  mains: Container[];
  initStatuses: ContainerStatus[];
  mainStatuses: ContainerStatus[];
  pod: Pod;
}

/** The conditions kubelet owns, computed as its status generators do. */
function kubeletConditions(x: ConditionInput): Omit<PodCondition, 'lastTransitionTime'>[] {
  const statusOf = (list: ContainerStatus[], name: string) => list.find((s) => s.name === name);
  const terminal = x.phase === 'Succeeded' || x.phase === 'Failed';
  const terminalReason = x.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';

  let initialized: Omit<PodCondition, 'lastTransitionTime'>;
  const incomplete = x.inits.filter((c) => {
    const s = statusOf(x.initStatuses, c.name);
    return isSidecar(c) ? !s?.started : s?.state?.terminated?.exitCode !== 0;
  });
  const anyStarted = x.mainStatuses.some((s) => s.state?.running || s.state?.terminated);
  if (x.inits.length === 0) initialized = { type: 'Initialized', status: 'True' };
  else if (x.phase === 'Succeeded') initialized = { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  else if (anyStarted || incomplete.length === 0) initialized = { type: 'Initialized', status: 'True' };
  else initialized = { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${names(incomplete)}` };

  const readyScope = [...x.inits.filter(isSidecar), ...x.mains];
  const unready = readyScope.filter((c) => !statusOf([...x.initStatuses, ...x.mainStatuses], c.name)?.ready);
  let containersReady: Omit<PodCondition, 'lastTransitionTime'>;
  if (terminal) containersReady = { type: 'ContainersReady', status: 'False', reason: terminalReason };
  else if (unready.length) containersReady = { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${names(unready)}` };
  else containersReady = { type: 'ContainersReady', status: 'True' };

  let ready: Omit<PodCondition, 'lastTransitionTime'>;
  if (containersReady.status !== 'True') ready = { ...containersReady, type: 'Ready' };
  else {
    const gateMessages: string[] = [];
    for (const gate of x.pod.spec?.readinessGates ?? []) {
      const c = x.pod.status?.conditions?.find((p) => p.type === gate.conditionType);
      if (!c) gateMessages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
      else if (c.status !== 'True') gateMessages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
    ready = gateMessages.length ? { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: gateMessages.join(', ') } : { type: 'Ready', status: 'True' };
  }

  return [
    { type: 'PodReadyToStartContainers', status: x.sandboxReady && !terminal ? 'True' : 'False' },
    initialized,
    ready,
    containersReady,
    { type: 'PodScheduled', status: 'True' },
  ];
}

/**
 * Conditions other components own first (as kubelet's status manager keeps them), then kubelet's,
 * each keeping its previous lastTransitionTime while its status holds.
 */
function mergeConditions(previous: PodCondition[] | undefined, own: Omit<PodCondition, 'lastTransitionTime'>[], at: string): PodCondition[] {
  const prev = previous ?? [];
  return [
    ...prev.filter((c) => !KUBELET_CONDITIONS.includes(c.type)),
    ...own.map((c) => {
      const old = prev.find((p) => p.type === c.type);
      return { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : at };
    }),
  ];
}

/** Status fields other components own, carried over unchanged. */
function carried(prev: PodStatus): Partial<PodStatus> {
  const out: Partial<PodStatus> = {};
  if (prev.qosClass) out.qosClass = prev.qosClass;
  if (prev.nominatedNodeName) out.nominatedNodeName = prev.nominatedNodeName;
  if (prev.resourceClaimStatuses) out.resourceClaimStatuses = prev.resourceClaimStatuses;
  if (prev.extendedResourceClaimStatus) out.extendedResourceClaimStatus = prev.extendedResourceClaimStatus;
  return out;
}

function earliestStart(statuses: ContainerStatus[] | undefined): number | undefined {
  const times = (statuses ?? [])
    .map((s) => s.state?.running?.startedAt ?? s.state?.terminated?.startedAt)
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  return times.length ? Math.min(...times) : undefined;
}

/**
 * The status the pod's node reports at `ctx.now`, and when it next changes. Pending with its
 * containers waiting (ContainerCreating, or PodInitializing with init containers); then each init
 * container in turn; then Running, each container ready once its readiness probe's initial delay
 * has passed. `Never` and `OnFailure` pods end Succeeded (or Failed, for a `Never` pod with a
 * non-zero `skiff.dev/simulated-exit-code`) after `skiff.dev/simulated-duration`. A terminal pod's
 * status is returned as is.
 */
export function simulatePod(pod: Pod, ctx: PodContext): PodStep {
  const prev: PodStatus = pod.status ?? {};
  if (isTerminal(pod)) return { status: prev };
  const spec = pod.spec ?? { containers: [] };
  const inits = spec.initContainers ?? [];
  const mains = spec.containers ?? [];
  const n = inits.length;
  const now = ctx.now.getTime();
  const ack = ctx.ackAt.getTime();
  const step = Math.max(0, ctx.startDelayMs);
  const podIP = spec.hostNetwork ? ctx.nodeIP : (ctx.podIP ?? prev.podIP);
  const boundary = (k: number) => ack + step * k;

  // Stage 0: acknowledged; 1..n: init container k-1 runs; n+1: the app containers run.
  const previousRun = earliestStart(prev.containerStatuses);
  let stage = 0;
  if (podIP !== undefined) {
    if (previousRun !== undefined) stage = n + 1;
    else while (stage <= n && boundary(stage + 1) <= now) stage++;
  }
  const runAt = previousRun ?? boundary(n + 1);
  const events: number[] = [];
  const defaultReason = n > 0 ? 'PodInitializing' : 'ContainerCreating';

  // Init containers.
  const initStatuses = inits.map((c, j) => {
    if (stage === 0 || j > stage - 1) return waiting(c, defaultReason);
    const startedAt = boundary(j + 1);
    if (isSidecar(c)) {
      const readyAt = startedAt + probeDelay(c.readinessProbe);
      const startedOkAt = startedAt + probeDelay(c.startupProbe);
      events.push(readyAt, startedOkAt);
      return running(pod, c, startedAt, now >= readyAt && now >= startedOkAt, now >= startedOkAt);
    }
    if (j === stage - 1 && stage <= n) return running(pod, c, startedAt, false, true);
    return terminated(pod, c, timeString(startedAt), timeString(boundary(j + 2)), 0, true);
  });

  // App containers.
  const duration = runDuration(pod);
  const doneAt = duration === undefined ? undefined : runAt + duration;
  const done = stage === n + 1 && doneAt !== undefined && now >= doneAt;
  const code = exitCode(pod);
  let mainStatuses: ContainerStatus[];
  if (stage <= n) {
    mainStatuses = mains.map((c) => waiting(c, defaultReason));
  } else if (done) {
    mainStatuses = mains.map((c) => terminated(pod, c, timeString(runAt), timeString(doneAt!), code));
    inits.forEach((c, j) => {
      if (isSidecar(c)) initStatuses[j] = terminated(pod, c, timeString(boundary(j + 1)), timeString(doneAt!), 0);
    });
  } else {
    mainStatuses = mains.map((c) => {
      const startedOkAt = runAt + probeDelay(c.startupProbe);
      const readyAt = Math.max(startedOkAt, runAt + probeDelay(c.readinessProbe));
      events.push(startedOkAt, readyAt);
      return running(pod, c, runAt, now >= readyAt, now >= startedOkAt);
    });
  }
  const initOut = initStatuses.map((s) => keepStartedAt(s, prev.initContainerStatuses));
  const mainOut = mainStatuses.map((s) => keepStartedAt(s, prev.containerStatuses));

  let phase: NonNullable<PodStatus['phase']> = 'Pending';
  if (done) phase = code === 0 ? 'Succeeded' : 'Failed';
  else if (stage === n + 1) phase = 'Running';

  // Transitions are dated by the timeline: the latest event at or before now.
  if (stage > 0) events.push(...Array.from({ length: stage }, (_, k) => boundary(k + 1)));
  if (done) events.push(doneAt!);
  const past = [ack, ...events.filter((t) => t <= now)];
  const at = timeString(Math.max(...past));
  const future = [...events.filter((t) => t > now)];
  if (podIP !== undefined && stage <= n) future.push(boundary(stage + 1));
  if (stage === n + 1 && !done && doneAt !== undefined) future.push(doneAt);

  const own = kubeletConditions({ sandboxReady: stage > 0, phase, inits, mains, initStatuses: initOut, mainStatuses: mainOut, pod });
  const status: PodStatus = {
    phase,
    conditions: mergeConditions(prev.conditions, own, at),
    hostIP: ctx.nodeIP,
    hostIPs: [{ ip: ctx.nodeIP }],
    ...(stage > 0 && podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: prev.startTime ?? timeString(ack),
    ...(n > 0 ? { initContainerStatuses: initOut } : {}),
    containerStatuses: mainOut,
    ...carried(prev),
  };
  return { status, ...(future.length ? { nextAt: new Date(Math.min(...future)) } : {}) };
}

/**
 * The status of a pod whose containers the node has stopped because the pod is being deleted:
 * running containers exit 0 and containers that never started are reported lost (137,
 * ContainerStatusUnknown). With `terminalPhase` (kubelet's way since 1.27) the phase becomes
 * Succeeded when every container exited 0, else Failed; without it the phase stays as it was,
 * as older kubelets left it.
 */
export function terminatedPodStatus(pod: Pod, ctx: { now: Date; nodeIP: string; terminalPhase?: boolean }): PodStatus {
  const prev: PodStatus = pod.status ?? {};
  const spec = pod.spec ?? { containers: [] };
  const inits = spec.initContainers ?? [];
  const mains = spec.containers ?? [];
  const at = timeString(ctx.now);
  const stop = (c: Container, previous: ContainerStatus[] | undefined, lostIfWaiting: boolean): ContainerStatus => {
    const old = previous?.find((s) => s.name === c.name);
    if (old?.state?.terminated) return old;
    if (old?.state?.running) return terminated(pod, c, old.state.running.startedAt, at, 0);
    if (!lostIfWaiting) return old ?? waiting(c, 'PodInitializing');
    return {
      ...waiting(c, ''),
      state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', finishedAt: at } },
    };
  };
  const initStatuses = inits.map((c) => stop(c, prev.initContainerStatuses, isSidecar(c)));
  const mainStatuses = mains.map((c) => stop(c, prev.containerStatuses, true));
  const exited: NonNullable<PodStatus['phase']> = mainStatuses.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  const phase = (ctx.terminalPhase ?? true) ? exited : (prev.phase ?? 'Pending');
  const own = kubeletConditions({ sandboxReady: false, phase, inits, mains, initStatuses, mainStatuses, pod });
  return {
    phase,
    conditions: mergeConditions(prev.conditions, own, at),
    hostIP: prev.hostIP ?? ctx.nodeIP,
    hostIPs: prev.hostIPs ?? [{ ip: ctx.nodeIP }],
    ...(prev.podIP ? { podIP: prev.podIP, podIPs: prev.podIPs ?? [{ ip: prev.podIP }] } : {}),
    startTime: prev.startTime ?? at,
    ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: mainStatuses,
    ...carried(prev),
  };
}
