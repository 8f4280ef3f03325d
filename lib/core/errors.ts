/**
 * The API's error hierarchy. Every error a client can see is one of these, and each maps to a
 * Kubernetes `Status` exactly once, at the API edge (`toStatus`).
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** What a resource is called in messages: `deployments.apps "web"`. */
export interface ResourceRef {
  group: string;
  resource: string;
  kind?: string;
  name?: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function refDetails(ref: ResourceRef): StatusDetails {
  return { name: ref.name, group: ref.group || undefined, kind: ref.resource };
}

export class BadRequestError extends ApiError {
  constructor(message: string, details?: StatusDetails) {
    super(400, 'BadRequest', message, details);
    this.name = 'BadRequestError';
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'Unauthorized') {
    super(401, 'Unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string, details?: StatusDetails) {
    super(403, 'Forbidden', message, details);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends ApiError {
  constructor(ref: ResourceRef, message?: string) {
    super(404, 'NotFound', message ?? `${qualified(ref)} "${ref.name ?? ''}" not found`, refDetails(ref));
    this.name = 'NotFoundError';
  }

  /** A path that names no resource at all (`/apis/nope/v1/things`). */
  static path(path: string): NotFoundError {
    const e = new NotFoundError({ group: '', resource: '' }, `the server could not find the requested resource (${path})`);
    return e;
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(message: string) {
    super(405, 'MethodNotAllowed', message);
    this.name = 'MethodNotAllowedError';
  }
}

export class NotAcceptableError extends ApiError {
  constructor(message: string) {
    super(406, 'NotAcceptable', message);
    this.name = 'NotAcceptableError';
  }
}

export class AlreadyExistsError extends ApiError {
  constructor(ref: ResourceRef) {
    super(409, 'AlreadyExists', `${qualified(ref)} "${ref.name ?? ''}" already exists`, refDetails(ref));
    this.name = 'AlreadyExistsError';
  }
}

export class ConflictError extends ApiError {
  constructor(ref: ResourceRef, why = 'the object has been modified; please apply your changes to the latest version and try again', causes?: StatusCause[]) {
    super(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${ref.name ?? ''}": ${why}`, { ...refDetails(ref), ...(causes ? { causes } : {}) });
    this.name = 'ConflictError';
  }
}

export class GoneError extends ApiError {
  constructor(message: string) {
    super(410, 'Expired', message);
    this.name = 'GoneError';
  }
}

export class RequestEntityTooLargeError extends ApiError {
  constructor(message = 'Request entity too large: limit is 3145728') {
    super(413, 'RequestEntityTooLarge', message);
    this.name = 'RequestEntityTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(contentType: string) {
    super(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got "${contentType}")`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 422 Invalid, with one cause per offending field (`field` is the path, e.g. `spec.replicas`). */
export class InvalidError extends ApiError {
  readonly causes: StatusCause[];

  constructor(ref: ResourceRef & { kind: string }, causes: StatusCause[]) {
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? c.reason ?? 'Invalid value'}` : c.message ?? '')).join(', ');
    const groupKind = ref.group ? `${ref.kind}.${ref.group}` : ref.kind;
    super(422, 'Invalid', `${groupKind} "${ref.name ?? ''}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`, {
      name: ref.name,
      group: ref.group || undefined,
      kind: ref.kind,
      causes,
    });
    this.name = 'InvalidError';
    this.causes = causes;
  }
}

export class TooManyRequestsError extends ApiError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(429, 'TooManyRequests', message, { retryAfterSeconds });
    this.name = 'TooManyRequestsError';
  }
}

export class InternalError extends ApiError {
  constructor(message = 'an internal error occurred') {
    super(500, 'InternalError', message);
    this.name = 'InternalError';
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(message: string) {
    super(503, 'ServiceUnavailable', message);
    this.name = 'ServiceUnavailableError';
  }
}

export class TimeoutError extends ApiError {
  constructor(message: string, causes?: StatusCause[]) {
    super(504, 'Timeout', message, causes ? { causes, retryAfterSeconds: 1 } : undefined);
    this.name = 'TimeoutError';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
