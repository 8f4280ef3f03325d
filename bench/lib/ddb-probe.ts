/**
 * Counts and times every DynamoDB request the cluster makes, by wrapping `DynamoDBClient.send` on
 * the prototype (the cluster builds its own client; nothing outside bench/ is changed). Clients the
 * bench itself uses for the raw floor are registered with `ignore` and not counted.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { summarize, round, type LatencySummary } from './stats.ts';

export interface CallStats {
  calls: number;
  errors: Record<string, number>;
  /** Items per TransactWriteItems (only for that command). */
  itemsPerCall?: number;
  latencyMs: LatencySummary;
}

export interface ProbeWindow {
  byCommand: Record<string, CallStats>;
  total: number;
}

interface Acc {
  calls: number;
  items: number;
  errors: Map<string, number>;
  durations: number[];
}

type Send = (this: DynamoDBClient, command: unknown, ...rest: unknown[]) => Promise<unknown>;

export class DynamoProbe {
  readonly #ignored = new WeakSet<object>();
  #acc = new Map<string, Acc>();
  #original: Send | undefined;

  install(): void {
    if (this.#original) return;
    const proto = DynamoDBClient.prototype as unknown as { send: Send };
    const original = proto.send;
    this.#original = original;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const probe = this;
    proto.send = function (this: DynamoDBClient, command: unknown, ...rest: unknown[]) {
      if (probe.#ignored.has(this)) return original.call(this, command, ...rest);
      const name = ((command as { constructor?: { name?: string } })?.constructor?.name ?? 'Unknown').replace(/Command$/, '');
      const items = name === 'TransactWriteItems' ? ((command as { input?: { TransactItems?: unknown[] } }).input?.TransactItems?.length ?? 0) : 0;
      const start = performance.now();
      const p = original.call(this, command, ...rest);
      const acc = probe.#entry(name);
      acc.calls++;
      acc.items += items;
      return p.then(
        (v) => {
          acc.durations.push(performance.now() - start);
          return v;
        },
        (err: unknown) => {
          acc.durations.push(performance.now() - start);
          const code = (err as { name?: string })?.name ?? 'Error';
          acc.errors.set(code, (acc.errors.get(code) ?? 0) + 1);
          throw err;
        },
      );
    };
  }

  uninstall(): void {
    if (!this.#original) return;
    (DynamoDBClient.prototype as unknown as { send: Send }).send = this.#original;
    this.#original = undefined;
  }

  ignore(client: DynamoDBClient): void {
    this.#ignored.add(client);
  }

  /** Starts a new counting window. */
  reset(): void {
    this.#acc = new Map();
  }

  /** What was counted since the last reset. */
  take(): ProbeWindow {
    const byCommand: Record<string, CallStats> = {};
    let total = 0;
    for (const [name, a] of [...this.#acc].sort(([x], [y]) => x.localeCompare(y))) {
      total += a.calls;
      byCommand[name] = {
        calls: a.calls,
        errors: Object.fromEntries(a.errors),
        ...(name === 'TransactWriteItems' ? { itemsPerCall: round(a.items / Math.max(1, a.calls)) } : {}),
        latencyMs: summarize(a.durations),
      };
    }
    return { byCommand, total };
  }

  #entry(name: string): Acc {
    let a = this.#acc.get(name);
    if (!a) {
      a = { calls: 0, items: 0, errors: new Map(), durations: [] };
      this.#acc.set(name, a);
    }
    return a;
  }
}

/** Calls per operation, e.g. `{ GetItem: 2, UpdateItem: 1, TransactWriteItems: 1 }`. */
export function perOperation(w: ProbeWindow, ops: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(w.byCommand)) out[name] = round(s.calls / Math.max(1, ops), 2);
  return out;
}
