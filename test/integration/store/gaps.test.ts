/** Holes in the sequence: crashed and stalled writers, and faults around the commit. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, QueryCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConflictError, TimeoutError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { localDynamoClient } from '../../../lib/local/tables.ts';
import { DynamoStore } from '../../../lib/store/dynamo-store.ts';
import { metaPk } from '../../../lib/store/keys.ts';
import { testEndpoint } from '../../helpers/dynamodb.ts';
import { FAST, T, Watcher, configMap, ctx, env, namespace, type Env } from './fixtures.ts';

async function takeNumber(e: Env): Promise<number> {
  const r = await e.client.send(
    new UpdateItemCommand({
      TableName: e.tables.meta,
      Key: { pk: { S: metaPk('configmaps') } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(r.Attributes?.n?.N);
}

async function logSlot(e: Env, rev: number): Promise<'filler' | 'entry' | 'empty'> {
  const r = await e.client.send(new GetItemCommand({ TableName: e.tables.log, Key: { pk: { S: 'configmaps' }, rev: { N: String(rev) } }, ConsistentRead: true }));
  return !r.Item ? 'empty' : r.Item.filler?.BOOL ? 'filler' : 'entry';
}

/** The counter as stored, read directly so no reader runs (and fills holes) in between. */
async function rawCounter(e: Env): Promise<number> {
  const r = await e.client.send(new GetItemCommand({ TableName: e.tables.meta, Key: { pk: { S: metaPk('configmaps') } }, ConsistentRead: true }));
  return Number(r.Item?.n?.N ?? 0);
}

async function logCount(e: Env): Promise<number> {
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await e.client.send(new QueryCommand({ TableName: e.tables.log, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'configmaps' } }, ConsistentRead: true, Select: 'COUNT', ExclusiveStartKey: start }));
    count += r.Count ?? 0;
    start = r.LastEvaluatedKey;
  } while (start);
  return count;
}

/** A client whose next TransactWriteItems times out, before or after DynamoDB executes it. */
function faultyClient(): { client: DynamoDBClient; arm(when: 'before' | 'after'): void } {
  const client = localDynamoClient(testEndpoint());
  const real = client.send.bind(client) as (cmd: unknown) => Promise<unknown>;
  let armed: 'before' | 'after' | undefined;
  const timeout = () => Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
  (client as unknown as { send: (cmd: unknown) => Promise<unknown> }).send = async (cmd: unknown) => {
    if (cmd instanceof TransactWriteItemsCommand && armed) {
      const when = armed;
      armed = undefined;
      if (when === 'before') throw timeout();
      await real(cmd);
      throw timeout();
    }
    return real(cmd);
  };
  return { client, arm: (when) => (armed = when) };
}

