/**
 * Request bodies in `application/vnd.kubernetes.protobuf`: the 4 bytes `k8s\0`, then a
 * `runtime.Unknown { typeMeta, raw, contentEncoding, contentType }` whose `raw` is the object in
 * Kubernetes' protobuf encoding. kubectl 1.32+ sends its generators (`create namespace|deployment|
 * configmap|secret|serviceaccount|service`, `create token`) this way, and the pod DELETE of `drain
 * --disable-eviction` (a DeleteOptions); a 415 does not make it retry in JSON.
 *
 * We decode into the JSON kube itself would render for the same Go struct (omitempty and pointer
 * rules, int64 as numbers, bytes as base64, IntOrString as number or string, Quantity as string,
 * Time as RFC 3339), except that a zero Time is dropped rather than rendered `null`.
 *
 * Garbage (no magic, truncated or malformed wire data, no kind) is a 400. A kind we have no schema
 * for is a 415, and so is a non-empty field our schema does not know: better to refuse than to
 * store the object with part of it silently dropped. Go clients write every non-pointer field,
 * zero or not, so unknown fields holding only zeros are ignored.
 */
import protobuf from 'protobufjs';
import type { Field, Message, Reader, Type } from 'protobufjs';
import { BadRequestError, UnsupportedMediaTypeError } from '../core/errors.ts';
import type { KubeObject } from '../core/object.ts';
import { KINDS, PROTO_SOURCES } from './protobuf/schema.ts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** A DeleteOptions body (`kubectl drain --disable-eviction` sends one with each pod DELETE). */
export interface DeleteOptionsBody {
  apiVersion: string;
  kind: 'DeleteOptions';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: string;
  dryRun?: string[];
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Schema

const root = new protobuf.Root();
for (const src of PROTO_SOURCES) protobuf.parse(src, root, { keepCase: true });
root.resolveAll();

const UnknownType = root.lookupType('runtime.Unknown');
const kindTypes = new Map<string, Type>(KINDS.map((k) => [`${k.apiVersion}|${k.kind}`, root.lookupType(k.message)]));

const TIME = 'meta.Time';
const INT_OR_STRING = 'intstr.IntOrString';
const QUANTITY = 'resource.Quantity';
const FIELDS_V1 = 'meta.FieldsV1';

function typeName(t: Type): string {
  return t.fullName.replace(/^\./, '');
}

const opt = (f: Field, name: string): boolean => f.options?.[`(${name})`] === true;

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Decodes a protobuf request body into the JSON object kube would see. Every kind in `KINDS` is
 * accepted, DeleteOptions too (a DELETE body: it comes back without `metadata`; use
 * `decodeDeleteOptionsProtobuf` where only DeleteOptions may come).
 */
export function decodeKubernetesProtobuf(body: Uint8Array): KubeObject {
  const { apiVersion, kind, type, raw } = unwrap(body);
  return decodeKind(apiVersion, kind, type, raw) as KubeObject;
}

/** Decodes a protobuf DELETE body, which must be a DeleteOptions (of any group version). */
export function decodeDeleteOptionsProtobuf(body: Uint8Array): DeleteOptionsBody {
  const { apiVersion, kind, type, raw } = unwrap(body);
  if (kind !== 'DeleteOptions') throw new BadRequestError(`expected a DeleteOptions body, got ${kind} ${apiVersion}`);
  return decodeKind(apiVersion, kind, type, raw) as DeleteOptionsBody;
}

/** True when `contentType` (a request header) names the Kubernetes protobuf encoding. */
export function isKubernetesProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

// ---------------------------------------------------------------------------------------------
// Envelope

function unsupported(why: string): UnsupportedMediaTypeError {
  const e = new UnsupportedMediaTypeError(PROTOBUF_CONTENT_TYPE);
  e.message = `${why}: this server cannot decode it from ${PROTOBUF_CONTENT_TYPE}; send it as application/json`;
  return e;
}

function bad(why: string): BadRequestError {
  return new BadRequestError(`invalid ${PROTOBUF_CONTENT_TYPE} body: ${why}`);
}

interface Envelope {
  apiVersion: string;
  kind: string;
  type: Type;
  raw: Uint8Array;
}

function unwrap(body: Uint8Array): Envelope {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) throw bad('missing the k8s\\0 prefix');
  const bytes = body.subarray(MAGIC.length);
  let unknown: Message & { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array; contentEncoding?: string };
  try {
    walk(protobuf.Reader.create(bytes), bytes.length, UnknownType, '', []);
    unknown = UnknownType.decode(bytes) as typeof unknown;
  } catch (err) {
    throw bad(wireError(err));
  }
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  if (!kind) throw bad("Object 'Kind' is missing");
  if (!apiVersion) throw bad("Object 'apiVersion' is missing");
  if (unknown.contentEncoding) throw unsupported(`content encoding "${unknown.contentEncoding}"`);
  const type = kindTypes.get(`${apiVersion}|${kind}`) ?? kindTypes.get(`*|${kind}`);
  if (!type) throw unsupported(`kind ${kind} (${apiVersion})`);
  return { apiVersion, kind, type, raw: unknown.raw ?? new Uint8Array() };
}

