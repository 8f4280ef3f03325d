/**
 * The `skiff` command.
 *   skiff start [--in-memory] [--data DIR] [--port N] [--nodes N]
 *   skiff agent --server URL --token T --node NAME [--simulate N] ...
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { startAgent, startSimulatedNodes, type AgentCommonOptions, type RunningNodes } from '../lib/agent/agent.ts';
import { readKubeconfig } from '../lib/agent/kubeconfig.ts';
import { parseLabels, parseTaints } from '../lib/agent/simulated.ts';
import { startLocalCluster } from '../lib/local/cluster.ts';
import { LocalRuntimeError } from '../lib/local/errors.ts';
import { parseQuantity } from '../lib/scheduler/quantity.ts';

// The SDK's notice about its future Node 22 requirement says nothing a cluster user can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage:
  skiff start [--in-memory] [--data DIR] [--port N] [--nodes N] [--host ADDR]
      Runs a local cluster: DynamoDB Local, the SQS emulator and the API on https://127.0.0.1:6443.
      Data lives in DIR (default .skiff/) unless --in-memory; the kubeconfig is written to DIR/kubeconfig.
  skiff agent [--kubeconfig FILE | --server URL --token T [--ca FILE]] [--node NAME] [--simulate N]
              [--cpu Q] [--memory Q] [--pods N] [--labels k=v,...] [--taints k=v:Effect,...]
      Registers a node (default: this host's name) and runs the pods bound to it. Pods are simulated:
      their status moves as a kubelet's would, nothing runs. --simulate N runs N nodes NAME-0..NAME-<N-1>
      in this process. Flags override what --kubeconfig gives.`;

function fail(message: string): never {
  console.error(`skiff: ${message}`);
  process.exit(1);
}

function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function start(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'in-memory': { type: 'boolean', default: false },
        data: { type: 'string', default: '.skiff' },
        port: { type: 'string' },
        nodes: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        verbose: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const began = Date.now();
  const verbose = values.verbose;
  // Ctrl-C (or SIGTERM) while starting must still stop the children already started (the API
  // answers /readyz a moment before the start completes): remember it, stop once started.
  let stopRequested = false;
  const early = () => {
    // A second one means now.
    if (stopRequested) process.exit(130);
    stopRequested = true;
    console.error('stopping once started…');
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  const cluster = await startLocalCluster({
    dataDir: values.data,
    inMemory: values['in-memory'],
    host: values.host,
    port: intFlag('port', values.port, 6443),
    nodes: intFlag('nodes', values.nodes, 2),
    // Tuning knobs for tests and experiments, read from the environment.
    maxWatchSeconds: process.env.SKIFF_MAX_WATCH_SECONDS ? Number(process.env.SKIFF_MAX_WATCH_SECONDS) : undefined,
    watchWindowSeconds: process.env.SKIFF_WATCH_WINDOW_SECONDS ? Number(process.env.SKIFF_WATCH_WINDOW_SECONDS) : undefined,
    nodeMonitorGraceSeconds: process.env.SKIFF_NODE_MONITOR_GRACE_SECONDS ? Number(process.env.SKIFF_NODE_MONITOR_GRACE_SECONDS) : undefined,
    writeConcurrency: process.env.SKIFF_WRITE_CONCURRENCY ? Number(process.env.SKIFF_WRITE_CONCURRENCY) : undefined,
    log: (line) => {
      if (verbose || !line.startsWith('{')) console.error(line);
    },
  });
  if (stopRequested) {
    await cluster.stop();
    process.exit(0);
  }
  // One write, so a reader of the pipe never sees half the banner.
  console.log([
    `Skiff is running at ${cluster.url} (ready in ${((Date.now() - began) / 1000).toFixed(1)} s)`,
    `kubeconfig: ${cluster.kubeconfigPath}`,
    '',
    `  export KUBECONFIG=${cluster.kubeconfigPath}`,
    '  kubectl get namespaces',
    '  kubectl create deployment web --image=nginx --replicas=2',
    '  kubectl get pods -o wide',
    '',
    values['in-memory'] ? 'Data is in memory: it goes when Skiff stops.' : `Data persists in ${values.data}/. Press Ctrl-C to stop.`,
  ].join('\n'));
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await cluster.stop();
    process.exit(0);
  };
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** A bad flag: one line, exit code 2. */
function usageError(message: string): never {
  console.error(`skiff agent: ${message} (see skiff help)`);
  process.exit(2);
}

