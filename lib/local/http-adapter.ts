/**
 * Turns a Node HTTP request into the API Gateway HTTP API (payload v2) event Lambda would receive,
 * and a Node response into the handler's response sink, so the local runtime runs the very same
 * handler code as AWS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ResponseSink } from '../../functions/api/handler.ts';

const TEXT_TYPES = /^(application\/(json|yaml|x-yaml|[a-z.+-]*\+json|[a-z.+-]*\+yaml)|text\/)/i;

export async function eventFromRequest(req: IncomingMessage, maxBytes: number): Promise<APIGatewayProxyEventV2> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    // Past the limit, keep only enough for the API to see that the body is too large.
    if (size <= maxBytes) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const body = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'https://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

export function sinkForResponse(res: ServerResponse): ResponseSink {
  let head: { statusCode: number; headers: Record<string, string> } | undefined;
  return {
    start(statusCode, headers, streaming) {
      if (!streaming) {
        // Sent whole with the body, in one write and with a Content-Length.
        head = { statusCode, headers };
        return;
      }
      res.writeHead(statusCode, headers);
      // Watches must reach the client at once, before any event exists.
      res.flushHeaders();
    },
    write(chunk) {
      if (head) {
        res.writeHead(head.statusCode, head.headers);
        head = undefined;
      }
      res.write(chunk);
    },
    end(last) {
      if (head) {
        res.writeHead(head.statusCode, { ...head.headers, 'content-length': String(last === undefined ? 0 : Buffer.byteLength(last)) });
        head = undefined;
      }
      if (last === undefined) res.end();
      else res.end(last);
    },
  };
}