function decodeKind(apiVersion: string, kind: string, type: Type, raw: Uint8Array): Record<string, unknown> {
  const unknownFields: string[] = [];
  let msg: Message;
  try {
    walk(protobuf.Reader.create(raw), raw.length, type, '', unknownFields);
    msg = type.decode(raw);
  } catch (err) {
    throw bad(`${kind}: ${wireError(err)}`);
  }
  if (unknownFields.length) throw unsupported(`${kind} (${apiVersion}) with field${unknownFields.length > 1 ? 's' : ''} ${unknownFields.join(', ')}`);
  return { apiVersion, kind, ...toJson(msg, type) };
}

function wireError(err: unknown): string {
  if (err instanceof RangeError) return 'truncated';
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------
// Wire check: reads every field once, so that truncation and bad wire types fail here (protobufjs
// would silently take some of them), and collects non-empty fields the schema does not know.

function walk(r: Reader, end: number, type: Type, path: string, unknown: string[]): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) throw new Error('invalid field number 0');
    const field = type.fieldsById[id];
    if (!field) {
      if (!skipIsEmpty(r, wire)) unknown.push(`${path ? `${path}.` : ''}#${id} (${typeName(type)})`);
      continue;
    }
    const here = path ? `${path}.${field.name}` : field.name;
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    if (field.map) {
      expectWire(wire, 2, here);
      const stop = lengthEnd(r, end);
      while (r.pos < stop) {
        const t = r.uint32();
        if (t >>> 3 === 2 && nested) {
          expectWire(t & 7, 2, here);
          const s = lengthEnd(r, stop);
          walk(r, s, nested, `${here}[]`, unknown);
        } else skip(r, t & 7);
      }
      if (r.pos !== stop) throw new RangeError('map entry overruns');
    } else if (nested) {
      expectWire(wire, 2, here);
      const stop = lengthEnd(r, end);
      walk(r, stop, nested, here, unknown);
    } else {
      skip(r, wire);
    }
    if (r.pos > end) throw new RangeError('field overruns its message');
  }
  if (r.pos !== end) throw new RangeError('message overruns');
}

function expectWire(got: number, want: number, path: string): void {
  if (got !== want) throw new Error(`wire type ${got} for ${path}`);
}

function lengthEnd(r: Reader, end: number): number {
  const len = r.uint32();
  const stop = r.pos + len;
  if (stop > end) throw new RangeError('length overruns');
  return stop;
}

function skip(r: Reader, wire: number): void {
  if (wire === 3 || wire === 4) throw new Error(`unsupported wire type ${wire}`);
  r.skipType(wire);
}

/** Skips one unknown field's value; true when it carries nothing (zero, empty, or all-empty message). */
function skipIsEmpty(r: Reader, wire: number, depth = 0): boolean {
  switch (wire) {
    case 0: {
      const v = r.uint64();
      return Number(v.low) === 0 && Number(v.high) === 0;
    }
    case 1: {
      const a = r.fixed32();
      const b = r.fixed32();
      return a === 0 && b === 0;
    }
    case 5:
      return r.fixed32() === 0;
    case 2: {
      const bytes = r.bytes();
      return bytes.length === 0 || isEmptyMessage(bytes, depth + 1);
    }
    default:
      throw new Error(`unsupported wire type ${wire}`);
  }
}

