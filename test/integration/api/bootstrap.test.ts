/**
 * The `kubernetes` Service's Endpoints and EndpointSlice on DynamoDB Local, as kube-apiserver's
 * endpoint reconciler keeps them: written at start, changed when the API moves, untouched when not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiEndpointAddress, bootstrap, publishApiEndpoints } from '../../../lib/api/bootstrap.ts';
import { Registry } from '../../../lib/api/registry.ts';
import { systemClock, type KubeObject } from '../../../lib/core/object.ts';
import { findByResource } from '../../../lib/core/resources.ts';
import { DynamoStore } from '../../../lib/store/dynamo-store.ts';
import { freshTables } from '../../helpers/dynamodb.ts';

const SERVICES = findByResource('', 'v1', 'services')!;
const ENDPOINTS = findByResource('', 'v1', 'endpoints')!;
const SLICES = findByResource('discovery.k8s.io', 'v1', 'endpointslices')!;

let store: DynamoStore;
let registry: Registry;
before(async () => {
  const { client, tables } = await freshTables();
  store = new DynamoStore({ client, tables });
  registry = new Registry({ store, clock: systemClock });
  await bootstrap(registry);
});
after(async () => store?.close());

const read = async () => ({
  svc: (await store.get(SERVICES, 'default', 'kubernetes'))!,
  ep: (await store.get(ENDPOINTS, 'default', 'kubernetes')) as (KubeObject & { subsets?: unknown }) | undefined,
  slice: (await store.get(SLICES, 'default', 'kubernetes')) as (KubeObject & { addressType?: string; endpoints?: unknown; ports?: unknown }) | undefined,
});

describe('the kubernetes Service\'s endpoints', () => {
  it('names the address clients reach the API at', () => {
    assert.deepEqual(apiEndpointAddress('127.0.0.1'), { ip: '127.0.0.1', family: 'IPv4' });
    assert.deepEqual(apiEndpointAddress('0.0.0.0'), { ip: '127.0.0.1', family: 'IPv4' });
    assert.deepEqual(apiEndpointAddress('10.1.2.3'), { ip: '10.1.2.3', family: 'IPv4' });
    assert.deepEqual(apiEndpointAddress('::'), { ip: '::1', family: 'IPv6' });
    assert.deepEqual(apiEndpointAddress('fd00::5'), { ip: 'fd00::5', family: 'IPv6' });
    assert.deepEqual(apiEndpointAddress('localhost'), { ip: '127.0.0.1', family: 'IPv4' });
  });

  it('are written at the first start, pointing at the API\'s port', async () => {
    await publishApiEndpoints(registry, { host: '127.0.0.1', port: 6443 });
    const { svc, ep, slice } = await read();
    assert.deepEqual((svc.spec as { ports: unknown }).ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    assert.deepEqual(ep?.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    assert.equal(slice?.addressType, 'IPv4');
    assert.deepEqual(slice?.endpoints, [{ addresses: ['127.0.0.1'], conditions: { ready: true } }]);
    assert.equal(slice?.metadata.labels?.['kubernetes.io/service-name'], 'kubernetes');
    assert.equal((await store.history(ENDPOINTS, 'default', 'kubernetes'))[0].actor.user, 'system:apiserver');
  });

  it('a start at the same address writes nothing', async () => {
    const before = await read();
    await publishApiEndpoints(registry, { host: '127.0.0.1', port: 6443 });
    const now = await read();
    for (const k of ['svc', 'ep', 'slice'] as const) assert.equal(now[k]?.metadata.resourceVersion, before[k]?.metadata.resourceVersion, k);
  });

  it('follow the API to another port, keeping labels others added', async () => {
    const { ep } = await read();
    await registry.update(ENDPOINTS, 'default', 'kubernetes', { ...ep!, metadata: { ...ep!.metadata, labels: { ...ep!.metadata.labels, team: 'infra' } } }, { actor: { user: 'admin', groups: [] }, verb: 'update', requestId: 'r', fieldManager: 'kubectl' });
    await publishApiEndpoints(registry, { host: '0.0.0.0', port: 7443 });
    const now = await read();
    assert.equal((now.svc.spec as { ports: { targetPort: number }[] }).ports[0].targetPort, 7443);
    assert.deepEqual(now.ep?.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] }]);
    assert.deepEqual(now.ep?.metadata.labels, { team: 'infra', 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    assert.deepEqual(now.slice?.ports, [{ name: 'https', port: 7443, protocol: 'TCP' }]);
  });

  it('replace the slice when the API moves to the other IP family (its address type cannot change)', async () => {
    const old = (await read()).slice!;
    await publishApiEndpoints(registry, { host: '::1', port: 7443 });
    const { slice, ep } = await read();
    assert.equal(slice?.addressType, 'IPv6');
    assert.deepEqual(slice?.endpoints, [{ addresses: ['::1'], conditions: { ready: true } }]);
    assert.notEqual(slice?.metadata.uid, old.metadata.uid, 'a new slice');
    assert.deepEqual(ep?.subsets, [{ addresses: [{ ip: '::1' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] }]);
  });
});
