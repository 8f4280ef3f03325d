/**
 * Decoding a request body with a kind's zod schema, the way kube-apiserver's JSON decoder does:
 * `null` means unset, wrong types are errors with a field path, unknown fields are collected (for
 * fieldValidation Strict/Warn/Ignore) and, given the raw JSON, duplicate fields too.
 */
import type { z } from 'zod';
import { emptyAllowed } from './kit.ts';
import { type FieldError, FieldPath, invalid, notSupported, required, typeInvalid } from './validation/errors.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Segment = PropertyKey;

interface ZodInternals {
  _zod: { def: { type: string; [k: string]: unknown } };
}

const def = (s: unknown) => (s as ZodInternals)._zod.def;

/** Unwraps optional/lazy/pipe/... wrappers down to the schema that says what the value is. */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 32 && s; i++) {
    const d = def(s);
    switch (d.type) {
      case 'optional': case 'nullable': case 'default': case 'prefault': case 'readonly': case 'catch': case 'nonoptional':
        s = d.innerType;
        break;
      case 'lazy':
        s = (d.getter as () => unknown)();
        break;
      case 'pipe':
        s = d.in;
        break;
      default:
        return s;
    }
  }
  return s;
}

/** A zod issue path as a kube field path: map keys in brackets (`limits[cpu]`), indexes too. */
export function fieldPathOf(schema: unknown, path: readonly Segment[]): string {
  let cur: unknown = schema;
  let out = FieldPath.root();
  for (const seg of path) {
    const s = cur ? unwrap(cur) : undefined;
    const d = s ? def(s) : undefined;
    if (typeof seg === 'number') {
      out = out.index(seg);
      cur = d?.type === 'array' ? d.element : undefined;
    } else if (d?.type === 'record') {
      out = out.key(String(seg));
      cur = d.valueType;
    } else {
      out = out.child(String(seg));
      cur = d?.type === 'object' ? (d.shape as Record<string, unknown>)[String(seg)] : undefined;
    }
  }
  return String(out);
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let cur = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const EXPECTED: Record<string, string> = { number: 'integer', int: 'integer', int32: 'integer', record: 'object', map: 'object', nonoptional: 'value' };
const expectedName = (e: string) => EXPECTED[e] ?? e;

type Issue = z.core.$ZodIssue;

function issueError(schema: unknown, input: unknown, issue: Issue): FieldError {
  const field = fieldPathOf(schema, issue.path);
  const value = valueAt(input, issue.path);
  const mustBe = (expected: string) => typeInvalid(field, value, `${field || 'body'} in body must be of type ${expected}: "${jsonTypeOf(value)}"`);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? required(field) : mustBe(expectedName(issue.expected));
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0)
        .map((i) => expectedName((i as { expected: string }).expected))))];
      if (expected.length === issue.errors.length && expected.length > 0) return mustBe(expected.join(' or '));
      const inner = issue.errors.flat().find((i) => i.code !== 'invalid_type');
      return invalid(field, value, inner?.message ?? 'invalid value');
    }
    case 'invalid_value': {
      const target = unwrap(walk(schema, issue.path));
      const values = issue.values.filter((v) => !(v === '' && target && emptyAllowed.has(target as z.core.$ZodType))).map(String);
      return notSupported(field, value, values);
    }
    case 'too_big':
    case 'too_small':
      if (typeof value === 'number') {
        const limit = Number('maximum' in issue ? issue.maximum : 'minimum' in issue ? issue.minimum : NaN);
        const bits = Math.abs(limit) <= 2 ** 31 ? 'int32' : 'int64';
        return invalid(field, value, `${field} in body must be of type ${bits}: value out of range`);
      }
      return invalid(field, value, issue.message);
    default:
      return invalid(field, value, issue.message);
  }
}

function walk(schema: unknown, path: readonly Segment[]): unknown {
  let cur: unknown = schema;
  for (const seg of path) {
    const s = cur ? unwrap(cur) : undefined;
    const d = s ? def(s) : undefined;
    if (!d) return undefined;
    if (typeof seg === 'number') cur = d.type === 'array' ? d.element : undefined;
    else if (d.type === 'record') cur = d.valueType;
    else cur = d.type === 'object' ? (d.shape as Record<string, unknown>)[String(seg)] : undefined;
  }
  return cur;
}

/** Go's decoder treats `null` as "unset": drop null-valued keys (and null array items stay, to fail typing). */
export function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  return v;
}

export interface Decoded<T> {
  value?: T;
  /** Type errors, with kube field paths. */
  errors: FieldError[];
  /** Paths of unknown fields, in document order. */
  unknown: string[];
}

