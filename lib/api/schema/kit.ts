/**
 * The building blocks every kind's schema is made of. The zod schemas are the single source of
 * truth: validation parses with them, `z.infer` gives the types, and `lib/api/openapi.ts` turns the
 * same registry into OpenAPI components. So every named Go struct Kubernetes publishes is a
 * `component` here, under the name Kubernetes gives it, and every field carries the description
 * `kubectl explain` prints.
 */
import { z } from 'zod';

export type ListType = 'atomic' | 'map' | 'set';

/** What the registry records about a schema; everything but `id` lands in the OpenAPI output. */
export interface SchemaMeta {
  id?: string;
  description?: string;
  [extension: `x-kubernetes-${string}`]: unknown;
}

export type Extensions = { [extension: `x-kubernetes-${string}`]: unknown };

export const registry = z.registry<SchemaMeta>();

/** `registry.add` without the conditional parameter types TypeScript cannot resolve for a generic schema. */
function describe<T extends z.ZodType>(schema: T, meta: SchemaMeta): T {
  (registry as unknown as { add(schema: z.ZodType, meta: SchemaMeta): void }).add(schema, meta);
  return schema;
}

/**
 * JSON Schema rewrites that `z.toJSONSchema` cannot derive (IntOrString, Quantity, Time...), keyed
 * by the zod schema they replace. The description is kept; everything else is replaced.
 */
export const jsonOverrides = new WeakMap<z.core.$ZodType, Record<string, unknown>>();

/** Enum schemas that also accept "" (meaning: unset, defaulted later); "" is hidden from OpenAPI. */
export const emptyAllowed = new WeakSet<z.core.$ZodType>();

/** Registers a named component (a Go struct with its own OpenAPI definition). */
export function component<T extends z.ZodType>(id: string, description: string, schema: T, extensions: Extensions = {}): T {
  return describe(schema, { id, description, ...extensions });
}

/** A field that may be omitted (or null: Go clients send `null` for unset fields). */
export function opt<T extends z.ZodType>(schema: T, description: string, extensions: Extensions = {}): z.ZodOptional<T> {
  return describe(schema.optional(), { description, ...extensions });
}

/** A field the type requires. Named components are wrapped so their own metadata stays intact. */
export function req<T extends z.ZodType>(schema: T, description: string, extensions: Extensions = {}): z.ZodLazy<T> {
  return describe(z.lazy(() => schema), { description, ...extensions });
}

export interface ListOptions {
  /** `x-kubernetes-list-type`; lists default to `atomic`, lists with `keys` are `map`. */
  type?: ListType;
  /** `x-kubernetes-list-map-keys` (implies `type: 'map'`). */
  keys?: string[];
  /** Strategic merge patch: `x-kubernetes-patch-merge-key`. */
  mergeKey?: string;
  /** Strategic merge patch: `x-kubernetes-patch-strategy`. */
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys';
}

function listExtensions(o: ListOptions): Extensions {
  const out: Extensions = {};
  if (o.keys) {
    out['x-kubernetes-list-map-keys'] = o.keys;
    out['x-kubernetes-list-type'] = 'map';
  } else {
    out['x-kubernetes-list-type'] = o.type ?? 'atomic';
  }
  if (o.mergeKey) out['x-kubernetes-patch-merge-key'] = o.mergeKey;
  if (o.strategy) out['x-kubernetes-patch-strategy'] = o.strategy;
  return out;
}

/** An optional list field with its merge semantics. */
export function list<T extends z.ZodType>(item: T, description: string, options: ListOptions = {}): z.ZodOptional<z.ZodArray<T>> {
  return describe(z.array(item).optional(), { description, ...listExtensions(options) });
}

/** A required list field. */
export function reqList<T extends z.ZodType>(item: T, description: string, options: ListOptions = {}): z.ZodArray<T> {
  return describe(z.array(item), { description, ...listExtensions(options) });
}

/** An optional `map[string]V` field. */
export function map<T extends z.ZodType>(value: T, description: string, extensions: Extensions = {}): z.ZodOptional<z.ZodRecord<z.ZodString, T>> {
  return describe(z.record(z.string(), value).optional(), { description, ...extensions });
}

