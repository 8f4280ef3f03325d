/**
 * The review APIs a client asks about itself: "who am I" (`SelfSubjectReview`, `kubectl auth
 * whoami`) and "may I" (`SelfSubjectAccessReview` and `SelfSubjectRulesReview`, `kubectl auth
 * can-i`, and the access checks of dashboards and operators). They are answered from the request
 * alone and store nothing, as in kube-apiserver.
 *
 * Skiff has authentication and no authorization layer: every authenticated user may do
 * everything (kube-apiserver's `AlwaysAllow`), so every access review is allowed.
 */
import { BadRequestError, InvalidError } from '../core/errors.ts';
import type { Actor } from '../core/object.ts';

export interface ReviewResource {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
}

export const REVIEW_RESOURCES: readonly ReviewResource[] = [
  { group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', singular: 'selfsubjectreview', kind: 'SelfSubjectReview' },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview' },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview' },
];

/** The review a request path names (`/apis/<group>/<version>/<resource>`), if any. */
export function reviewAt(path: string): ReviewResource | undefined {
  const m = /^\/apis\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  return m ? REVIEW_RESOURCES.find((r) => r.group === m[1] && r.version === m[2] && r.resource === m[3]) : undefined;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether an ObjectMeta from a request is empty as Go sees it (kubectl sends `creationTimestamp: null`). */
function emptyMeta(meta: Json): boolean {
  return Object.values(meta).every((v) => v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0));
}

/** `body.field`, with JSON null read as absent (as Go's decoder reads a null pointer). */
function field(body: Json, name: string): unknown {
  return body[name] === null ? undefined : body[name];
}

/**
 * The answer to a review `body` from `actor`: the object a POST of it returns (201), shaped as
 * kube-apiserver shapes it (see `pkg/registry/authorization` and `authentication`).
 */
export function answerReview(review: ReviewResource, body: unknown, actor: Actor, now: Date): Json {
  if (!isObject(body)) throw new BadRequestError(`the body of a ${review.kind} must be an object`);
  const apiVersion = `${review.group}/${review.version}`;
  if (body.kind !== undefined && body.kind !== review.kind) throw new BadRequestError(`expected a ${review.kind}, got kind "${String(body.kind)}"`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) throw new BadRequestError(`expected apiVersion "${apiVersion}", got "${String(body.apiVersion)}"`);
  const metadata = field(body, 'metadata');
  const spec = field(body, 'spec');
  if (metadata !== undefined && !isObject(metadata)) throw new BadRequestError(`metadata of a ${review.kind} must be an object`);
  if (spec !== undefined && !isObject(spec)) throw new BadRequestError(`spec of a ${review.kind} must be an object`);
  const invalid = (path: string, message: string) =>
    new InvalidError({ group: review.group, resource: review.resource, kind: review.kind, name: '' }, [{ reason: 'FieldValueInvalid', field: path, message }]);

  switch (review.kind) {
    case 'SelfSubjectReview':
      return {
        kind: review.kind,
        apiVersion,
        metadata: { creationTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
        status: { userInfo: { username: actor.user, ...(actor.uid ? { uid: actor.uid } : {}), groups: actor.groups } },
      };
    case 'SelfSubjectAccessReview': {
      if (metadata !== undefined && !emptyMeta(metadata)) throw invalid('metadata', 'must be empty');
      const question = spec ?? {};
      const resource = field(question, 'resourceAttributes');
      const nonResource = field(question, 'nonResourceAttributes');
      if (resource !== undefined && nonResource !== undefined) throw invalid('spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes');
      if (resource === undefined && nonResource === undefined) throw invalid('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
      if (!isObject(resource ?? nonResource)) throw invalid(resource !== undefined ? 'spec.resourceAttributes' : 'spec.nonResourceAttributes', 'must be an object');
      return { kind: review.kind, apiVersion, metadata: { creationTimestamp: null }, spec: question, status: { allowed: true } };
    }
    default: {
      const namespace = spec ? field(spec, 'namespace') : undefined;
      if (namespace !== undefined && typeof namespace !== 'string') throw invalid('spec.namespace', 'must be a string');
      if (!namespace) throw new BadRequestError('no namespace on request');
      return {
        kind: review.kind,
        apiVersion,
        metadata: { creationTimestamp: null },
        spec: {},
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      };
    }
  }
}
