/**
 * The router's stream side: decodes a batch of log-table stream records, routes each entry
 * (`router.ts`) and sends the keys to the consumers' queues, coalesced per batch.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AttributeValue as StreamAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { KubeObject } from '../core/object.ts';
import { findByResource } from '../core/resources.ts';
import type { LogEntry, ObjectStore } from '../store/types.ts';
import { deduplicationId, encodeMessage, type KeyMessage } from './keys.ts';
import { listAll } from './lists.ts';
import { lookupsFor, mayRoute, routeEntry, type QueueId, type RouteContext } from './router.ts';

const SERVICES = findByResource('', 'v1', 'services')!;
const REPLICASETS = findByResource('apps', 'v1', 'replicasets')!;
const NAMESPACES = findByResource('', 'v1', 'namespaces')!;
const BUDGETS = findByResource('policy', 'v1', 'poddisruptionbudgets')!;

export interface StreamRouterDeps {
  store: ObjectStore;
  /** Decodes a log item (a stream NewImage, binary attributes as bytes); undefined for a filler. */
  decode: (item: Record<string, AttributeValue>) => Promise<LogEntry | undefined>;
  sqs: SQSClient;
  /** Queue URLs by consumer; routes to consumers without a queue here are not sent. */
  queueUrls: Partial<Record<QueueId, string>>;
  log?: (entry: Record<string, unknown>) => void;
}

/** A Lambda stream record's image (binary as base64) as the SDK's AttributeValue (binary as bytes). */
export function fromStreamImage(image: Record<string, StreamAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(image)) out[k] = fromStreamValue(v);
  return out;
}

function fromStreamValue(v: StreamAttributeValue): AttributeValue {
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.B !== undefined) return { B: Buffer.from(v.B, 'base64') };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: true };
  if (v.SS !== undefined) return { SS: v.SS };
  if (v.NS !== undefined) return { NS: v.NS };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => Buffer.from(b, 'base64')) };
  if (v.L !== undefined) return { L: v.L.map(fromStreamValue) };
  if (v.M !== undefined) return { M: fromStreamImage(v.M) };
  throw new Error('empty attribute value');
}

/** Loads, once per namespace, what routing the batch's entries needs. */
async function loadContext(store: ObjectStore, entries: LogEntry[]): Promise<RouteContext> {
  const services = new Map<string, KubeObject[]>();
  const replicaSets = new Map<string, KubeObject[]>();
  const budgets = new Map<string, KubeObject[]>();
  const terminating = new Map<string, boolean>();
  for (const e of entries) {
    for (const need of lookupsFor(e)) {
      if (need === 'services' && !services.has(e.namespace)) services.set(e.namespace, (await listAll(store, SERVICES, e.namespace)).items);
      if (need === 'replicaSets' && !replicaSets.has(e.namespace)) replicaSets.set(e.namespace, (await listAll(store, REPLICASETS, e.namespace)).items);
      if (need === 'budgets' && !budgets.has(e.namespace)) budgets.set(e.namespace, (await listAll(store, BUDGETS, e.namespace)).items);
      if (need === 'namespace' && !terminating.has(e.namespace)) {
        const ns = await store.get(NAMESPACES, undefined, e.namespace);
        terminating.set(e.namespace, !!ns?.metadata.deletionTimestamp);
      }
    }
  }
  return {
    services: (ns) => services.get(ns) ?? [],
    replicaSets: (ns) => replicaSets.get(ns) ?? [],
    budgets: (ns) => budgets.get(ns) ?? [],
    namespaceTerminating: (ns) => terminating.get(ns) ?? false,
  };
}

/**
 * The router's handler body. Records are decoded in order; the first record that cannot be decoded
 * is reported as the batch's failure (Lambda retries from it and, after its retries, gives up the
 * rest of the batch with it, sending their positions to the on-failure destination). Every entry
 * that can be decoded is routed, the ones after that record too: a retry starting at the record
 * sends them again under the same deduplication ids, which the FIFO queues drop, and a batch given
 * up after the record would otherwise take them along unrouted. Routes are coalesced per
 * (queue, key), keeping the latest cause.
 */
export function streamRouter(deps: StreamRouterDeps): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log = deps.log ?? (() => {});
  return async (event) => {
    const entries: LogEntry[] = [];
    let failedAt: DynamoDBRecord | undefined;
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || !image) continue;
      if (!mayRoute(image.pk?.S ?? '', image.eventType?.S)) continue;
      try {
        const entry = await deps.decode(fromStreamImage(image));
        if (entry) entries.push(entry);
      } catch (err) {
        log({ level: 'ERROR', message: 'undecodable log record', sequenceNumber: record.dynamodb?.SequenceNumber, error: String(err) });
        failedAt ??= record;
      }
    }
    const ctx = await loadContext(deps.store, entries);
    const messages = new Map<QueueId, Map<string, KeyMessage>>();
    for (const e of entries) {
      for (const route of routeEntry(e, ctx)) {
        if (!deps.queueUrls[route.queue]) continue;
        let perQueue = messages.get(route.queue);
        if (!perQueue) messages.set(route.queue, (perQueue = new Map()));
        perQueue.delete(route.key);
        perQueue.set(route.key, { key: route.key, cause: `${e.type}#${e.rev}` });
      }
    }
    await Promise.all([...messages].map(([queue, byKey]) => sendAll(deps.sqs, deps.queueUrls[queue]!, [...byKey.values()])));
    return { batchItemFailures: failedAt ? [{ itemIdentifier: failedAt.dynamodb!.SequenceNumber! }] : [] };
  };
}

/** SendMessageBatch in tens; entries SQS refuses are sent again, then the batch fails. */
export async function sendAll(sqs: SQSClient, queueUrl: string, messages: KeyMessage[]): Promise<void> {
  const fifo = queueUrl.endsWith('.fifo');
  for (let i = 0; i < messages.length; i += 10) {
    let entries = messages.slice(i, i + 10).map((m, j) => ({
      Id: String(j),
      MessageBody: encodeMessage(m),
      ...(fifo ? { MessageGroupId: m.key, MessageDeduplicationId: deduplicationId(m) } : {}),
    }));
    for (let attempt = 0; entries.length > 0; attempt++) {
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      if (failed.size === 0) break;
      if (attempt >= 3) throw new Error(`SQS refused ${failed.size} messages for ${queueUrl}: ${out.Failed?.[0]?.Message ?? ''}`);
      entries = entries.filter((e) => failed.has(e.Id));
      await new Promise((ok) => setTimeout(ok, 50 * 2 ** attempt));
    }
  }
}
