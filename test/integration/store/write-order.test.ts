/**
 * Writes waiting for a turn (a store with `writeConcurrency`) on DynamoDB Local: the oldest
 * object's write goes first, and a create is stamped when its turn comes, not when it arrived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry, type WriteOptions } from '../../../lib/api/registry.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { T, env, sleep, type Env } from './fixtures.ts';

const opts = (verb: string): WriteOptions => ({
  actor: { user: 'tester', groups: ['system:authenticated'] }, verb, requestId: `req-${verb}-${Math.random()}`, userAgent: 'store-test', fieldManager: 'tester',
});
const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'order' }, data });

describe('DynamoStore: writes in turn, oldest object first', () => {
  let e: Env;
  let now = new Date('2026-01-01T00:00:00Z');
  let hold: Promise<void> | undefined;
  let registry: Registry;
  before(async () => {
    e = await env();
    const store = e.other({ writeConcurrency: 1, hooks: { beforeCommit: () => hold } });
    registry = new Registry({ store, clock: () => now });
    await registry.create(T.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'order' } }, undefined, opts('create'));
    await registry.create(T.configmaps, cm('old'), 'order', opts('create'));
  });
  after(async () => e.close());

  /** A create that takes the only turn and holds it inside its transaction until released. */
  async function holdTheTurn(name: string): Promise<{ blocker: ReturnType<Registry['create']>; release: () => void }> {
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const blocker = registry.create(T.configmaps, cm(name), 'order', opts('create'));
    await sleep(100);
    hold = undefined;
    return { blocker, release };
  }

  it('an update of an older object passes a create that arrived first; the create is stamped at its turn', async () => {
    now = new Date('2026-01-01T01:00:00Z');
    const { blocker, release } = await holdTheTurn('blocker');
    const created = registry.create(T.configmaps, cm('new'), 'order', opts('create'));
    await sleep(50);
    const old = (await registry.get(T.configmaps, 'order', 'old')) as KubeObject;
    const updated = registry.update(T.configmaps, 'order', 'old', { ...old, data: { touched: 'yes' } }, opts('update'));
    await sleep(100);
    now = new Date('2026-01-01T02:00:00Z');
    release();
    const [b, c, u] = await Promise.all([blocker, created, updated]);
    const rv = (o: KubeObject) => Number(o.metadata.resourceVersion);
    assert.ok(rv(b.object) < rv(u.object), 'the holder committed first');
    assert.ok(rv(u.object) < rv(c.object), `the older object's update (rv ${rv(u.object)}) went before the create that arrived first (rv ${rv(c.object)})`);
    assert.equal(c.object.metadata.creationTimestamp, '2026-01-01T02:00:00Z', 'stamped when its turn came');
    assert.equal(b.object.metadata.creationTimestamp, '2026-01-01T01:00:00Z');
    assert.equal(u.object.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
  });

  it('a caller-given rank puts a create (a pod\'s report) with its subject', async () => {
    const { blocker, release } = await holdTheTurn('blocker-2');
    const plain = registry.create(T.configmaps, cm('plain'), 'order', opts('create'));
    await sleep(50);
    const ranked = registry.create(T.configmaps, cm('ranked'), 'order', { ...opts('create'), rank: Date.parse('2026-01-01T00:00:00Z') });
    await sleep(100);
    release();
    const [, p, r] = await Promise.all([blocker, plain, ranked]);
    assert.ok(Number(r.object.metadata.resourceVersion) < Number(p.object.metadata.resourceVersion), 'the ranked create went first');
  });

  it('a failed write gives its turn back', async () => {
    await assert.rejects(registry.create(T.configmaps, cm('old'), 'order', opts('create')), /already exists/);
    const next = await registry.create(T.configmaps, cm('after-failure'), 'order', opts('create'));
    assert.ok(next.object.metadata.resourceVersion);
  });
});
