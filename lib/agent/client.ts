/**
 * A small Kubernetes REST client over node:https: one keep-alive connection pool, the cluster's
 * CA pinned, a bearer token, JSON bodies. The verbs an agent needs (get, list, create, update,
 * patch, status update, delete) and a resuming watch. Failures the API answers carry its
 * `Status` (`StatusError`); transport failures are plain errors.
 */
import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Status } from '../core/errors.ts';
import type { KubeObject } from '../core/object.ts';

export interface ClientOptions {
  /** The API's base URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  token?: string;
  /** PEM of the CA to trust; it replaces the system's CAs. */
  caPem?: string;
  userAgent?: string;
  /** Per request, except watches. Default 30 s. */
  timeoutMs?: number;
  /** `fieldValidation` on writes. Default Strict: unknown fields are an error, not a warning. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Sockets kept per pool; each open watch holds one. Default 64. */
  maxSockets?: number;
  /** Called with each `Warning` header the API sends. */
  onWarning?: (text: string) => void;
}

/** An error the API answered with: its Status, code and reason. */
export class StatusError extends Error {
  readonly status: Status;
  readonly code: number;
  readonly reason: string;

  constructor(status: Status, method?: string, path?: string) {
    super(`${method && path ? `${method} ${path}: ` : ''}${status.message || status.reason || `HTTP ${status.code}`}`);
    this.name = 'StatusError';
    this.status = status;
    this.code = status.code;
    this.reason = status.reason;
  }
}

/** True when `err` is a StatusError with this code (and reason, if given). */
export function isStatus(err: unknown, code: number, reason?: string): err is StatusError {
  return err instanceof StatusError && err.code === code && (reason === undefined || err.reason === reason);
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  dryRun?: 'All'[];
}

export type PatchType = 'merge' | 'strategic' | 'json';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  /** The object; for ERROR, a Status. */
  object: T;
}

export interface WatchOptions<T> {
  labelSelector?: string;
  fieldSelector?: string;
  /** Start from this version; without it the watch lists first. */
  resourceVersion?: string;
  /** The full state, after the first list and after every relist (410 Gone); without it the items come as ADDED events. */
  onList?: (items: T[], resourceVersion: string) => void | Promise<void>;
  onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T) => void | Promise<void>;
  /** A failed attempt; the watch retries with backoff. */
  onError?: (err: Error) => void;
  /** Asks the server to end each watch after this long (it is then resumed). */
  timeoutSeconds?: number;
  /** Page size of the lists. Default 500. */
  pageSize?: number;
  /** Reconnect backoff: doubles from min to max, reset by a watch that delivered or lasted. Defaults 250 ms and 10 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface Watcher {
  /** The last resourceVersion seen (list, event or bookmark). */
  readonly resourceVersion: string | undefined;
  /** Resolves once the first list (or the first watch, when started from a version) is through. */
  readonly synced: Promise<void>;
  /** Ends the watch; resolves when its handlers have returned. */
  stop(): Promise<void>;
}

/** `/api/v1/...` or `/apis/<group>/<version>/...` for a resource, its items and subresources. */
export function apiPath(apiVersion: string, resource: string, opts: { namespace?: string; name?: string; subresource?: string } = {}): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = opts.namespace !== undefined ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
  const name = opts.name !== undefined ? `/${encodeURIComponent(opts.name)}` : '';
  const sub = opts.subresource ? `/${opts.subresource}` : '';
  return `${base}${ns}/${resource}${name}${sub}`;
}

interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface SendOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 406: 'NotAcceptable',
  409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType', 422: 'Invalid',
  429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

function statusFrom(code: number, body: Buffer): Status {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Partial<Status>;
    if (parsed && parsed.kind === 'Status') return { ...parsed, code: parsed.code ?? code } as Status;
  } catch {
    // not JSON: described below
  }
  const text = body.toString('utf8').trim().slice(0, 200);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason: REASONS[code] ?? 'Unknown', message: text || `HTTP ${code}` };
}

/** Whether a request on a reused keep-alive socket died before the server could answer it. */
function staleSocket(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
  return !!e?.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'socket hang up');
}

export class KubeClient {
  readonly server: string;
  readonly #agent: Agent;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #fieldValidation: string;
  readonly #onWarning?: (text: string) => void;
  readonly #closed = new AbortController();

