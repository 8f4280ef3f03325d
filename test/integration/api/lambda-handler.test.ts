/**
 * The API Lambda's own entry point, configured from its environment as in AWS, invoked with real
 * API Gateway HTTP API (payload v2) events against DynamoDB Local.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { bootstrap } from '../../../lib/api/bootstrap.ts';
import { Registry } from '../../../lib/api/registry.ts';
import { systemClock } from '../../../lib/core/object.ts';
import { DynamoStore } from '../../../lib/store/dynamo-store.ts';
import { freshTables, testEndpoint } from '../../helpers/dynamodb.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

function event(method: string, rawPath: string, opts: { query?: string; body?: string; contentType?: string; token?: string; acceptEncoding?: string } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: opts.query ?? '',
    headers: {
      authorization: `Bearer ${opts.token ?? 'lambda-token'}`,
      'user-agent': 'kubectl/v1.32.0 (linux/amd64)',
      ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
      ...(opts.acceptEncoding ? { 'accept-encoding': opts.acceptEncoding } : {}),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'kubectl/v1.32.0' },
      requestId: 'lambda-req',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: opts.body,
    isBase64Encoded: false,
  };
}

before(async () => {
  const { client, tables } = await freshTables();
  const store = new DynamoStore({ client, tables });
  await bootstrap(new Registry({ store, clock: systemClock }));
  await store.close();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: testEndpoint(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'skiff',
    AWS_SECRET_ACCESS_KEY: 'skiff',
    SKIFF_TABLE_OBJECTS: tables.objects,
    SKIFF_TABLE_LOG: tables.log,
    SKIFF_TABLE_META: tables.meta,
    SKIFF_ADMIN_TOKEN: 'lambda-token',
    SKIFF_MAX_WATCH_SECONDS: '20',
  });
  ({ handler } = (await import('../../../functions/api/handler.ts')) as unknown as { handler: Handler });
});

describe('functions/api handler (API Gateway HTTP API)', () => {
  const ctx = {} as Context;

  it('creates and reads objects', async () => {
    const created = await handler(event('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-lambda' }, data: { a: 'b' } }), contentType: 'application/json' }), ctx);
    assert.equal(created.statusCode, 201, created.body);
    const got = await handler(event('GET', '/api/v1/namespaces/default/configmaps/from-lambda'), ctx);
    assert.equal(got.statusCode, 200);
    assert.equal(JSON.parse(got.body!).data.a, 'b');
    assert.equal(got.headers!['content-type'], 'application/json');
  });

  it('refuses a wrong token with a 401 Status', async () => {
    const res = await handler(event('GET', '/api/v1/namespaces', { token: 'wrong' }), ctx);
    assert.equal(res.statusCode, 401);
    assert.equal(JSON.parse(res.body!).reason, 'Unauthorized');
  });

  it('answers a watch as a long poll: its first events, well before the watch timeout', async () => {
    const began = Date.now();
    const res = await handler(event('GET', '/api/v1/namespaces/default/configmaps', { query: 'watch=true&resourceVersion=0' }), ctx);
    assert.equal(res.statusCode, 200);
    const events = res.body!.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED from-lambda']);
    assert.equal(res.headers!['transfer-encoding'], undefined);
    assert.ok(Date.now() - began < 10_000, 'the poll ended after its first event, not at the 20 s timeout');
  });

  it('gzips a large answer for a client that accepts it, and only then', async () => {
    const big = 'x'.repeat(200 * 1024);
    const created = await handler(event('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { big } }), contentType: 'application/json' }), ctx);
    assert.equal(created.statusCode, 201);
    const zipped = await handler(event('GET', '/api/v1/namespaces/default/configmaps/big', { acceptEncoding: 'gzip' }), ctx);
    assert.equal(zipped.headers!['content-encoding'], 'gzip');
    assert.equal(zipped.isBase64Encoded, true);
    const body = JSON.parse(gunzipSync(Buffer.from(zipped.body!, 'base64')).toString('utf8'));
    assert.equal(body.data.big.length, big.length);
    const plain = await handler(event('GET', '/api/v1/namespaces/default/configmaps/big'), ctx);
    assert.equal(plain.headers!['content-encoding'], undefined);
    assert.equal(JSON.parse(plain.body!).data.big, big);
  });
});
