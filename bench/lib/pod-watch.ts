/**
 * Watches a namespace's pods from a worker thread, as a client on another machine would, and
 * notes for every pod when the watch first saw it, saw it bound, saw it Running and saw it Ready.
 * Times are receive times on the worker's own event loop (epoch milliseconds with sub-millisecond
 * precision), so the control plane's busy event loop does not delay them; creationTimestamp has
 * only one-second resolution and is kept beside them.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { KubeClient } from '../../lib/agent/client.ts';

export interface PodTimes {
  name: string;
  /** metadata.creationTimestamp (ms, 1 s resolution). */
  created: number;
  /** When the first event of the pod arrived (its ADDED). */
  seen: number;
  /** When an event first showed spec.nodeName. */
  bound?: number;
  /** When an event first showed status.phase Running. */
  running?: number;
  /** When an event first showed the Ready condition True. */
  ready?: number;
  events: number;
}

interface Init {
  kind: 'pod-watch';
  url: string;
  caPem: string;
  token: string;
  namespace: string;
  expect: number;
}

type FromWorker = { kind: 'synced' } | { kind: 'running'; count: number; at: number } | { kind: 'pods'; pods: PodTimes[] } | { kind: 'error'; message: string };
type ToWorker = { kind: 'collect' } | { kind: 'stop' };

interface PodShape {
  metadata?: { name?: string; creationTimestamp?: string; resourceVersion?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

const now = () => performance.timeOrigin + performance.now();

function runWorker(init: Init, port: NonNullable<typeof parentPort>): void {
  const client = new KubeClient({ server: init.url, token: init.token, caPem: init.caPem, userAgent: 'skiff-bench-watch/0.1' });
  const pods = new Map<string, PodTimes>();
  let running = 0;
  const post = (m: FromWorker) => port.postMessage(m);
  const watcher = client.watch<PodShape>(`/api/v1/namespaces/${encodeURIComponent(init.namespace)}/pods`, {
    onEvent: (_type, pod) => {
      const t = now();
      const name = pod.metadata?.name ?? '';
      let p = pods.get(name);
      if (!p) {
        p = { name, created: Date.parse(pod.metadata?.creationTimestamp ?? '') || t, seen: t, events: 0 };
        pods.set(name, p);
      }
      p.events++;
      if (p.bound === undefined && pod.spec?.nodeName) p.bound = t;
      if (p.ready === undefined && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) p.ready = t;
      if (p.running === undefined && pod.status?.phase === 'Running') {
        p.running = t;
        running++;
        if (running % 50 === 0 || running >= init.expect) post({ kind: 'running', count: running, at: t });
      }
    },
    onError: (err) => post({ kind: 'error', message: err.message }),
  });
  void watcher.synced.then(() => post({ kind: 'synced' }));
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'collect') post({ kind: 'pods', pods: [...pods.values()] });
    else
      void watcher.stop().then(() => {
        client.close();
        port.close();
      });
  });
}

/** The main thread's side: start, wait for a number of pods Running, collect the times. */
export class PodWatch {
  readonly #worker: Worker;
  readonly synced: Promise<void>;
  readonly errors: string[] = [];
  #running = 0;
  #runningAt = 0;
  #waiters: { count: number; ok: () => void }[] = [];
  #collect: ((pods: PodTimes[]) => void)[] = [];
  onProgress?: (running: number) => void;

  constructor(init: Omit<Init, 'kind'>) {
    // Workers do not inherit tsx's loader hooks on Node 20: register them in the worker first.
    const entry = new URL(import.meta.url).href;
    this.#worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, {
      eval: true,
      workerData: { ...init, kind: 'pod-watch' } satisfies Init,
    });
    let synced!: () => void;
    this.synced = new Promise<void>((ok) => (synced = ok));
    this.#worker.on('message', (m: FromWorker) => {
      if (m.kind === 'synced') synced();
      else if (m.kind === 'error') this.errors.push(m.message);
      else if (m.kind === 'pods') for (const f of this.#collect.splice(0)) f(m.pods);
      else if (m.kind === 'running') {
        this.#running = m.count;
        this.#runningAt = m.at;
        this.onProgress?.(m.count);
        const due = this.#waiters.filter((w) => w.count <= m.count);
        this.#waiters = this.#waiters.filter((w) => w.count > m.count);
        for (const w of due) w.ok();
      }
    });
    this.#worker.on('error', (err) => this.errors.push(err.message));
  }

  get running(): number {
    return this.#running;
  }

  /** When the watch last reported a pod Running (epoch ms). */
  get lastRunningAt(): number {
    return this.#runningAt;
  }

  /** Resolves true once `count` pods have been seen Running, false after `timeoutMs`. */
  waitRunning(count: number, timeoutMs: number): Promise<boolean> {
    if (this.#running >= count) return Promise.resolve(true);
    return new Promise((ok) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.ok !== done);
        ok(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        ok(true);
      };
      this.#waiters.push({ count, ok: done });
    });
  }

  collect(): Promise<PodTimes[]> {
    return new Promise((ok) => {
      this.#collect.push(ok);
      this.#worker.postMessage({ kind: 'collect' } satisfies ToWorker);
    });
  }

  async stop(): Promise<void> {
    this.#worker.postMessage({ kind: 'stop' } satisfies ToWorker);
    const exited = new Promise<void>((ok) => this.#worker.once('exit', () => ok()));
    const timer = setTimeout(() => void this.#worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

if (!isMainThread && parentPort && (workerData as Init | undefined)?.kind === 'pod-watch') runWorker(workerData as Init, parentPort);
