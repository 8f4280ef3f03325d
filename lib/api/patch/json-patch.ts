/**
 * JSON patch (RFC 6902, `application/json-patch+json`), e.g. what `kubectl rollout undo` sends.
 * Application is `fast-json-patch`'s; this file gives it kube-apiserver's contract:
 *
 * - a body that is not a JSON array of objects: 400 BadRequest (kube: `jsonpatch.DecodePatch` fails);
 * - more than 10000 operations: 413 (kube's `maxJSONPatchOperations`);
 * - any operation that cannot apply (a failing `test`, a missing path, an unknown `op`, a missing
 *   `value`): 422 Invalid, "the server rejected our request due to an error in our request", as kube
 *   answers (`NewGenericServerResponse(422, …)`); the reason, in evanphx/json-patch's words, is kept as
 *   a cause;
 * - the result must still be an object.
 */
import jsonpatch from 'fast-json-patch';
import { BadRequestError, RequestEntityTooLargeError } from '../../core/errors.ts';
import { PatchApplyError } from './errors.ts';
import { clone, isObject, jsonType, type JsonObject } from './json.ts';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Operation = Parameters<typeof jsonpatch.applyPatch>[1][number];

/** Applies `patch` to `doc`; neither input is modified. */
export function applyJsonPatch(doc: unknown, patch: unknown): JsonObject {
  if (!Array.isArray(patch)) {
    throw new BadRequestError(`json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isObject(op)) throw new BadRequestError(`json: cannot unmarshal ${goKind(op)} into Go value of type jsonpatch.Operation`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new RequestEntityTooLargeError(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  let result: unknown;
  try {
    result = jsonpatch.applyPatch(clone(doc), clone(patch) as Operation[], true, true, true).newDocument;
  } catch (err) {
    throw new PatchApplyError(reasonOf(err));
  }
  if (!isObject(result)) {
    throw new PatchApplyError(`json: cannot unmarshal ${goKind(result)} into Go value of type map[string]interface {}`);
  }
  return result;
}

function goKind(v: unknown): string {
  const t = jsonType(v);
  return t === 'boolean' ? 'bool' : t === 'undefined' ? 'null' : t;
}

/** evanphx/json-patch's wording for each failure fast-json-patch reports. */
function reasonOf(err: unknown): string {
  if (!(err instanceof jsonpatch.JsonPatchError)) return err instanceof Error ? err.message.split('\n')[0] : String(err);
  const op = (isObject(err.operation) ? err.operation : {}) as { op?: unknown; path?: unknown; from?: unknown };
  const path = typeof op.path === 'string' ? op.path : '';
  switch (err.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `${String(op.op)} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${String(op.op)} operation does not apply: doc is missing from path: "${String(op.from)}": missing value`;
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${String(op.op)}`;
    case 'OPERATION_PATH_INVALID':
      return `${String(op.op)} operation does not apply: invalid path: "${path}"`;
    case 'OPERATION_FROM_REQUIRED':
      return `${String(op.op)} operation does not apply: missing from path`;
    case 'OPERATION_VALUE_REQUIRED':
    case 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED':
      return `${String(op.op)} operation does not apply: missing value`;
    default:
      return err.message.split('\n')[0];
  }
}
