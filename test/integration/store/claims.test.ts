/** Claims: a version counter an update takes along in its transaction. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../../../lib/core/errors.ts';
import { configMap, ctx, env, namespace, T, type Env } from './fixtures.ts';

let e: Env;
before(async () => {
  e = await env();
  await e.store.create(T.namespaces, namespace('claims'), ctx());
});
after(async () => {
  await e?.close();
});

describe('claims', () => {
  it('let exactly one of two writes decided from the same version commit, and move the version on', async () => {
    const a = await e.store.create(T.configmaps, configMap('claims', 'a'), ctx());
    const b = await e.store.create(T.configmaps, configMap('claims', 'b'), ctx());
    assert.equal(await e.store.claimVersion('node-allocation/n1'), undefined);
    const results = await Promise.allSettled([
      e.store.update(T.configmaps, { ...a, data: { x: '1' } }, ctx('a', 'update'), { claims: [{ key: 'node-allocation/n1', expect: undefined }] }),
      e.other().update(T.configmaps, { ...b, data: { x: '1' } }, ctx('b', 'update'), { claims: [{ key: 'node-allocation/n1', expect: undefined }] }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.ok(lost[0].reason instanceof ConflictError, String(lost[0].reason));
    assert.equal(await e.store.claimVersion('node-allocation/n1'), 1);
    // The loser wrote nothing: its object is unchanged.
    const loser = results[0].status === 'rejected' ? 'a' : 'b';
    assert.deepEqual((await e.store.get(T.configmaps, 'claims', loser))?.data ?? {}, {});
    // Deciding again from the new version commits.
    const again = (await e.store.get(T.configmaps, 'claims', loser))!;
    await e.store.update(T.configmaps, { ...again, data: { x: '2' } }, ctx(loser, 'update'), { claims: [{ key: 'node-allocation/n1', expect: 1 }] });
    assert.equal(await e.store.claimVersion('node-allocation/n1'), 2);
    await assert.rejects(
      e.store.update(T.configmaps, { ...(await e.store.get(T.configmaps, 'claims', loser))!, data: { x: '3' } }, ctx(loser, 'update'), { claims: [{ key: 'node-allocation/n1', expect: 1 }] }),
      ConflictError,
    );
  });
});

describe('changesSince', () => {
  it('returns every change after a resourceVersion up to the watermark, deletes included, and gives up past max', async () => {
    const start = await e.store.currentResourceVersion(T.configmaps);
    const x = await e.store.create(T.configmaps, configMap('claims', 'x'), ctx());
    const x2 = await e.store.update(T.configmaps, { ...x, data: { v: '2' } }, ctx('t', 'update'));
    await e.store.delete(T.configmaps, x2, ctx('t', 'delete'));
    await e.store.create(T.configmaps, configMap('claims', 'y'), ctx());
    const changes = await e.store.changesSince(T.configmaps, start);
    assert.ok(changes);
    assert.deepEqual(changes.events.map((ev) => `${ev.type} ${ev.object.metadata.name}`), ['ADDED x', 'MODIFIED x', 'DELETED x', 'ADDED y']);
    assert.equal(changes.resourceVersion, await e.store.currentResourceVersion(T.configmaps));
    assert.deepEqual((await e.store.changesSince(T.configmaps, changes.resourceVersion))?.events, []);
    assert.equal(await e.store.changesSince(T.configmaps, start, 2), undefined);
  });
});
