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

/** The review `body` filled in for `actor`: the object a POST of it returns (201). */
export function answerReview(review: ReviewResource, body: unknown, actor: Actor): Json {
  if (!isObject(body)) throw new BadRequestError(`the body of a ${review.kind} must be an object`);
  const apiVersion = `${review.group}/${review.version}`;
  if (body.kind !== undefined && body.kind !== review.kind) throw new BadRequestError(`expected a ${review.kind}, got kind "${String(body.kind)}"`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) throw new BadRequestError(`expected apiVersion "${apiVersion}", got "${String(body.apiVersion)}"`);
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const spec = isObject(body.spec) ? body.spec : {};
  const head = { kind: review.kind, apiVersion, metadata: { ...metadata, creationTimestamp: null } };
  const invalid = (field: string, message: string) =>
    new InvalidError({ group: review.group, resource: review.resource, kind: review.kind, name: typeof metadata.name === 'string' ? metadata.name : '' }, [{ reason: 'FieldValueInvalid', field, message }]);

  switch (review.kind) {
    case 'SelfSubjectReview':
      return { ...head, status: { userInfo: { username: actor.user, ...(actor.uid ? { uid: actor.uid } : {}), groups: actor.groups } } };
    case 'SelfSubjectAccessReview': {
      const resource = spec.resourceAttributes;
      const nonResource = spec.nonResourceAttributes;
      if ((resource === undefined) === (nonResource === undefined)) {
        throw invalid('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
      }
      if (resource !== undefined && !isObject(resource)) throw invalid('spec.resourceAttributes', 'must be an object');
      if (nonResource !== undefined && !isObject(nonResource)) throw invalid('spec.nonResourceAttributes', 'must be an object');
      return { ...head, spec, status: { allowed: true } };
    }
    default: {
      if (spec.namespace !== undefined && typeof spec.namespace !== 'string') throw invalid('spec.namespace', 'must be a string');
      return {
        ...head,
        spec,
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      };
    }
  }
}
