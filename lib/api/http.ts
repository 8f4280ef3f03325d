/**
 * The API's view of HTTP: a request parsed from an API Gateway HTTP API (payload v2) event, and a
 * response that is either a whole body or a stream (watches, followed logs). Both Lambda handlers
 * and the local HTTPS adapter speak these shapes.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface ApiRequest {
  method: string;
  /** Path without the query string, decoded, with no trailing slash (except `/`). */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
  requestId: string;
  sourceIp?: string;
  userAgent?: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A streamed body: each chunk is written and flushed as it comes. */
  stream?: AsyncIterable<string>;
}

export function requestFromEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  let path = event.rawPath || '/';
  try {
    path = decodeURI(path);
  } catch {
    // keep the raw path; routing will 404 it
  }
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const body = event.body === undefined || event.body === null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
    path,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    body,
    requestId: event.requestContext?.requestId ?? randomUUID(),
    sourceIp: event.requestContext?.http?.sourceIp,
    userAgent: headers['user-agent'] ?? event.requestContext?.http?.userAgent,
  };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function text(statusCode: number, body: string): ApiResponse {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
