import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { applyPatch, JSON_PATCH, MERGE_PATCH, PatchApplyError } from '../../../lib/api/patch/index.ts';

const opts = { kind: 'Deployment', apiVersion: 'apps/v1' };

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '3', note: 'x' } },
    spec: {
      replicas: 2,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
    },
  };
}

const rejects = (fn: () => unknown, code: number, message?: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof ApiError && err.code === code && (!message || message.test(JSON.stringify(err.toStatus()))));

describe('JSON patch', () => {
  it('kubectl rollout undo replaces /spec/template and /metadata/annotations', () => {
    const oldTemplate = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.24', resources: {} }] } };
    const live = deployment();
    const out = applyPatch(JSON_PATCH, live, [
      { op: 'replace', path: '/spec/template', value: oldTemplate },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3' } },
    ], opts);
    assert.deepEqual((out.spec as Record<string, unknown>).template, oldTemplate);
    assert.deepEqual(out.metadata.annotations, { 'deployment.kubernetes.io/revision': '3' });
    assert.deepEqual(live, deployment(), 'input untouched');
  });

  it('accepts the raw body as text', () => {
    const out = applyPatch(JSON_PATCH, deployment(), '[{"op":"add","path":"/metadata/labels/tier","value":"fe"}]', opts);
    assert.equal(out.metadata.labels?.tier, 'fe');
  });

  it('a result does not share structure with the patch', () => {
    const value = { a: 'b' };
    const out = applyPatch(JSON_PATCH, deployment(), [{ op: 'replace', path: '/metadata/labels', value }], opts);
    (out.metadata.labels as Record<string, string>).a = 'changed';
    assert.equal(value.a, 'b');
  });

  const errors: { name: string; patch: unknown; code: number; message?: RegExp }[] = [
    { name: 'a failing test op is 422', patch: [{ op: 'test', path: '/spec/replicas', value: 5 }], code: 422, message: /testing value \/spec\/replicas failed/ },
    { name: 'replace of a missing path is 422', patch: [{ op: 'replace', path: '/spec/paused', value: true }], code: 422, message: /doc is missing path/ },
    { name: 'remove of a missing path is 422', patch: [{ op: 'remove', path: '/metadata/labels/nope' }], code: 422, message: /doc is missing path/ },
    { name: 'add below a missing parent is 422', patch: [{ op: 'add', path: '/spec/strategy/type', value: 'Recreate' }], code: 422 },
    { name: 'an unknown op is 422', patch: [{ op: 'frobnicate', path: '/a' }], code: 422, message: /Unexpected kind: frobnicate/ },
    { name: 'replacing the root with a scalar is 422', patch: [{ op: 'replace', path: '', value: 5 }], code: 422 },
    { name: 'prototype pollution is refused', patch: [{ op: 'add', path: '/__proto__/polluted', value: true }], code: 422 },
    { name: 'an object instead of a list is 400', patch: { op: 'add' }, code: 400, message: /cannot unmarshal object/ },
    { name: 'an element that is not an object is 400', patch: ['add'], code: 400 },
    { name: 'invalid JSON text is 400', patch: '[{"op":', code: 400, message: /error decoding patch/ },
    { name: 'more than 10000 operations is 413', patch: Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' })), code: 413 },
  ];
  for (const c of errors) it(c.name, () => rejects(() => applyPatch(JSON_PATCH, deployment(), c.patch, opts), c.code, c.message));

  it('422 carries kube\'s message and the reason as a cause', () => {
    try {
      applyPatch(JSON_PATCH, deployment(), [{ op: 'test', path: '/spec/replicas', value: 5 }], opts);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof PatchApplyError);
      const s = err.toStatus();
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.message, 'the server rejected our request due to an error in our request');
      assert.match(s.details?.causes?.[0].message ?? '', /test failed/);
    }
    assert.equal((globalThis as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('JSON merge patch', () => {
  it('kubectl label / annotate: sets keys, null removes', () => {
    const out = applyPatch(MERGE_PATCH, deployment(), { metadata: { labels: { tier: 'fe', app: null }, annotations: { note: null } } }, opts);
    assert.deepEqual(out.metadata.labels, { tier: 'fe' });
    assert.deepEqual(out.metadata.annotations, { 'deployment.kubernetes.io/revision': '3' });
  });

  it('kubectl scale: {"spec":{"replicas":5}}', () => {
    const out = applyPatch(MERGE_PATCH, deployment(), { spec: { replicas: 5 } }, opts);
    assert.equal((out.spec as Record<string, unknown>).replicas, 5);
  });

  it('lists are replaced whole, nulls inside new objects vanish', () => {
    const out = applyPatch(MERGE_PATCH, deployment(), { spec: { template: { spec: { containers: [{ name: 'x', image: 'y' }] } }, strategy: { type: 'Recreate', rollingUpdate: null } } }, opts);
    const spec = out.spec as { template: { spec: { containers: unknown[] } }; strategy: unknown };
    assert.deepEqual(spec.template.spec.containers, [{ name: 'x', image: 'y' }]);
    assert.deepEqual(spec.strategy, { type: 'Recreate' });
  });

  it('keeps a __proto__ key as data', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":"x","b":"c"}}}');
    const out = applyPatch(MERGE_PATCH, deployment(), patch, opts);
    assert.equal(Object.getPrototypeOf(out.metadata.labels), Object.prototype);
    assert.deepEqual(Object.keys(out.metadata.labels ?? {}).sort(), ['__proto__', 'app', 'b']);
  });

  it('does not modify its inputs', () => {
    const live = deployment();
    const patch = { metadata: { labels: { app: null } } };
    applyPatch(MERGE_PATCH, live, patch, opts);
    assert.deepEqual(live, deployment());
    assert.deepEqual(patch, { metadata: { labels: { app: null } } });
  });

  for (const [name, patch] of [['an array', [1]], ['a string', '"x"'], ['null', 'null']] as const) {
    it(`${name} is not a merge patch: 400`, () => rejects(() => applyPatch(MERGE_PATCH, deployment(), patch, opts), 400, /Invalid JSON Patch/));
  }
});

describe('applyPatch dispatch', () => {
  it('ignores content-type parameters', () => {
    const out = applyPatch('application/merge-patch+json; charset=utf-8', deployment(), { spec: { replicas: 1 } }, opts);
    assert.equal((out.spec as Record<string, unknown>).replicas, 1);
  });
  it('an unknown content type is 415 with kube\'s list', () =>
    rejects(() => applyPatch('application/json', deployment(), {}, opts), 415, /application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml, application\/strategic-merge-patch\+json/));
  it('apply patches are not applyPatch\'s', () => rejects(() => applyPatch('application/apply-patch+yaml', deployment(), {}, opts), 400));
});
