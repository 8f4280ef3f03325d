/**
 * The API core in process, on DynamoDB Local: write-path semantics kubectl does not exercise
 * directly (finalizers, preconditions, dry runs, status and scale subresources, collection
 * deletes, conflict retries), the audit actor of every log item, and ServiceAccount tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApi, type Api } from '../../../lib/api/app.ts';
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { adminEntry, serviceAccountTokens, tokenAuthenticator } from '../../../lib/api/auth.ts';
import { DEFAULT_TOKEN_ISSUER } from '../../../lib/api/service-account-tokens.ts';
import { keyTokenSigner } from '../../../lib/api/token-signers.ts';
import { bootstrap } from '../../../lib/api/bootstrap.ts';
import type { ApiRequest } from '../../../lib/api/http.ts';
import { Registry } from '../../../lib/api/registry.ts';
import { systemClock } from '../../../lib/core/object.ts';
import { findByResource } from '../../../lib/core/resources.ts';
import { DynamoStore } from '../../../lib/store/dynamo-store.ts';
import { freshTables } from '../../helpers/dynamodb.ts';

let api: Api;
let store: DynamoStore;
/** Another process's store over the same tables. */
let elsewhere: DynamoStore;
const TOKEN = 'test-admin-token';
const AGENT = 'agent-token';
let n = 0;

before(async () => {
  const { client, tables } = await freshTables();
  store = new DynamoStore({ client, tables });
  elsewhere = new DynamoStore({ client, tables });
  await bootstrap(new Registry({ store, clock: systemClock }));
  const signer = keyTokenSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const { tokens, check } = serviceAccountTokens(signer, store, systemClock);
  api = createApi({
    store,
    clock: systemClock,
    auth: tokenAuthenticator([adminEntry(TOKEN), { token: AGENT, user: 'system:node:n1', groups: ['system:nodes'] }], check),
    tokens,
  });
});
after(async () => {
  await elsewhere?.close();
  await store?.close();
});

interface Res {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

async function call(method: string, path: string, body?: unknown, opts: { contentType?: string; token?: string; accept?: string; headers?: Record<string, string> } = {}): Promise<Res> {
  const url = new URL(path, 'https://skiff.test');
  const req: ApiRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: {
      authorization: `Bearer ${opts.token ?? TOKEN}`,
      'user-agent': 'write-path-test/1.0',
      ...(body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
      ...(opts.accept ? { accept: opts.accept } : {}),
      ...opts.headers,
    },
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    requestId: `req-${++n}`,
    userAgent: 'write-path-test/1.0',
    sourceIp: '192.0.2.7',
  };
  const res = await api(req);
  let text = typeof res.body === 'string' ? res.body : (res.body?.toString() ?? '');
  if (res.stream) {
    const it = res.stream[Symbol.asyncIterator]();
    const first = await it.next();
    text = first.done ? '' : first.value;
    await it.return?.();
  }
  return { status: res.statusCode, body: text ? (JSON.parse(text.split('\n')[0]) as Record<string, unknown>) : {}, headers: res.headers };
}

const CM = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, data: Record<string, string> = { a: '1' }, meta: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...meta }, data });
const meta = (r: Res) => r.body.metadata as { resourceVersion: string; uid: string; deletionTimestamp?: string; finalizers?: string[]; generation?: number };