/** Parses `body` with `schema`. Unknown fields are reported and dropped rather than failing the parse. */
export function decode<T>(schema: z.ZodType<T>, body: unknown): Decoded<T> {
  const input = stripNulls(body);
  const first = schema.safeParse(input);
  if (first.success) return { value: first.data, errors: [], unknown: [] };

  const unknownAt: { path: Segment[]; key: string }[] = [];
  const errors: FieldError[] = [];
  for (const issue of first.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) unknownAt.push({ path: [...issue.path], key });
    else errors.push(issueError(schema, input, issue));
  }
  const unknown = documentOrder(input, unknownAt.map((u) => `${fieldPathOf(schema, u.path) ? `${fieldPathOf(schema, u.path)}.` : ''}${u.key}`));
  if (errors.length) return { errors, unknown };

  const pruned = structuredClone(input) as Json;
  for (const u of unknownAt) {
    const parent = valueAt(pruned, u.path);
    if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[u.key];
  }
  const second = schema.safeParse(pruned);
  if (second.success) return { value: second.data, errors: [], unknown };
  return { errors: second.error.issues.map((i) => issueError(schema, pruned, i)), unknown };
}

/** Every key path of a JSON value in document order (`a.b[0].c`), for ordering messages. */
function keyPaths(v: unknown, prefix: string, out: string[]): void {
  if (Array.isArray(v)) v.forEach((x, i) => keyPaths(x, `${prefix}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      keyPaths(x, p, out);
    }
  }
}

function documentOrder(input: unknown, paths: string[]): string[] {
  const order: string[] = [];
  keyPaths(input, '', order);
  const rank = new Map(order.map((p, i) => [p, i]));
  return [...new Set(paths)].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

/**
 * Scans raw JSON text for object keys given more than once (`JSON.parse` keeps the last silently).
 * Returns every key path in document order with whether that occurrence repeats an earlier one.
 */
export function scanKeys(raw: string): { path: string; duplicate: boolean }[] {
  const out: { path: string; duplicate: boolean }[] = [];
  let i = 0;
  const ws = () => { while (i < raw.length && ' \t\r\n'.includes(raw[i])) i++; };
  const str = (): string => {
    const start = i;
    i++;
    while (i < raw.length && raw[i] !== '"') i += raw[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(raw.slice(start, i)) as string;
    } catch {
      return raw.slice(start + 1, i - 1);
    }
  };
  const value = (path: string): void => {
    ws();
    const ch = raw[i];
    if (ch === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (raw[i] === '}') { i++; return; }
      while (i < raw.length) {
        ws();
        if (raw[i] !== '"') return;
        const key = str();
        const p = path ? `${path}.${key}` : key;
        out.push({ path: p, duplicate: seen.has(key) });
        seen.add(key);
        ws();
        if (raw[i] === ':') i++;
        value(p);
        ws();
        if (raw[i] === ',') { i++; continue; }
        if (raw[i] === '}') { i++; return; }
        return;
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (raw[i] === ']') { i++; return; }
      for (let n = 0; i < raw.length; n++) {
        value(`${path}[${n}]`);
        ws();
        if (raw[i] === ',') { i++; continue; }
        if (raw[i] === ']') { i++; return; }
        return;
      }
    } else if (ch === '"') {
      str();
    } else {
      while (i < raw.length && !',}] \t\r\n'.includes(raw[i])) i++;
    }
  };
  value('');
  return out;
}

/** Paths of fields given more than once in raw JSON, in document order. */
export function findDuplicateFields(raw: string): string[] {
  return [...new Set(scanKeys(raw).filter((k) => k.duplicate).map((k) => k.path))];
}

/**
 * kube's strict decoding messages, in document order: `unknown field "spec.foo"`,
 * `duplicate field "metadata.name"`. A field both unknown and duplicated is reported as unknown.
 */
export function strictDecodingMessages(unknown: string[], raw?: string): string[] {
  if (raw === undefined) return unknown.map((p) => `unknown field "${p}"`);
  const unknownSet = new Set(unknown);
  const reported = new Set<string>();
  const out: string[] = [];
  for (const k of scanKeys(raw)) {
    if (unknownSet.has(k.path)) {
      if (!reported.has(k.path)) out.push(`unknown field "${k.path}"`);
      reported.add(k.path);
    } else if (k.duplicate && !reported.has(`dup:${k.path}`)) {
      out.push(`duplicate field "${k.path}"`);
      reported.add(`dup:${k.path}`);
    }
  }
  for (const p of unknown) if (!reported.has(p)) out.push(`unknown field "${p}"`);
  return out;
}
