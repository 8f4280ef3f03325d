/**
 * The local runtime's response sink on a real Node HTTP server: a whole response goes out with a
 * Content-Length (not chunked), and a streamed one sends its head before its first chunk.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Api } from '../../../lib/api/app.ts';
import type { ApiResponse } from '../../../lib/api/http.ts';
import { handleStreaming } from '../../../functions/api/handler.ts';
import { eventFromRequest, sinkForResponse } from '../../../lib/local/http-adapter.ts';

let release: () => void = () => {};
const api: Api = async (req): Promise<ApiResponse> => {
  if (req.path === '/whole') return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"kind":"Status","message":"ünïcode"}' };
  const gate = new Promise<void>((ok) => (release = ok));
  async function* events() {
    await gate;
    yield '{"type":"ADDED"}\n';
    yield '{"type":"DELETED"}\n';
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, stream: events() };
};

let server: Server;
let port: number;

before(async () => {
  server = createServer((req, res) => {
    void eventFromRequest(req, 1 << 20).then((event) => handleStreaming(api, event, sinkForResponse(res)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

after(() => server.close());

function get(path: string): Promise<IncomingMessage> {
  return new Promise((ok, fail) => request({ host: '127.0.0.1', port, path }, ok).on('error', fail).end());
}

async function text(res: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const p of res) parts.push(p as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

describe('local HTTP response sink', () => {
  it('sends a whole body with its byte length, not chunked', async () => {
    const res = await get('/whole');
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['content-length'], String(Buffer.byteLength('{"kind":"Status","message":"ünïcode"}')));
    assert.equal(res.headers['transfer-encoding'], undefined);
    assert.equal(await text(res), '{"kind":"Status","message":"ünïcode"}');
  });

  it('sends a stream’s head before any chunk exists, then the chunks', { timeout: 5000 }, async () => {
    // The response arrives while the stream is still waiting for its first event.
    const res = await get('/watch');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    release();
    assert.equal(await text(res), '{"type":"ADDED"}\n{"type":"DELETED"}\n');
  });
});
