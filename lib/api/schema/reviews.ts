/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview, and
 * authentication.k8s.io/v1 SelfSubjectReview: the bodies a client POSTs to ask about itself, and
 * TokenReview, which asks about a token (answered by `lib/api/reviews.ts` and `app.ts`, never
 * stored); and authentication.k8s.io/v1 TokenRequest, the
 * body of `serviceaccounts/<name>/token` (answered by `lib/api/token-request.ts`, never stored).
 */
import { z } from 'zod';
import { Time, bool, component, int64, list, opt, reqStr, str, strings, typeMeta } from './kit.ts';
import { LabelSelectorRequirement, objectMeta } from './meta.ts';

const AUTHZ = 'io.k8s.api.authorization.v1';
const AUTHN = 'io.k8s.api.authentication.v1';

export const FieldSelectorRequirement = component(
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement',
  'A selector that contains values, a key, and an operator that relates the key and values.',
  z.strictObject({
    key: reqStr('The field selector key that the requirement applies to.'),
    operator: reqStr("Represents a key's relationship to a set of values: In, NotIn, Exists, DoesNotExist."),
    values: strings('An array of string values. Non-empty for In and NotIn, empty for Exists and DoesNotExist.'),
  }),
);

export const FieldSelectorAttributes = component(
  `${AUTHZ}.FieldSelectorAttributes`,
  'The field selector an authorization check is limited to.',
  z.strictObject({
    rawSelector: str('The serialization of a field selector, as a query parameter would carry it.'),
    requirements: list(FieldSelectorRequirement, 'The parsed form of the selector.'),
  }),
);

export const LabelSelectorAttributes = component(
  `${AUTHZ}.LabelSelectorAttributes`,
  'The label selector an authorization check is limited to.',
  z.strictObject({
    rawSelector: str('The serialization of a label selector, as a query parameter would carry it.'),
    requirements: list(LabelSelectorRequirement, 'The parsed form of the selector.'),
  }),
);

export const ResourceAttributes = component(
  `${AUTHZ}.ResourceAttributes`,
  'The attributes of a resource request to the authorizer.',
  z.strictObject({
    fieldSelector: opt(FieldSelectorAttributes, 'The field selector the request is limited to.'),
    group: str('The API group of the resource. "*" means all.'),
    labelSelector: opt(LabelSelectorAttributes, 'The label selector the request is limited to.'),
    name: str('The name of the resource being requested for a "get" or deleted for a "delete". "" (empty) means all.'),
    namespace: str('The namespace of the action being requested. "" (empty) means all namespaces for namespaced resources.'),
    resource: str('One of the existing resource types. "*" means all.'),
    subresource: str('One of the existing subresources. "" means none.'),
    verb: str('A Kubernetes resource API verb: get, list, watch, create, update, delete, proxy. "*" means all.'),
    version: str('The API version of the resource. "*" means all.'),
  }),
);

export const NonResourceAttributes = component(
  `${AUTHZ}.NonResourceAttributes`,
  'The attributes of a non-resource request to the authorizer.',
  z.strictObject({
    path: str('The URL path of the request.'),
    verb: str('The standard HTTP verb.'),
  }),
);

export const SelfSubjectAccessReviewSpec = component(
  `${AUTHZ}.SelfSubjectAccessReviewSpec`,
  'A description of the access request. Exactly one of resourceAttributes and nonResourceAttributes must be set.',
  z.strictObject({
    nonResourceAttributes: opt(NonResourceAttributes, 'Describes a non-resource access request.'),
    resourceAttributes: opt(ResourceAttributes, 'Describes a resource access request.'),
  }),
);

export const SubjectAccessReviewStatus = component(
  `${AUTHZ}.SubjectAccessReviewStatus`,
  'Whether the request is allowed.',
  z.strictObject({
    allowed: bool('Whether the action would be allowed.'),
    denied: bool('Whether the action is explicitly denied.'),
    evaluationError: str('An error the authorizer met while checking.'),
    reason: str('Why the request was allowed or denied.'),
  }),
);

export const SelfSubjectAccessReview = component(
  `${AUTHZ}.SelfSubjectAccessReview`,
  'Checks whether the current user can perform an action. Not filling in spec.namespace means "in all namespaces".',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(SelfSubjectAccessReviewSpec, 'The request being evaluated. User and groups must be empty.'),
    status: opt(SubjectAccessReviewStatus, 'Filled in by the server: whether the request is allowed.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', version: 'v1' }] },
);

export const SelfSubjectRulesReviewSpec = component(
  `${AUTHZ}.SelfSubjectRulesReviewSpec`,
  'The namespace to list the rules of.',
  z.strictObject({ namespace: str('The namespace to evaluate rules for. Required.') }),
);

export const ResourceRule = component(
  `${AUTHZ}.ResourceRule`,
  'What actions a user may take on which resources.',
  z.strictObject({
    apiGroups: strings('The API groups of the resources. "*" means all.'),
    resourceNames: strings('Names the rule applies to. Empty means all.'),
    resources: strings('The resources the rule applies to. "*" means all.'),
    verbs: strings('The verbs allowed. "*" means all.'),
  }),
);