describe('DynamoStore: holes and faults', () => {
  let e: Env;
  before(async () => {
    e = await env();
    await e.store.create(T.namespaces, namespace('gaps'), ctx());
    await e.store.create(T.configmaps, configMap('gaps', 'seed'), ctx());
  });
  after(async () => e.close());

  it("fills a crashed writer's hole after holeTimeoutMs, so lists and watches proceed", async () => {
    const start = await e.store.currentResourceVersion(T.configmaps);
    const watch = new Watcher(e.other(), T.configmaps, { resourceVersion: start });
    const hole = await takeNumber(e); // taken, never committed
    const t0 = performance.now();
    const list = await e.store.list(T.configmaps, { namespace: 'gaps' });
    const waited = performance.now() - t0;
    assert.equal(list.resourceVersion, String(hole), 'the snapshot includes the filled number');
    assert.ok(waited >= (FAST.holeTimeoutMs ?? 0) * 0.9, `list waited for the hole to age (${waited.toFixed(0)} ms)`);
    assert.equal(await logSlot(e, hole), 'filler');

    const later = await e.store.create(T.configmaps, configMap('gaps', 'after-hole'), ctx());
    await watch.until((w) => w.changes.length >= 1);
    assert.deepEqual(watch.changes.map((ev) => ev.object.metadata.resourceVersion), [later.metadata.resourceVersion]);
    await watch.stop();
  });

  it('fills a hole only a watch can see (numbers after it committed)', async () => {
    const start = await e.store.currentResourceVersion(T.configmaps);
    const watch = new Watcher(e.other(), T.configmaps, { resourceVersion: start });
    const hole = await takeNumber(e);
    const next = await e.other().create(T.configmaps, configMap('gaps', 'behind-hole'), ctx());
    assert.equal(Number(next.metadata.resourceVersion), hole + 1);
    await watch.until((w) => w.changes.length >= 1, 3000);
    assert.equal(watch.changes[0].object.metadata.resourceVersion, next.metadata.resourceVersion);
    assert.equal(await logSlot(e, hole), 'filler');
    await watch.stop();
  });

  it('keeps a stalled writer from committing into a filled slot: it retries later, in order', async () => {
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    let stalledRev = 0;
    const stalled = e.other({
      hooks: {
        beforeCommit: async ({ rev, attempt }) => {
          if (attempt === 1) {
            stalledRev = rev;
            await released;
          }
        },
      },
    });
    const start = await e.store.currentResourceVersion(T.configmaps);
    const watch = new Watcher(e.store, T.configmaps, { resourceVersion: start });
    const x = await e.store.create(T.configmaps, configMap('gaps', 'x', { v: '0' }), ctx());
    const y = await e.store.create(T.configmaps, configMap('gaps', 'y', { v: '0' }), ctx());

    const slow = stalled.update(T.configmaps, { ...x, data: { v: 'slow' } }, ctx());
    while (stalledRev === 0) await new Promise((r) => setTimeout(r, 5));
    const fast = await e.store.update(T.configmaps, { ...y, data: { v: 'fast' } }, ctx());
    assert.ok(Number(fast.metadata.resourceVersion) > stalledRev);
    // The watch gets past the stalled number once a reader fills it.
    await watch.until((w) => w.changes.some((ev) => ev.object.metadata.name === 'y' && ev.type === 'MODIFIED'));
    assert.equal(await logSlot(e, stalledRev), 'filler');

    release();
    const done = await slow;
    assert.ok(Number(done.metadata.resourceVersion) > Number(fast.metadata.resourceVersion), 'the late write lands after what readers already saw');
    await watch.until((w) => w.changes.length >= 4);
    const revs = watch.changes.map((ev) => Number(ev.object.metadata.resourceVersion));
    assert.deepEqual(revs, [...revs].sort((a, b) => a - b));
    assert.deepEqual(watch.changes.map((ev) => `${ev.type} ${ev.object.metadata.name}`), ['ADDED x', 'ADDED y', 'MODIFIED y', 'MODIFIED x']);
    assert.equal(await logSlot(e, stalledRev), 'filler', 'the stalled transaction never overwrote the filler');
    await watch.stop();
  });

  it('turns a stalled write into a Conflict when its object changed meanwhile', async () => {
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    let stalledRev = 0;
    const stalled = e.other({
      hooks: {
        beforeCommit: async ({ rev, attempt }) => {
          if (attempt === 1) {
            stalledRev = rev;
            await released;
          }
        },
      },
    });
    const z = await e.store.create(T.configmaps, configMap('gaps', 'z', { v: '0' }), ctx());
    const slow = stalled.update(T.configmaps, { ...z, data: { v: 'slow' } }, ctx());
    while (stalledRev === 0) await new Promise((r) => setTimeout(r, 5));
    await e.store.update(T.configmaps, { ...z, data: { v: 'fast' } }, ctx());
    release();
    await assert.rejects(slow, ConflictError);
    assert.deepEqual((await e.store.get(T.configmaps, 'gaps', 'z'))?.data, { v: 'fast' });
    // Its number was settled by a filler: no hole is left behind.
    assert.equal(await logSlot(e, stalledRev), 'filler');
  });

  it('resolves a write whose response was lost after the commit as a success', async () => {
    const f = faultyClient();
    const store = new DynamoStore({ client: f.client, tables: e.tables, ...FAST });
    const obj = await store.create(T.configmaps, configMap('gaps', 'after-commit', { v: '0' }), ctx());
    f.arm('after');
    const updated = await store.update(T.configmaps, { ...obj, data: { v: '1' } }, ctx());
    const stored = (await store.get(T.configmaps, 'gaps', 'after-commit'))!;
    assert.equal(stored.metadata.resourceVersion, updated.metadata.resourceVersion);
    assert.deepEqual(stored.data, { v: '1' });
    assert.equal(await logSlot(e, Number(updated.metadata.resourceVersion)), 'entry');
    assert.equal((await store.history(T.configmaps, 'gaps', 'after-commit')).length, 2);
    await store.close();
  });

  it('settles a write that failed before reaching DynamoDB: the filler lands and the error surfaces', async () => {
    const f = faultyClient();
    const store = new DynamoStore({ client: f.client, tables: e.tables, ...FAST });
    const obj = await store.create(T.configmaps, configMap('gaps', 'before-commit', { v: '0' }), ctx());
    f.arm('before');
    await assert.rejects(store.update(T.configmaps, { ...obj, data: { v: '1' } }, ctx()), (err) => {
      assert.ok(err instanceof TimeoutError);
      assert.equal(err.code, 504);
      return true;
    });
    const counter = await rawCounter(e);
    assert.equal(await logSlot(e, counter), 'filler', 'the failed number is filled by its writer');
    assert.equal(await logCount(e), counter, 'no hole remains');
    const stored: KubeObject | undefined = await store.get(T.configmaps, 'gaps', 'before-commit');
    assert.equal(stored?.metadata.resourceVersion, obj.metadata.resourceVersion);
    await store.close();
  });
});
