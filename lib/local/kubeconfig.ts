/** A kubeconfig for the local cluster: one cluster (trusting the local CA), one token user, one context. */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import YAML from 'yaml';

export interface KubeconfigOptions {
  /** The API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  caPem: string;
  /** Bearer token of the user. */
  token: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

/** The kubeconfig as YAML text. */
export function kubeconfigYaml(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? 'skiff';
  const user = opts.userName ?? 'skiff-admin';
  const context = opts.contextName ?? 'skiff';
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: opts.token } }],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
  });
}

/**
 * Writes the kubeconfig to `path` (0600: it holds the token), replacing the whole file. Point it
 * at a file of its own (e.g. `<dataDir>/kubeconfig`), not at `~/.kube/config`.
 */
export function writeKubeconfig(opts: KubeconfigOptions & { path: string }): void {
  mkdirSync(dirname(opts.path), { recursive: true });
  const tmp = `${opts.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, kubeconfigYaml(opts), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, opts.path);
}
