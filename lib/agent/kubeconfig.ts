/** Reads what an agent needs from a kubeconfig: the server, the CA and a bearer token. */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import YAML from 'yaml';

export interface Credentials {
  server: string;
  token: string;
  caPem?: string;
}

interface Kubeconfig {
  clusters?: { name: string; cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: { name: string; user?: { token?: string; tokenFile?: string } }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  'current-context'?: string;
}

/** The current (or named) context's server, CA and token; throws with a one-line message. */
export function readKubeconfig(path: string, contextName?: string): Credentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: Kubeconfig;
  try {
    doc = (YAML.parse(text) ?? {}) as Kubeconfig;
  } catch (err) {
    throw new Error(`kubeconfig ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const name = contextName ?? doc['current-context'];
  const context = doc.contexts?.find((c) => c.name === name)?.context;
  if (!context) throw new Error(`kubeconfig ${path} has no context ${name ? `"${name}"` : '(current-context is not set)'}`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`kubeconfig ${path}: cluster "${context.cluster}" has no server`);
  const user = doc.users?.find((u) => u.name === context.user)?.user;
  const base = dirname(path);
  const resolve = (p: string) => (isAbsolute(p) ? p : join(base, p));
  let token = user?.token;
  if (!token && user?.tokenFile) token = readFileSync(resolve(user.tokenFile), 'utf8').trim();
  if (!token) throw new Error(`kubeconfig ${path}: user "${context.user}" has no token (only bearer tokens are supported)`);
  let caPem: string | undefined;
  if (cluster['certificate-authority-data']) caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  else if (cluster['certificate-authority']) caPem = readFileSync(resolve(cluster['certificate-authority']), 'utf8');
  return { server: cluster.server, token, ...(caPem ? { caPem } : {}) };
}
