/**
 * How objects and log entries become DynamoDB items and back: gzip-compressed JSON payloads,
 * split into content-addressed chunk items when they would not fit in one item.
 *
 * The stored payload never carries `metadata.resourceVersion`: the item's `rv` (or the log item's
 * `rev`) is the only copy, stamped onto the object when it is read, so a payload never disagrees
 * with its version.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib';
import { RequestEntityTooLargeError } from '../core/errors.ts';
import type { Actor, KubeObject } from '../core/object.ts';
import { chunkPk, chunkSk } from './keys.ts';
import type { LogEntry, Selectable } from './types.ts';

export type Item = Record<string, AttributeValue>;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Below this size zlib's thread-pool round trip costs more than the work: small payloads (most
 * objects) are packed and unpacked synchronously; large ones off the event loop.
 */
const SYNC_ZLIB_BYTES = 16 * 1024;

/**
 * Deflate settings for a payload of `bytes`: a window just big enough to hold all of it, so the
 * output is byte for byte the default's while zlib sets up a fraction of its ~256 KiB of state
 * (for a few-KB object the setup costs more than the compressing).
 */
function smallDeflate(bytes: number): ZlibOptions {
  return { windowBits: Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes + 262)))) };
}

/**
 * DynamoDB items are at most 400 KB including attribute names; a log item carries the payload
 * beside a few KB of metadata, so a payload above this goes to chunk items.
 */
export const INLINE_LIMIT = 350_000;
export const CHUNK_SIZE = 350_000;
/**
 * A transaction carries at most 4 MB. The chunks are written once per change (object and log item
 * only reference them), so this leaves room for the other items and kube's own 1.5 MiB object limit
 * is reached long before this one for any real object.
 */
export const MAX_COMPRESSED = 3_000_000;

export const s = (v: string): AttributeValue => ({ S: v });
export const n = (v: number): AttributeValue => ({ N: String(v) });
export const b = (v: Uint8Array): AttributeValue => ({ B: v });
export const bool = (v: boolean): AttributeValue => ({ BOOL: v });

export function str(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

export function num(item: Item, name: string): number | undefined {
  const v = item[name]?.N;
  return v === undefined ? undefined : Number(v);
}

export function flag(item: Item, name: string): boolean {
  return item[name]?.BOOL === true;
}

/** A copy of `obj` without `metadata.resourceVersion`. */
export function withoutResourceVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * Whether two JSON-shaped values encode to the same JSON, whatever their key order: properties set
 * to undefined count as absent (JSON.stringify drops them). Stops at the first difference.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}

/** Whether two objects are the same but for their resourceVersion, as the log would store them. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  return sameJson(withoutResourceVersion(a), withoutResourceVersion(b));
}

/** A copy of `obj` carrying `rv` as its resourceVersion. */
export function stamp(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

export interface EncodedPayload {
  /** Spread into every item that holds the payload: `body`, or `chunks` + `nchunks`. */
  attrs: Item;
  /** Full chunk items for the objects table (empty when the payload is inline). */
  chunkItems: Item[];
  compressedBytes: number;
}

export async function encodePayload(obj: KubeObject): Promise<EncodedPayload> {
  const raw = Buffer.from(JSON.stringify(withoutResourceVersion(obj)), 'utf8');
  const packed = raw.length <= SYNC_ZLIB_BYTES ? gzipSync(raw, smallDeflate(raw.length)) : await gzipAsync(raw);
  if (packed.length > MAX_COMPRESSED) throw new RequestEntityTooLargeError(`object is too large to store: ${raw.length} bytes`);
  if (packed.length <= INLINE_LIMIT) return { attrs: { body: b(packed) }, chunkItems: [], compressedBytes: packed.length };
  // Content-addressed: identical payloads share chunks, and a retried transaction rewrites the
  // same bytes under the same keys.
  const id = createHash('sha256').update(packed).digest('hex');
  const chunkItems: Item[] = [];
  for (let i = 0, off = 0; off < packed.length; i++, off += CHUNK_SIZE) {
    chunkItems.push({ pk: s(chunkPk(id)), sk: s(chunkSk(i)), data: b(packed.subarray(off, off + CHUNK_SIZE)) });
  }
  return { attrs: { chunks: s(id), nchunks: n(chunkItems.length) }, chunkItems, compressedBytes: packed.length };
}

/** Reads the parts of chunked payload `id`, in order. */
export type ChunkLoader = (id: string, count: number) => Promise<Uint8Array[]>;

export class CorruptPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptPayloadError';
  }
}

