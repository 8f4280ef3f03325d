import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DefaultTolerationSeconds } from '../../../lib/api/admission.ts';
import { DEFAULT_TOLERATION_SECONDS, addDefaultTolerations, admitCreate } from '../../../lib/api/admission.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import { findByResource } from '../../../lib/core/resources.ts';
import type { ObjectStore } from '../../../lib/store/types.ts';

const PODS = findByResource('', 'v1', 'pods')!;
const DEPLOYMENTS = findByResource('apps', 'v1', 'deployments')!;
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

function pod(tolerations?: Toleration[]): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1' }], ...(tolerations ? { tolerations } : {}) },
  };
}

/** Pods need neither the store nor the clock; a store that is touched fails the test. */
const store = new Proxy({}, { get: () => { throw new Error('store used'); } }) as ObjectStore;
const clock = () => new Date('2026-01-01T00:00:00Z');

async function admitted(tolerations: Toleration[] | undefined, seconds?: DefaultTolerationSeconds): Promise<Toleration[] | undefined> {
  const object = pod(tolerations);
  await admitCreate({ type: PODS, object, store, clock, ...(seconds !== undefined ? { defaultTolerationSeconds: seconds } : {}) });
  return (object.spec as { tolerations?: Toleration[] }).tolerations;
}

const notReady = (s = 300): Toleration => ({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s });
const unreachable = (s = 300): Toleration => ({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s });

describe('DefaultTolerationSeconds admission on Pod create', () => {
  const cases: { name: string; tolerations?: Toleration[]; seconds?: DefaultTolerationSeconds; want: Toleration[] | undefined }[] = [
    { name: 'a pod without tolerations gets both, not-ready first', want: [notReady(), unreachable()] },
    {
      name: 'its own tolerations come first and stay as they are',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      want: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, notReady(), unreachable()],
    },
    { name: 'a pod tolerating not-ready for 60s gets only unreachable', tolerations: [notReady(60)], want: [notReady(60), unreachable()] },
    {
      name: 'a pod tolerating unreachable for good (no effect) gets only not-ready',
      tolerations: [{ key: UNREACHABLE, operator: 'Exists' }], want: [{ key: UNREACHABLE, operator: 'Exists' }, notReady()],
    },
    { name: 'a wildcard toleration covers both', tolerations: [{ operator: 'Exists' }], want: [{ operator: 'Exists' }] },
    {
      name: 'a key-less NoExecute toleration covers both',
      tolerations: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], want: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
    },
    {
      name: 'a key-less NoSchedule toleration covers neither',
      tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }], want: [{ operator: 'Exists', effect: 'NoSchedule' }, notReady(), unreachable()],
    },
    {
      name: 'the right key with the NoSchedule effect does not count',
      tolerations: [{ key: NOT_READY, operator: 'Exists', effect: 'NoSchedule' }],
      want: [{ key: NOT_READY, operator: 'Exists', effect: 'NoSchedule' }, notReady(), unreachable()],
    },
    {
      name: 'the operator and value are not looked at, as in kube',
      tolerations: [{ key: NOT_READY, operator: 'Equal', value: 'x', effect: 'NoExecute' }],
      want: [{ key: NOT_READY, operator: 'Equal', value: 'x', effect: 'NoExecute' }, unreachable()],
    },
    { name: 'one configured number for both', seconds: 60, want: [notReady(60), unreachable(60)] },
    { name: 'each configured on its own', seconds: { notReady: 30, unreachable: 900 }, want: [notReady(30), unreachable(900)] },
    { name: 'one configured, the other at the default', seconds: { unreachable: 0 }, want: [notReady(300), unreachable(0)] },
    { name: 'a configured value does not touch a toleration the pod brought', tolerations: [notReady(5)], seconds: 60, want: [notReady(5), unreachable(60)] },
  ];
  for (const c of cases) {
    it(c.name, async () => assert.deepEqual(await admitted(c.tolerations, c.seconds), c.want));
  }

  it('the default is kube-apiserver\'s 300 seconds', () => assert.equal(DEFAULT_TOLERATION_SECONDS, 300));

  it('is idempotent', () => {
    const once = pod([{ key: 'x', operator: 'Exists' }]);
    addDefaultTolerations(once, 45);
    const twice = structuredClone(once);
    addDefaultTolerations(twice, 45);
    assert.deepEqual(twice, once);
  });

  it('a pod without a spec gets one', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
    addDefaultTolerations(object);
    assert.deepEqual(object.spec, { tolerations: [notReady(), unreachable()] });
  });

  it('leaves other kinds alone, pod templates included', async () => {
    const object: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const before = structuredClone(object);
    await admitCreate({ type: DEPLOYMENTS, object, store, clock });
    assert.deepEqual(object, before);
  });
});
