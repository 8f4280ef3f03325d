/**
 * One type's log, followed by one loop per store instance: it computes the watermark (the highest
 * number below which every number is committed or filled), fills holes that stay open longer than
 * the hole timeout, and fans the committed entries out to every watcher of the type in rev order.
 * N watchers cost one Query per poll, not N.
 *
 * Holes: a writer takes a number, then commits its transaction; a crash in between leaves the
 * number without a log item. The loop notes when it first saw each hole (on a monotonic clock) and,
 * once the hole is older than `holeTimeoutMs`, writes a filler there. A filler and the writer's
 * log Put are both conditioned on the item's absence, so exactly one of them lands: a late writer
 * then fails (and retries with a new number) instead of committing behind readers' backs.
 */
import type { ApiError } from '../core/errors.ts';
import { num, type Item, type StoredEntry } from './codec.ts';
import type { DynamoIo } from './dynamo-io.ts';
import { toApiError, tooLargeResourceVersion } from './errors.ts';

/** What a subscriber receives: entries in rev order, and how far the watermark got. */
export type Delivery =
  | { kind: 'entries'; entries: StoredEntry[]; watermark: number }
  | { kind: 'error'; error: ApiError }
  | { kind: 'closed' };

export interface Subscriber {
  deliver(d: Delivery): void;
}

export interface LogTailerOptions {
  io: DynamoIo;
  typeKey: string;
  holeTimeoutMs: number;
  pollIntervalMs: number;
  /** Monotonic milliseconds; hole ages and deadlines are measured on it, not on the wall clock. */
  monotonic?: () => number;
  /** How often a raised watermark is written back to `meta` as a hint for cold readers. */
  hintIntervalMs?: number;
}

interface Waiter {
  target: number;
  deadline: number;
  resolve: () => void;
  reject: (err: ApiError) => void;
}

/** How many log items one poll reads at most, so one loop turn stays bounded. */
const SCAN_LIMIT = 1000;
/** How many DynamoDB pages (≤ 1 MB each) one poll reads at most. */
const MAX_PAGES = 4;
/** Consecutive failed polls after which watchers are told (each poll already has SDK retries). */
const MAX_FAILURES = 5;

export class LogTailer {
  readonly typeKey: string;
  readonly #io: DynamoIo;
  readonly #holeTimeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #now: () => number;
  readonly #hintIntervalMs: number;

  /** Every number ≤ #wm is committed or filled, and every entry ≤ #wm was delivered. */
  #wm = 0;
  /** The highest number known to be taken. */
  #counter = 0;
  readonly #subs = new Set<Subscriber>();
  readonly #waiters = new Set<Waiter>();
  /** Open holes: number → when this loop first saw it missing. */
  readonly #holes = new Map<number, number>();
  #running = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #nudged = false;
  #failures = 0;
  #hintWritten = 0;
  #hintAt = Number.NEGATIVE_INFINITY;

  constructor(opts: LogTailerOptions) {
    this.#io = opts.io;
    this.typeKey = opts.typeKey;
    this.#holeTimeoutMs = opts.holeTimeoutMs;
    this.#pollIntervalMs = opts.pollIntervalMs;
    this.#now = opts.monotonic ?? (() => performance.now());
    this.#hintIntervalMs = opts.hintIntervalMs ?? 1000;
  }

  /** The watermark as this loop last saw it (may lag; `snapshot()` gives a fresh one). */
  get watermark(): number {
    return this.#wm;
  }

