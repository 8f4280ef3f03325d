/** Small helpers over object metadata shared by the write path and the API. */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../core/object.ts';
import type { ResourceType } from '../core/resources.ts';
import { apiVersionOf } from '../core/resources.ts';

export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

/** kube's `generateName` suffix: five characters from an alphabet without vowels or lookalikes. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHANUMS[bytes[i] % ALPHANUMS.length];
  return out;
}

export function qualifiedName(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

export function refOf(type: ResourceType, name?: string) {
  return { group: type.group, resource: type.resource, kind: type.kind, name };
}

/**
 * The object minus its resourceVersion, for no-op detection. managedFields stay in: the field
 * manager returns them unchanged (times included) when a write changes nothing, and a write that
 * only moves ownership is a real change.
 */
export function comparable(obj: KubeObject): KubeObject {
  // Shallow copies: only the top level and metadata differ from the object, and the result is
  // only ever compared, never changed.
  const metadata = { ...obj.metadata };
  delete metadata.resourceVersion;
  if (metadata.managedFields && metadata.managedFields.length === 0) delete metadata.managedFields;
  return { ...obj, metadata };
}

/** Whether two objects are the same but for their resourceVersion (see `comparable`). */
export function sameButVersion(a: KubeObject, b: KubeObject): boolean {
  return isDeepStrictEqual(comparable(a), comparable(b));
}

export function typeMeta(type: ResourceType): { apiVersion: string; kind: string } {
  return { apiVersion: apiVersionOf(type), kind: type.kind };
}

/** PartialObjectMetadata, as metadata-only clients and Table rows want it. */
export function partialMetadata(obj: KubeObject): KubeObject {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: obj.metadata };
}

/** A Kubernetes timestamp: RFC 3339 in UTC, whole seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
