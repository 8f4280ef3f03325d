/**
 * Field errors as kube-apiserver reports them (k8s.io/apimachinery/pkg/util/validation/field):
 * a path like `spec.template.spec.containers[0].image`, a reason like `FieldValueRequired`, and a
 * message body like `Required value` or `Invalid value: "x": must be ...`.
 */
import type { StatusCause } from '#lib/core/errors.ts';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError';

const LABELS: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
};

/** Types whose message never shows the offending value. */
const VALUELESS = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

/** A field path: `spec`, `.child('containers')`, `.index(0)`, `.key('cpu')` → `spec.containers[0]`, `limits[cpu]`. */
export class FieldPath {
  private constructor(private readonly path: string) {}

  static root(...names: string[]): FieldPath {
    return new FieldPath('').child(...names);
  }

  child(...names: string[]): FieldPath {
    let p = this.path;
    for (const n of names) p = p ? `${p}.${n}` : n;
    return new FieldPath(p);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.path}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.path}[${k}]`);
  }

  toString(): string {
    return this.path;
  }
}

/** Marks an Invalid error that should not print its value. */
export const OMIT = Symbol('omit value');

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

/** Renders a value the way Go's field errors do: %q for strings, %v for scalars, %#v-like otherwise. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  }
  if (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The message body of an error, as `field.Error.ErrorBody()` renders it. */
export function errorBody(e: FieldError): string {
  let s = LABELS[e.type];
  if (!VALUELESS.has(e.type) && e.value !== OMIT) s += `: ${formatValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function toCause(e: FieldError): StatusCause {
  return { reason: e.type, message: errorBody(e), field: e.field };
}

const at = (path: FieldPath | string) => String(path);

export const required = (path: FieldPath | string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: at(path), detail });
export const invalid = (path: FieldPath | string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: at(path), value, detail });
export const typeInvalid = (path: FieldPath | string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field: at(path), value, detail });
export const forbidden = (path: FieldPath | string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: at(path), detail });
export const duplicate = (path: FieldPath | string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: at(path), value });
export const notFound = (path: FieldPath | string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: at(path), value });
export const tooLong = (path: FieldPath | string, max: number): FieldError => ({ type: 'FieldValueTooLong', field: at(path), detail: `may not be more than ${max} bytes` });
export const tooMany = (path: FieldPath | string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany', field: at(path), value: actual, detail: `must have at most ${max} items`,
});

export function notSupported(path: FieldPath | string, value: unknown, supported: readonly string[]): FieldError {
  const list = supported.map((v) => JSON.stringify(v)).join(', ');
  return { type: 'FieldValueNotSupported', field: at(path), value, detail: supported.length ? `supported values: ${list}` : '' };
}

/** One `Invalid` error per message, as kube reports the messages of its name validators. */
export const invalidEach = (path: FieldPath | string, value: unknown, messages: string[]): FieldError[] => messages.map((m) => invalid(path, value, m));
