/**
 * The `skiff` command.
 *   skiff start [--in-memory] [--data DIR] [--port N] [--nodes N]
 */
import { parseArgs } from 'node:util';
import { startLocalCluster } from '../lib/local/cluster.ts';
import { LocalRuntimeError } from '../lib/local/errors.ts';

// The SDK's notice about its future Node 22 requirement says nothing a cluster user can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage:
  skiff start [--in-memory] [--data DIR] [--port N] [--nodes N] [--host ADDR]
      Runs a local cluster: DynamoDB Local, the SQS emulator and the API on https://127.0.0.1:6443.
      Data lives in DIR (default .skiff/) unless --in-memory; the kubeconfig is written to DIR/kubeconfig.`;

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
  const cluster = await startLocalCluster({
    dataDir: values.data,
    inMemory: values['in-memory'],
    host: values.host,
    port: intFlag('port', values.port, 6443),
    nodes: intFlag('nodes', values.nodes, 2),
    // Tuning knobs for tests and experiments, read from the environment.
    maxWatchSeconds: process.env.SKIFF_MAX_WATCH_SECONDS ? Number(process.env.SKIFF_MAX_WATCH_SECONDS) : undefined,
    watchWindowSeconds: process.env.SKIFF_WATCH_WINDOW_SECONDS ? Number(process.env.SKIFF_WATCH_WINDOW_SECONDS) : undefined,
    log: (line) => {
      if (verbose || !line.startsWith('{')) console.error(line);
    },
  });
  console.log(`Skiff is running at ${cluster.url} (ready in ${((Date.now() - began) / 1000).toFixed(1)} s)`);
  console.log(`kubeconfig: ${cluster.kubeconfigPath}`);
  console.log('');
  console.log(`  export KUBECONFIG=${cluster.kubeconfigPath}`);
  console.log('  kubectl get namespaces');
  console.log('  kubectl create deployment web --image=nginx --replicas=2');
  console.log('');
  console.log(values['in-memory'] ? 'Data is in memory: it goes when Skiff stops.' : `Data persists in ${values.data}/. Press Ctrl-C to stop.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await cluster.stop();
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
