/**
 * The validation entry points: decode a body with its kind's schema (types, unknown and duplicate
 * fields per fieldValidation), default it as kube's decoder does, then run the kind's semantic
 * validation. Failures are 422 Invalid with one cause per field (strict decoding errors included,
 * where kube says 400: the cause carries the unknown field's path).
 */
import { BadRequestError, InvalidError } from '#lib/core/errors.ts';
import type { KubeObject } from '#lib/core/object.ts';
import { type ResourceType, apiVersionOf } from '#lib/core/resources.ts';
import { decode, strictDecodingMessages } from './decode.ts';
import { type GroupVersionKind, type KindSpec, kindSpec } from './kinds.ts';
import { type FieldError, toCause } from './validation/errors.ts';
import { UPDATE_RULES, semanticEqual } from './validation/update.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ValidateOptions {
  /** kube's `fieldValidation` query parameter; kube-apiserver's default is Warn. */
  fieldValidation?: FieldValidation;
  /** The request body as sent, when JSON: lets duplicate fields be reported as kube does. */
  rawJson?: string;
  /** Whether the kind is namespaced; taken from the ResourceType when there is one. */
  namespaced?: boolean;
}

export interface ValidationResult {
  object: KubeObject;
  /** `unknown field "spec.foo"` / `duplicate field "x"` under fieldValidation=Warn, for `Warning` headers. */
  warnings: string[];
}

function specOf(gvk: GroupVersionKind): KindSpec {
  const spec = kindSpec(gvk);
  if (!spec) throw new BadRequestError(`no kind "${gvk.kind}" is registered for version "${apiVersionOf(gvk)}"`);
  return spec;
}

function fail(spec: GroupVersionKind, resource: string, name: string | undefined, errors: FieldError[]): never {
  throw new InvalidError({ group: spec.group, resource, kind: spec.kind, name: name ?? '' }, errors.map(toCause));
}

const nameOf = (v: unknown) => {
  const meta = (v as { metadata?: { name?: unknown } } | undefined)?.metadata;
  return typeof meta?.name === 'string' ? meta.name : undefined;
};

/**
 * Decodes, defaults and validates a body of any kind Skiff knows (served kinds, and the Scale,
 * Eviction, Binding and DeleteOptions bodies of subresources and deletes).
 */
export function validateKind(gvk: GroupVersionKind, body: unknown, opts: ValidateOptions = {}, resource = ''): ValidationResult {
  const spec = specOf(gvk);
  const apiVersion = apiVersionOf(spec);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError(`the object provided is unrecognized (must be of type ${spec.kind})`);
  }
  const b = body as { apiVersion?: unknown; kind?: unknown };
  if (typeof b.apiVersion === 'string' && b.apiVersion !== apiVersion && !spec.anyApiVersion) {
    throw new BadRequestError(`the API version in the data (${b.apiVersion}) does not match the expected API version (${apiVersion})`);
  }
  if (typeof b.kind === 'string' && b.kind !== spec.kind) {
    throw new BadRequestError(`${b.kind} in version "${spec.version}" cannot be handled as a ${spec.kind}: the kind in the data does not match the expected kind`);
  }

  const decoded = decode(spec.schema, body);
  if (decoded.errors.length) fail(spec, resource, nameOf(body), decoded.errors);

  const mode = opts.fieldValidation ?? 'Warn';
  const strictErrors = mode === 'Ignore' ? [] : strictDecodingMessages(decoded.unknown, opts.rawJson);
  if (mode === 'Strict' && strictErrors.length) {
    // kube answers 400 here; Skiff answers 422 Invalid so each unknown field is a cause with its
    // path, while the message keeps kube's wording.
    const detail = `strict decoding error: ${strictErrors.join(', ')}`;
    const causes = strictErrors.map((message) => {
      const path = /field "([^"]*)"/.exec(message)?.[1] ?? '';
      return { field: path, reason: message.startsWith('duplicate') ? 'FieldValueDuplicate' : 'FieldValueNotSupported', message };
    });
    const err = new InvalidError({ group: spec.group, resource, kind: spec.kind, name: nameOf(body) }, causes);
    const message = typeof b.kind === 'string' && b.kind
      ? `${b.kind} in version "${spec.version}" cannot be handled as a ${spec.kind}: ${detail}`
      : `the object provided is unrecognized (must be of type ${spec.kind}): ${detail}`;
    Object.defineProperty(err, 'message', { value: message });
    throw err;
  }

  const object = {
    ...(decoded.value as Record<string, unknown>),
    apiVersion: spec.anyApiVersion && typeof b.apiVersion === 'string' ? b.apiVersion : apiVersion,
    kind: spec.kind,
  } as KubeObject;
  if (object.metadata === undefined && spec.list) object.metadata = {};
  // kube-apiserver clears the namespace of cluster-scoped objects before validating (BeforeCreate).
  if (opts.namespaced === false && object.metadata?.namespace !== undefined) delete object.metadata.namespace;
  spec.defaults?.(object as never);
  const errors = spec.validate?.(object as never, opts.namespaced ?? true) ?? [];
  if (errors.length) fail(spec, resource, object.metadata?.name, errors);
  return { object, warnings: mode === 'Warn' ? strictErrors : [] };
}

/**
 * Validates a request body for a served type: type errors and semantic errors → 422 Invalid;
 * unknown/duplicate fields → 400 BadRequest (Strict), warnings (Warn) or nothing (Ignore), and
 * dropped. Returns the object with kube's defaults applied.
 */
export function validateObject(
  type: ResourceType,
  body: unknown,
  opts: { fieldValidation: FieldValidation; rawJson?: string },
): ValidationResult {
  return validateKind(type, body, { ...opts, namespaced: type.namespaced }, type.resource);
}

/** kube-apiserver's defaults for a kind (pure: returns a defaulted copy). Idempotent. */
export function applyDefaults(type: Pick<ResourceType, 'group' | 'version' | 'kind'>, obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  kindSpec(type)?.defaults?.(copy as never);
  return copy;
}

/** Update-only rules: immutable fields, what a pod update may change. Throws InvalidError (422). */
export function validateUpdate(type: Pick<ResourceType, 'group' | 'version' | 'kind' | 'resource'>, oldObj: KubeObject, newObj: KubeObject): void {
  const errors = UPDATE_RULES[type.kind]?.(oldObj, newObj) ?? [];
  if (errors.length) fail(type, type.resource, newObj.metadata?.name, errors);
}

/**
 * How kube's strategy of each kind decides to bump metadata.generation: Deployments on spec or
 * annotation changes, ReplicaSets, PodDisruptionBudgets and Pods (kube ≥ 1.34) on spec changes. The other kinds do not
 * track a generation at all.
 */
const GENERATION: Record<string, 'spec' | 'spec+annotations'> = {
  Deployment: 'spec+annotations',
  ReplicaSet: 'spec',
  Pod: 'spec',
  PodDisruptionBudget: 'spec',
};

/** Whether kube sets metadata.generation (1 on create) for this kind. */
export function tracksGeneration(type: Pick<ResourceType, 'kind'>): boolean {
  return type.kind in GENERATION;
}

/** Whether an update bumps metadata.generation. */
export function generationChanged(type: Pick<ResourceType, 'kind'>, oldObj: KubeObject, newObj: KubeObject): boolean {
  const rule = GENERATION[type.kind];
  if (!rule) return false;
  if (!semanticEqual(oldObj.spec, newObj.spec)) return true;
  return rule === 'spec+annotations' && !semanticEqual(oldObj.metadata?.annotations, newObj.metadata?.annotations);
}
