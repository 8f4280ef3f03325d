/** Racing writers: optimistic concurrency, no lost updates, and watches that never skip or repeat. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { verifyChain } from '../../../lib/store/hash.ts';
import { metaPk } from '../../../lib/store/keys.ts';
import { T, Watcher, configMap, ctx, env, namespace, sleep, type Env } from './fixtures.ts';

describe('DynamoStore: concurrency', () => {
  let e: Env;
  before(async () => {
    e = await env();
    await e.store.create(T.namespaces, namespace('race'), ctx());
  });
  after(async () => e.close());

  it('lets exactly one of 16 racing writers win each round, losing no update', async () => {
    const rounds = 5;
    const writers = 16;
    // Each writer its own store instance, as separate API processes would be.
    const stores = Array.from({ length: writers }, () => e.other());
    const created = await e.store.create(T.configmaps, configMap('race', 'hot', {}), ctx());
    // A reader that would take a minute to fill holes: any filler seen below was written by a loser.
    const watch = new Watcher(e.other({ holeTimeoutMs: 60_000 }), T.configmaps, { resourceVersion: created.metadata.resourceVersion, namespace: 'race' });

    let current: KubeObject = created;
    const winners: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const base = current;
      const results = await Promise.allSettled(
        stores.map((s, w) => s.update(T.configmaps, { ...base, data: { ...(base.data as Record<string, string>), [`round${round}`]: `writer${w}` } }, ctx(`writer${w}`, 'update'))),
      );
      const won = results.filter((r): r is PromiseFulfilledResult<KubeObject> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: exactly one winner`);
      for (const l of lost) assert.ok(l.reason instanceof ConflictError, `round ${round}: loser got ${String(l.reason)}`);
      current = won[0].value;
      winners.push((current.data as Record<string, string>)[`round${round}`]);
    }

    const final = (await e.store.get(T.configmaps, 'race', 'hot'))!;
    assert.deepEqual(final.data, Object.fromEntries(winners.map((w, i) => [`round${i}`, w])));
    const h = await e.store.history(T.configmaps, 'race', 'hot');
    assert.equal(h.length, rounds + 1, 'one log entry per winning write');
    assert.deepEqual(h.map((x) => x.rev), [created.metadata.resourceVersion, ...h.slice(1).map((x) => x.rev)]);
    assert.equal(h.at(-1)?.rev, final.metadata.resourceVersion);
    assert.deepEqual(verifyChain(h, { fromStart: true }), { ok: true });

    // Losers that got past the pre-check took numbers and lost in the transaction: each left a filler.
    const log = await e.client.send(new QueryCommand({ TableName: e.tables.log, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'configmaps' } }, ConsistentRead: true }));
    const fillers = (log.Items ?? []).filter((it) => it.filler?.BOOL).length;
    assert.ok(fillers > 0, 'some losers failed inside the transaction, not only in the pre-check');
    const meta = await e.client.send(new GetItemCommand({ TableName: e.tables.meta, Key: { pk: { S: metaPk('configmaps') } }, ConsistentRead: true }));
    assert.equal((log.Items ?? []).length, Number(meta.Item?.n?.N), 'every number taken is committed or filled by its own writer');

    // The watch saw each winning write once, in order; the losers' numbers are fillers, invisible.
    await watch.until((w) => w.changes.length >= rounds);
    await sleep(100);
    assert.deepEqual(watch.changes.map((ev) => ev.object.metadata.resourceVersion), h.slice(1).map((x) => x.rev));
    await watch.stop();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('delivers every committed change exactly once, in rv order, to a watch from R despite concurrent writers and a hole', async () => {
    const start = await e.store.currentResourceVersion(T.configmaps);
    const watches = [new Watcher(e.store, T.configmaps, { resourceVersion: start }), new Watcher(e.other(), T.configmaps, { resourceVersion: start })];
    const writers = Array.from({ length: 8 }, () => e.other());
    const committed: KubeObject[] = [];
    let holeTaken = false;
    await Promise.all(
      writers.map(async (s, w) => {
        let obj = await s.create(T.configmaps, configMap('race', `w${w}`, { i: '0' }), ctx());
        committed.push(obj);
        for (let i = 1; i <= 6; i++) {
          if (w === 3 && i === 3 && !holeTaken) {
            // A writer that crashes after taking its number: a hole in the middle of the stream.
            holeTaken = true;
            await e.client.send(new UpdateItemCommand({ TableName: e.tables.meta, Key: { pk: { S: metaPk('configmaps') } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
          }
          obj = await s.update(T.configmaps, { ...obj, data: { i: String(i) } }, ctx());
          committed.push(obj);
        }
      }),
    );
    const expected = committed.map((o) => Number(o.metadata.resourceVersion)).sort((a, b) => a - b);
    for (const w of watches) {
      await w.until((x) => x.changes.length >= expected.length);
      await sleep(150); // anything extra would show up now
      const seen = w.changes.map((ev) => Number(ev.object.metadata.resourceVersion));
      assert.deepEqual(seen, expected, 'no skip, no repeat, rv order');
      await w.stop();
    }
    // A watch started afterwards from the same R reads the same sequence from the log.
    const late = new Watcher(e.other(), T.configmaps, { resourceVersion: start });
    await late.until((x) => x.changes.length >= expected.length);
    assert.deepEqual(late.changes.map((ev) => Number(ev.object.metadata.resourceVersion)), expected);
    await late.stop();
    await Promise.all(writers.map((s) => s.close()));
  });
});
