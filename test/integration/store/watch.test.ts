/** Watches: initial events, selections, bookmarks, 410/504, the shared tailer. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { GoneError, TimeoutError } from '../../../lib/core/errors.ts';
import { localDynamoClient } from '../../../lib/local/tables.ts';
import { DynamoStore } from '../../../lib/store/dynamo-store.ts';
import type { Selectable } from '../../../lib/store/types.ts';
import { testEndpoint } from '../../helpers/dynamodb.ts';
import { FAST, T, Watcher, configMap, ctx, env, firstOutcome, namespace, pod, sleep, type Env } from './fixtures.ts';

describe('DynamoStore: watch', () => {
  let e: Env;
  let now = new Date('2030-01-01T00:00:00Z');
  before(async () => {
    e = await env({ clock: () => now, watchWindowSeconds: 600 });
    for (const ns of ['w', 'other']) await e.store.create(T.namespaces, namespace(ns), ctx());
  });
  after(async () => e.close());

  it('starts with the current state as ADDED events when resourceVersion is unset, then streams changes', async () => {
    await e.store.create(T.configmaps, configMap('w', 'pre1'), ctx());
    await e.store.create(T.configmaps, configMap('w', 'pre2'), ctx());
    const w = new Watcher(e.store, T.configmaps, { namespace: 'w' });
    await w.until((x) => x.changes.length >= 2);
    const c = await e.store.create(T.configmaps, configMap('w', 'post'), ctx());
    await e.store.create(T.configmaps, configMap('other', 'elsewhere'), ctx());
    await e.store.delete(T.configmaps, c, ctx());
    await w.until((x) => x.changes.length >= 4);
    await sleep(100);
    assert.deepEqual(w.changes.map((ev) => `${ev.type} ${ev.object.metadata.name}`), ['ADDED pre1', 'ADDED pre2', 'ADDED post', 'DELETED post']);
    const del = w.changes[3];
    assert.ok(Number(del.object.metadata.resourceVersion) > Number(c.metadata.resourceVersion), 'DELETED carries the delete’s rv');
    await w.stop();
    assert.equal(w.error, undefined, 'abort ends the iterator cleanly');
  });

  it('follows a label selection with prevSelectable: ADDED on entry, DELETED on exit, DELETED only if it matched', async () => {
    const start = await e.store.currentResourceVersion(T.configmaps);
    const filter = (s: Selectable) => s.labels.tier === 'web';
    const w = new Watcher(e.store, T.configmaps, { resourceVersion: start, filter });
    let a = await e.store.create(T.configmaps, configMap('w', 'sel-a', {}, { tier: 'db' }), ctx()); // not selected
    a = await e.store.update(T.configmaps, { ...a, metadata: { ...a.metadata, labels: { tier: 'web' } } }, ctx()); // enters
    a = await e.store.update(T.configmaps, { ...a, data: { x: '1' } }, ctx()); // stays
    a = await e.store.update(T.configmaps, { ...a, metadata: { ...a.metadata, labels: { tier: 'db' } } }, ctx()); // leaves
    await e.store.delete(T.configmaps, a, ctx()); // deleted while out: nothing
    const b = await e.store.create(T.configmaps, configMap('w', 'sel-b', {}, { tier: 'web' }), ctx());
    await e.store.delete(T.configmaps, b, ctx());
    await w.until((x) => x.changes.length >= 5);
    await sleep(100);
    assert.deepEqual(w.changes.map((ev) => `${ev.type} ${ev.object.metadata.name}`), ['ADDED sel-a', 'MODIFIED sel-a', 'DELETED sel-a', 'ADDED sel-b', 'DELETED sel-b']);
    // The exit event carries the new state, the one that no longer matches.
    assert.equal(w.changes[2].object.metadata.labels?.tier, 'db');
    await w.stop();
  });

  it('follows a field selection: pods leaving a node are DELETED for that node', async () => {
    const start = await e.store.currentResourceVersion(T.pods);
    const w = new Watcher(e.store, T.pods, { resourceVersion: start, nodeName: 'n1' });
    const p = await e.store.create(T.pods, pod('w', 'wp', 'n1'), ctx());
    await e.store.create(T.pods, pod('w', 'wq', 'n2'), ctx());
    await e.store.update(T.pods, { ...p, spec: { ...(p.spec as object), nodeName: 'n2' } }, ctx());
    await w.until((x) => x.changes.length >= 2);
    await sleep(100);
    assert.deepEqual(w.changes.map((ev) => `${ev.type} ${ev.object.metadata.name}`), ['ADDED wp', 'DELETED wp']);
    await w.stop();
  });

  it('answers 410 Gone before any event for a resourceVersion below the watch window', async () => {
    const old = await e.store.currentResourceVersion(T.configmaps);
    await e.store.create(T.configmaps, configMap('w', 'aged'), ctx());
    now = new Date(now.getTime() + 601_000);
    try {
      const r = await firstOutcome(e.store, T.configmaps, { resourceVersion: old });
      assert.equal(r.event, undefined);
      assert.ok(r.error instanceof GoneError, `got ${String(r.error)}`);
      assert.equal(r.error.code, 410);
      assert.match(r.error.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
      // The newest version is still watchable.
      const head = await e.store.currentResourceVersion(T.configmaps);
      const w = new Watcher(e.store, T.configmaps, { resourceVersion: head });
      const c = await e.store.create(T.configmaps, configMap('w', 'fresh'), ctx());
      await w.until((x) => x.changes.length >= 1);
      assert.equal(w.changes[0].object.metadata.resourceVersion, c.metadata.resourceVersion);
      await w.stop();
    } finally {
      now = new Date(now.getTime() - 601_000);
    }
  });

  it('answers 504 ResourceVersionTooLarge for a far-future resourceVersion', async () => {
    const future = String(Number(await e.store.currentResourceVersion(T.configmaps)) + 10_000);
    const r = await firstOutcome(e.store, T.configmaps, { resourceVersion: future });
    assert.ok(r.error instanceof TimeoutError, `got ${String(r.error)}`);
    assert.equal(r.error.code, 504);
    assert.equal(r.error.details?.causes?.[0]?.reason, 'ResourceVersionTooLarge');
  });

  it('waits for a resourceVersion issued a moment later instead of failing', async () => {
    const next = String(Number(await e.store.currentResourceVersion(T.configmaps)) + 1);
    const w = new Watcher(e.other(), T.configmaps, { resourceVersion: next });
    await sleep(100);
    await e.store.create(T.configmaps, configMap('w', 'soon1'), ctx());
    const second = await e.store.create(T.configmaps, configMap('w', 'soon2'), ctx());
    await w.until((x) => x.changes.length >= 1);
    await sleep(100);
    assert.deepEqual(w.changes.map((ev) => ev.object.metadata.resourceVersion), [second.metadata.resourceVersion]);
    await w.stop();
  });

  it('sends periodic BOOKMARKs carrying the watermark, only when asked', async () => {
    const start = await e.store.currentResourceVersion(T.configmaps);
    const withMarks = new Watcher(e.store, T.configmaps, { resourceVersion: start, allowBookmarks: true });
    const without = new Watcher(e.store, T.configmaps, { resourceVersion: start });
    const c = await e.store.create(T.configmaps, configMap('w', 'bm'), ctx());
    await withMarks.until((x) => x.events.some((ev) => ev.type === 'BOOKMARK' && ev.object.metadata.resourceVersion === c.metadata.resourceVersion), 3000);
    const bm = withMarks.events.find((ev) => ev.type === 'BOOKMARK')!;
    assert.deepEqual(Object.keys(bm.object).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.equal(bm.object.apiVersion, 'v1');
    assert.deepEqual(Object.keys(bm.object.metadata), ['resourceVersion']);
    await sleep(300);
    assert.ok(withMarks.events.filter((ev) => ev.type === 'BOOKMARK').length >= 2, 'bookmarks repeat');
    // Bookmarks never run ahead of the events: each is at or after the previous event.
    let last = 0;
    for (const ev of withMarks.events) {
      const rv = Number(ev.object.metadata.resourceVersion);
      assert.ok(rv >= last);
      last = rv;
    }
    assert.ok(without.events.every((ev) => ev.type !== 'BOOKMARK'));
    await withMarks.stop();
    await without.stop();
  });

  it('streams the initial state then marks its end with a k8s.io/initial-events-end BOOKMARK (sendInitialEvents)', async () => {
    await e.store.create(T.namespaces, namespace('init'), ctx());
    await e.store.create(T.configmaps, configMap('init', 'i1'), ctx());
    await e.store.create(T.configmaps, configMap('init', 'i2'), ctx());
    const at = await e.store.currentResourceVersion(T.configmaps);
    const w = new Watcher(e.store, T.configmaps, { namespace: 'init', resourceVersion: at, sendInitialEvents: true, allowBookmarks: true });
    await w.until((x) => x.events.length >= 3);
    const c = await e.store.create(T.configmaps, configMap('init', 'i3'), ctx());
    await w.until((x) => x.changes.length >= 3);
    const [a1, a2, end] = w.events;
    assert.deepEqual([a1.type, a1.object.metadata.name, a2.type, a2.object.metadata.name], ['ADDED', 'i1', 'ADDED', 'i2']);
    assert.equal(end.type, 'BOOKMARK');
    assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    assert.ok(Number(end.object.metadata.resourceVersion) >= Number(at));
    assert.equal(w.changes[2].object.metadata.resourceVersion, c.metadata.resourceVersion);
    await w.stop();
  });

  it('shares one log poller among all watchers of a type, and wakes it on local writes', async () => {
    const client = localDynamoClient(testEndpoint());
    let logQueries = 0;
    const real = client.send.bind(client) as (cmd: unknown) => Promise<unknown>;
    (client as unknown as { send: (cmd: unknown) => Promise<unknown> }).send = (cmd: unknown) => {
      if (cmd instanceof QueryCommand && cmd.input.TableName === e.tables.log) logQueries++;
      return real(cmd);
    };
    // A slow poll: only the nudge of a local write can explain a fast delivery.
    const store = new DynamoStore({ client, tables: e.tables, ...FAST, pollIntervalMs: 100 });
    const start = await store.currentResourceVersion(T.configmaps);
    const watchers = Array.from({ length: 10 }, () => new Watcher(store, T.configmaps, { resourceVersion: start }));
    await sleep(100);
    logQueries = 0;
    await sleep(1000);
    // One poller: ~10 polls a second. Ten pollers would make ~100.
    assert.ok(logQueries <= 20, `${logQueries} log queries in 1 s with 10 watchers`);
    const slow = new DynamoStore({ client, tables: e.tables, ...FAST, pollIntervalMs: 5000 });
    const w = new Watcher(slow, T.configmaps, { resourceVersion: start });
    await sleep(100);
    const t0 = performance.now();
    await slow.create(T.configmaps, configMap('w', 'nudged'), ctx());
    await w.until((x) => x.changes.length >= 1, 2000);
    assert.ok(performance.now() - t0 < 1000, 'delivered well before the next poll');
    for (const x of watchers) await x.until((y) => y.changes.length >= 1);
    await Promise.all(watchers.map((x) => x.stop()));
    await w.stop();
    for (const x of watchers) assert.equal(x.changes.length, 1);
    await store.close();
    await slow.close();
  });
});
