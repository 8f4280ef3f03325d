/** One watcher's inbox: the tailer pushes deliveries, the watch loop takes them in order. */
import type { Delivery, Subscriber } from './log-tailer.ts';

export class Subscription implements Subscriber {
  readonly #queue: Delivery[] = [];
  #wake: (() => void) | undefined;

  deliver(d: Delivery): void {
    this.#queue.push(d);
    this.#poke();
  }

  /** Wakes a pending `next` without a delivery (abort, bookmark due). */
  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * The next delivery, or undefined when `ms` pass or `signal` aborts first. Never loses a delivery:
   * it stays queued until taken.
   */
  async next(ms: number, signal: AbortSignal): Promise<Delivery | undefined> {
    const ready = this.#queue.shift();
    if (ready || signal.aborted) return ready;
    await new Promise<void>((ok) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        ok();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
    return this.#queue.shift();
  }
}
