import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SERVICE_ACCOUNT_MOUNT_PATH,
  admitServiceAccount,
  serviceAccountVolume,
  storeServiceAccounts,
} from '../../../lib/api/service-account-admission.ts';
import { ForbiddenError } from '../../../lib/core/errors.ts';
import type { KubeObject } from '../../../lib/core/object.ts';
import type { ObjectStore } from '../../../lib/store/types.ts';

type Spec = {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
  volumes?: { name: string }[];
  containers: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  initContainers?: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
};
const pod = (spec: Partial<Spec> = {}, annotations?: Record<string, string>): KubeObject & { spec: Spec } => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'app' }], ...spec },
});
const sa = (extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team', uid: 'u' }, ...extra });
const mount = (name = 'kube-api-access-abcde') => ({ name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
const opts = (found: KubeObject | undefined = sa()) => ({ lookup: async () => found, suffix: () => 'abcde', sleep: async () => {} });

describe('ServiceAccount admission', () => {
  it("mounts kube's API access volume into every container and init container, and defaults the ServiceAccount", async () => {
    const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] });
    await admitServiceAccount(p, opts());
    assert.equal(p.spec.serviceAccountName, 'default');
    assert.deepEqual(p.spec.initContainers![0].volumeMounts, [mount()]);
    assert.deepEqual(p.spec.containers[0].volumeMounts, [mount()]);
    assert.deepEqual(p.spec.containers[1].volumeMounts, [{ name: 'data', mountPath: '/data' }, mount()]);
    assert.deepEqual(p.spec.volumes, [
      {
        name: 'kube-api-access-abcde',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ]);
  });

  it('leaves a container that mounts something at the path alone, reuses a kube-api-access volume the pod has, and adds none when no container needs it', async () => {
    const own = { name: 'mine', mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
    const p = pod({ containers: [{ name: 'a', volumeMounts: [own] }, { name: 'b' }], volumes: [serviceAccountVolume('kube-api-access-zzzzz')] });
    await admitServiceAccount(p, opts());
    assert.deepEqual(p.spec.containers[0].volumeMounts, [own]);
    assert.deepEqual(p.spec.containers[1].volumeMounts, [mount('kube-api-access-zzzzz')]);
    assert.equal(p.spec.volumes!.length, 1);
    const all = pod({ containers: [{ name: 'a', volumeMounts: [own] }] });
    await admitServiceAccount(all, opts());
    assert.equal(all.spec.volumes, undefined);
  });

  it("follows automountServiceAccountToken: the pod's, else the ServiceAccount's, else true", async () => {
    const off = pod({ automountServiceAccountToken: false });
    await admitServiceAccount(off, opts());
    assert.equal(off.spec.volumes, undefined);
    const saOff = pod();
    await admitServiceAccount(saOff, opts(sa({ automountServiceAccountToken: false })));
    assert.equal(saOff.spec.volumes, undefined);
    const podOn = pod({ automountServiceAccountToken: true });
    await admitServiceAccount(podOn, opts(sa({ automountServiceAccountToken: false })));
    assert.equal(podOn.spec.volumes?.length, 1);
  });

  it("gives a pod without imagePullSecrets its ServiceAccount's, and keeps a pod's own", async () => {
    const p = pod();
    await admitServiceAccount(p, opts(sa({ imagePullSecrets: [{ name: 'registry' }] })));
    assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'registry' }]);
    const own = pod({ imagePullSecrets: [{ name: 'mine' }] });
    await admitServiceAccount(own, opts(sa({ imagePullSecrets: [{ name: 'registry' }] })));
    assert.deepEqual(own.spec.imagePullSecrets, [{ name: 'mine' }]);
  });

  it('refuses a pod whose ServiceAccount does not exist (403), looking for `default` ten times first', async () => {
    let looks = 0;
    const missing = { lookup: async () => (looks++, undefined), sleep: async () => {} };
    await assert.rejects(admitServiceAccount(pod({ serviceAccountName: 'robot' }), missing), (e: unknown) =>
      e instanceof ForbiddenError && e.code === 403 && e.message === 'pods "p" is forbidden: error looking up service account team/robot: serviceaccount "robot" not found');
    assert.equal(looks, 1);
    looks = 0;
    await assert.rejects(admitServiceAccount(pod(), missing), ForbiddenError);
    assert.equal(looks, 10);
    let calls = 0;
    const late = { lookup: async () => (++calls === 3 ? sa() : undefined), sleep: async () => {}, suffix: () => 'abcde' };
    const p = pod();
    await admitServiceAccount(p, late);
    assert.equal(calls, 3);
    assert.equal(p.spec.volumes?.length, 1);
  });

  it('leaves mirror pods alone', async () => {
    const p = pod({}, { 'kubernetes.io/config.mirror': 'x' });
    await admitServiceAccount(p, { lookup: async () => assert.fail('looked up') });
    assert.equal(p.spec.serviceAccountName, undefined);
  });

  it('reads ServiceAccounts from the store, remembering one found for two seconds and a missing one not at all', async () => {
    let now = 0;
    const reads: string[] = [];
    let exists = true;
    const store = { get: async (_t: unknown, ns: string, name: string) => (reads.push(`${ns}/${name}`), exists ? sa() : undefined) } as unknown as ObjectStore;
    const lookup = storeServiceAccounts(store, () => now);
    await lookup('team', 'default');
    now = 1999;
    await lookup('team', 'default');
    assert.deepEqual(reads, ['team/default']);
    now = 2001;
    exists = false;
    assert.equal(await lookup('team', 'default'), undefined);
    assert.equal(await lookup('team', 'default'), undefined);
    assert.equal(reads.length, 3);
  });
});
