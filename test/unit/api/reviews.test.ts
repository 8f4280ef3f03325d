/** The self-review APIs: who am I, and may I (every authenticated user may do everything), shaped as kube-apiserver answers them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lib/core/errors.ts';
import { answerReview, REVIEW_RESOURCES, reviewAt } from '../../../lib/api/reviews.ts';

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
    assert.equal(REVIEW_RESOURCES.length, 3);
  });

  it('tell the caller who it is, stamped now, whatever metadata was sent', () => {
    const r = answerReview(at(WHOAMI), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { name: 'x' } }, actor, NOW);
    assert.deepEqual(r.metadata, { creationTimestamp: '2026-03-01T10:00:00Z' });
    assert.deepEqual(r.status, { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] } });
  });

  it('allow any resource or non-resource access and echo the question', () => {
    const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } };
    const r = answerReview(at(ACCESS), { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { creationTimestamp: null }, spec }, actor, NOW);
    assert.deepEqual(r.spec, spec);
    assert.deepEqual(r.status, { allowed: true });
    // A null pointer is an absent one.
    const nonResource = { resourceAttributes: null, nonResourceAttributes: { path: '/healthz', verb: 'get' } };
    assert.deepEqual(answerReview(at(ACCESS), { spec: nonResource }, actor, NOW).status, { allowed: true });
  });

  it('refuse an access review that asks neither or both questions, or names itself (422, with kube\'s field paths)', () => {
    const review = at(ACCESS);
    refused(() => answerReview(review, { spec: {} }, actor, NOW), 422, /spec\.resourceAttributes: exactly one of nonResourceAttributes or resourceAttributes must be specified/);
    refused(
      () => answerReview(review, { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } } }, actor, NOW),
      422,
      /spec\.nonResourceAttributes: cannot be specified in combination with resourceAttributes/,
    );
    refused(() => answerReview(review, { metadata: { name: 'mine' }, spec: { resourceAttributes: { verb: 'get' } } }, actor, NOW), 422, /metadata: must be empty/);
    refused(() => answerReview(review, { kind: 'Pod', spec: {} }, actor, NOW), 400, /expected a SelfSubjectAccessReview/);
    refused(() => answerReview(review, [], actor, NOW), 400, /must be an object/);
  });

  it('list every rule as allowed in a namespace, and need the namespace (400 as kube)', () => {
    const r = answerReview(at(RULES), { spec: { namespace: 'default' } }, actor, NOW);
    assert.deepEqual(r.status, { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
    refused(() => answerReview(at(RULES), { spec: {} }, actor, NOW), 400, /^no namespace on request$/);
    refused(() => answerReview(at(RULES), {}, actor, NOW), 400, /^no namespace on request$/);
  });
});
