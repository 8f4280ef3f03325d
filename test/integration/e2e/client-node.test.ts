/**
 * The official JavaScript client: an informer (list + watch) sees every change in order, and keeps
 * doing so when the server cuts its watch and it resumes from its last resourceVersion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.ts';

let c: TestCluster;
before(async () => {
  // The server ends every watch after 2 s, so the informer has to resume several times.
  c = await startTestCluster([], { SKIFF_MAX_WATCH_SECONDS: '2' });
});
after(async () => {
  await c?.stop();
});

describe('@kubernetes/client-node', () => {
  it('an informer sees every change in order, across watch cuts', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'before' }, data: { v: '0' } } });

    const seen: string[] = [];
    const rvs: number[] = [];
    const record = (kind: string) => (obj: k8s.V1ConfigMap) => {
      // The root CA publisher's ConfigMap arrives in every new namespace on its own time.
      if (obj.metadata?.name === 'kube-root-ca.crt') return;
      seen.push(`${kind} ${obj.metadata!.name} ${obj.data?.v ?? ''}`);
      if (kind !== 'add-initial') rvs.push(Number(obj.metadata!.resourceVersion));
    };
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/informed/configmaps', () => core.listNamespacedConfigMap({ namespace: 'informed' }));
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    const errors: unknown[] = [];
    informer.on('error', (err) => errors.push(err));
    await informer.start();

    const expected: string[] = ['add before 0'];
    const started = Date.now();
    let i = 0;
    // Keep changing things for ~7 s: at least three server-side watch cuts happen meanwhile.
    while (Date.now() - started < 7000) {
      const name = `cm-${i % 4}`;
      const step = Math.floor(i / 4);
      if (step % 3 === 0) {
        await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name }, data: { v: `${i}` } } });
        expected.push(`add ${name} ${i}`);
      } else if (step % 3 === 1) {
        await core.replaceNamespacedConfigMap({ name, namespace: 'informed', body: { metadata: { name }, data: { v: `${i}` } } });
        expected.push(`update ${name} ${i}`);
      } else {
        await core.deleteNamespacedConfigMap({ name, namespace: 'informed' });
        expected.push(`delete ${name} ${(i - 4)}`);
      }
      i++;
      await new Promise((r) => setTimeout(r, 60));
    }
    const deadline = Date.now() + 10_000;
    while (seen.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Stopping aborts the open watch, which the informer reports as an error: check before that.
    assert.deepEqual(errors, [], 'the informer reported errors');
    await informer.stop();
    assert.deepEqual(seen, expected);
    for (let j = 1; j < rvs.length; j++) assert.ok(rvs[j] > rvs[j - 1], `resourceVersions go up: ${rvs.join(',')}`);
  });
});