export const NonResourceRule = component(
  `${AUTHZ}.NonResourceRule`,
  'What actions a user may take on which non-resource URLs.',
  z.strictObject({
    nonResourceURLs: strings('The URL paths the rule applies to. "*" means all.'),
    verbs: strings('The verbs allowed. "*" means all.'),
  }),
);

export const SubjectRulesReviewStatus = component(
  `${AUTHZ}.SubjectRulesReviewStatus`,
  'The rules a user may act by in a namespace.',
  z.strictObject({
    evaluationError: str('An error the authorizer met while listing.'),
    incomplete: bool('Whether the list is incomplete.'),
    nonResourceRules: list(NonResourceRule, 'The non-resource rules.'),
    resourceRules: list(ResourceRule, 'The resource rules.'),
  }),
);

export const SelfSubjectRulesReview = component(
  `${AUTHZ}.SelfSubjectRulesReview`,
  'Lists the actions the current user may perform in a namespace.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(SelfSubjectRulesReviewSpec, 'The namespace to list the rules of.'),
    status: opt(SubjectRulesReviewStatus, 'Filled in by the server: the rules.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview', version: 'v1' }] },
);

export const UserInfo = component(
  `${AUTHN}.UserInfo`,
  'The information about a user an authenticator holds.',
  z.strictObject({
    groups: strings('The groups the user is in.'),
    uid: str('A unique value that identifies the user across time.'),
    username: str('The name that uniquely identifies the user among active users.'),
  }),
);

export const SelfSubjectReview = component(
  `${AUTHN}.SelfSubjectReview`,
  'Returns the user attributes the server authenticated the request with.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    status: opt(z.strictObject({ userInfo: opt(UserInfo, 'The user attributes.') }), 'Filled in by the server: the user attributes.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'authentication.k8s.io', kind: 'SelfSubjectReview', version: 'v1' }] },
);

export const BoundObjectReference = component(
  `${AUTHN}.BoundObjectReference`,
  'The object a token is bound to: the token is valid only while that object exists.',
  z.strictObject({
    apiVersion: str('API version of the referent.'),
    kind: str("Kind of the referent. Valid kinds are 'Pod', 'Secret' and 'Node'."),
    name: str('Name of the referent.'),
    uid: str('UID of the referent.'),
  }),
);

export const TokenRequestSpec = component(
  `${AUTHN}.TokenRequestSpec`,
  'The parameters of a requested token.',
  z.strictObject({
    audiences: strings(
      'The intended audiences of the token. A recipient of a token must identify itself with an identifier in the list of audiences of the token, and otherwise should reject the token. Defaults to the audiences of the API server.',
    ),
    boundObjectRef: opt(BoundObjectReference, 'A reference to an object that the token will be bound to: the token is valid only as long as the bound object exists.'),
    expirationSeconds: int64('The requested duration of validity of the request (default one hour, at least ten minutes).'),
  }),
);

export const TokenRequestStatus = component(
  `${AUTHN}.TokenRequestStatus`,
  'The result of a token request.',
  z.strictObject({
    expirationTimestamp: opt(Time, 'The time of expiration of the returned token.'),
    token: str('The opaque bearer token.'),
  }),
);

export const TokenRequest = component(
  `${AUTHN}.TokenRequest`,
  'Requests a token for a given service account (`kubectl create token`); never stored.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(TokenRequestSpec, 'The parameters of the token.'),
    status: opt(TokenRequestStatus, 'Filled in by the server: the token.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'authentication.k8s.io', kind: 'TokenRequest', version: 'v1' }] },
);

export const TokenReviewSpec = component(
  `${AUTHN}.TokenReviewSpec`,
  'The token to authenticate and the audiences it must be meant for.',
  z.strictObject({
    audiences: strings('The audiences the resource server identifies as; the token must be meant for one of them. Defaults to the audiences of the API server.'),
    token: str('The opaque bearer token.'),
  }),
);

export const TokenReviewStatus = component(
  `${AUTHN}.TokenReviewStatus`,
  'The result of the token authentication request.',
  z.strictObject({
    audiences: strings('The requested audiences the token is meant for.'),
    authenticated: bool('Whether the token is associated with a known user.'),
    error: str("Why the token couldn't be checked."),
    user: opt(UserInfo, 'The user the token authenticates as.'),
  }),
);

export const TokenReview = component(
  `${AUTHN}.TokenReview`,
  'Authenticates a token: the user it names, if any (for webhooks and services that accept ServiceAccount tokens); never stored.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(TokenReviewSpec, 'The token to check.'),
    status: opt(TokenReviewStatus, 'Filled in by the server: whether the token is authenticated, and as whom.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'authentication.k8s.io', kind: 'TokenReview', version: 'v1' }] },
);
