/**
 * The review APIs a client asks about itself: "who am I" (`SelfSubjectReview`, `kubectl auth
 * whoami`) and "may I" (`SelfSubjectAccessReview` and `SelfSubjectRulesReview`, `kubectl auth
 * can-i`, and the access checks of dashboards and operators). They are answered from the request
 * alone and store nothing, as in kube-apiserver. And `TokenReview`: who a token authenticates as,
 * for services that accept ServiceAccount tokens (Vault's Kubernetes auth, webhooks).
 *
 * Skiff has authentication and no authorization layer: every authenticated user may do
 * everything (kube-apiserver's `AlwaysAllow`), so every access review is allowed.
 */
import { BadRequestError, InvalidError } from '../core/errors.ts';
import type { Actor } from '../core/object.ts';
import { rfc3339 } from './meta.ts';

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
  { group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', singular: 'tokenreview', kind: 'TokenReview' },
];

/** The review a request path names (`/apis/<group>/<version>/<resource>`), if any. */
export function reviewAt(path: string): ReviewResource | undefined {
  const m = /^\/apis\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  return m ? REVIEW_RESOURCES.find((r) => r.group === m[1] && r.version === m[2] && r.resource === m[3]) : undefined;
}

type Json = Record<string, unknown>;

/** An authenticated user as the reviews show it (authentication.k8s.io/v1 UserInfo). */
function userInfo(actor: Actor): Json {
  return { username: actor.user, ...(actor.uid ? { uid: actor.uid } : {}), groups: actor.groups };
}

/** Whether an ObjectMeta from a request is empty as Go sees it (kubectl sends `creationTimestamp: null`). */
function emptyMeta(meta: Json): boolean {
  return Object.values(meta).every((v) => v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0));
}

/**
 * The answer to a review `body` from `actor`: the object a POST of it returns (201), shaped as
 * kube-apiserver shapes it (see `pkg/registry/authorization` and `authentication`). `body` is
 * decoded with the review's schema first (`validateKind`: shapes, kind, apiVersion, nulls); this
 * adds kube's own checks of each review.
 */
export function answerReview(review: ReviewResource, body: Json, actor: Actor, now: Date): Json {
  const apiVersion = `${review.group}/${review.version}`;
  const metadata = body.metadata as Json | undefined;
  const spec = body.spec as Json | undefined;
  const invalid = (path: string, message: string) =>
    new InvalidError({ group: review.group, resource: review.resource, kind: review.kind, name: '' }, [{ reason: 'FieldValueInvalid', field: path, message }]);

  switch (review.kind) {
    case 'SelfSubjectReview':
      return {
        kind: review.kind,
        apiVersion,
        metadata: { creationTimestamp: rfc3339(now) },
        status: { userInfo: userInfo(actor) },
      };
    case 'SelfSubjectAccessReview': {
      if (metadata !== undefined && !emptyMeta(metadata)) throw invalid('metadata', 'must be empty');
      const question = spec ?? {};
      if (question.resourceAttributes !== undefined && question.nonResourceAttributes !== undefined) throw invalid('spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes');
      if (question.resourceAttributes === undefined && question.nonResourceAttributes === undefined) throw invalid('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
      return { kind: review.kind, apiVersion, metadata: { creationTimestamp: null }, spec: question, status: { allowed: true } };
    }
    default: {
      if (!spec?.namespace) throw new BadRequestError('no namespace on request');
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

/** Who a token names, for the audiences asked (the API's when none): undefined when nobody. */
export type TokenCheck = (token: string, audiences: string[] | undefined) => Promise<{ actor: Actor; audiences: string[] } | undefined>;

/**
 * The answer to a TokenReview (kube's `pkg/registry/authentication/tokenreview`): the spec back,
 * and whether the token authenticates, as whom, and for which of the asked audiences. A token that
 * names nobody is an answer, not an error; a review without a token is 400.
 */
export async function answerTokenReview(body: Json, check: TokenCheck): Promise<Json> {
  const spec = (body.spec ?? {}) as { token?: string; audiences?: string[] };
  if (!spec.token) throw new BadRequestError('token is required for TokenReview in authentication');
  const result = await check(spec.token, spec.audiences?.length ? spec.audiences : undefined);
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: result
      ? {
          authenticated: true,
          user: userInfo(result.actor),
          audiences: result.audiences,
        }
      : { user: {} },
  };
}
