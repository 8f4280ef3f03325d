/**
 * Small helpers for JSON values as they arrive from a request body: plain objects, arrays and
 * scalars, nothing else. Keys are data, never prototypes: a `__proto__` key from `JSON.parse` is an
 * own property and must stay one when copied.
 */

export type JsonObject = { [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Which JSON type a value has, as Go's `reflect.TypeOf` would tell a decoded value apart. */
export function jsonType(v: unknown): 'null' | 'object' | 'array' | 'string' | 'number' | 'boolean' | 'undefined' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'object' || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined') return t;
  return 'object';
}

/** Sets an own data property, also for the key `__proto__` (plain assignment would change the prototype). */
export function setKey(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function hasKey(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own value under `key`, or undefined (never an inherited one such as `constructor`). */
export function getKey(obj: JsonObject, key: string): unknown {
  return hasKey(obj, key) ? obj[key] : undefined;
}

export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, clone(v[k]));
    return out as T;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Go's `%v` of a decoded JSON value, for error messages that quote a patch (`map[image:nginx]`). */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
  return String(v);
}

/**
 * Decodes a request body that may still be raw (string or bytes). Already-decoded values pass through.
 * Throws the `SyntaxError` of `JSON.parse`; callers turn it into their own 400.
 */
export function decodeBody(body: unknown): unknown {
  if (typeof body === 'string') return JSON.parse(body);
  if (body instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(body));
  return body;
}
