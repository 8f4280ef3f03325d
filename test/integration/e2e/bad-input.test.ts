/**
 * Every kind of bad input gets the right Kubernetes Status and writes nothing: after each case the
 * type's resourceVersion (its log sequence) has not moved.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';
import { raw, type RawOptions } from '../../helpers/https.ts';

let c: TestCluster;
before(async () => {
  // A 3 s watch window, so a watch can fall below it within the test.
  c = await startTestCluster([], { SKIFF_WATCH_WINDOW_SECONDS: '3' });
});
after(async () => {
  await c?.stop();
});

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

async function listRv(path: string): Promise<string> {
  const r = await raw(c, 'GET', path);
  assert.equal(r.status, 200, r.text);
  return (r.json().metadata as { resourceVersion: string }).resourceVersion;
}

interface Case {
  name: string;
  method: string;
  path: string;
  opts?: RawOptions;
  status: number;
  reason?: string;
  message?: RegExp;
  field?: string;
}

function expectStatus(r: Awaited<ReturnType<typeof raw>>, tc: Case) {
  assert.equal(r.status, tc.status, `${tc.name}: ${r.text}`);
  const body = r.json();
  assert.equal(body.kind, 'Status', tc.name);
  assert.equal(body.code, tc.status, tc.name);
  assert.equal(body.status, 'Failure', tc.name);
  if (tc.reason) assert.equal(body.reason, tc.reason, `${tc.name}: ${r.text}`);
  if (tc.message) assert.match(String(body.message), tc.message, tc.name);
  if (tc.field) {
    const causes = ((body.details as { causes?: { field?: string }[] })?.causes ?? []).map((x) => x.field);
    assert.ok(causes.includes(tc.field), `${tc.name}: causes ${JSON.stringify(causes)} lack ${tc.field}`);
  }
}

const cm = (extra: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', ...meta }, data: { a: 'b' }, ...extra });

describe('bad input', () => {
  it('is refused with the right Status and leaves the log untouched', async () => {
    const existing = await raw(c, 'POST', CM, { body: cm({}, { name: 'exists' }) });
    assert.equal(existing.status, 201, existing.text);
    const stored = existing.json() as { metadata: { resourceVersion: string } };
    const bump = await raw(c, 'PATCH', `${CM}/exists`, { body: '{"data":{"a":"c"}}', contentType: 'application/merge-patch+json' });
    assert.equal(bump.status, 200, bump.text);

    const cases: Case[] = [
      { name: 'invalid JSON', method: 'POST', path: CM, opts: { body: '{"apiVersion": "v1", ' }, status: 400, reason: 'BadRequest' },
      { name: 'invalid YAML', method: 'POST', path: CM, opts: { body: 'a: [b', contentType: 'application/yaml' }, status: 400, reason: 'BadRequest' },
      { name: 'unknown apiVersion in body', method: 'POST', path: CM, opts: { body: JSON.stringify({ apiVersion: 'v9', kind: 'ConfigMap', metadata: { name: 'x' } }) }, status: 400, message: /API version/ },
      { name: 'wrong kind in body', method: 'POST', path: CM, opts: { body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }) }, status: 400, message: /kind/ },
      { name: 'unknown resource', method: 'GET', path: '/api/v1/namespaces/default/widgets', status: 404, reason: 'NotFound' },
      { name: 'unknown group', method: 'GET', path: '/apis/example.com/v1/things', status: 404, reason: 'NotFound' },
      { name: 'name not DNS-1123', method: 'POST', path: CM, opts: { body: cm({}, { name: 'Bad_Name' }) }, status: 422, reason: 'Invalid', field: 'metadata.name' },
      { name: 'missing namespace', method: 'POST', path: '/api/v1/namespaces/nowhere/configmaps', opts: { body: cm() }, status: 404, reason: 'NotFound', message: /namespaces "nowhere" not found/ },
      { name: 'namespace disagrees with URL', method: 'POST', path: CM, opts: { body: cm({}, { namespace: 'kube-system' }) }, status: 400, message: /namespace/ },
      { name: 'wrong field type', method: 'POST', path: DEPLOY, opts: { body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'three', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }) }, status: 422, reason: 'Invalid', field: 'spec.replicas' },
      { name: 'selector does not match template', method: 'POST', path: DEPLOY, opts: { body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }) }, status: 422, reason: 'Invalid', field: 'spec.template.metadata.labels' },
      { name: 'unknown field, Strict', method: 'POST', path: `${CM}?fieldValidation=Strict`, opts: { body: cm({ extra: 1 }) }, status: 422, message: /unknown field "extra"/ },
      { name: 'body over 1.5 MiB', method: 'POST', path: CM, opts: { body: cm({ data: { big: 'x'.repeat(1.6 * 1024 * 1024) } }) }, status: 413, reason: 'RequestEntityTooLarge' },
      { name: 'stale resourceVersion', method: 'PUT', path: `${CM}/exists`, opts: { body: cm({}, { name: 'exists', resourceVersion: stored.metadata.resourceVersion }) }, status: 409, reason: 'Conflict' },
      { name: 'create of an existing name', method: 'POST', path: CM, opts: { body: cm({}, { name: 'exists' }) }, status: 409, reason: 'AlreadyExists' },
      { name: 'unsupported content type', method: 'POST', path: CM, opts: { body: 'a=b', contentType: 'application/x-www-form-urlencoded' }, status: 415, reason: 'UnsupportedMediaType' },
      { name: 'unsupported patch type', method: 'PATCH', path: `${CM}/exists`, opts: { body: '{}', contentType: 'application/json' }, status: 415, reason: 'UnsupportedMediaType' },
      { name: 'malformed label selector', method: 'GET', path: `${CM}?labelSelector=${encodeURIComponent('a in (b')}`, status: 400, reason: 'BadRequest' },
      { name: 'malformed field selector', method: 'GET', path: `${CM}?fieldSelector=${encodeURIComponent('spec.nope=1')}`, status: 400, reason: 'BadRequest' },
      { name: 'missing token', method: 'GET', path: CM, opts: { token: null }, status: 401, reason: 'Unauthorized' },
      { name: 'wrong token', method: 'POST', path: CM, opts: { token: 'not-the-token', body: cm() }, status: 401, reason: 'Unauthorized' },
    ];
    for (const tc of cases) {
      const before = await listRv(CM);
      const beforeDeploy = await listRv(DEPLOY);
      const r = await raw(c, tc.method, tc.path, tc.opts);
      expectStatus(r, tc);
      assert.equal(await listRv(CM), before, `${tc.name} wrote to the configmap log`);
      assert.equal(await listRv(DEPLOY), beforeDeploy, `${tc.name} wrote to the deployment log`);
    }
  });

  it('warns about unknown fields with fieldValidation=Warn and stores the rest', async () => {
    const r = await raw(c, 'POST', `${CM}?fieldValidation=Warn`, { body: cm({ extra: 1 }, { name: 'warned' }) });
    assert.equal(r.status, 201, r.text);
    assert.match(String(r.headers["warning"]), /^299 - "unknown field \\"extra\\""$/);
    assert.equal((r.json() as { extra?: unknown }).extra, undefined);
  });

  it('answers 410 Gone for a watch below the watch window and 504 for one from the future', async () => {
    const start = await listRv(CM);
    assert.equal((await raw(c, 'POST', CM, { body: cm({}, { name: 'aging' }) })).status, 201);
    await new Promise((r) => setTimeout(r, 3500));
    const gone = await raw(c, 'GET', `${CM}?watch=true&resourceVersion=${start}`);
    expectStatus(gone, { name: 'watch below the window', method: 'GET', path: CM, status: 410, reason: 'Expired', message: /too old resource version/ });
    const exact = await raw(c, 'GET', `${CM}?resourceVersion=${start}&resourceVersionMatch=Exact`);
    expectStatus(exact, { name: 'exact list below the window', method: 'GET', path: CM, status: 410, reason: 'Expired' });

    const future = await raw(c, 'GET', `${CM}?watch=true&resourceVersion=999999999`, { timeoutMs: 15_000 });
    expectStatus(future, { name: 'watch from the future', method: 'GET', path: CM, status: 504, reason: 'Timeout', message: /Too large resource version/ });
  });
});
