/**
 * Counts what the local runtime does, through its instrumentation hooks (`LocalInstrumentation`):
 * every DynamoDB and SQS command its clients send (SDK middleware at the initialize step: one
 * count per command, however many HTTP attempts the SDK's retries make), every handler
 * invocation of the local event source mappings, and every HTTPS request the API receives.
 *
 * Counts are cumulative; `snapshot()` copies them and `since(a, b)` is what happened in between.
 */
import type { IncomingMessage } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalInstrumentation } from '../../lib/local/cluster.ts';

/** Cumulative counts by key; see the `K` helpers for the keys. */
export type Tally = Record<string, number>;

/** The DynamoDB commands that write (each request counts once, whatever it holds). */
export const WRITE_COMMANDS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);
/** The DynamoDB commands that read items. */
export const READ_COMMANDS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

interface AttributeValue {
  S?: string;
  N?: string;
}
interface KeyedInput {
  TableName?: string;
  Key?: Record<string, AttributeValue>;
  Item?: Record<string, AttributeValue>;
  UpdateExpression?: string;
}
interface TransactInput {
  TransactItems?: { Put?: KeyedInput; Update?: KeyedInput; Delete?: KeyedInput; ConditionCheck?: KeyedInput }[];
}

/**
 * What a write is for, from its table and partition key: `objects pods`, `objects pods@node/*`,
 * `objects heartbeats`, `meta seq/* ADD` (resourceVersion numbers), `meta seq/* SET` (watermark
 * hints), `meta checkpoint#*` (the local stream poller's checkpoints), `log <type>`.
 */
export function writeTarget(input: KeyedInput, prefix: string): string {
  const table = (input.TableName ?? '?').startsWith(prefix) ? (input.TableName ?? '?').slice(prefix.length) : (input.TableName ?? '?');
  const pk = input.Key?.pk?.S ?? input.Item?.pk?.S ?? '?';
  let cls = pk;
  for (const p of ['seq/', 'checkpoint#', 'pods@node/', 'chunk/']) if (pk.startsWith(p)) cls = `${p}*`;
  if (cls === 'seq/*' && input.UpdateExpression) cls += ` ${input.UpdateExpression.trim().split(/\s+/)[0]}`;
  return `${table} ${cls}`;
}

interface ReadInput extends KeyedInput {
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/**
 * What a read is for: a GetItem's table and key class (`objects pods`), a Query's table, index and
 * partition value class (`log pods`, `objects byNode pods@node/*`).
 */
export function readTarget(input: ReadInput, prefix: string): string {
  if (input.Key) return writeTarget(input, prefix);
  const table = (input.TableName ?? '?').startsWith(prefix) ? (input.TableName ?? '?').slice(prefix.length) : (input.TableName ?? '?');
  const pkName = /^\s*#?(\w+)\s*=\s*(:\w+)/.exec(input.KeyConditionExpression ?? '');
  let pk = (pkName && input.ExpressionAttributeValues?.[pkName[2]]?.S) ?? '?';
  for (const p of ['seq/', 'checkpoint#', 'pods@node/', 'chunk/']) if (pk.startsWith(p)) pk = `${p}*`;
  return `${table}${input.IndexName ? ` ${input.IndexName}` : ''} ${pk}`;
}

/** `GET pods`, `PUT pods/status`, `WATCH pods`, `POST pods/binding`, `PUT leases` … from an API request. */
export function requestKind(method: string, url: string): string {
  const u = new URL(url, 'https://x');
  const parts = u.pathname.split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  let rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : parts;
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const resource = rest[0] ?? u.pathname;
  const sub = rest.length >= 3 ? `/${rest[2]}` : '';
  const verb = u.searchParams.get('watch') === 'true' || u.searchParams.get('watch') === '1' ? 'WATCH' : method;
  return `${verb} ${resource}${sub}`;
}

export class RuntimeCounters implements LocalInstrumentation {
  readonly #t: Tally = {};
  readonly #prefix: string;

  /** `prefix`: the runtime's table and queue name prefix (`skiff-`). */
  constructor(prefix = 'skiff-') {
    this.#prefix = prefix;
  }

  #add(key: string, v = 1): void {
    this.#t[key] = (this.#t[key] ?? 0) + v;
  }

