/** Shared set-up for the DynamoDB store's integration tests. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KubeObject, RequestContext } from '../../../lib/core/object.ts';
import { RESOURCE_TYPES, type ResourceType } from '../../../lib/core/resources.ts';
import { DynamoStore, type DynamoStoreOptions } from '../../../lib/store/dynamo-store.ts';
import type { WatchEvent, WatchOptions } from '../../../lib/store/types.ts';
import type { TableNames } from '../../../lib/topology.ts';
import { freshTables } from '../../helpers/dynamodb.ts';

function typeOf(resource: string): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.resource === resource);
  if (!t) throw new Error(`no type ${resource}`);
  return t;
}

export const T = {
  namespaces: typeOf('namespaces'),
  configmaps: typeOf('configmaps'),
  secrets: typeOf('secrets'),
  pods: typeOf('pods'),
  nodes: typeOf('nodes'),
};

export function ctx(user = 'tester', verb = 'create'): RequestContext {
  return { actor: { user, groups: ['system:authenticated'] }, verb, requestId: `req-${Math.random().toString(36).slice(2)}`, userAgent: 'store-test', sourceIp: '127.0.0.1' };
}

/** Options that keep tests fast: short hole timeout, fast polls, short "too large" waits. */
export const FAST: Partial<DynamoStoreOptions> = {
  holeTimeoutMs: 200,
  pollIntervalMs: 20,
  tooLargeWaitMs: 600,
  bookmarkIntervalMs: 200,
};

export interface Env {
  client: DynamoDBClient;
  tables: TableNames;
  store: DynamoStore;
  /** Another store instance on the same tables (another API process). */
  other(opts?: Partial<DynamoStoreOptions>): DynamoStore;
  close(): Promise<void>;
}

export async function env(opts: Partial<DynamoStoreOptions> = {}): Promise<Env> {
  const { client, tables } = await freshTables();
  const stores: DynamoStore[] = [];
  const make = (o: Partial<DynamoStoreOptions> = {}) => {
    const s = new DynamoStore({ client, tables, ...FAST, ...opts, ...o });
    stores.push(s);
    return s;
  };
  const store = make();
  return {
    client,
    tables,
    store,
    other: make,
    async close() {
      for (const s of stores) await s.close();
    },
  };
}

export function namespace(name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-ns-${name}`, ...extra }, spec: {}, status: { phase: 'Active' } };
}

export function configMap(ns: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, ...(labels ? { labels } : {}) },
    data,
  };
}

export function pod(ns: string, name: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid: `uid-pod-${ns}-${name}` },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  };
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** A watch read in the background into `events`, until stopped. */
export class Watcher {
  readonly events: WatchEvent[] = [];
  readonly controller = new AbortController();
  error: unknown;
  readonly done: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(store: DynamoStore, type: ResourceType, opts: Omit<WatchOptions, 'signal'>) {
    const it = store.watch(type, { ...opts, signal: this.controller.signal });
    this.done = (async () => {
      try {
        for await (const ev of it) {
          this.events.push(ev);
          for (const w of this.#waiters.splice(0)) w();
        }
      } catch (err) {
        this.error = err;
      }
      for (const w of this.#waiters.splice(0)) w();
    })();
  }

  /** Events other than bookmarks. */
  get changes(): WatchEvent[] {
    return this.events.filter((e) => e.type !== 'BOOKMARK');
  }

  /** Waits until `pred` holds for the events seen so far (or the timeout passes). */
  async until(pred: (w: Watcher) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this)) {
      if (this.error) throw this.error;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`watch condition not met in ${timeoutMs} ms; saw ${this.events.length} events`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, Math.min(left, 100));
        this.#waiters.push(() => {
          clearTimeout(t);
          ok();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

/** The first event of a watch, or its error (for 410 / 504 checks). */
export async function firstOutcome(store: DynamoStore, type: ResourceType, opts: Omit<WatchOptions, 'signal'>): Promise<{ event?: WatchEvent; error?: unknown }> {
  const controller = new AbortController();
  const it = store.watch(type, { ...opts, signal: controller.signal })[Symbol.asyncIterator]();
  try {
    const r = await it.next();
    return r.done ? {} : { event: r.value };
  } catch (error) {
    return { error };
  } finally {
    controller.abort();
    await it.return?.();
  }
}
