import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Namespace, ServiceAccount } from '../../../lib/api/schema/index.ts';
import { reconcileServiceAccounts } from '../../../lib/controllers/serviceaccount.ts';
import { namespaceIn, T0 } from './sim.ts';

const NS = 'team-a';

const namespace = (o: Parameters<typeof namespaceIn>[1] = {}): Namespace => namespaceIn(NS, o);

function sa(name: string, o: { ns?: string; deleting?: boolean } = {}): ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: o.ns ?? NS, uid: `uid-${name}`, ...(o.deleting ? { deletionTimestamp: T0.toISOString() } : {}) },
  } as ServiceAccount;
}

describe('reconcileServiceAccounts', () => {
  const cases: { name: string; ns: Namespace; sas: ServiceAccount[]; ensure?: string[]; want: string[] }[] = [
    { name: 'an active namespace without accounts gets default', ns: namespace(), sas: [], want: ['default'] },
    { name: 'default already there', ns: namespace(), sas: [sa('builder'), sa('default')], want: [] },
    { name: 'a default in another namespace does not count', ns: namespace(), sas: [sa('default', { ns: 'team-b' })], want: ['default'] },
    { name: 'a default being deleted is waited for', ns: namespace(), sas: [sa('default', { deleting: true })], want: [] },
    { name: 'a terminating namespace gets nothing', ns: namespace({ phase: 'Terminating', deleting: true }), sas: [], want: [] },
    { name: 'a deleted namespace still marked Active… is still Active to kube', ns: namespace({ deleting: true }), sas: [], want: ['default'] },
    { name: 'no phase yet: active unless deleted', ns: namespace({ phase: null }), sas: [], want: ['default'] },
    { name: 'no phase and deleted: nothing', ns: namespace({ phase: null, deleting: true }), sas: [], want: [] },
    { name: 'more names to ensure', ns: namespace(), sas: [sa('default')], ensure: ['default', 'builder', 'deployer'], want: ['builder', 'deployer'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { actions, requeueAfterMs } = reconcileServiceAccounts({ namespace: c.ns, serviceAccounts: c.sas, ensure: c.ensure });
      assert.equal(requeueAfterMs, undefined);
      assert.deepEqual(actions, c.want.map((name) => ({
        kind: 'create',
        object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS } },
      })));
    });
  }
});