  snapshot(): Tally {
    return { ...this.#t };
  }

  dynamo(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const cmd = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        this.#add(`ddb ${cmd}`);
        const input = args.input as KeyedInput & TransactInput;
        if (cmd === 'TransactWriteItems') {
          for (const item of input.TransactItems ?? []) {
            for (const [op, body] of Object.entries(item)) {
              if (!body) continue;
              this.#add('ddb.items TransactWriteItems');
              this.#add(`ddb.txitem ${op} ${writeTarget(body as KeyedInput, this.#prefix)}`);
            }
          }
        } else if (WRITE_COMMANDS.has(cmd)) {
          this.#add(`ddb.write ${cmd} ${writeTarget(input, this.#prefix)}`);
        } else if (READ_COMMANDS.has(cmd)) {
          this.#add(`ddb.read ${cmd} ${readTarget(input as ReadInput, this.#prefix)}`);
        }
        const started = performance.now();
        try {
          const out = await next(args);
          this.#add(`ddb.ms ${cmd}`, performance.now() - started);
          return out;
        } catch (err) {
          this.#add(`ddb.ms ${cmd}`, performance.now() - started);
          this.#add(`ddb.error ${cmd} ${(err as Error)?.name ?? 'Error'}`);
          throw err;
        }
      },
      { step: 'initialize', name: 'skiffBenchCounter', override: true },
    );
  }

  sqs(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const cmd = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        this.#add(`sqs ${cmd}`);
        const input = args.input as { QueueUrl?: string; Entries?: unknown[] };
        const queue = (input.QueueUrl ?? '?').split('/').pop()!.replace(this.#prefix, '');
        if (cmd === 'SendMessage') this.#add(`sqs.sent ${queue}`);
        if (cmd === 'SendMessageBatch') this.#add(`sqs.sent ${queue}`, input.Entries?.length ?? 0);
        return next(args);
      },
      { step: 'initialize', name: 'skiffBenchCounter', override: true },
    );
  }

  invoke(functionId: string, records: number): (ok: boolean) => void {
    this.#add(`invoke ${functionId}`);
    this.#add(`invoke.records ${functionId}`, records);
    const started = performance.now();
    return (ok) => {
      this.#add(`invoke.ms ${functionId}`, performance.now() - started);
      if (!ok) this.#add(`invoke.failed ${functionId}`);
    };
  }

  request(req: IncomingMessage): void {
    const who = String(req.headers['user-agent'] ?? '').startsWith('skiff-agent') ? 'agent' : 'other';
    this.#add(`api ${who}`);
    this.#add(`api.kind ${who} ${requestKind(req.method ?? 'GET', req.url ?? '/')}`);
  }
}

/** What happened between two snapshots (keys that did not move are left out). */
export function since(before: Tally, after: Tally): Tally {
  const out: Tally = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** The entries whose key starts with `prefix + ' '`, keyed by the rest, largest first. */
export function group(t: Tally, prefix: string): Record<string, number> {
  const p = `${prefix} `;
  return Object.fromEntries(
    Object.entries(t)
      .filter(([k]) => k.startsWith(p))
      .map(([k, v]) => [k.slice(p.length), v] as const)
      .sort((a, b) => b[1] - a[1]),
  );
}

export function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

/** A window's counts in the shape the results report them. */
export interface WindowCounts {
  dynamo: {
    /** Write requests (PutItem, UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem: one each). */
    writes: number;
    /** Item-read requests (GetItem, Query, Scan, BatchGetItem, TransactGetItems: one each). */
    reads: number;
    byCommand: Record<string, number>;
    transactWriteItems: { requests: number; items: number };
    /** Writes outside transactions by what they are for, plus `TransactWriteItems` as one line. */
    writesByTarget: Record<string, number>;
    /** Items inside transactions by operation and target. */
    transactionItems: Record<string, number>;
    /** Read requests by command and target. */
    readsByTarget: Record<string, number>;
    /** Log items written (store changes and fillers), by type. */
    logEvents: Record<string, number>;
    errors: Record<string, number>;
    /** Time spent waiting on DynamoDB, summed over concurrent requests, by command (ms). */
    busyMs: Record<string, number>;
  };
  sqs: { sent: number; sentByQueue: Record<string, number>; requestsByCommand: Record<string, number> };
  invocations: { total: number; byFunction: Record<string, number>; records: Record<string, number>; busyMs: Record<string, number>; failed: Record<string, number> };
  api: { requests: number; byClient: Record<string, number>; byKind: Record<string, number> };
}

export function windowCounts(t: Tally): WindowCounts {
  const byCommand = group(t, 'ddb');
  const writes = sum(Object.fromEntries(Object.entries(byCommand).filter(([k]) => WRITE_COMMANDS.has(k))));
  const reads = sum(Object.fromEntries(Object.entries(byCommand).filter(([k]) => READ_COMMANDS.has(k))));
  const txItems = group(t, 'ddb.txitem');
  const writesByTarget = group(t, 'ddb.write');
  if (byCommand.TransactWriteItems) writesByTarget['TransactWriteItems (store changes)'] = byCommand.TransactWriteItems;
  const logEvents: Record<string, number> = {};
  for (const [k, v] of [...Object.entries(txItems), ...Object.entries(writesByTarget)]) {
    const m = /^(?:Put |PutItem )?log (.+)$/.exec(k);
    if (m) logEvents[m[1]] = (logEvents[m[1]] ?? 0) + v;
  }
  const round = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]));
  return {
    dynamo: {
      writes,
      reads,
      byCommand,
      transactWriteItems: { requests: byCommand.TransactWriteItems ?? 0, items: t['ddb.items TransactWriteItems'] ?? 0 },
      writesByTarget: Object.fromEntries(Object.entries(writesByTarget).sort((a, b) => b[1] - a[1])),
      transactionItems: txItems,
      readsByTarget: group(t, 'ddb.read'),
      logEvents: Object.fromEntries(Object.entries(logEvents).sort((a, b) => b[1] - a[1])),
      errors: group(t, 'ddb.error'),
      busyMs: round(group(t, 'ddb.ms')),
    },
    sqs: { sent: sum(group(t, 'sqs.sent')), sentByQueue: group(t, 'sqs.sent'), requestsByCommand: group(t, 'sqs') },
    invocations: {
      total: sum(group(t, 'invoke')),
      byFunction: group(t, 'invoke'),
      records: group(t, 'invoke.records'),
      busyMs: round(group(t, 'invoke.ms')),
      failed: group(t, 'invoke.failed'),
    },
    api: { requests: sum(group(t, 'api')), byClient: group(t, 'api'), byKind: group(t, 'api.kind') },
  };
}