function isEmptyMessage(bytes: Uint8Array, depth: number): boolean {
  if (depth > 16) return false;
  try {
    const r = protobuf.Reader.create(bytes);
    while (r.pos < bytes.length) {
      const tag = r.uint32();
      if (tag >>> 3 === 0 || !skipIsEmpty(r, tag & 7, depth)) return false;
    }
    return r.pos === bytes.length;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Message → JSON, following Go's encoding/json over the kube structs.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as LongLike;
    return new protobuf.util.LongBits(l.low >>> 0, l.high >>> 0).toNumber(Boolean(l.unsigned));
  }
  return Number(v ?? 0);
}

function has(msg: Message, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, name);
}

function base64(v: unknown): string {
  return Buffer.from(v as Uint8Array).toString('base64');
}

function toJson(msg: Message, type: Type): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  const m = msg as unknown as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    const present = has(msg, field.name);
    const value = m[field.name];
    const ptr = opt(field, 'ptr');
    const keep = opt(field, 'keep');
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;

    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      if (entries.length === 0) {
        if (keep) out[field.name] = null;
        continue;
      }
      const obj: { [k: string]: Json } = {};
      for (const [k, v] of entries) obj[k] = nested ? special(v as Message, nested) ?? toJson(v as Message, nested) : scalar(field, v);
      out[field.name] = obj;
      continue;
    }

    if (field.repeated) {
      const list = (value ?? []) as unknown[];
      if (list.length === 0) {
        if (keep) out[field.name] = null;
        continue;
      }
      out[field.name] = list.map((v) => (nested ? special(v as Message, nested) ?? toJson(v as Message, nested) : scalar(field, v)));
      continue;
    }

    if (nested) {
      const name = typeName(nested);
      if (name === TIME) {
        const t = present ? time(value as Message) : undefined;
        if (t !== undefined) out[field.name] = t;
        continue;
      }
      if (ptr && !present) {
        if (keep) out[field.name] = null;
        continue;
      }
      const child = present ? (value as Message) : nested.create();
      const rendered = special(child, nested) ?? toJson(child, nested);
      if (opt(field, 'inline') && rendered && typeof rendered === 'object' && !Array.isArray(rendered)) Object.assign(out, rendered);
      else out[field.name] = rendered;
      continue;
    }

    if (ptr) {
      if (present) out[field.name] = scalar(field, value);
      else if (keep) out[field.name] = null;
      continue;
    }
    const v = scalar(field, present ? value : field.typeDefault);
    if (keep || !isZero(v)) out[field.name] = v;
  }
  return out;
}

/** Messages with their own JSON form (custom MarshalJSON in Go); undefined for ordinary ones. */
function special(msg: Message, type: Type): Json | undefined {
  const m = msg as unknown as Record<string, unknown>;
  switch (typeName(type)) {
    case INT_OR_STRING:
      return num(m.type) === 1 ? String(m.strVal ?? '') : num(m.intVal);
    case QUANTITY:
      return String(m.string || '0');
    case TIME:
      return time(msg) ?? null;
    case FIELDS_V1: {
      const raw = m.Raw as Uint8Array | undefined;
      if (!raw || raw.length === 0) return null;
      try {
        return JSON.parse(Buffer.from(raw).toString('utf8')) as Json;
      } catch {
        throw new BadRequestError(`invalid ${PROTOBUF_CONTENT_TYPE} body: fieldsV1 is not JSON`);
      }
    }
    default:
      return undefined;
  }
}

/** RFC 3339 at second precision, as metav1.Time marshals; undefined for the zero time. */
function time(msg: Message): string | undefined {
  const m = msg as unknown as Record<string, unknown>;
  const seconds = num(m.seconds);
  const nanos = num(m.nanos);
  if (seconds === 0 && nanos === 0) return undefined;
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new BadRequestError(`invalid ${PROTOBUF_CONTENT_TYPE} body: time out of range`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function scalar(field: Field, v: unknown): Json {
  switch (field.type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
    case 'double':
    case 'float':
      return num(v);
    case 'bool':
      return Boolean(v);
    case 'bytes':
      return base64(v ?? new Uint8Array());
    default:
      return String(v ?? '');
  }
}

function isZero(v: Json): boolean {
  return v === '' || v === 0 || v === false || v === null;
}
