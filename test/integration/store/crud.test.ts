/** Writes, reads and their errors; the hash chain; large objects; the pods-by-node index. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { AlreadyExistsError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { verifyChain } from '../../../lib/store/hash.ts';
import { T, configMap, ctx, env, namespace, pod, type Env } from './fixtures.ts';

describe('DynamoStore: writes and reads', () => {
  let e: Env;
  before(async () => {
    e = await env();
    await e.store.create(T.namespaces, namespace('default'), ctx());
  });
  after(async () => e.close());

  it('creates, gets, updates and deletes, stamping resourceVersion from the type sequence', async () => {
    const created = await e.store.create(T.configmaps, configMap('default', 'a', { k: 'v1' }), ctx());
    assert.match(created.metadata.resourceVersion ?? '', /^[0-9]+$/);
    const got = await e.store.get(T.configmaps, 'default', 'a');
    assert.deepEqual(got, created);

    const updated = await e.store.update(T.configmaps, { ...got!, data: { k: 'v2' } }, ctx('tester', 'update'));
    assert.ok(Number(updated.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    assert.deepEqual((await e.store.get(T.configmaps, 'default', 'a'))?.data, { k: 'v2' });

    const deleted = await e.store.delete(T.configmaps, updated, ctx('tester', 'delete'));
    assert.ok(Number(deleted.metadata.resourceVersion) > Number(updated.metadata.resourceVersion));
    assert.equal(await e.store.get(T.configmaps, 'default', 'a'), undefined);

    // A tombstone versions the absence; a re-create is allowed and continues the chain.
    const again = await e.store.create(T.configmaps, configMap('default', 'a', { k: 'v3' }), ctx());
    assert.ok(Number(again.metadata.resourceVersion) > Number(deleted.metadata.resourceVersion));
    const h = await e.store.history(T.configmaps, 'default', 'a');
    assert.deepEqual(h.map((x) => x.eventType), ['ADDED', 'MODIFIED', 'DELETED', 'ADDED']);
    assert.deepEqual(h.map((x) => x.rev), [created, updated, deleted, again].map((o) => o.metadata.resourceVersion));
    assert.equal(h[1].prevRev, created.metadata.resourceVersion);
    assert.equal(h[3].prevRev, undefined);
    assert.deepEqual(verifyChain(h, { fromStart: true }), { ok: true });
  });

  it('records who, what and when in the log, with the previous selectable fields', async () => {
    const c = await e.store.create(T.configmaps, configMap('default', 'audit', {}, { app: 'x' }), { ...ctx('alice'), requestId: 'r-1' });
    await e.store.update(T.configmaps, { ...c, metadata: { ...c.metadata, labels: { app: 'y' } } }, { ...ctx('bob', 'patch'), requestId: 'r-2' });
    const [first, second] = await e.store.history(T.configmaps, 'default', 'audit');
    assert.equal(first.actor.user, 'alice');
    assert.equal(first.requestId, 'r-1');
    assert.equal(second.actor.user, 'bob');
    assert.equal(second.verb, 'patch');
    assert.equal(second.userAgent, 'store-test');
    assert.equal(second.sourceIp, '127.0.0.1');
    assert.deepEqual(second.prevSelectable?.labels, { app: 'x' });
    assert.equal(second.object.metadata.labels?.app, 'y');
    assert.ok(!Number.isNaN(Date.parse(second.time)));
    assert.equal(second.prevHash, first.hash);
  });

  it('refuses a create over a live object with AlreadyExists, before taking a number', async () => {
    await e.store.create(T.configmaps, configMap('default', 'dup'), ctx());
    const before = await e.store.currentResourceVersion(T.configmaps);
    await assert.rejects(e.store.create(T.configmaps, configMap('default', 'dup'), ctx()), (err) => {
      assert.ok(err instanceof AlreadyExistsError);
      assert.equal(err.code, 409);
      assert.equal(err.message, 'configmaps "dup" already exists');
      return true;
    });
    assert.equal(await e.store.currentResourceVersion(T.configmaps), before);
  });

  it('refuses a stale resourceVersion with Conflict and a vanished object with NotFound', async () => {
    const c = await e.store.create(T.configmaps, configMap('default', 'stale', { n: '0' }), ctx());
    await e.store.update(T.configmaps, { ...c, data: { n: '1' } }, ctx());
    await assert.rejects(e.store.update(T.configmaps, { ...c, data: { n: '2' } }, ctx()), ConflictError);
    await assert.rejects(e.store.delete(T.configmaps, c, ctx()), ConflictError);
    await assert.rejects(e.store.update(T.configmaps, configMap('default', 'never'), ctx()), NotFoundError);
    assert.deepEqual((await e.store.get(T.configmaps, 'default', 'stale'))?.data, { n: '1' });
  });

  it('does not write an update that changes nothing', async () => {
    const c = await e.store.create(T.configmaps, configMap('default', 'noop', { a: '1' }), ctx());
    const same = await e.store.update(T.configmaps, structuredClone(c), ctx());
    assert.equal(same.metadata.resourceVersion, c.metadata.resourceVersion);
    assert.equal((await e.store.history(T.configmaps, 'default', 'noop')).length, 1);
  });

  it('rejects a create carrying a resourceVersion', async () => {
    const obj = configMap('default', 'with-rv');
    obj.metadata.resourceVersion = '5';
    await assert.rejects(e.store.create(T.configmaps, obj, ctx()), BadRequestError);
  });

  it('answers 404 for a missing namespace and 403 for a terminating one', async () => {
    await assert.rejects(e.store.create(T.configmaps, configMap('nowhere', 'x'), ctx()), (err) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.message, 'namespaces "nowhere" not found');
      return true;
    });
    const ns = await e.store.create(T.namespaces, namespace('leaving'), ctx());
    await e.store.create(T.configmaps, configMap('leaving', 'before'), ctx());
    await e.store.update(T.namespaces, { ...ns, metadata: { ...ns.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { phase: 'Terminating' } }, ctx());
    await assert.rejects(e.store.create(T.configmaps, configMap('leaving', 'after'), ctx()), (err) => {
      assert.ok(err instanceof ForbiddenError);
      assert.equal(err.code, 403);
      assert.match(err.message, /unable to create new content in namespace leaving because it is being terminated/);
      return true;
    });
    // Updates inside a terminating namespace still work (controllers finish their work there).
    const before = (await e.store.get(T.configmaps, 'leaving', 'before'))!;
    await e.store.update(T.configmaps, { ...before, data: { x: 'y' } }, ctx());
  });

  it('detects a namespace deleted between the check and the commit (the ConditionCheck)', async () => {
    const ns = await e.store.create(T.namespaces, namespace('racy'), ctx());
    const racing = e.other({
      hooks: {
        // Runs after the writer's own checks passed and it took its number.
        beforeCommit: async ({ verb, type }) => {
          if (type === 'configmaps' && verb === 'create') await e.store.delete(T.namespaces, ns, ctx());
        },
      },
    });
    await assert.rejects(racing.create(T.configmaps, configMap('racy', 'x'), ctx()), NotFoundError);
  });

  it('round-trips a 1.4 MiB incompressible Secret through chunk items', async () => {
    const blob = randomBytes(1024 * 1024).toString('base64'); // ~1.4 MB of base64 text
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big', namespace: 'default', uid: 'u-big' }, type: 'Opaque', data: { blob } };
    assert.ok(JSON.stringify(secret).length > 1.3 * 1024 * 1024);
    const created = await e.store.create(T.secrets, secret, ctx());
    const got = await e.store.get(T.secrets, 'default', 'big');
    assert.equal((got?.data as { blob: string }).blob, blob);
    // Stored as chunks, not inline.
    const item = await e.client.send(new GetItemCommand({ TableName: e.tables.objects, Key: { pk: { S: 'secrets' }, sk: { S: 'default/big' } }, ConsistentRead: true }));
    assert.ok(item.Item?.chunks?.S, 'payload is chunked');
    assert.equal(item.Item?.body, undefined);
    const updated = await e.store.update(T.secrets, { ...created, data: { blob, more: 'x' } }, ctx());
    const list = await e.store.list(T.secrets, { namespace: 'default' });
    assert.equal((list.items[0].data as { blob: string }).blob, blob);
    const h = await e.store.history(T.secrets, 'default', 'big');
    assert.equal(h.length, 2);
    assert.equal((h[0].object.data as { blob: string }).blob, blob);
    assert.equal(h[1].rev, updated.metadata.resourceVersion);
    assert.deepEqual(verifyChain(h), { ok: true });
  });

  it('keeps a hash chain that detects tampering', async () => {
    let c = await e.store.create(T.configmaps, configMap('default', 'chain', { v: '0' }), ctx());
    for (let i = 1; i <= 3; i++) c = await e.store.update(T.configmaps, { ...c, data: { v: String(i) } }, ctx());
    const h = await e.store.history(T.configmaps, 'default', 'chain');
    assert.deepEqual(verifyChain(h, { fromStart: true }), { ok: true });
    const edited = structuredClone(h);
    edited[1].object.data = { v: 'forged' };
    assert.deepEqual(verifyChain(edited), { ok: false, index: 1, reason: `entry ${h[1].rev}: hash does not match its content` });
    const dropped = [h[0], h[2], h[3]];
    assert.equal(verifyChain(dropped).ok, false);
  });

  it('keeps the pods-by-node index in the write transaction', async () => {
    const a = await e.store.create(T.pods, pod('default', 'p1', 'node-a'), ctx());
    await e.store.create(T.pods, pod('default', 'p2', 'node-a'), ctx());
    await e.store.create(T.pods, pod('default', 'p3'), ctx());
    const names = async (node: string) => (await e.store.list(T.pods, { nodeName: node })).items.map((p) => p.metadata.name);
    assert.deepEqual(await names('node-a'), ['p1', 'p2']);
    const beforeMove = await e.store.list(T.pods, { nodeName: 'node-a' });
    // Moving a pod (or deleting it) leaves the old node's index.
    await e.store.update(T.pods, { ...a, spec: { ...(a.spec as object), nodeName: 'node-b' } }, ctx());
    assert.deepEqual(await names('node-a'), ['p2']);
    assert.deepEqual(await names('node-b'), ['p1']);
    const p2 = (await e.store.get(T.pods, 'default', 'p2'))!;
    await e.store.update(T.pods, { ...p2, status: { phase: 'Running' } }, ctx());
    const viaIndex = await e.store.list(T.pods, { nodeName: 'node-a' });
    assert.deepEqual(viaIndex.items[0].status, { phase: 'Running' });
    await e.store.delete(T.pods, viaIndex.items[0], ctx());
    assert.deepEqual(await names('node-a'), []);
    // The index serves snapshots too: at the earlier version node-a still had both pods.
    const old = await e.store.list(T.pods, { nodeName: 'node-a', resourceVersion: beforeMove.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.deepEqual(old.items.map((p) => p.metadata.name), ['p1', 'p2']);
    assert.equal((old.items[0].spec as { nodeName: string }).nodeName, 'node-a');
  });
});
