/** The self-review APIs: who am I, and may I (every authenticated user may do everything), shaped as kube-apiserver answers them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lib/core/errors.ts';
import { answerReview, REVIEW_RESOURCES, reviewAt, type ReviewResource } from '../../../lib/api/reviews.ts';
import { validateKind } from '../../../lib/api/schema/index.ts';

const actor = { user: 'alice', groups: ['devs', 'system:authenticated'], uid: 'u-1' };
const NOW = new Date('2026-03-01T10:00:00.123Z');
const at = (path: string) => {
  const r = reviewAt(path);
  assert.ok(r, path);
  return r;
};
const ACCESS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const RULES = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

/** As the API answers a POSTed body: decoded with the review's schema, then answered. */
function answer(review: ReviewResource, body: unknown) {
  return answerReview(review, validateKind(review, body, { namespaced: false }, review.resource).object, actor, NOW);
}

function refused(fn: () => unknown, code: number, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === code && message.test(e.message));
}

describe('review APIs', () => {
  it('are found by their paths only', () => {
    assert.equal(at(ACCESS).kind, 'SelfSubjectAccessReview');
    assert.equal(at(WHOAMI).kind, 'SelfSubjectReview');
    assert.equal(reviewAt('/apis/authorization.k8s.io/v1/subjectaccessreviews'), undefined);
    assert.equal(reviewAt('/apis/authorization.k8s.io/v1beta1/selfsubjectaccessreviews'), undefined);
    assert.equal(reviewAt(`${ACCESS}/x`), undefined);
    assert.equal(at('/apis/authentication.k8s.io/v1/tokenreviews').kind, 'TokenReview');
    assert.equal(REVIEW_RESOURCES.length, 4);
  });

  it('tell the caller who it is, stamped now, whatever metadata was sent', () => {
    const r = answer(at(WHOAMI), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { name: 'x' } });
    assert.deepEqual(r.metadata, { creationTimestamp: '2026-03-01T10:00:00Z' });
    assert.deepEqual(r.status, { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] } });
  });

  it('allow any resource or non-resource access and echo the question', () => {
    const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } };
    const r = answer(at(ACCESS), { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { creationTimestamp: null }, spec });
    assert.deepEqual(r.spec, spec);
    assert.deepEqual(r.status, { allowed: true });
    // A null pointer is an absent one.
    const nonResource = { resourceAttributes: null, nonResourceAttributes: { path: '/healthz', verb: 'get' } };
    assert.deepEqual(answer(at(ACCESS), { spec: nonResource }).status, { allowed: true });
  });

  it('refuse an access review that asks neither or both questions, or names itself (422, with kube\'s field paths)', () => {
    const review = at(ACCESS);
    refused(() => answer(review, { spec: {} }), 422, /spec\.resourceAttributes: exactly one of nonResourceAttributes or resourceAttributes must be specified/);
    refused(
      () => answer(review, { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } } }),
      422,
      /spec\.nonResourceAttributes: cannot be specified in combination with resourceAttributes/,
    );
    refused(() => answer(review, { metadata: { name: 'mine' }, spec: { resourceAttributes: { verb: 'get' } } }), 422, /metadata: must be empty/);
    refused(() => answer(review, { kind: 'Pod', spec: {} }), 400, /cannot be handled as a SelfSubjectAccessReview/);
    refused(() => answer(review, []), 400, /must be of type SelfSubjectAccessReview/);
  });

  it('list every rule as allowed in a namespace, and need the namespace (400 as kube)', () => {
    const r = answer(at(RULES), { spec: { namespace: 'default' } });
    assert.deepEqual(r.status, { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
    refused(() => answer(at(RULES), { spec: {} }), 400, /^no namespace on request$/);
    refused(() => answer(at(RULES), {}), 400, /^no namespace on request$/);
  });
});
