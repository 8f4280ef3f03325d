import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { ConflictError, InvalidError, NotFoundError, TooManyRequestsError } from '../../../lib/core/errors.ts';
import { sqsConsumer, type Reconcile } from '../../../lib/reconcile/consumer.ts';
import { encodeMessage, formatKey, type ReconcileKey } from '../../../lib/reconcile/keys.ts';

let seq = 0;
function record(key: string, cause = `pods#${++seq}`): SQSRecord {
  return {
    messageId: `m${++seq}`, receiptHandle: 'h', body: encodeMessage({ key, cause }), md5OfBody: '',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: key },
    messageAttributes: {}, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo', awsRegion: 'us-east-1',
  };
}
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const ref = { group: 'apps', resource: 'replicasets', name: 'a' };

describe('sqsConsumer', () => {
  it('reconciles each key once per batch, however many messages woke it', async () => {
    const calls: string[] = [];
    const consume = sqsConsumer({ name: 't', reconcile: async (k) => void calls.push(formatKey(k)) });
    const out = await consume(batch(record('apps/ReplicaSet/ns/a'), record('apps/ReplicaSet/ns/a'), record('apps/ReplicaSet/ns/b')));
    assert.deepEqual(out.batchItemFailures, []);
    assert.deepEqual(calls.sort(), ['apps/ReplicaSet/ns/a', 'apps/ReplicaSet/ns/b']);
  });

  it('acknowledges a message whose cause the key\'s last reconcile already read', async () => {
    let calls = 0;
    const consume = sqsConsumer({ name: 't', reconcile: async () => (calls++, { observed: { pods: 100 } }) });
    await consume(batch(record('apps/ReplicaSet/ns/a', 'pods#90')));
    await consume(batch(record('apps/ReplicaSet/ns/a', 'pods#100'), record('apps/ReplicaSet/ns/a', 'pods#50')));
    assert.equal(calls, 1);
    await consume(batch(record('apps/ReplicaSet/ns/a', 'pods#101')));
    await consume(batch(record('apps/ReplicaSet/ns/a', 'replicasets.apps#3')));
    assert.equal(calls, 3);
  });

  it('re-reads after a conflict, and hands the key back to the queue when conflicts persist', async () => {
    let attempts = 0;
    const flaky: Reconcile = async () => {
      if (++attempts < 3) throw new ConflictError(ref);
    };
    const ok = await sqsConsumer({ name: 't', reconcile: flaky })(batch(record('apps/ReplicaSet/ns/a')));
    assert.deepEqual(ok.batchItemFailures, []);
    assert.equal(attempts, 3);
    const r1 = record('apps/ReplicaSet/ns/a');
    const r2 = record('apps/ReplicaSet/ns/a');
    const r3 = record('apps/ReplicaSet/ns/b');
    const stuck = sqsConsumer({ name: 't', conflictRetries: 1, reconcile: async (k: ReconcileKey) => { if (k.name === 'a') throw new ConflictError(ref); } });
    const out = await stuck(batch(r1, r2, r3));
    assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier).sort(), [r1.messageId, r2.messageId].sort());
  });

  it('maps errors: missing object done, throttling and crashes retried, refused writes dropped', async () => {
    const cases: [unknown, boolean][] = [
      [new NotFoundError(ref), false],
      [new TooManyRequestsError('slow down'), true],
      [new Error('socket hang up'), true],
      [new InvalidError({ ...ref, kind: 'ReplicaSet' }, []), false],
    ];
    for (const [err, retried] of cases) {
      const logs: Record<string, unknown>[] = [];
      const r = record('apps/ReplicaSet/ns/a');
      const out = await sqsConsumer({ name: 't', log: (e) => logs.push(e), reconcile: async () => { throw err; } })(batch(r));
      assert.deepEqual(out.batchItemFailures, retried ? [{ itemIdentifier: r.messageId }] : [], String(err));
    }
  });

  it('drops a body that is not a key message without failing the batch', async () => {
    const logs: Record<string, unknown>[] = [];
    const bad = { ...record('x'), body: 'garbage' };
    const out = await sqsConsumer({ name: 't', log: (e) => logs.push(e), reconcile: async () => {} })(batch(bad));
    assert.deepEqual(out.batchItemFailures, []);
    assert.equal(logs.length, 1);
  });

  it('asks for a requeue when the reconcile wants one', async () => {
    const requeued: [string, number][] = [];
    await sqsConsumer({ name: 't', requeue: async (k, ms) => void requeued.push([k, ms]), reconcile: async () => ({ requeueAfterMs: 1500 }) })(batch(record('apps/ReplicaSet/ns/a')));
    assert.deepEqual(requeued, [['apps/ReplicaSet/ns/a', 1500]]);
  });
});

describe('EventSpamFilter', () => {
  it('lets a burst of 25 events per object through, then one per 5 minutes', async () => {
    const { EventSpamFilter } = await import('../../../lib/reconcile/writer.ts');
    const f = new EventSpamFilter();
    const allowed = Array.from({ length: 40 }, () => f.allow('rs-uid', 0)).filter(Boolean).length;
    assert.equal(allowed, 25);
    assert.equal(f.allow('other-uid', 0), true, 'per object');
    assert.equal(f.allow('rs-uid', 299_999), false);
    assert.equal(f.allow('rs-uid', 300_000), true);
    assert.equal(f.allow('rs-uid', 300_001), false);
    assert.equal(Array.from({ length: 30 }, () => f.allow('rs-uid', 3_600_000 * 10)).filter(Boolean).length, 25, 'refills up to the burst only');
  });
});