async function agent(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        ca: { type: 'string' },
        kubeconfig: { type: 'string' },
        node: { type: 'string' },
        simulate: { type: 'string' },
        cpu: { type: 'string' },
        memory: { type: 'string' },
        pods: { type: 'string' },
        labels: { type: 'string' },
        taints: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError((err as Error).message.split('\n')[0]);
  }
  let server = values.server;
  let token = values.token;
  let caPem: string | undefined;
  if (values.kubeconfig) {
    try {
      const creds = readKubeconfig(values.kubeconfig);
      server ??= creds.server;
      token ??= creds.token;
      caPem = creds.caPem;
    } catch (err) {
      usageError((err as Error).message);
    }
  }
  if (values.ca) {
    try {
      caPem = readFileSync(values.ca, 'utf8');
    } catch (err) {
      usageError(`cannot read --ca ${values.ca}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (!server) usageError('--server URL (or --kubeconfig FILE) is required');
  if (!token) usageError('--token T (or --kubeconfig FILE) is required');
  try {
    if (new URL(server).protocol !== 'https:') usageError(`--server must be an https:// URL, got "${server}"`);
  } catch {
    usageError(`--server must be an https:// URL, got "${server}"`);
  }
  const node = values.node ?? hostname().toLowerCase().split('.')[0];
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node) || node.length > 253) usageError(`--node must be a DNS subdomain name, got "${node}"`);
  let simulate: number | undefined;
  if (values.simulate !== undefined) {
    simulate = Number(values.simulate);
    if (!Number.isInteger(simulate) || simulate < 1) usageError(`--simulate must be a positive integer, got "${values.simulate}"`);
  }
  const quantity = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    try {
      if (parseQuantity(v) <= 0) throw new Error();
    } catch {
      usageError(`--${flag} must be a positive quantity such as 4, 500m or 8Gi, got "${v}"`);
    }
    return v;
  };
  if (values.pods !== undefined && !(Number.isInteger(Number(values.pods)) && Number(values.pods) > 0)) {
    usageError(`--pods must be a positive integer, got "${values.pods}"`);
  }
  const capacity = { cpu: quantity('cpu', values.cpu), memory: quantity('memory', values.memory), pods: values.pods };
  let labels: Record<string, string> | undefined;
  let taints;
  try {
    labels = values.labels !== undefined ? parseLabels(values.labels) : undefined;
  } catch (err) {
    usageError(`--labels: ${(err as Error).message}`);
  }
  try {
    taints = values.taints !== undefined ? parseTaints(values.taints) : undefined;
  } catch (err) {
    usageError(`--taints: ${(err as Error).message}`);
  }

  const common: AgentCommonOptions = {
    server,
    token,
    caPem,
    capacity,
    labels,
    taints,
    log: (line) => console.error(line),
    onRegistered: (n) => console.log(`node ${n.name} ${n.created ? 'registered' : 're-registered'}: podCIDR ${n.podCIDR}, InternalIP ${n.nodeIP}`),
  };
  let running: RunningNodes;
  try {
    running =
      simulate === undefined
        ? await startAgent({ ...common, node })
        : await startSimulatedNodes({ ...common, names: Array.from({ length: simulate }, (_, i) => `${node}-${i}`) });
  } catch (err) {
    fail(`cannot register with ${server}: ${(err as Error).message}`);
  }
  console.log(`${running.nodes.length === 1 ? 'the node is' : `${running.nodes.length} nodes are`} ready (simulated runtime). Press Ctrl-C to stop.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'start':
      return start(rest);
    case 'agent':
      return agent(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

main().catch((err) => {
  if (err instanceof LocalRuntimeError) fail(err.message);
  console.error(err);
  process.exit(1);
});