describe('write path', () => {
  it('records the authenticated user, verb, request id, user agent and source IP in the log', async () => {
    assert.equal((await call('POST', CM, cm('audited'))).status, 201);
    assert.equal((await call('PATCH', `${CM}/audited`, { data: { a: '2' } }, { contentType: 'application/merge-patch+json', token: AGENT })).status, 200);
    const history = await store.history(findByResource('', 'v1', 'configmaps')!, 'default', 'audited');
    assert.equal(history.length, 2);
    assert.deepEqual(history[0].actor, { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.equal(history[0].verb, 'create');
    assert.equal(history[1].actor.user, 'system:node:n1');
    assert.equal(history[1].verb, 'patch');
    assert.equal(history[1].userAgent, 'write-path-test/1.0');
    assert.equal(history[1].sourceIp, '192.0.2.7');
    assert.match(history[1].requestId, /^req-\d+$/);
    assert.equal(history[1].prevRev, history[0].rev);
  });

  it('dry runs validate and answer but store nothing, for every verb', async () => {
    await call('POST', CM, cm('dry'));
    const before = await call('GET', `${CM}/dry`);
    const created = await call('POST', `${CM}?dryRun=All`, cm('dry-new'));
    assert.equal(created.status, 201);
    assert.equal((await call('GET', `${CM}/dry-new`)).status, 404);
    const dupe = await call('POST', `${CM}?dryRun=All`, cm('dry'));
    assert.equal(dupe.status, 409);
    const patched = await call('PATCH', `${CM}/dry?dryRun=All`, { data: { a: 'changed' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200);
    assert.equal((patched.body.data as Record<string, string>).a, 'changed');
    const deleted = await call('DELETE', `${CM}/dry?dryRun=All`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.kind, 'Status');
    const after = await call('GET', `${CM}/dry`);
    assert.deepEqual(after.body, before.body);
    assert.equal((await call('POST', `${CM}?dryRun=Some`, cm('x'))).status, 400);
  });

  it('deletion with finalizers sets deletionTimestamp; removing the last finalizer completes it', async () => {
    await call('POST', CM, cm('held', { a: '1' }, { finalizers: ['example.com/hold'] }));
    const del = await call('DELETE', `${CM}/held`);
    assert.equal(del.status, 200);
    assert.ok(meta(del).deletionTimestamp);
    const still = await call('GET', `${CM}/held`);
    assert.equal(still.status, 200);
    const added = await call('PATCH', `${CM}/held`, { metadata: { finalizers: ['example.com/hold', 'example.com/another'] } }, { contentType: 'application/merge-patch+json' });
    assert.equal(added.status, 422);
    assert.match(String(added.body.message), /no new finalizers/);
    const released = await call('PATCH', `${CM}/held`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
    assert.equal(released.status, 200);
    assert.equal((await call('GET', `${CM}/held`)).status, 404);
  });

  it('Foreground and Orphan propagation add their finalizers', async () => {
    await call('POST', CM, cm('fg'));
    const fg = await call('DELETE', `${CM}/fg`, { propagationPolicy: 'Foreground' });
    assert.equal(fg.status, 200);
    assert.deepEqual(meta(fg).finalizers, ['foregroundDeletion']);
    await call('POST', CM, cm('orphan'));
    const orphan = await call('DELETE', `${CM}/orphan?propagationPolicy=Orphan`);
    assert.deepEqual(meta(orphan).finalizers, ['orphan']);
    assert.equal((await call('DELETE', `${CM}/orphan?propagationPolicy=Sideways`)).status, 400);
  });

  it('delete preconditions on uid and resourceVersion', async () => {
    const created = await call('POST', CM, cm('pre'));
    const wrongUid = await call('DELETE', `${CM}/pre`, { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } });
    assert.equal(wrongUid.status, 409);
    const wrongRv = await call('DELETE', `${CM}/pre`, { preconditions: { resourceVersion: '1' } });
    assert.equal(wrongRv.status, 409);
    const ok = await call('DELETE', `${CM}/pre`, { preconditions: { uid: meta(created).uid, resourceVersion: meta(created).resourceVersion } });
    assert.equal(ok.status, 200);
    assert.equal((await call('DELETE', `${CM}/pre`)).status, 404);
  });

  it('deletes a collection by label selector', async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } });
    for (const i of [1, 2, 3]) await call('POST', '/api/v1/namespaces/bulk/configmaps', cm(`c${i}`, { a: '1' }, { labels: { batch: i < 3 ? 'x' : 'y' } }));
    const res = await call('DELETE', '/api/v1/namespaces/bulk/configmaps?labelSelector=batch%3Dx');
    assert.equal(res.status, 200);
    assert.equal((res.body.items as unknown[]).length, 2);
    const left = await call('GET', '/api/v1/namespaces/bulk/configmaps');
    assert.deepEqual((left.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['c3']);
  });

  it('status writes change status only; main-resource writes keep status', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'st' },
      spec: { selector: { matchLabels: { app: 'st' } }, template: { metadata: { labels: { app: 'st' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments/st';
    assert.equal((await call('POST', '/apis/apps/v1/namespaces/default/deployments', dep)).status, 201);
    const st = await call('PATCH', `${path}/status`, { status: { replicas: 3, observedGeneration: 1 }, spec: { replicas: 9 } }, { contentType: 'application/merge-patch+json' });
    assert.equal(st.status, 200);
    assert.equal((st.body.status as { replicas: number }).replicas, 3);
    assert.equal((st.body.spec as { replicas: number }).replicas, 1, 'a status write cannot change spec');
    assert.equal(meta(st).generation, 1);
    const main = await call('PATCH', path, { spec: { replicas: 2 }, status: { replicas: 0 } }, { contentType: 'application/merge-patch+json' });
    assert.equal((main.body.spec as { replicas: number }).replicas, 2);
    assert.equal((main.body.status as { replicas: number }).replicas, 3, 'a main-resource write cannot change status');
    assert.equal(meta(main).generation, 2);
    const scale = await call('GET', `${path}/scale`);
    assert.deepEqual(scale.body.spec, { replicas: 2 });
    assert.deepEqual(scale.body.status, { replicas: 3, selector: 'app=st' });
    const scaled = await call('PUT', `${path}/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'st', namespace: 'default' }, spec: { replicas: 5 } });
    assert.equal(scaled.status, 200);
    assert.equal(((await call('GET', path)).body.spec as { replicas: number }).replicas, 5);
    assert.equal((await call('PATCH', `${path}/scale`, { spec: { replicas: -1 } }, { contentType: 'application/merge-patch+json' })).status, 422);
  });

  it('patches without a resourceVersion retry on conflict: 16 concurrent patches all land', async () => {
    await call('POST', CM, cm('hot', {}));
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => call('PATCH', `${CM}/hot`, { data: { [`k${i}`]: String(i) } }, { contentType: 'application/merge-patch+json' })),
    );
    assert.deepEqual(results.map((r) => r.status), Array(16).fill(200));
    const final = await call('GET', `${CM}/hot`);
    assert.equal(Object.keys(final.body.data as object).length, 16);
  });

  it('PUT with a stale resourceVersion is a 409 Conflict; a no-op write writes nothing', async () => {
    const created = await call('POST', CM, cm('rv'));
    const v1 = meta(created).resourceVersion;
    const same = await call('PUT', `${CM}/rv`, cm('rv', { a: '1' }, { resourceVersion: v1 }));
    assert.equal(same.status, 200);
    assert.equal(meta(same).resourceVersion, v1, 'a no-op update keeps the resourceVersion');
    const changed = await call('PUT', `${CM}/rv`, cm('rv', { a: '2' }, { resourceVersion: v1 }));
    assert.notEqual(meta(changed).resourceVersion, v1);
    const stale = await call('PUT', `${CM}/rv`, cm('rv', { a: '3' }, { resourceVersion: v1 }));
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
  });

  it('a PUT naming a version this process wrote is still a 409 once another process moved the object on', async () => {
    const created = await call('POST', CM, cm('moved-on', { a: '1' }));
    const v1 = meta(created).resourceVersion as string;
    const live = (await elsewhere.get(findByResource('', 'v1', 'configmaps')!, 'default', 'moved-on'))!;
    await elsewhere.update(findByResource('', 'v1', 'configmaps')!, { ...live, data: { a: '2' } }, { actor: { user: 'other', groups: [] }, verb: 'update', requestId: 'elsewhere-1' });
    // The same content as version v1: nothing to write, yet v1 is stale.
    const unchanged = await call('PUT', `${CM}/moved-on`, cm('moved-on', { a: '1' }, { resourceVersion: v1 }));
    assert.equal(unchanged.status, 409, JSON.stringify(unchanged.body));
    const changed = await call('PUT', `${CM}/moved-on`, cm('moved-on', { a: '3' }, { resourceVersion: v1 }));
    assert.equal(changed.status, 409, JSON.stringify(changed.body));
    assert.deepEqual((await call('GET', `${CM}/moved-on`)).body.data, { a: '2' });
  });

  it('binds a pod once: a second binding is refused', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    assert.equal((await call('POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: node } });
    const [a, b] = await Promise.all([
      call('POST', '/api/v1/namespaces/default/pods/p/binding', binding('n1')),
      call('POST', '/api/v1/namespaces/default/pods/p/binding', binding('n2')),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [201, 409]);
    const bound = await call('GET', '/api/v1/namespaces/default/pods/p');
    const node = (bound.body.spec as { nodeName: string }).nodeName;
    assert.ok(node === 'n1' || node === 'n2');
    const byNode = await call('GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`);
    assert.deepEqual((byNode.body.items as { metadata: { name: string } }[]).map((p) => p.metadata.name), ['p']);
  });

  it('binds by what the node has room for: a pod created on it counts, a pod gone from it frees room', async () => {
    const created = await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-two' } });
    assert.equal(created.status, 201);
    const room = { cpu: '4', memory: '8Gi', pods: '2' };
    const withStatus = await call('PUT', '/api/v1/nodes/n-two/status', { ...created.body, status: { capacity: room, allocatable: room } });
    assert.equal(withStatus.status, 200, JSON.stringify(withStatus.body));
    const pod = (name: string, nodeName?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'i' }] } });
    const bind = (name: string) => call('POST', `/api/v1/namespaces/default/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'n-two' } });
    for (const name of ['room-a', 'room-c']) assert.equal((await call('POST', '/api/v1/namespaces/default/pods', pod(name))).status, 201);
    assert.equal((await bind('room-a')).status, 201);
    // Created already bound, without a scheduler: the node is now full.
    assert.equal((await call('POST', '/api/v1/namespaces/default/pods', pod('room-b', 'n-two'))).status, 201);
    const full = await bind('room-c');
    assert.equal(full.status, 409);
    assert.match(String(full.body.message), /does not fit on node "n-two": Too many pods/);
    // Once a pod is gone there is room again.
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/pods/room-b?gracePeriodSeconds=0')).status, 200);
    const fits = await bind('room-c');
    assert.equal(fits.status, 201, JSON.stringify(fits.body));
    const onNode = await call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn-two');
    assert.deepEqual((onNode.body.items as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort(), ['room-a', 'room-c']);
  });

  it('counts every way a pod lands on a node: a bind while the Node is gone, a node name set by PATCH', async () => {
    const room = { cpu: '4', memory: '8Gi', pods: '2' };
    const register = async () => {
      const created = await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-back' } });
      assert.equal(created.status, 201);
      assert.equal((await call('PUT', '/api/v1/nodes/n-back/status', { ...created.body, status: { capacity: room, allocatable: room } })).status, 200);
    };
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const bind = (name: string) => call('POST', `/api/v1/namespaces/default/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'n-back' } });
    for (const name of ['back-a', 'back-b', 'back-c', 'back-d']) assert.equal((await call('POST', '/api/v1/namespaces/default/pods', pod(name))).status, 201);
    await register();
    assert.equal((await bind('back-a')).status, 201);
    // The Node goes away and a pod is bound to its name meanwhile; then it registers again.
    assert.equal((await call('DELETE', '/api/v1/nodes/n-back')).status, 200);
    assert.equal((await bind('back-b')).status, 201);
    await register();
    const full = await bind('back-c');
    assert.equal(full.status, 409, JSON.stringify(full.body));
    assert.match(String(full.body.message), /Too many pods/);
    // Room for one more once a pod leaves; a node name set by PATCH takes it.
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/pods/back-a?gracePeriodSeconds=0')).status, 200);
    const patched = await call('PATCH', '/api/v1/namespaces/default/pods/back-d', { spec: { nodeName: 'n-back' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal((await bind('back-c')).status, 409);
    const onNode = await call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn-back');
    assert.deepEqual((onNode.body.items as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort(), ['back-b', 'back-d']);
  });

  it('a PUT that may create, naming a version of an object another process deleted, creates it as a fresh read would', async () => {
    const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    const lease = (rv?: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gone-lease', ...(rv ? { resourceVersion: rv } : {}) }, spec: { holderIdentity: 'x' } });
    const created = await call('POST', LEASES, lease());
    assert.equal(created.status, 201);
    const leases = findByResource('coordination.k8s.io', 'v1', 'leases')!;
    const live = (await elsewhere.get(leases, 'default', 'gone-lease'))!;
    await elsewhere.delete(leases, live, { actor: { user: 'other', groups: [] }, verb: 'delete', requestId: 'elsewhere-2' });
    const fresh = new Registry({ store: elsewhere, clock: systemClock });
    const expected = await fresh.update(leases, 'default', 'gone-lease', lease(meta(created).resourceVersion), { actor: { user: 'other', groups: [] }, verb: 'update', requestId: 'elsewhere-3', dryRun: true }).then(() => 201, (e: { code: number }) => e.code);
    const put = await call('PUT', `${LEASES}/gone-lease`, lease(meta(created).resourceVersion));
    assert.equal(put.status, expected, JSON.stringify(put.body));
  });

  it('allocates distinct ClusterIPs and NodePorts, and refuses a taken one', async () => {
    const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
    const a = await call('POST', '/api/v1/namespaces/default/services', svc('a', { type: 'NodePort' }));
    const b = await call('POST', '/api/v1/namespaces/default/services', svc('b', {}));
    assert.equal(a.status, 201);
    const sa = a.body.spec as { clusterIP: string; ports: { nodePort: number; targetPort: number }[] };
    const sb = b.body.spec as { clusterIP: string };
    assert.match(sa.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./);
    assert.notEqual(sa.clusterIP, sb.clusterIP);
    assert.ok(sa.ports[0].nodePort >= 30000 && sa.ports[0].nodePort <= 32767);
    assert.equal(sa.ports[0].targetPort, 80);
    const taken = await call('POST', '/api/v1/namespaces/default/services', svc('c', { clusterIP: sb.clusterIP }));
    assert.equal(taken.status, 422);
  });

  it('allocates atomically: of concurrent creates asking for one NodePort or ClusterIP, exactly one gets it', async () => {
    const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
    const racing = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      call('POST', '/api/v1/namespaces/default/services', svc(`race-port-${i}`, { type: 'NodePort', ports: [{ port: 80, nodePort: 31234 }] }))));
    assert.deepEqual(racing.map((r) => r.status).sort(), [201, 422, 422, 422, 422, 422, 422, 422]);
    for (const r of racing.filter((x) => x.status === 422)) assert.match(String(r.body.message), /31234: provided port is already allocated/);
    const ips = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      call('POST', '/api/v1/namespaces/default/services', svc(`race-ip-${i}`, { clusterIP: '10.96.77.77' }))));
    assert.equal(ips.filter((r) => r.status === 201).length, 1, JSON.stringify(ips.map((r) => r.status)));
    // Allocations decided at the same moment never collide.
    const auto = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      call('POST', '/api/v1/namespaces/default/services', svc(`race-auto-${i}`, { type: 'NodePort' }))));
    assert.ok(auto.every((r) => r.status === 201));
    const specs = auto.map((r) => r.body.spec as { clusterIP: string; ports: { nodePort: number }[] });
    assert.equal(new Set(specs.map((x) => x.clusterIP)).size, 8);
    assert.equal(new Set(specs.map((x) => x.ports[0].nodePort)).size, 8);
  });

  it('lets one Service use a NodePort for TCP and UDP, and no other Service use it', async () => {
    const dns = await call('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'dns' },
      spec: { type: 'NodePort', selector: { app: 'dns' }, ports: [{ name: 'tcp', port: 53, protocol: 'TCP', nodePort: 30053 }, { name: 'udp', port: 53, protocol: 'UDP', nodePort: 30053 }] },
    });
    assert.equal(dns.status, 201, JSON.stringify(dns.body));
    const twice = await call('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'dns-twice' },
      spec: { type: 'NodePort', selector: { app: 'dns' }, ports: [{ name: 'a', port: 53, protocol: 'TCP', nodePort: 30054 }, { name: 'b', port: 54, protocol: 'TCP', nodePort: 30054 }] },
    });
    assert.equal(twice.status, 422);
    const other = await call('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'dns-other' },
      spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }] },
    });
    assert.equal(other.status, 422);
  });

  it('pages lists with limit and continue, all from one snapshot', async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paged' } });
    for (let i = 0; i < 7; i++) await call('POST', '/api/v1/namespaces/paged/configmaps', cm(`p${i}`));
    const names: string[] = [];
    let cont = '';
    let rv: string | undefined;
    do {
      const page = await call('GET', `/api/v1/namespaces/paged/configmaps?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(page.status, 200);
      const m = page.body.metadata as { resourceVersion: string; continue?: string };
      rv ??= m.resourceVersion;
      assert.equal(m.resourceVersion, rv);
      names.push(...(page.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
      cont = m.continue ?? '';
      if (names.length === 3) await call('POST', '/api/v1/namespaces/paged/configmaps', cm('p9-late'));
    } while (cont);
    assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    assert.equal((await call('GET', '/api/v1/namespaces/paged/configmaps?continue=garbage')).status, 400);
  });

  it('answers a too-new watch with 504 and streams a Table watch with columns on the first event', async () => {
    const tooNew = await call('GET', `${CM}?watch=true&resourceVersion=99999999`);
    assert.equal(tooNew.status, 504);
    assert.deepEqual((tooNew.body.details as { causes: { reason: string }[] }).causes.map((c) => c.reason), ['ResourceVersionTooLarge']);
    const table = await call('GET', `${CM}?watch=true&resourceVersion=0`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(table.status, 200);
    const ev = table.body as { type: string; object: { kind: string; columnDefinitions: unknown[]; rows: unknown[] } };
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.kind, 'Table');
    assert.ok(ev.object.columnDefinitions.length > 0);
    assert.equal(ev.object.rows.length, 1);
  });

  it('a write to a terminating namespace does not complete its deletion; only /finalize may change spec.finalizers', async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ending' } });
    await call('POST', '/api/v1/namespaces/ending/configmaps', cm('inside'));
    const del = await call('DELETE', '/api/v1/namespaces/ending');
    assert.equal(del.status, 200);
    assert.equal((del.body.status as { phase: string }).phase, 'Terminating');
    const labelled = await call('PATCH', '/api/v1/namespaces/ending', { metadata: { labels: { a: 'b' } }, spec: { finalizers: [] } }, { contentType: 'application/merge-patch+json' });
    assert.equal(labelled.status, 200);
    assert.deepEqual((labelled.body.spec as { finalizers: string[] }).finalizers, ['kubernetes'], 'a plain patch cannot drop spec.finalizers');
    const status = await call('PATCH', '/api/v1/namespaces/ending/status', { status: { conditions: [{ type: 'NamespaceContentRemaining', status: 'True' }] } }, { contentType: 'application/merge-patch+json' });
    assert.equal(status.status, 200);
    assert.equal((await call('GET', '/api/v1/namespaces/ending')).status, 200, 'still there, still Terminating');
    const created = await call('POST', '/api/v1/namespaces/ending/configmaps?dryRun=All', cm('late'));
    assert.equal(created.status, 403);
    const finalized = await call('PUT', '/api/v1/namespaces/ending/finalize', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ending' }, spec: { finalizers: [] } });
    assert.equal(finalized.status, 200);
    assert.equal((await call('GET', '/api/v1/namespaces/ending')).status, 404);
  });

  it('refuses to delete the system namespaces', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const res = await call('DELETE', `/api/v1/namespaces/${ns}?dryRun=All`);
      assert.equal(res.status, 403, ns);
      assert.match(String(res.body.message), /may not be deleted/);
    }
  });

  it('keeps a Service\'s ClusterIP and NodePorts across replace, and follows type changes', async () => {
    const base = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kept' }, spec: { type: 'NodePort', selector: { app: 'kept' }, ports: [{ port: 80 }] } };
    const created = await call('POST', '/api/v1/namespaces/default/services', base);
    const spec = created.body.spec as { clusterIP: string; ports: { nodePort: number }[] };
    const replaced = await call('PUT', '/api/v1/namespaces/default/services/kept', base);
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const rs = replaced.body.spec as { clusterIP: string; ports: { nodePort: number }[] };
    assert.equal(rs.clusterIP, spec.clusterIP);
    assert.equal(rs.ports[0].nodePort, spec.ports[0].nodePort);
    const toClusterIP = await call('PATCH', '/api/v1/namespaces/default/services/kept', { spec: { type: 'ClusterIP' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(toClusterIP.status, 200, JSON.stringify(toClusterIP.body));
    assert.equal((toClusterIP.body.spec as { ports: { nodePort?: number }[] }).ports[0].nodePort, undefined);
    const back = await call('PATCH', '/api/v1/namespaces/default/services/kept', { spec: { type: 'NodePort' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    const port = (back.body.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    assert.ok(port >= 30000 && port <= 32767, `a node port is allocated: ${port}`);
  });

  it('cuts a long generateName and validates the generated name', async () => {
    const prefix = 'g'.repeat(70);
    const res = await call('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: prefix }, data: {} });
    assert.equal(res.status, 201);
    const name = (res.body.metadata as { name: string }).name;
    assert.equal(name.length, 63);
    assert.ok(name.startsWith('g'.repeat(58)));
  });

  it('a create that skips the existence read (generated names) still refuses a taken name and reuses a deleted one', async () => {
    await call('POST', CM, cm('gen-taken'));
    const clash = await call('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gen-taken', generateName: 'gen-' }, data: {} });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.reason, 'AlreadyExists');
    await call('DELETE', `${CM}/gen-taken`);
    const reuse = await call('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gen-taken', generateName: 'gen-' }, data: { b: '2' } });
    assert.equal(reuse.status, 201, JSON.stringify(reuse.body));
    assert.deepEqual(((await call('GET', `${CM}/gen-taken`)).body.data), { b: '2' });
  });

  it('a force delete with grace 0 completes a pending graceful delete once finalizers are gone', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slow', finalizers: ['example.com/x'] }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 600, containers: [{ name: 'c', image: 'i' }] } };
    assert.equal((await call('POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    const graceful = await call('DELETE', '/api/v1/namespaces/default/pods/slow');
    assert.equal(meta(graceful).deletionTimestamp !== undefined, true);
    assert.equal((graceful.body.metadata as { deletionGracePeriodSeconds: number }).deletionGracePeriodSeconds, 600);
    const forced = await call('DELETE', '/api/v1/namespaces/default/pods/slow?gracePeriodSeconds=0');
    assert.equal((forced.body.metadata as { deletionGracePeriodSeconds: number }).deletionGracePeriodSeconds, 0);
    await call('PATCH', '/api/v1/namespaces/default/pods/slow', { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/slow')).status, 404);
  });

  it('records field ownership for scale writes, so a later apply conflicts', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/owned';
    const applied = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'owned' }, spec: { replicas: 1, selector: { matchLabels: { app: 'o' } }, template: { metadata: { labels: { app: 'o' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    const first = await call('PATCH', `${path}?fieldManager=gitops`, JSON.stringify(applied), { contentType: 'application/apply-patch+yaml' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await call('PATCH', `${path}/scale?fieldManager=autoscaler`, { spec: { replicas: 4 } }, { contentType: 'application/merge-patch+json' });
    const got = await call('GET', path);
    const entries = (got.body.metadata as { managedFields: { manager: string; subresource?: string }[] }).managedFields;
    assert.ok(entries.some((e) => e.manager === 'autoscaler' && e.subresource === 'scale'), JSON.stringify(entries));
    const again = await call('PATCH', `${path}?fieldManager=gitops`, JSON.stringify(applied), { contentType: 'application/apply-patch+yaml' });
    assert.equal(again.status, 409);
    assert.match(String(again.body.message), /autoscaler/);
  });

  it('reads boolean query parameters as Go does, and never lists an empty type at "0"', async () => {
    const w = await call('GET', `${CM}?watch=True&resourceVersion=0`);
    assert.equal(w.body.type, 'ADDED');
    const empty = await call('GET', '/apis/coordination.k8s.io/v1/leases');
    assert.equal(empty.status, 200);
    assert.notEqual((empty.body.metadata as { resourceVersion: string }).resourceVersion, '0');
  });

  it('keeps warnings ASCII, refuses cluster-wide collection deletes and bad dryRun bodies', async () => {
    const res = await call('POST', `${CM}?fieldValidation=Warn`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned-u' }, 字: 1 });
    assert.equal(res.status, 201);
    assert.match(res.headers['warning'], /^[\x20-\x7e]+$/);
    assert.match(res.headers['warning'], /\\u5b57/);
    assert.equal((await call('DELETE', '/api/v1/configmaps')).status, 405);
    await call('POST', CM, cm('bad-dry'));
    assert.equal((await call('DELETE', `${CM}/bad-dry`, { dryRun: 5 })).status, 400);
    assert.equal((await call('DELETE', `${CM}/bad-dry`, { dryRun: ['Foo'] })).status, 400);
    assert.equal((await call('GET', `${CM}/bad-dry`)).status, 200);
  });

  it('reports duplicate JSON fields: 422 under Strict, a warning under Warn', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1"},"data":{"a":"2"}}';
    const strict = await call('POST', `${CM}?fieldValidation=Strict`, body);
    assert.equal(strict.status, 422);
    assert.match(String(strict.body.message), /duplicate field "data"/);
    const warn = await call('POST', `${CM}?fieldValidation=Warn`, body);
    assert.equal(warn.status, 201);
    assert.match(warn.headers['warning'], /duplicate field/);
  });

  it('issues ServiceAccount tokens without writing, and records writes made with one as the ServiceAccount until it is gone', async () => {
    const SA = '/api/v1/namespaces/default/serviceaccounts';
    const sa = await call('POST', SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    assert.equal(sa.status, 201);
    const rvs = async () => Promise.all([SA, CM, '/api/v1/namespaces/default/pods'].map(async (p) => (await call('GET', p)).body.metadata));
    const before = await rvs();
    const issued = await call('POST', `${SA}/robot/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } });
    assert.equal(issued.status, 201);
    assert.equal(issued.body.kind, 'TokenRequest');
    const token = (issued.body.status as { token: string }).token;
    assert.deepEqual(await rvs(), before, 'a TokenRequest writes nothing');

    const who = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, { token });
    assert.deepEqual((who.body.status as { userInfo: unknown }).userInfo, {
      username: 'system:serviceaccount:default:robot',
      uid: meta(sa).uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
    assert.equal((await call('POST', CM, cm('by-robot'), { token })).status, 201);
    const [entry] = await store.history(findByResource('', 'v1', 'configmaps')!, 'default', 'by-robot');
    assert.deepEqual(entry.actor, { user: 'system:serviceaccount:default:robot', uid: meta(sa).uid, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });

    // A TokenReview tells a service who a token names, for the audiences the service is.
    const TR = '/apis/authentication.k8s.io/v1/tokenreviews';
    const review = async (spec: Record<string, unknown>) => {
      const r = await call('POST', TR, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.status as { authenticated?: boolean; user: { username?: string; uid?: string }; audiences?: string[] };
    };
    assert.deepEqual(await review({ token }), {
      authenticated: true,
      user: { username: 'system:serviceaccount:default:robot', uid: meta(sa).uid, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] },
      audiences: [DEFAULT_TOKEN_ISSUER],
    });
    assert.deepEqual(await review({ token, audiences: ['vault'] }), { user: {} });
    const forVault = ((await call('POST', `${SA}/robot/token`, { spec: { audiences: ['vault'] } })).body.status as { token: string }).token;
    assert.deepEqual((await review({ token: forVault, audiences: ['vault', 'other'] })).audiences, ['vault']);
    assert.equal((await call('GET', CM, undefined, { token: forVault })).status, 401, 'a token for another audience does not sign in to the API');
    assert.deepEqual(await review({ token: 'not-a-token' }), { user: {} });
    assert.equal((await call('POST', TR, { spec: {} })).status, 400);

    // Issuer discovery: a service can check tokens with the published key alone.
    const discovery = await call('GET', '/.well-known/openid-configuration', undefined, { headers: { host: 'skiff.test:6443' } });
    assert.deepEqual(discovery.body, {
      issuer: DEFAULT_TOKEN_ISSUER,
      jwks_uri: 'https://skiff.test:6443/openid/v1/jwks',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    const keySet = await call('GET', '/openid/v1/jwks');
    assert.equal(keySet.headers['content-type'], 'application/jwk-set+json');
    const { payload } = await jwtVerify(token, createLocalJWKSet(keySet.body as unknown as JSONWebKeySet), { issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_ISSUER });
    assert.equal(payload.sub, 'system:serviceaccount:default:robot');

    // Bad requests get kube's answers.
    const missing = await call('POST', `${SA}/nobody/token`, { spec: {} });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
    const short = await call('POST', `${SA}/robot/token`, { spec: { expirationSeconds: 60 } });
    assert.equal(short.status, 422);
    assert.equal((short.body.details as { causes: { field: string }[] }).causes[0].field, 'spec.expirationSeconds');
    assert.equal((await call('POST', `${SA}/robot/token?fieldValidation=Strict`, { spec: { bogus: true } })).status, 422);
    assert.equal((await call('GET', `${SA}/robot/token`)).status, 405);
    assert.equal((await call('POST', `${SA}/robot/token`, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'absent' } } })).status, 404);

    // A token bound to a pod lives as long as the pod.
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'robot-pod' }, spec: { serviceAccountName: 'robot', containers: [{ name: 'c', image: 'i' }] } };
    assert.equal((await call('POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    const bound = await call('POST', `${SA}/robot/token`, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'robot-pod' } } });
    assert.equal(bound.status, 201);
    const podToken = (bound.body.status as { token: string }).token;
    assert.equal((await call('GET', `${CM}/by-robot`, undefined, { token: podToken })).status, 200);
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/pods/robot-pod?gracePeriodSeconds=0')).status, 200);
    assert.equal((await call('GET', `${CM}/by-robot`, undefined, { token: podToken })).status, 401);

    // Deleting the ServiceAccount revokes its tokens, and a new one by the same name does not inherit them.
    assert.equal((await call('DELETE', `${SA}/robot`)).status, 200);
    assert.equal((await call('GET', `${CM}/by-robot`, undefined, { token })).status, 401);
    assert.equal((await call('POST', SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } })).status, 201);
    assert.equal((await call('GET', `${CM}/by-robot`, undefined, { token })).status, 401);
  });
});
