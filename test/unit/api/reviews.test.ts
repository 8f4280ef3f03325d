/** The self-review APIs: who am I, and may I (every authenticated user may do everything). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lib/core/errors.ts';
import { answerReview, REVIEW_RESOURCES, reviewAt } from '../../../lib/api/reviews.ts';

const actor = { user: 'alice', groups: ['devs', 'system:authenticated'], uid: 'u-1' };
const at = (path: string) => {
  const r = reviewAt(path);
  assert.ok(r, path);
  return r;
};

describe('review APIs', () => {
  it('are found by their paths only', () => {
    assert.equal(at('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').kind, 'SelfSubjectAccessReview');
    assert.equal(at('/apis/authentication.k8s.io/v1/selfsubjectreviews').kind, 'SelfSubjectReview');
    assert.equal(reviewAt('/apis/authorization.k8s.io/v1/subjectaccessreviews'), undefined);
    assert.equal(reviewAt('/apis/authorization.k8s.io/v1beta1/selfsubjectaccessreviews'), undefined);
    assert.equal(reviewAt('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/x'), undefined);
    assert.equal(REVIEW_RESOURCES.length, 3);
  });

  it('tell the caller who it is', () => {
    const r = answerReview(at('/apis/authentication.k8s.io/v1/selfsubjectreviews'), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} }, actor);
    assert.deepEqual(r.status, { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] } });
  });

  it('allow any resource or non-resource access and echo the question', () => {
    const review = at('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } };
    const r = answerReview(review, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec }, actor);
    assert.deepEqual(r.spec, spec);
    assert.deepEqual(r.status, { allowed: true });
    assert.deepEqual(answerReview(review, { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } }, actor).status, { allowed: true });
  });

  it('refuse an access review that asks neither or both questions, naming the field (422)', () => {
    const review = at('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    for (const spec of [{}, { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } }]) {
      assert.throws(
        () => answerReview(review, { spec }, actor),
        (e: unknown) => e instanceof ApiError && e.code === 422 && /spec\.resourceAttributes: exactly one of nonResourceAttributes or resourceAttributes/.test(e.message),
      );
    }
    assert.throws(() => answerReview(review, { kind: 'Pod', spec: {} }, actor), (e: unknown) => e instanceof ApiError && e.code === 400);
    assert.throws(() => answerReview(review, [], actor), (e: unknown) => e instanceof ApiError && e.code === 400);
  });

  it('list every rule as allowed', () => {
    const r = answerReview(at('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews'), { spec: { namespace: 'default' } }, actor);
    assert.deepEqual(r.status, { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
  });
});