export const str = (description: string, extensions: Extensions = {}) => opt(z.string(), description, extensions);
export const reqStr = (description: string) => req(z.string(), description);
export const bool = (description: string) => opt(z.boolean(), description);
export const int32 = (description: string) => opt(z.int32(), description);
export const reqInt32 = (description: string) => req(z.int32(), description);
/** int64 fields; JSON numbers beyond 2^53 lose precision in JavaScript, as in any JS client. */
export const int64 = (description: string) => opt(z.int(), description);
export const strings = (description: string, options: ListOptions = {}) => list(z.string(), description, options);
export const stringMap = (description: string, extensions: Extensions = {}) => map(z.string(), description, extensions);

/** A string enum. */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values);
}

/**
 * An enum kube defaults when unset: it also accepts "" (Go's zero value, which kube treats as unset
 * and fills in), and "" is left out of the OpenAPI `enum`.
 */
export function defaultedOneOf<const V extends readonly [string, ...string[]]>(values: V) {
  const schema = z.enum([...values, ''] as [...V, '']);
  emptyAllowed.add(schema);
  return schema;
}

export const enumField = <const V extends readonly [string, ...string[]]>(values: V, description: string) => opt(oneOf(values), description);
export const defaultedEnum = <const V extends readonly [string, ...string[]]>(values: V, description: string) => opt(defaultedOneOf(values), description);

// ---- scalar components --------------------------------------------------------------------

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function isRfc3339(s: string): boolean {
  return RFC3339.test(s) && !Number.isNaN(Date.parse(s));
}

const TIME_MESSAGE = "must be an RFC 3339 date-time, e.g. '2006-01-02T15:04:05Z'";

export const Time = component(
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  'Time is a timestamp in RFC 3339 form (e.g. 2006-01-02T15:04:05Z), serialized with second precision.',
  z.string().refine(isRfc3339, { message: TIME_MESSAGE }),
);
jsonOverrides.set(Time, { type: 'string', format: 'date-time' });

export const MicroTime = component(
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  'MicroTime is a timestamp in RFC 3339 form with microsecond precision (e.g. 2006-01-02T15:04:05.000000Z).',
  z.string().refine(isRfc3339, { message: TIME_MESSAGE }),
);
jsonOverrides.set(MicroTime, { type: 'string', format: 'date-time' });

export const IntOrString = component(
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'IntOrString holds either an int32 or a string: a port number or port name, or a count or percentage such as "25%".',
  z.union([z.int32(), z.string()]),
);
// Kube's v3 shape (oneOf, no `type`): kubectl explain then prints the type as <IntOrString>.
jsonOverrides.set(IntOrString, { oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string', 'x-kubernetes-int-or-string': true });

/** Kube's quantity grammar: a signed decimal number with an optional SI, binary-SI or exponent suffix. */
export const QUANTITY_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;
export const QUANTITY_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export const Quantity = component(
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'Quantity is a fixed-point number with an optional suffix: binary SI (Ki, Mi, Gi, Ti, Pi, Ei), decimal SI (m, k, M, G, T, P, E) or a decimal exponent (e.g. 1e3). Examples: "100m" CPU, "128Mi" memory. JSON numbers are accepted and stored as strings.',
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === 'number' ? String(v) : v))
    .refine((s) => QUANTITY_PATTERN.test(s), { message: QUANTITY_MESSAGE }),
);
jsonOverrides.set(Quantity, { oneOf: [{ type: 'string' }, { type: 'number' }], 'x-kubernetes-int-or-string': true });

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A `[]byte` field: base64 in JSON. */
export function bytes() {
  const s = z.string().refine((v) => BASE64.test(v), { message: 'illegal base64 data' });
  jsonOverrides.set(s, { type: 'string', format: 'byte' });
  return s;
}

export const resourceList = (description: string) => map(Quantity, description);

/** Every API object's `apiVersion` and `kind`. */
export function typeMeta() {
  return {
    apiVersion: str('APIVersion is the versioned schema of this representation of an object (e.g. "v1", "apps/v1"). Servers reject versions they do not serve.'),
    kind: str('Kind is the REST resource this object represents, in CamelCase (e.g. "Pod"). Servers may infer it from the endpoint the request was sent to. Cannot be updated.'),
  };
}
