/** The periodic resync recovers keys whose messages were lost. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createQueues } from '../../../lib/local/queues.ts';
import { decodeMessage } from '../../../lib/reconcile/keys.ts';
import { resyncAll } from '../../../lib/reconcile/resync.ts';
import { topology } from '../../../lib/topology.ts';
import { ADMIN, reconcileEnv, replicaSet, REPLICASETS, startSqs, type LocalSqs, type ReconcileEnv } from '../../helpers/reconcile.ts';

let env: ReconcileEnv;
let sqs: LocalSqs;

before(async () => {
  env = await reconcileEnv();
  sqs = await startSqs();
});
after(async () => {
  await env?.close();
  await sqs?.stop();
});

async function drain(url: string): Promise<{ key: string; cause: string }[]> {
  const out: { key: string; cause: string }[] = [];
  for (let empty = 0; empty < 2; ) {
    const r = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!r.Messages?.length) {
      empty++;
      continue;
    }
    for (const m of r.Messages) out.push(decodeMessage(m.Body ?? '')!);
  }
  return out;
}

describe('resync', () => {
  it('sends every key of every consumer\'s kinds to its queue, with a resync cause', async () => {
    const queues = await createQueues(sqs.client, 'resync-', topology.queues.filter((q) => q.fifo));
    await env.registry.create(REPLICASETS, replicaSet('a', 1), 'default', ADMIN('create'));
    await env.registry.create(REPLICASETS, replicaSet('b', 1), 'default', ADMIN('create'));
    const urls = Object.fromEntries(Object.entries(queues).map(([id, q]) => [id, q.url]));
    const sent = await resyncAll({ store: env.store, sqs: sqs.client, clock: env.clock, queueUrls: urls });
    assert.equal(sent.replicaset, 2);
    const rs = await drain(queues.replicaset.url);
    assert.deepEqual(rs.map((m) => m.key).sort(), ['apps/ReplicaSet/default/a', 'apps/ReplicaSet/default/b']);
    assert.ok(rs.every((m) => /^resync#\d+$/.test(m.cause)));
    const namespaces = (await drain(queues.serviceaccount.url)).map((m) => m.key);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(namespaces.includes(`core/Namespace//${ns}`), ns);
    assert.deepEqual((await drain(queues.scheduler.url)).map((m) => m.key), ['core/Pod//all']);
  });
});
