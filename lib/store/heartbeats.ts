/**
 * Node heartbeats outside the log (DESIGN: "What idle nodes cost"): a lease renewal that changes
 * nothing else is not an event. The latest renewal per node is one item in the objects table
 * (`heartbeats` / node name), raised only forward by a conditional write; the node lifecycle
 * controller reads them all, the API shows them on the node's Lease.
 */
import { GetItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../topology.ts';
import { n, num, s, str, type Item } from './codec.ts';
import { isConditionalCheckFailed } from './errors.ts';

export const HEARTBEATS_PK = 'heartbeats';

export interface Heartbeat {
  node: string;
  /** The Lease's spec.renewTime, as written (RFC 3339 with microseconds). */
  renewTime: string;
  holderIdentity?: string;
}

/** The heartbeat port: what the API, the heartbeat consumer and the node lifecycle need. */
export interface HeartbeatStore {
  /** Records `beat` unless a later renewal is already stored; true when it was newer. */
  record(beat: Heartbeat): Promise<boolean>;
  get(node: string): Promise<Heartbeat | undefined>;
  all(): Promise<Heartbeat[]>;
}

function fromItem(item: Item): Heartbeat {
  const holder = str(item, 'holder');
  return { node: str(item, 'sk') ?? '', renewTime: str(item, 'renewTime') ?? '', ...(holder ? { holderIdentity: holder } : {}) };
}

export class DynamoHeartbeats implements HeartbeatStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tables: Pick<TableNames, 'objects'>) {
    this.#client = client;
    this.#table = tables.objects;
  }

  async record(beat: Heartbeat): Promise<boolean> {
    const ms = Date.parse(beat.renewTime);
    if (Number.isNaN(ms)) return false;
    try {
      await this.#client.send(new UpdateItemCommand({
        TableName: this.#table,
        Key: { pk: s(HEARTBEATS_PK), sk: s(beat.node) },
        UpdateExpression: beat.holderIdentity ? 'SET renewTime = :t, renewMs = :ms, holder = :h' : 'SET renewTime = :t, renewMs = :ms',
        ConditionExpression: 'attribute_not_exists(renewMs) OR renewMs < :ms',
        ExpressionAttributeValues: { ':t': s(beat.renewTime), ':ms': n(ms), ...(beat.holderIdentity ? { ':h': s(beat.holderIdentity) } : {}) },
      }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async get(node: string): Promise<Heartbeat | undefined> {
    const out = await this.#client.send(new GetItemCommand({ TableName: this.#table, Key: { pk: s(HEARTBEATS_PK), sk: s(node) }, ConsistentRead: true }));
    return out.Item && num(out.Item, 'renewMs') !== undefined ? fromItem(out.Item) : undefined;
  }

  async all(): Promise<Heartbeat[]> {
    const beats: Heartbeat[] = [];
    let start: Item | undefined;
    do {
      const out = await this.#client.send(new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': s(HEARTBEATS_PK) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      for (const item of out.Items ?? []) beats.push(fromItem(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return beats;
  }
}
