/**
 * The DynamoDB calls the store makes, in one place: the key layout of `keys.ts` turned into
 * requests. Every read that decides something is a consistent read (ConsistentRead=true).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { Clock, KubeObject } from '../core/object.ts';
import type { TableNames } from '../topology.ts';
import { decodeLogItem, decodePayload, fillerItem, n, num, s, stamp, type ChunkLoader, type Item, type StoredEntry } from './codec.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { chunkPk, metaPk } from './keys.ts';

export interface MetaState {
  /** The last number handed out (0 before the first write). */
  counter: number;
  /** A watermark some reader has verified (0 when none has). */
  hint: number;
}

export interface Page {
  items: Item[];
  /** The key to continue after, when DynamoDB stopped before the end of the range. */
  last?: Item;
}

interface SequenceQueue {
  waiting: { resolve: (n: number) => void; reject: (err: unknown) => void }[];
  busy: boolean;
}

/** How many numbers one sequence update may hand out. */
const MAX_NUMBERS_PER_TAKE = 64;

export class DynamoIo {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly clock: Clock;

  constructor(opts: { client: DynamoDBClient; tables: TableNames; clock: Clock }) {
    this.client = opts.client;
    this.tables = opts.tables;
    this.clock = opts.clock;
  }

  // ---- meta ---------------------------------------------------------------------------------

