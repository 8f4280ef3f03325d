/**
 * `kubectl get pods`: NAME READY STATUS RESTARTS AGE, wide IP NODE NOMINATED NODE READINESS GATES.
 * STATUS follows kube's printer: the phase, overridden by the pod's reason, by the first unfinished
 * init container (`Init:1/2`, `Init:CrashLoopBackOff`), by the last container's waiting or
 * terminated reason, and finally by `Terminating` once deletion has started.
 */
import type { KubeObject } from '../../core/object.ts';
import type { Printer, TableCell, TableRowCondition } from './common.ts';
import { ageColumn, arr, at, col, humanDuration, nameColumn, num, since, str, timeOf, wide } from './common.ts';

interface ContainerState {
  waiting?: { reason?: string };
  running?: Record<string, unknown>;
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
}

/** Keeps the later of two restart times; undefined is Go's zero time. */
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined) return a;
  return a === undefined || a < b ? b : a;
}

const hasCondition = (conds: Condition[], type: string) => conds.some((c) => c.type === type && c.status === 'True');

/** Only the first condition of a type counts, as in kube's isPodInitializedConditionTrue. */
const firstConditionTrue = (conds: Condition[], type: string) => conds.find((c) => c.type === type)?.status === 'True';

function podCells(pod: KubeObject, now: Date): TableCell[] {
  const spec = pod.spec;
  const status = pod.status;
  const conditions = arr<Condition>(at(status, 'conditions'));
  const initSpecs = arr<{ name?: string; restartPolicy?: string }>(at(spec, 'initContainers'));
  // Sidecars are init containers with restartPolicy Always: they count as containers.
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = arr(at(spec, 'containers')).length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = str(at(status, 'phase'));
  let reason = str(at(status, 'reason')) || phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = arr<ContainerStatus>(at(status, 'initContainerStatuses'));
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const finished = timeOf(c.lastState?.terminated?.finishedAt);
    restarts += num(c.restartCount);
    lastRestart = later(lastRestart, finished);
    const sidecar = sidecars.has(c.name);
    if (sidecar) {
      sidecarRestarts += num(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && num(term.exitCode) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : num(term.signal) !== 0 ? `Init:Signal:${num(term.signal)}` : `Init:ExitCode:${num(term.exitCode)}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || firstConditionTrue(conditions, 'Initialized')) {
    // Restarts of finished init containers no longer matter; sidecars' still do.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr<ContainerStatus>(at(status, 'containerStatuses'));
    // Backwards, so the first container's state has the last word.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(c.restartCount);
      lastRestart = later(lastRestart, timeOf(c.lastState?.terminated?.finishedAt));
      const term = c.state?.terminated;
      const waiting = c.state?.waiting;
      if (waiting?.reason) reason = waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = num(term.signal) !== 0 ? `Signal:${num(term.signal)}` : `ExitCode:${num(term.exitCode)}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A completed sidecar-style container must not hide one that is still running.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && str(at(status, 'reason')) === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : String(restarts);

  const podIPs = arr(at(status, 'podIPs'));
  const ip = (podIPs.length ? str(at(podIPs[0], 'ip')) : str(at(status, 'podIP'))) || '<none>';
  const gates = arr<{ conditionType?: string }>(at(spec, 'readinessGates'));
  let readinessGates = '<none>';
  if (gates.length) {
    const passed = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
    readinessGates = `${passed}/${gates.length}`;
  }

  return [
    pod.metadata.name ?? '',
    `${ready}/${total}`,
    reason,
    restartsCell,
    since(pod.metadata.creationTimestamp, now),
    ip,
    str(at(spec, 'nodeName')) || '<none>',
    str(at(status, 'nominatedNodeName')) || '<none>',
    readinessGates,
  ];
}

function podConditions(pod: KubeObject): TableRowCondition[] | undefined {
  switch (at(pod, 'status', 'phase')) {
    case 'Succeeded':
      return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    case 'Failed':
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    default:
      return undefined;
  }
}

export const podPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn(),
    col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', wide),
    col('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', wide),
    col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', wide),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', wide),
  ],
  cells: podCells,
  conditions: podConditions,
};
