/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge key by key, `null`
 * deletes, anything else (arrays included) replaces. What `kubectl label`, `annotate` and `scale` send.
 *
 * Written here rather than taken from `json-merge-patch`: that package stops processing a patch at
 * the first `__proto__` key and silently drops the rest, and it mutates its target. The algorithm is
 * the RFC's ten lines.
 */
import { BadRequestError } from '../../core/errors.ts';
import { clone, hasKey, isObject, setKey, type JsonObject } from './json.ts';

/**
 * Applies a merge patch to `target`; neither input is modified. The patch must be a JSON object
 * (kube answers 400 "Invalid JSON Patch" otherwise: a whole-document replacement is not a patch of
 * an object).
 */
export function applyMergePatch(target: unknown, patch: unknown): JsonObject {
  if (!isObject(patch)) throw new BadRequestError('Invalid JSON Patch');
  return mergeValue(clone(target), patch) as JsonObject;
}

/** `target` is a private copy and is updated in place. */
function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setKey(out, key, mergeValue(hasKey(out, key) ? out[key] : undefined, value));
  }
  return out;
}