  async readMeta(typeKey: string): Promise<MetaState> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.tables.meta, Key: { pk: s(metaPk(typeKey)) }, ConsistentRead: true }),
    );
    return { counter: (r.Item && num(r.Item, 'n')) ?? 0, hint: (r.Item && num(r.Item, 'wm')) ?? 0 };
  }

  /**
   * Takes the type's next number. Writers asking at the same moment share one `ADD k` (group
   * commit): each gets its own number from the range at once, so no number is left waiting.
   */
  takeNumber(typeKey: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let queue = this.#sequences.get(typeKey);
      if (!queue) this.#sequences.set(typeKey, (queue = { waiting: [], busy: false }));
      queue.waiting.push({ resolve, reject });
      if (!queue.busy) void this.#drainSequence(typeKey, queue);
    });
  }

  readonly #sequences = new Map<string, SequenceQueue>();

  async #drainSequence(typeKey: string, queue: SequenceQueue): Promise<void> {
    queue.busy = true;
    try {
      while (queue.waiting.length) {
        const batch = queue.waiting.splice(0, MAX_NUMBERS_PER_TAKE);
        try {
          const r = await this.client.send(
            new UpdateItemCommand({
              TableName: this.tables.meta,
              Key: { pk: s(metaPk(typeKey)) },
              UpdateExpression: 'ADD n :k',
              ExpressionAttributeValues: { ':k': n(batch.length) },
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          const high = r.Attributes && num(r.Attributes, 'n');
          if (high === undefined) throw new Error(`sequence ${typeKey} returned no number`);
          batch.forEach((w, i) => w.resolve(high - batch.length + 1 + i));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      queue.busy = false;
    }
  }

  /** Records a verified watermark so a cold reader need not scan the log from the beginning. */
  async raiseHint(typeKey: string, wm: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.meta,
          Key: { pk: s(metaPk(typeKey)) },
          UpdateExpression: 'SET wm = :w',
          ConditionExpression: 'attribute_not_exists(wm) OR wm < :w',
          ExpressionAttributeValues: { ':w': n(wm) },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  // ---- log ----------------------------------------------------------------------------------

  /** Log items with `after < rev <= through`, ascending, one DynamoDB page. */
  async queryLog(typeKey: string, opts: { after: number; through?: number; limit?: number; projection?: string; start?: Item }): Promise<Page> {
    const input: QueryCommandInput = {
      TableName: this.tables.log,
      ConsistentRead: true,
      KeyConditionExpression: opts.through === undefined ? 'pk = :pk AND rev > :a' : 'pk = :pk AND rev BETWEEN :a AND :t',
      ExpressionAttributeValues: {
        ':pk': s(typeKey),
        // BETWEEN is inclusive on both ends.
        ':a': n(opts.through === undefined ? opts.after : opts.after + 1),
        ...(opts.through === undefined ? {} : { ':t': n(opts.through) }),
      },
      ...(opts.limit ? { Limit: opts.limit } : {}),
      ...(opts.start ? { ExclusiveStartKey: opts.start } : {}),
    };
    if (opts.projection) {
      // `time` and `rev` are not reserved words, but `name` and others are: alias everything.
      const names = opts.projection.split(',').map((p) => p.trim());
      input.ProjectionExpression = names.map((_, i) => `#p${i}`).join(', ');
      input.ExpressionAttributeNames = Object.fromEntries(names.map((p, i) => [`#p${i}`, p]));
    }
    const r = await this.client.send(new QueryCommand(input));
    return { items: r.Items ?? [], ...(r.LastEvaluatedKey ? { last: r.LastEvaluatedKey } : {}) };
  }

  /** Every log item in `(after, through]`, decoded; fillers skipped. */
  async readLogRange(typeKey: string, after: number, through: number): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    if (after >= through) return out;
    let start: Item | undefined;
    do {
      const page = await this.queryLog(typeKey, { after, through, start });
      for (const item of page.items) {
        if (item.filler?.BOOL) continue;
        out.push(await this.decodeEntry(item));
      }
      start = page.last;
    } while (start);
    return out;
  }

  async getLogItem(typeKey: string, rev: number, projection?: string): Promise<Item | undefined> {
    const names = projection?.split(',').map((p) => p.trim());
    const r = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.log,
        Key: { pk: s(typeKey), rev: n(rev) },
        ConsistentRead: true,
        ...(names
          ? {
              ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
              ExpressionAttributeNames: Object.fromEntries(names.map((p, i) => [`#p${i}`, p])),
            }
          : {}),
      }),
    );
    return r.Item;
  }

  /**
   * Writes a filler at `rev` unless something is there. True when the filler landed: from then on
   * the transaction that took `rev` can never commit (its log Put is conditioned on absence).
   */
  async putFiller(typeKey: string, rev: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.log,
          Item: fillerItem(typeKey, rev, this.clock().toISOString()),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  decodeEntry(item: Item): Promise<StoredEntry> {
    return decodeLogItem(item, this.loadChunks);
  }

  // ---- objects ------------------------------------------------------------------------------

  async getObjectItem(pk: string, sk: string): Promise<Item | undefined> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.tables.objects, Key: { pk: s(pk), sk: s(sk) }, ConsistentRead: true }),
    );
    return r.Item;
  }

  /** One page of a partition, optionally only sort keys starting with `prefix`. */
  async queryObjects(pk: string, opts: { prefix?: string; startSk?: string; limit?: number }): Promise<Page> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.tables.objects,
        ConsistentRead: true,
        KeyConditionExpression: opts.prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': s(pk), ...(opts.prefix ? { ':p': s(opts.prefix) } : {}) },
        ...(opts.limit ? { Limit: opts.limit } : {}),
        ...(opts.startSk !== undefined ? { ExclusiveStartKey: { pk: s(pk), sk: s(opts.startSk) } } : {}),
      }),
    );
    return { items: r.Items ?? [], ...(r.LastEvaluatedKey ? { last: r.LastEvaluatedKey } : {}) };
  }

  /** The object an object (or index) item holds, carrying the item's rv. */
  async decodeObject(item: Item): Promise<KubeObject> {
    return stamp(await decodePayload(item, this.loadChunks), num(item, 'rv') ?? 0);
  }

  readonly loadChunks: ChunkLoader = async (id, count) => {
    const parts: Uint8Array[] = [];
    let start: Item | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.tables.objects,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': s(chunkPk(id)) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const it of r.Items ?? []) if (it.data?.B) parts.push(it.data.B);
      start = r.LastEvaluatedKey;
    } while (start && parts.length < count);
    return parts;
  };

  // ---- writes -------------------------------------------------------------------------------

  async transact(items: TransactWriteItem[], token: string): Promise<void> {
    await this.client.send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }));
  }
}
