/**
 * What the API load generator does: the request mix of each measurement and the setup requests,
 * over one keep-alive HTTPS client. Runs in a worker thread (default) so the load generator does not
 * share the API server's event loop, or inline (BENCH_CLIENT=inline).
 */
import { randomBytes } from 'node:crypto';
import { ApiClient } from './https-client.ts';
import { closedLoop, mapLimit, type LoadResult } from './load.ts';

export const NS = 'bench';
export const LIST_NS = 'bench-list';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;
const PODS_PATH = `/api/v1/namespaces/${LIST_NS}/pods`;

export type Scenario = 'create' | 'update' | 'get' | 'list' | 'listLimit';

export interface ClientInit {
  url: string;
  caPem: string;
  token: string;
  maxSockets: number;
  listSize: number;
}

export interface LoadRequest {
  scenario: Scenario;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  keepSamples?: boolean;
}

/** ~1 KB of ConfigMap data (incompressible, so the stored item is ~1 KB like the raw floor's). */
function configMapData(seed: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (let i = 0; i < 8; i++) data[`key-${i}`] = `${seed}-${randomBytes(90).toString('base64')}`;
  return data;
}

export function configMap(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NS, labels: { app: 'bench', tier: 'api' } },
    data: configMapData(name),
  };
}

export function pod(i: number): Record<string, unknown> {
  const name = `pod-${String(i).padStart(4, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: LIST_NS, labels: { app: 'bench-list', shard: String(i % 10) } },
    spec: {
      // Bound already (to a node no agent runs): the reconcile loop has nothing to do for them,
      // so it stays out of the API's measurements.
      nodeName: 'bench-node',
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/team/app:1.27.3',
          ports: [{ containerPort: 8080, name: 'http' }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'REPLICA', value: String(i) },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
      ],
    },
  };
}

interface StoredConfigMap {
  metadata: { resourceVersion: string };
  data: Record<string, string>;
}

export class ApiScenarios {
  readonly #api: ApiClient;
  readonly #listSize: number;
  readonly #created: string[] = [];
  #own: StoredConfigMap[] = [];
  #listBytes = 0;
  #runs = 0;

  constructor(init: ClientInit) {
    this.#api = new ApiClient(init);
    this.#listSize = init.listSize;
  }

  close(): void {
    this.#api.close();
  }

  /** The namespaces, one object per client to update, and the pods to list. Returns what LIST returns. */
  async setup(concurrency: number): Promise<{ podsSeconds: number; listBytes: number }> {
    const api = this.#api;
    for (const ns of [NS, LIST_NS]) {
      await api.expect([201], 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    this.#own = await mapLimit(Array.from({ length: concurrency }, (_, i) => i), concurrency, async (i) =>
      JSON.parse((await api.expect([201], 'POST', CM_PATH, configMap(`upd-${i}`))).body.toString('utf8')) as StoredConfigMap,
    );
    const t0 = performance.now();
    await mapLimit(Array.from({ length: this.#listSize }, (_, i) => i), concurrency, (i) => api.expect([201], 'POST', PODS_PATH, pod(i)));
    const podsSeconds = (performance.now() - t0) / 1000;
    for (const path of [PODS_PATH, `${PODS_PATH}?limit=${this.#listSize}`]) {
      const res = await api.expect([200], 'GET', path);
      const parsed = JSON.parse(res.body.toString('utf8')) as { items: unknown[]; metadata: { continue?: string } };
      if (parsed.items.length !== this.#listSize) throw new Error(`${path}: ${parsed.items.length} items, expected ${this.#listSize}`);
      if (parsed.metadata.continue) throw new Error(`${path}: unexpected continue token`);
      this.#listBytes = res.body.length;
    }
    return { podsSeconds, listBytes: this.#listBytes };
  }

  run(req: LoadRequest): Promise<LoadResult> {
    return closedLoop({ concurrency: req.concurrency, warmupMs: req.warmupMs, durationMs: req.durationMs, keepSamples: req.keepSamples, op: this.#op(req) });
  }

  #op(req: LoadRequest): (client: number, seq: number) => Promise<void> {
    const api = this.#api;
    const c = req.concurrency;
    const run = ++this.#runs;
    switch (req.scenario) {
      case 'create':
        return async (client, seq) => {
          const name = `cm-r${run}-c${c}-${client}-${seq}`;
          await api.expect([201], 'POST', CM_PATH, configMap(name));
          this.#created.push(name);
        };
      case 'update':
        // Each client updates its own object (PUT with its resourceVersion): no conflicts.
        return async (client, seq) => {
          const cur = this.#own[client];
          const body = {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `upd-${client}`, namespace: NS, labels: { app: 'bench', tier: 'api' }, resourceVersion: cur.metadata.resourceVersion },
            data: { ...cur.data, counter: `r${run}-c${c}-${seq}` },
          };
          const res = await api.expect([200], 'PUT', `${CM_PATH}/upd-${client}`, body);
          this.#own[client] = JSON.parse(res.body.toString('utf8')) as StoredConfigMap;
        };
      case 'get':
        return async () => {
          const names = this.#created;
          if (names.length === 0) throw new Error('nothing created to GET');
          await api.expect([200], 'GET', `${CM_PATH}/${names[Math.floor(Math.random() * names.length)]}`);
        };
      case 'list':
      case 'listLimit': {
        const path = req.scenario === 'list' ? PODS_PATH : `${PODS_PATH}?limit=${this.#listSize}`;
        return async () => {
          const res = await api.expect([200], 'GET', path);
          // Not parsed here (that is the client's time, not the API's): a full body is enough.
          if (res.body.length < this.#listBytes / 2) throw new Error(`${path}: short body (${res.body.length} bytes)`);
        };
      }
    }
  }
}