  /**
   * The newest consistent point: the counter as of now, once every number up to it is committed or
   * filled. Lists are served at it.
   */
  async snapshot(timeoutMs: number): Promise<number> {
    let meta = await this.#io.readMeta(this.typeKey);
    if (meta.counter === 0) {
      // A type nothing was ever written to would list at "0", which clients read as "any version"
      // (and client-go's RetryWatcher refuses): settle number 1 with a filler once, and list there.
      const rev = await this.#io.takeNumber(this.typeKey);
      await this.#io.putFiller(this.typeKey, rev);
      meta = await this.#io.readMeta(this.typeKey);
    }
    this.#learn(meta.counter, meta.hint);
    if (this.#wm >= meta.counter) return meta.counter;
    await this.waitFor(meta.counter, timeoutMs);
    return meta.counter;
  }

  /**
   * Resolves once every number ≤ target is committed or filled. A target no writer has taken yet is
   * waited for up to `timeoutMs`, then rejected with kube's 504 ResourceVersionTooLarge.
   */
  waitFor(target: number, timeoutMs: number): Promise<void> {
    if (target <= this.#wm) return Promise.resolve();
    if (this.#closed) return Promise.reject(toApiError(new Error('store closed')));
    return new Promise((resolve, reject) => {
      this.#waiters.add({ target, deadline: this.#now() + timeoutMs, resolve, reject });
      this.#ensureRunning();
      this.nudge();
    });
  }

  /**
   * Adds a watcher that has already seen everything up to `from` (which must be verified, i.e. at
   * or below the watermark). It receives every entry after `joinAt`; entries in `(from, joinAt]`
   * are the watcher's to read (`DynamoIo.readLogRange`).
   */
  subscribe(sub: Subscriber, from: number): { joinAt: number } {
    if (this.#closed) throw new Error('store is closed');
    // With nobody listening, nothing is owed to anyone between the old position and `from`.
    if (this.#subs.size === 0 && from > this.#wm) this.#wm = from;
    this.#subs.add(sub);
    this.#ensureRunning();
    return { joinAt: this.#wm };
  }

  unsubscribe(sub: Subscriber): void {
    this.#subs.delete(sub);
    // Let an idle loop notice at once that nobody is left, rather than after its sleep.
    if (this.#subs.size === 0 && this.#waiters.size === 0) this.nudge();
  }

  /** Something was just written: poll now rather than at the next tick. */
  nudge(): void {
    this.#nudged = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  close(): void {
    this.#closed = true;
    for (const s of this.#subs) s.deliver({ kind: 'closed' });
    this.#subs.clear();
    for (const w of this.#waiters) w.reject(toApiError(new Error('store closed')));
    this.#waiters.clear();
    this.nudge();
  }

  /** Takes in numbers learned elsewhere: the counter and a verified watermark hint. */
  #learn(counter: number, hint: number): void {
    if (counter > this.#counter) this.#counter = counter;
    // Jumping ahead skips delivering entries, so only while no watcher is owed them.
    if (this.#subs.size === 0 && hint > this.#wm) this.#wm = hint;
    this.#settleWaiters();
  }

  #ensureRunning(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    try {
      while (!this.#closed && (this.#subs.size > 0 || this.#waiters.size > 0)) {
        this.#nudged = false;
        let again = false;
        try {
          again = await this.#poll();
          this.#failures = 0;
        } catch (err) {
          this.#failures++;
          const error = toApiError(err);
          // A waiter is a request in progress: fail it now rather than hang it.
          for (const w of this.#waiters) w.reject(error);
          this.#waiters.clear();
          if (this.#failures >= MAX_FAILURES) {
            for (const s of this.#subs) s.deliver({ kind: 'error', error });
            this.#subs.clear();
          }
        }
        this.#expireWaiters();
        if (!again && !this.#nudged) await this.#sleep(this.#pollIntervalMs);
      }
    } finally {
      this.#running = false;
    }
    // A subscriber or waiter that arrived as the loop was leaving must not be stranded.
    if (!this.#closed && (this.#subs.size > 0 || this.#waiters.size > 0)) this.#ensureRunning();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((ok) => {
      const t = setTimeout(() => {
        this.#wake = undefined;
        ok();
      }, ms);
      this.#wake = () => {
        clearTimeout(t);
        ok();
      };
    });
  }

  /** One turn: advance the watermark as far as the log allows. True when another turn should follow at once. */
  async #poll(): Promise<boolean> {
    // Waiters need to know which numbers were taken, so tail holes (taken, nothing after them yet)
    // can be found and filled.
    if ([...this.#waiters].some((w) => w.target > this.#wm)) {
      const meta = await this.#io.readMeta(this.typeKey);
      this.#learn(meta.counter, meta.hint);
    }
    const base = this.#wm;
    const watching = this.#subs.size > 0;
    const items: Item[] = [];
    let truncated = false;
    let start: Item | undefined;
    for (let pages = 1; ; pages++) {
      const page = await this.#io.queryLog(this.typeKey, {
        after: base,
        limit: SCAN_LIMIT - items.length,
        start,
        // Without watchers only the numbers matter; skip transferring payloads.
        ...(watching ? {} : { projection: 'pk, rev, filler' }),
      });
      items.push(...page.items);
      if (!page.last) break;
      // Pages are up to 1 MB each: bound the bytes one turn holds as well as the count.
      if (items.length >= SCAN_LIMIT || pages >= MAX_PAGES) {
        truncated = true;
        break;
      }
      start = page.last;
    }
    // Jumped while reading, or a watcher arrived and is owed payloads we skipped: read again.
    if (this.#wm !== base || (!watching && this.#subs.size > 0)) return true;

    let next = base + 1;
    let maxSeen = base;
    const accepted: Item[] = [];
    const seen = new Set<number>();
    for (const item of items) {
      const rev = num(item, 'rev') ?? 0;
      seen.add(rev);
      if (rev > maxSeen) maxSeen = rev;
      if (rev === next) {
        accepted.push(item);
        next++;
      }
    }
    if (maxSeen > this.#counter) this.#counter = maxSeen;
    const newWm = next - 1;

    // Holes: numbers after the new watermark known to be taken (below something seen, or at most the
    // counter) with no item yet.
    const now = this.#now();
    const horizon = truncated ? maxSeen : this.#counter;
    const stale: number[] = [];
    for (const r of [...this.#holes.keys()]) if (r <= newWm) this.#holes.delete(r);
    for (let r = next; r <= horizon; r++) {
      if (seen.has(r)) continue;
      const first = this.#holes.get(r);
      if (first === undefined) this.#holes.set(r, now);
      else if (now - first >= this.#holeTimeoutMs) stale.push(r);
    }

    let entries: StoredEntry[] = [];
    if (watching && accepted.length > 0) {
      entries = await Promise.all(accepted.filter((it) => !it.filler?.BOOL).map((it) => this.#io.decodeEntry(it)));
      if (this.#wm !== base) return true;
    }
    if (newWm > base) {
      this.#wm = newWm;
      for (const s of this.#subs) s.deliver({ kind: 'entries', entries, watermark: newWm });
      this.#settleWaiters();
    }

    let filled = false;
    for (const r of stale) {
      // Whichever lands — our filler or the late original — the number is settled; read again.
      await this.#io.putFiller(this.typeKey, r);
      this.#holes.delete(r);
      filled = true;
    }

    if (this.#wm > this.#hintWritten && now - this.#hintAt >= this.#hintIntervalMs) {
      this.#hintAt = now;
      this.#hintWritten = this.#wm;
      await this.#io.raiseHint(this.typeKey, this.#wm);
    }
    return truncated || filled;
  }

  #settleWaiters(): void {
    for (const w of this.#waiters) {
      if (w.target <= this.#wm) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  #expireWaiters(): void {
    const now = this.#now();
    for (const w of this.#waiters) {
      if (now >= w.deadline) {
        this.#waiters.delete(w);
        w.reject(tooLargeResourceVersion(w.target, this.#wm));
      }
    }
  }
}
