/**
 * The AWS clients' HTTP limits: a connection that hangs fails as a timeout the SDK retries and the
 * API answers as 504, instead of holding the request forever. The hang is a real TCP server that
 * accepts and never answers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SDK_HTTP_OPTIONS, SQS_HTTP_OPTIONS, storeDynamoClient } from '#lib/store/dynamo-client.ts';
import { errorName, toApiError } from '#lib/store/errors.ts';

const LOCAL = { region: 'local', credentials: { accessKeyId: 'k', secretAccessKey: 's' } };

async function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; endpoint: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, endpoint: `http://127.0.0.1:${port}`, sockets };
}

const get = new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } });
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

describe('AWS client HTTP limits', () => {
  it('a silent connection times out, is retried, and maps to 504 Timeout', async () => {
    const silent = await listen(() => {});
    servers.push(silent.server);
    const client = storeDynamoClient({ ...LOCAL, endpoint: silent.endpoint, maxAttempts: 2 }, { connectionTimeout: 1_000, socketTimeout: 200 });
    const started = Date.now();
    const err = await client.send(get).then(() => assert.fail('expected a timeout'), (e: unknown) => e);
    const elapsed = Date.now() - started;
    assert.equal(errorName(err), 'TimeoutError', String(err));
    assert.equal(silent.sockets.length, 2, 'the SDK retried once on a new connection');
    assert.ok(elapsed >= 400 && elapsed < 5_000, `${elapsed} ms`);
    const api = toApiError(err);
    assert.equal(api.code, 504);
    assert.equal(api.reason, 'Timeout');
    for (const s of silent.sockets) s.destroy();
    client.destroy();
  });

  it('store clients carry the limits unless told otherwise', async () => {
    const closing = await listen((s) => s.destroy());
    servers.push(closing.server);
    const client = storeDynamoClient({ ...LOCAL, endpoint: closing.endpoint, maxAttempts: 1 });
    await assert.rejects(client.send(get));
    const handler = client.config.requestHandler as unknown as { httpHandlerConfigs(): Record<string, unknown> };
    const config = handler.httpHandlerConfigs();
    assert.equal(config.connectionTimeout, SDK_HTTP_OPTIONS.connectionTimeout);
    assert.equal(config.socketTimeout, SDK_HTTP_OPTIONS.socketTimeout);
    client.destroy();
  });

  it('SQS may stay silent through a 20 s long poll; other calls for at most 10 s', () => {
    assert.ok(SQS_HTTP_OPTIONS.socketTimeout > 20_000);
    assert.ok(SDK_HTTP_OPTIONS.socketTimeout > 0 && SDK_HTTP_OPTIONS.socketTimeout <= 10_000);
    assert.ok(SDK_HTTP_OPTIONS.connectionTimeout > 0 && SQS_HTTP_OPTIONS.connectionTimeout > 0);
  });
});
