/**
 * Admission for the store's writes when the database behind it has a fixed capacity (one DynamoDB
 * Local process on the machine's cores): at most `limit` writes run at once, and the one that waits
 * longest is not the one that arrived first but the one whose object is oldest.
 *
 * Why oldest object first: a burst of creates (a ReplicaSet making 500 pods) otherwise fills the
 * database's queue, and every pod already created waits behind the burst for its binding and its
 * status. Serving writes in order of their object's birth finishes the work already started before
 * starting more, which is what a pod's startup latency (created → Running) measures; the total
 * work, and so the throughput, stays the same. A create is as old as its arrival, so an update of
 * an object born after it never passes it: nothing waits behind a stream of younger work.
 */
export class WriteGate {
  readonly #limit: number;
  #running = 0;
  #seq = 0;
  /** A binary min-heap on (priority, seq). */
  readonly #heap: { priority: number; seq: number; start: () => void }[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`write concurrency must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Writes running now. */
  get running(): number {
    return this.#running;
  }

  /** Writes waiting for a turn. */
  get waiting(): number {
    return this.#heap.length;
  }

  /** Runs `fn` when a turn is free; a lower `priority` goes first, ties in arrival order. */
  async run<T>(priority: number, fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit || this.#heap.length > 0) {
      await new Promise<void>((start) => this.#push({ priority, seq: this.#seq++, start }));
    } else {
      this.#running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.#pop();
      // The turn passes straight to the next writer (running stays the same), or is given back.
      if (next) next.start();
      else this.#running--;
    }
  }

  #push(entry: { priority: number; seq: number; start: () => void }): void {
    const h = this.#heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  #pop(): { priority: number; seq: number; start: () => void } | undefined {
    const h = this.#heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: { priority: number; seq: number }, b: { priority: number; seq: number }): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}