/** The object an item holds (without resourceVersion). */
export async function decodePayload(item: Item, load: ChunkLoader): Promise<KubeObject> {
  let packed: Uint8Array;
  const body = item.body?.B;
  const id = str(item, 'chunks');
  if (body) {
    packed = body;
  } else if (id) {
    const count = num(item, 'nchunks') ?? 0;
    const parts = await load(id, count);
    if (parts.length !== count) throw new CorruptPayloadError(`payload ${id}: ${parts.length} of ${count} chunks`);
    packed = Buffer.concat(parts);
    if (createHash('sha256').update(packed).digest('hex') !== id) throw new CorruptPayloadError(`payload ${id}: digest mismatch`);
  } else {
    throw new CorruptPayloadError('item holds no payload');
  }
  const unpacked = packed.length <= SYNC_ZLIB_BYTES / 4 ? gunzipSync(packed) : await gunzipAsync(packed);
  return JSON.parse(unpacked.toString('utf8')) as KubeObject;
}

// ---------------------------------------------------------------------------------------------
// Log items

/** What a log item says, before its payload is decoded. */
export type RawLogItem =
  | { kind: 'filler'; rev: number; time?: string }
  | { kind: 'entry'; rev: number; item: Item };

export function classifyLogItem(item: Item): RawLogItem {
  const rev = num(item, 'rev') ?? NaN;
  if (flag(item, 'filler')) return { kind: 'filler', rev, time: str(item, 'time') };
  return { kind: 'entry', rev, item };
}

/** A log entry plus what only the store needs: the rev of the key's previous entry (any incarnation). */
export interface StoredEntry {
  entry: LogEntry;
  /** The rev of this key's previous log item, across delete/re-create; absent for the first. */
  prevEntryRev?: number;
}

export function fillerItem(typeKey: string, rev: number, time: string): Item {
  return { pk: s(typeKey), rev: n(rev), filler: bool(true), time: s(time) };
}

export function logItem(entry: LogEntry, payload: Item, prevEntryRev: number | undefined): Item {
  const item: Item = {
    pk: s(entry.type),
    rev: n(Number(entry.rev)),
    eventType: s(entry.eventType),
    namespace: s(entry.namespace),
    name: s(entry.name),
    uid: s(entry.uid),
    ...payload,
    actor: s(JSON.stringify(entry.actor)),
    verb: s(entry.verb),
    requestId: s(entry.requestId),
    time: s(entry.time),
    hash: s(entry.hash),
  };
  if (entry.prevRev !== undefined) item.prevRev = n(Number(entry.prevRev));
  if (prevEntryRev !== undefined) item.prevEntryRev = n(prevEntryRev);
  if (entry.prevSelectable) item.prevSelectable = s(JSON.stringify(entry.prevSelectable));
  if (entry.userAgent !== undefined) item.userAgent = s(entry.userAgent);
  if (entry.sourceIp !== undefined) item.sourceIp = s(entry.sourceIp);
  if (entry.prevHash !== undefined) item.prevHash = s(entry.prevHash);
  return item;
}

/** Decodes a (non-filler) log item, e.g. from a Query or a stream record's NewImage. */
export async function decodeLogItem(item: Item, load: ChunkLoader): Promise<StoredEntry> {
  const rev = num(item, 'rev');
  if (rev === undefined || flag(item, 'filler')) throw new CorruptPayloadError('not a log entry');
  const object = await decodePayload(item, load);
  const entry: LogEntry = {
    type: str(item, 'pk') ?? '',
    rev: String(rev),
    eventType: (str(item, 'eventType') ?? 'MODIFIED') as LogEntry['eventType'],
    namespace: str(item, 'namespace') ?? '',
    name: str(item, 'name') ?? '',
    uid: str(item, 'uid') ?? '',
    object: stamp(object, rev),
    actor: JSON.parse(str(item, 'actor') ?? '{"user":"","groups":[]}') as Actor,
    verb: str(item, 'verb') ?? '',
    requestId: str(item, 'requestId') ?? '',
    time: str(item, 'time') ?? '',
    hash: str(item, 'hash') ?? '',
  };
  const prevRev = num(item, 'prevRev');
  if (prevRev !== undefined) entry.prevRev = String(prevRev);
  const prevSelectable = str(item, 'prevSelectable');
  if (prevSelectable !== undefined) entry.prevSelectable = JSON.parse(prevSelectable) as Selectable;
  const userAgent = str(item, 'userAgent');
  if (userAgent !== undefined) entry.userAgent = userAgent;
  const sourceIp = str(item, 'sourceIp');
  if (sourceIp !== undefined) entry.sourceIp = sourceIp;
  const prevHash = str(item, 'prevHash');
  if (prevHash !== undefined) entry.prevHash = prevHash;
  const prevEntryRev = num(item, 'prevEntryRev');
  return prevEntryRev === undefined ? { entry } : { entry, prevEntryRev };
}
