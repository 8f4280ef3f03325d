/** Lists are snapshots: paging, rewinding, resourceVersion semantics and their errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BadRequestError, GoneError, TimeoutError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import type { ListResult } from '../../../lib/store/types.ts';
import { T, configMap, ctx, env, namespace, type Env } from './fixtures.ts';

const names = (r: ListResult) => r.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('DynamoStore: lists', () => {
  let e: Env;
  let now = new Date('2030-01-01T00:00:00Z');
  before(async () => {
    e = await env({ clock: () => now, watchWindowSeconds: 600 });
    for (const ns of ['a', 'b']) await e.store.create(T.namespaces, namespace(ns), ctx());
  });
  after(async () => e.close());

  it('lists a namespace or all namespaces at the newest version', async () => {
    await e.store.create(T.configmaps, configMap('a', 'one'), ctx());
    await e.store.create(T.configmaps, configMap('b', 'two'), ctx());
    const rv = await e.store.currentResourceVersion(T.configmaps);
    const all = await e.store.list(T.configmaps);
    assert.equal(all.resourceVersion, rv);
    assert.deepEqual(names(all), ['a/one', 'b/two']);
    assert.deepEqual(names(await e.store.list(T.configmaps, { namespace: 'a' })), ['a/one']);
    assert.equal(all.continue, undefined);
  });

  it('serves every page of a paged list from the same snapshot while writes happen', async () => {
    const made: KubeObject[] = [];
    for (let i = 0; i < 12; i++) made.push(await e.store.create(T.configmaps, configMap('a', `p${String(i).padStart(2, '0')}`, { v: 'orig' }), ctx()));
    const first = await e.store.list(T.configmaps, { namespace: 'a', limit: 5 });
    const R = first.resourceVersion;
    assert.ok(first.continue);
    assert.equal(first.items.length, 5);

    // Between pages: modify items on later pages, delete one, create new ones before and after.
    await e.store.update(T.configmaps, { ...made[7], data: { v: 'changed' } }, ctx());
    await e.store.delete(T.configmaps, made[9], ctx());
    await e.store.create(T.configmaps, configMap('a', 'p08a'), ctx());
    await e.store.create(T.configmaps, configMap('a', 'zz-new'), ctx());
    const m11 = await e.store.update(T.configmaps, { ...made[11], data: { v: 'x' } }, ctx());
    await e.store.update(T.configmaps, { ...m11, data: { v: 'y' } }, ctx());

    const pages: ListResult[] = [first];
    while (pages.at(-1)!.continue) pages.push(await e.store.list(T.configmaps, { namespace: 'a', limit: 5, continue: pages.at(-1)!.continue }));
    for (const p of pages) assert.equal(p.resourceVersion, R, 'same snapshot on every page');
    const items = pages.flatMap((p) => p.items);
    assert.deepEqual(items.map((o) => o.metadata.name), ['one', ...made.map((o) => o.metadata.name)]);
    for (const o of items) {
      assert.deepEqual(o.data, o.metadata.name === 'one' ? {} : { v: 'orig' }, `${o.metadata.name} as it was at R`);
      assert.ok(Number(o.metadata.resourceVersion) <= Number(R));
    }
    assert.equal(items.find((o) => o.metadata.name === 'p07')?.metadata.resourceVersion, made[7].metadata.resourceVersion);
    // And the same list now shows the writes.
    const fresh = await e.store.list(T.configmaps, { namespace: 'a' });
    assert.ok(Number(fresh.resourceVersion) > Number(R));
    assert.ok(names(fresh).includes('a/zz-new'));
    assert.ok(!names(fresh).includes('a/p09'));
  });

  it('applies the filter while paging, so pages hold up to limit matching items', async () => {
    for (let i = 0; i < 10; i++) await e.store.create(T.configmaps, configMap('b', `f${i}`, {}, { even: String(i % 2 === 0) }), ctx());
    const filter = (s: { labels: Record<string, string> }) => s.labels.even === 'true';
    const p1 = await e.store.list(T.configmaps, { namespace: 'b', limit: 2, filter });
    assert.deepEqual(p1.items.map((o) => o.metadata.name), ['f0', 'f2']);
    const p2 = await e.store.list(T.configmaps, { namespace: 'b', limit: 2, filter, continue: p1.continue });
    assert.deepEqual(p2.items.map((o) => o.metadata.name), ['f4', 'f6']);
    const p3 = await e.store.list(T.configmaps, { namespace: 'b', limit: 2, filter, continue: p2.continue });
    assert.deepEqual(p3.items.map((o) => o.metadata.name), ['f8']);
    assert.equal(p3.continue, undefined);
  });

  it('reads an exact past version, and at least a version with NotOlderThan', async () => {
    const c = await e.store.create(T.configmaps, configMap('b', 'ex', { v: '1' }), ctx());
    const at = c.metadata.resourceVersion!;
    await e.store.update(T.configmaps, { ...c, data: { v: '2' } }, ctx());
    await e.store.create(T.configmaps, configMap('b', 'ex-later'), ctx());
    const exact = await e.store.list(T.configmaps, { namespace: 'b', resourceVersion: at, resourceVersionMatch: 'Exact' });
    assert.equal(exact.resourceVersion, at);
    assert.deepEqual(exact.items.find((o) => o.metadata.name === 'ex')?.data, { v: '1' });
    assert.ok(!names(exact).includes('b/ex-later'));
    const notOlder = await e.store.list(T.configmaps, { namespace: 'b', resourceVersion: at });
    assert.ok(Number(notOlder.resourceVersion) > Number(at));
    assert.deepEqual(notOlder.items.find((o) => o.metadata.name === 'ex')?.data, { v: '2' });
  });

  it('answers 504 ResourceVersionTooLarge for a version not issued yet', async () => {
    const future = String(Number(await e.store.currentResourceVersion(T.configmaps)) + 1000);
    const t0 = performance.now();
    await assert.rejects(e.store.list(T.configmaps, { resourceVersion: future }), (err) => {
      assert.ok(err instanceof TimeoutError);
      assert.equal(err.code, 504);
      assert.deepEqual(err.details?.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
      return true;
    });
    assert.ok(performance.now() - t0 >= 500, 'waited before giving up');
  });

  it('rejects malformed continue tokens and bad parameters with 400', async () => {
    await assert.rejects(e.store.list(T.configmaps, { continue: 'not-a-token!' }), BadRequestError);
    await assert.rejects(e.store.list(T.configmaps, { continue: Buffer.from('{"v":1,"rv":"x"}').toString('base64url') }), BadRequestError);
    await assert.rejects(e.store.list(T.configmaps, { resourceVersion: 'abc' }), BadRequestError);
    await assert.rejects(e.store.list(T.configmaps, { resourceVersion: '0', resourceVersionMatch: 'Exact' }), BadRequestError);
    const p = await e.store.list(T.configmaps, { namespace: 'a', limit: 1 });
    await assert.rejects(e.store.list(T.configmaps, { namespace: 'b', limit: 1, continue: p.continue }), BadRequestError);
  });

  it('answers 410 for a continue token or an exact version below the watch window', async () => {
    const p = await e.store.list(T.configmaps, { namespace: 'a', limit: 2 });
    const c = (await e.store.get(T.configmaps, 'a', 'p00'))!;
    await e.store.update(T.configmaps, { ...c, data: { v: 'later' } }, ctx());
    // Within the window the token still works.
    await e.store.list(T.configmaps, { namespace: 'a', limit: 2, continue: p.continue });
    now = new Date(now.getTime() + 601_000);
    try {
      await assert.rejects(e.store.list(T.configmaps, { namespace: 'a', limit: 2, continue: p.continue }), (err) => {
        assert.ok(err instanceof GoneError);
        assert.equal(err.code, 410);
        assert.match(err.message, /^The provided continue parameter is too old/);
        return true;
      });
      await assert.rejects(e.store.list(T.configmaps, { resourceVersion: p.resourceVersion, resourceVersionMatch: 'Exact' }), (err) => {
        assert.ok(err instanceof GoneError);
        assert.match(err.message, new RegExp(`^too old resource version: ${p.resourceVersion} \\(\\d+\\)$`));
        return true;
      });
      // The newest version is never too old, however long ago its last change was.
      const head = await e.store.currentResourceVersion(T.configmaps);
      await e.store.list(T.configmaps, { resourceVersion: head, resourceVersionMatch: 'Exact' });
    } finally {
      now = new Date(now.getTime() - 601_000);
    }
  });
});
