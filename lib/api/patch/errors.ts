/**
 * Errors the patch module raises besides the core ones (`BadRequestError` for a patch document that is
 * not valid). Each maps to the `Status` kube-apiserver answers in the same situation.
 */
import { ApiError, ConflictError, type ResourceRef, type StatusCause } from '../../core/errors.ts';

/**
 * A well-formed patch that cannot be applied to this object: a JSON patch `test` that fails, a path
 * that does not exist, a strategic merge patch with a list of lists. kube-apiserver answers these with
 * 422 `Invalid` and the generic message below (it drops the reason: `errors.NewGenericServerResponse`
 * without causes); we keep the reason as a cause so a client can see what went wrong.
 */
export class PatchApplyError extends ApiError {
  constructor(reason: string) {
    super(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: reason }],
    });
    this.name = 'PatchApplyError';
  }
}

/** 415 for a PATCH with a Content-Type that is not a patch type, with kube's list of accepted types. */
export class UnsupportedPatchTypeError extends ApiError {
  constructor(contentType: string, accepted: readonly string[]) {
    super(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
      causes: [{ reason: 'UnsupportedMediaType', message: `unsupported patch type "${contentType}"` }],
    });
    this.name = 'UnsupportedPatchTypeError';
  }
}

/** One field another manager owns that an apply would change. */
export interface ApplyConflict {
  /** As kube prints it: `"kubectl-client-side-apply" using apps/v1`, `"kubectl"`. */
  manager: string;
  /** As kube prints it: `.spec.template.spec.containers[name="nginx"].image`. */
  field: string;
}

function conflictMessage(conflicts: ApplyConflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].field}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${m}:`);
    for (const f of byManager.get(m)!) lines.push(`- ${f}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/**
 * 409 `Conflict` for server-side apply, in kube's words (`errors.NewApplyConflict`): one cause per field,
 * reason `FieldManagerConflict`. A `ConflictError`, so callers that test for that class still match; the
 * message is kube's apply message rather than the optimistic-lock one.
 */
export class ApplyConflictError extends ConflictError {
  readonly conflicts: ApplyConflict[];

  constructor(ref: ResourceRef, conflicts: ApplyConflict[]) {
    const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field }));
    super(ref, 'apply conflict', causes);
    this.message = conflictMessage(conflicts);
    this.name = 'ApplyConflictError';
    this.conflicts = conflicts;
  }
}
