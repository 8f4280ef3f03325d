/**
 * The API load generator, seen from the main thread. By default it runs in a worker thread: like
 * kubectl in its own process, its TLS, JSON and timing work then does not queue on the API
 * server's event loop (both still share the machine's cores). BENCH_CLIENT=inline runs it on the
 * main thread instead.
 */
import { Worker } from 'node:worker_threads';
import { ApiScenarios, type ClientInit, type LoadRequest } from './api-scenarios.ts';
import type { LoadResult } from './load.ts';

export type WorkerCall =
  | { id: number; kind: 'setup'; concurrency: number }
  | { id: number; kind: 'run'; request: LoadRequest }
  | { id: number; kind: 'close' };

type CallBody = WorkerCall extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface ApiLoad {
  readonly mode: 'worker' | 'inline';
  setup(concurrency: number): Promise<{ podsSeconds: number; listBytes: number }>;
  run(request: LoadRequest): Promise<LoadResult>;
  close(): Promise<void>;
}

class InlineLoad implements ApiLoad {
  readonly mode = 'inline' as const;
  readonly #s: ApiScenarios;
  constructor(init: ClientInit) {
    this.#s = new ApiScenarios(init);
  }
  setup(concurrency: number) {
    return this.#s.setup(concurrency);
  }
  run(request: LoadRequest) {
    return this.#s.run(request);
  }
  async close() {
    this.#s.close();
  }
}

class WorkerLoad implements ApiLoad {
  readonly mode = 'worker' as const;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  #next = 1;

  constructor(init: ClientInit) {
    // Workers do not inherit tsx's loader hooks on Node 20: register them in the worker first.
    const entry = new URL('./api-worker.ts', import.meta.url).href;
    this.#worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, {
      eval: true,
      workerData: init,
    });
    this.#worker.on('message', (r: WorkerReply) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (r.ok) p.ok(r.value);
      else p.fail(new Error(`load worker: ${r.error}`));
    });
    this.#worker.on('error', (err) => {
      for (const p of this.#pending.values()) p.fail(err);
      this.#pending.clear();
    });
  }

  #call<T>(msg: CallBody): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((ok, fail) => {
      this.#pending.set(id, { ok: (v) => ok(v as T), fail });
      this.#worker.postMessage({ ...msg, id });
    });
  }

  setup(concurrency: number) {
    return this.#call<{ podsSeconds: number; listBytes: number }>({ kind: 'setup', concurrency });
  }
  run(request: LoadRequest) {
    return this.#call<LoadResult>({ kind: 'run', request });
  }
  async close() {
    await this.#call({ kind: 'close' }).catch(() => {});
    await this.#worker.terminate();
  }
}

export function createApiLoad(init: ClientInit, mode: 'worker' | 'inline'): ApiLoad {
  return mode === 'inline' ? new InlineLoad(init) : new WorkerLoad(init);
}
