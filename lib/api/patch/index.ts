/**
 * Every patch kube-apiserver accepts, as pure functions over plain objects:
 *
 * - `applyPatch` for `application/json-patch+json` (RFC 6902), `application/merge-patch+json`
 *   (RFC 7386) and `application/strategic-merge-patch+json`;
 * - `serverSideApply` for `application/apply-patch+yaml` (needs a field manager, so it is separate);
 * - `updateManagedFields` for the field ownership of every other write.
 *
 * Nothing here reads a clock or mutates its inputs. Errors are core `ApiError`s, ready for `toStatus`.
 */
import { BadRequestError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/object.ts';
import { UnsupportedPatchTypeError } from './errors.ts';
import { applyJsonPatch } from './json-patch.ts';
import { decodeBody } from './json.ts';
import { applyMergePatch } from './merge-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The PATCH content types kube-apiserver accepts, in the order its 415 lists them. */
export const PATCH_CONTENT_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH, STRATEGIC_MERGE_PATCH] as const;

export interface ApplyPatchOptions {
  /** The object's kind: selects the strategic-merge metadata (merge keys, strategies). */
  kind: string;
  apiVersion: string;
}

/** `application/json-patch+json; charset=utf-8` → `application/json-patch+json`. */
export function patchMediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * Applies a JSON, merge or strategic merge patch to `live` and returns the patched object (a new one;
 * `live` and `patch` are not modified). `patch` may be the decoded body or the raw JSON text/bytes.
 *
 * Errors: a body that is not JSON or not a patch document of the right shape → 400 BadRequest;
 * a JSON patch that cannot apply (failing `test`, missing path) → 422 Invalid, as kube answers;
 * more than 10000 JSON patch operations → 413; another content type → 415.
 * The result is not validated: kind, apiVersion, name and schema checks are the caller's.
 */
export function applyPatch(contentType: string, live: KubeObject, patch: unknown, opts: ApplyPatchOptions): KubeObject {
  const type = patchMediaType(contentType);
  if (!(PATCH_CONTENT_TYPES as readonly string[]).includes(type)) throw new UnsupportedPatchTypeError(contentType, PATCH_CONTENT_TYPES);
  if (type === APPLY_PATCH) throw new BadRequestError(`${APPLY_PATCH} is server-side apply: it needs a field manager (serverSideApply)`);
  let body: unknown;
  try {
    body = decodeBody(patch);
  } catch (err) {
    throw new BadRequestError(`error decoding patch: ${(err as Error).message}`);
  }
  switch (type) {
    case JSON_PATCH:
      return applyJsonPatch(live, body) as KubeObject;
    case MERGE_PATCH:
      return applyMergePatch(live, body) as KubeObject;
    default:
      return applyStrategicMergePatch(live, body, opts.kind) as KubeObject;
  }
}

export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';
export { applyMergePatch } from './merge-patch.ts';
export { applyStrategicMergePatch } from './strategic-merge.ts';
export { serverSideApply, LAST_APPLIED_ANNOTATION, type ServerSideApplyOptions } from './apply.ts';
export {
  updateManagedFields,
  withManagedFields,
  managerFromUserAgent,
  decodeManagedFields,
  encodeManagedFields,
  fieldSetOf,
  sameOwnership,
  managerId,
  type UpdateManagedFieldsOptions,
  type ManagerEntry,
  type Managers,
} from './managed-fields.ts';
export { FieldSet, FieldSetError, pathToString, type Path, type PathElement } from './field-set.ts';
export { patchMetaFor, listPatchMeta, patchMetaKinds, openApiExtensions, type PatchMeta, type ListType, type PatchStrategy } from './patch-meta.ts';
export { PatchApplyError, UnsupportedPatchTypeError, ApplyConflictError, type ApplyConflict } from './errors.ts';