  constructor(opts: ClientOptions) {
    this.server = opts.server.replace(/\/+$/, '');
    this.#agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64, ...(opts.caPem ? { ca: opts.caPem } : {}) });
    this.#headers = {
      accept: 'application/json',
      'user-agent': opts.userAgent ?? 'skiff-agent/v1.32.0',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    };
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#fieldValidation = opts.fieldValidation ?? 'Strict';
    this.#onWarning = opts.onWarning;
    // Every request in flight listens for close(); many may be in flight at once.
    setMaxListeners(0, this.#closed.signal);
  }

  // ---------------------------------------------------------------- verbs

  async get<T = KubeObject>(path: string, opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.#json<T>('GET', path, opts);
  }

  /** One page; `listAll` follows `continue` to the end. */
  async list<T = KubeObject>(path: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const { signal, ...q } = opts;
    return this.#json<ObjectList<T>>('GET', path, { query: { ...q }, signal });
  }

  /** Every page of a list, from one snapshot. */
  async listAll<T = KubeObject>(path: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const first = await this.list<T>(path, opts);
    const items = [...first.items];
    let cont = first.metadata.continue;
    while (cont) {
      const page = await this.list<T>(path, { ...opts, resourceVersion: undefined, resourceVersionMatch: undefined, continue: cont });
      items.push(...page.items);
      cont = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  /** POST to a collection. */
  async create<T = KubeObject>(path: string, body: unknown, opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.#json<T>('POST', path, { body, query: { fieldValidation: this.#fieldValidation }, signal: opts.signal });
  }

  /** PUT of the whole object; a `metadata.resourceVersion` in it makes a concurrent change a 409. */
  async update<T = KubeObject>(path: string, body: unknown, opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.#json<T>('PUT', path, { body, query: { fieldValidation: this.#fieldValidation }, signal: opts.signal });
  }

  /** PUT to the item's `status` subresource: only the status changes. */
  async updateStatus<T = KubeObject>(path: string, body: unknown, opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.update<T>(`${path}/status`, body, opts);
  }

  async patch<T = KubeObject>(path: string, patch: unknown, type: PatchType = 'merge', opts: { subresource?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.#json<T>('PATCH', opts.subresource ? `${path}/${opts.subresource}` : path, {
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      query: { fieldValidation: this.#fieldValidation },
      signal: opts.signal,
    });
  }

  /** DELETE with DeleteOptions in the body; answers the object (still there, or as deleted) or a Status. */
  async delete<T = KubeObject | Status>(path: string, options: DeleteOptions = {}, opts: { signal?: AbortSignal } = {}): Promise<T> {
    return this.#json<T>('DELETE', path, { body: { apiVersion: 'v1', kind: 'DeleteOptions', ...options }, signal: opts.signal });
  }

  /**
   * One watch request: its events as they arrive, BOOKMARK and ERROR included, until the server
   * ends it or `signal` aborts. A refused watch (410 Gone, 400, ...) throws a StatusError.
   */
  async *watchOnce<T = KubeObject>(
    path: string,
    opts: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number; onOpen?: () => void } = {},
  ): AsyncGenerator<WatchEvent<T>> {
    const { signal, onOpen, ...q } = opts;
    const inner = new AbortController();
    const abort = () => inner.abort();
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) inner.abort();
    try {
      const res = await this.#open('GET', path, { query: { ...q, watch: true }, signal: inner.signal }, false);
      if ((res.statusCode ?? 0) >= 300) {
        const body = await readAll(res);
        throw new StatusError(statusFrom(res.statusCode ?? 0, body), 'GET', path);
      }
      onOpen?.();
      res.setEncoding('utf8');
      let buf = '';
      for await (const chunk of res as AsyncIterable<string>) {
        buf += chunk;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
          nl = buf.indexOf('\n');
        }
      }
      if (buf.trim()) yield JSON.parse(buf) as WatchEvent<T>;
    } finally {
      signal?.removeEventListener('abort', abort);
      inner.abort();
    }
  }

  /**
   * A watch that keeps going: lists (unless started from a version), watches from the list's
   * version with bookmarks, resumes from the last version seen when the server ends the watch,
   * relists on 410 Gone, and backs off on failures. Handlers run one at a time, in order.
   */
  watch<T extends { metadata?: { resourceVersion?: string } } = KubeObject>(path: string, opts: WatchOptions<T>): Watcher {
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.#closed.signal]);
    const min = opts.minBackoffMs ?? 250;
    const max = opts.maxBackoffMs ?? 10_000;
    let rv = opts.resourceVersion;
    let synced!: () => void;
    const syncedP = new Promise<void>((ok) => (synced = ok));
    const selectors = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };

    const relist = async () => {
      const list = await this.listAll<T>(path, { ...selectors, limit: opts.pageSize ?? 500, signal });
      if (signal.aborted) return;
      if (opts.onList) await opts.onList(list.items, list.metadata.resourceVersion);
      else for (const item of list.items) await opts.onEvent('ADDED', item);
      rv = list.metadata.resourceVersion;
    };

    const loop = async () => {
      let backoff = min;
      const pause = async () => {
        await sleep(backoff * (0.75 + Math.random() / 2), undefined, { signal }).catch(() => {});
        backoff = Math.min(max, backoff * 2);
      };
      while (!signal.aborted) {
        try {
          if (rv === undefined) {
            await relist();
            synced();
          }
          const began = Date.now();
          let delivered = false;
          let gone = false;
          for await (const ev of this.watchOnce<T>(path, { ...selectors, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: opts.timeoutSeconds, signal, onOpen: synced })) {
            if (ev.type === 'ERROR') {
              const status = ev.object as unknown as Status;
              if (status?.code === 410) {
                gone = true;
                break;
              }
              throw new StatusError(status, 'WATCH', path);
            }
            rv = ev.object?.metadata?.resourceVersion || rv;
            if (ev.type === 'BOOKMARK') continue;
            await opts.onEvent(ev.type, ev.object);
            delivered = true;
          }
          if (gone) {
            rv = undefined;
            continue;
          }
          // The server ended the watch: resume at once after a healthy one, else back off.
          if (delivered || Date.now() - began > 5000) backoff = min;
          else await pause();
        } catch (err) {
          if (signal.aborted) break;
          if (isStatus(err, 410)) {
            rv = undefined;
            continue;
          }
          opts.onError?.(err as Error);
          await pause();
        }
      }
    };
    const done = loop();
    return {
      get resourceVersion() {
        return rv;
      },
      synced: syncedP,
      async stop() {
        stop.abort();
        await done;
      },
    };
  }

  /** Aborts every request and watch, and closes the connections. */
  close(): void {
    this.#closed.abort();
    this.#agent.destroy();
  }

  // ---------------------------------------------------------------- transport

  async #json<T>(method: string, path: string, opts: SendOptions): Promise<T> {
    const res = await this.#send(method, path, opts);
    if (res.status >= 300) throw new StatusError(statusFrom(res.status, res.body), method, path);
    return (res.body.length ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
  }

  async #send(method: string, path: string, opts: SendOptions): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.#open(method, path, opts, true);
        const body = await readAll(res);
        return { status: res.statusCode ?? 0, headers: res.headers, body };
      } catch (err) {
        // A kept-alive socket the server closed meanwhile: the request never got there.
        if (attempt === 0 && staleSocket(err)) continue;
        throw err;
      }
    }
  }

  #open(method: string, path: string, opts: SendOptions, timed: boolean): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...this.#headers };
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.#closed.signal]) : this.#closed.signal;
    return new Promise((ok, fail) => {
      if (signal.aborted) return fail(signal.reason ?? new Error('aborted'));
      const req = request(url, { method, headers, agent: this.#agent, signal }, (res) => {
        const warning = res.headers['warning'];
        if (warning && this.#onWarning) for (const w of String(warning).split(/,\s*(?=\d{3} )/)) this.#onWarning(w);
        ok(res);
      });
      if (timed) req.setTimeout(this.#timeoutMs, () => req.destroy(new Error(`${method} ${url.pathname} timed out after ${this.#timeoutMs} ms`)));
      req.on('error', (err: Error & { reusedSocket?: boolean }) => {
        err.reusedSocket = req.reusedSocket;
        fail(err);
      });
      req.end(payload);
    });
  }
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => ok(Buffer.concat(chunks)));
    res.on('error', fail);
    res.on('close', () => {
      if (!res.complete) fail(new Error('the response was cut short'));
    });
  });
}
