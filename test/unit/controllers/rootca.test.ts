import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMap, Namespace } from '../../../lib/api/schema/index.ts';
import { DESCRIPTION_ANNOTATION, reconcileRootCa, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION } from '../../../lib/controllers/rootca.ts';
import { namespaceIn } from './sim.ts';

const NS = 'team-a';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const namespace = (o: Parameters<typeof namespaceIn>[1] = {}): Namespace => namespaceIn(NS, o);

function cm(o: { data?: Record<string, string>; annotations?: Record<string, string> | null; labels?: Record<string, string>; binaryData?: Record<string, string> } = {}): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: ROOT_CA_CONFIGMAP, namespace: NS, uid: 'uid-cm', resourceVersion: '7',
      ...(o.annotations === null ? {} : { annotations: o.annotations ?? { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }),
      ...(o.labels ? { labels: o.labels } : {}),
    },
    data: o.data ?? { 'ca.crt': CA },
    ...(o.binaryData ? { binaryData: o.binaryData } : {}),
  } as ConfigMap;
}

describe('reconcileRootCa', () => {
  it('creates the ConfigMap in an active namespace, with kube\'s description', () => {
    const { actions } = reconcileRootCa({ namespace: namespace(), caPem: CA });
    assert.equal(actions.length, 1);
    const a = actions[0];
    assert.equal(a.kind, 'create');
    assert.deepEqual(a.kind === 'create' && a.object, {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: NS, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } },
      data: { 'ca.crt': CA },
    });
    assert.match(ROOT_CA_DESCRIPTION, /^Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints/);
  });

  const quiet: { name: string; ns: Namespace; cm?: ConfigMap }[] = [
    { name: 'nothing when it is current', ns: namespace(), cm: cm() },
    { name: 'nothing when other annotations and labels were added', ns: namespace(), cm: cm({ annotations: { [DESCRIPTION_ANNOTATION]: 'x', team: 'a' }, labels: { a: 'b' } }) },
    { name: 'a terminating namespace gets no new one', ns: namespace({ phase: 'Terminating', deleting: true }) },
    { name: 'no phase and deleted: no new one', ns: namespace({ phase: null, deleting: true }) },
  ];
  for (const c of quiet) {
    it(c.name, () => assert.deepEqual(reconcileRootCa({ namespace: c.ns, configMap: c.cm, caPem: CA }).actions, []));
  }

  it('no phase yet counts as active', () => {
    assert.equal(reconcileRootCa({ namespace: namespace({ phase: null }), caPem: CA }).actions[0]?.kind, 'create');
  });

  const fixes: { name: string; ns?: Namespace; cm: ConfigMap; annotations: Record<string, string> }[] = [
    { name: 'changed data is put back', cm: cm({ data: { 'ca.crt': 'tampered' } }), annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    { name: 'an extra key is dropped (the data is replaced whole)', cm: cm({ data: { 'ca.crt': CA, extra: 'x' } }), annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    { name: 'a missing ca.crt comes back', cm: cm({ data: {} }), annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    { name: 'a lost description comes back, other annotations stay', cm: cm({ annotations: { team: 'a' } }), annotations: { team: 'a', [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    { name: 'an emptied description counts as lost', cm: cm({ annotations: { [DESCRIPTION_ANNOTATION]: '' } }), annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    { name: 'no annotations at all', cm: cm({ annotations: null }), annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    { name: 'fixed even in a terminating namespace, as kube does', ns: namespace({ phase: 'Terminating', deleting: true }), cm: cm({ data: { 'ca.crt': 'old' } }), annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
  ];
  for (const c of fixes) {
    it(c.name, () => {
      const { actions } = reconcileRootCa({ namespace: c.ns ?? namespace(), configMap: c.cm, caPem: CA });
      assert.equal(actions.length, 1);
      const a = actions[0];
      assert.equal(a.kind, 'update');
      if (a.kind !== 'update') return;
      assert.deepEqual(a.object.data, { 'ca.crt': CA });
      assert.deepEqual(a.object.metadata.annotations, c.annotations);
      assert.equal(a.object.metadata.resourceVersion, '7', 'the update is conditioned on the version read');
      assert.equal(a.object.metadata.uid, 'uid-cm');
    });
  }

  it('keeps binaryData and labels when it fixes the data, and does not touch its input', () => {
    const input = cm({ data: { 'ca.crt': 'old' }, labels: { keep: 'me' }, binaryData: { blob: 'AAEC' } });
    const before = structuredClone(input);
    const [a] = reconcileRootCa({ namespace: namespace(), configMap: input, caPem: CA }).actions;
    assert.ok(a.kind === 'update');
    assert.deepEqual(a.object.metadata.labels, { keep: 'me' });
    assert.deepEqual((a.object as ConfigMap).binaryData, { blob: 'AAEC' });
    assert.deepEqual(input, before);
  });

  it('a new bundle (a rotated CA) replaces the old one everywhere', () => {
    const rotated = `${CA}-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n`;
    const [a] = reconcileRootCa({ namespace: namespace(), configMap: cm(), caPem: rotated }).actions;
    assert.ok(a.kind === 'update');
    assert.deepEqual(a.object.data, { 'ca.crt': rotated });
  });
});
