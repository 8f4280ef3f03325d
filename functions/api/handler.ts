/**
 * The API Lambda. Two entry points over the same core:
 * - `handler`: API Gateway HTTP API (payload v2), whole responses; a watch is answered with the
 *   events that arrive before its (capped) timeout, which Kubernetes clients resume from.
 * - `streamHandler`: a Lambda Function URL in RESPONSE_STREAM mode, for long watches.
 * The local runtime calls `handleStreaming` with a sink over Node's HTTPS response.
 */
import { gzipSync } from 'node:zlib';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Api } from '../../lib/api/app.ts';
import { requestFromEvent } from '../../lib/api/http.ts';
import { apiFromEnvironment } from './environment.ts';

/** Where a streamed response goes: Lambda's response stream or a Node HTTP response. */
export interface ResponseSink {
  /** `streaming`: the body follows in chunks (a watch), so the head must reach the client now. */
  start(statusCode: number, headers: Record<string, string>, streaming: boolean): void;
  write(chunk: string | Buffer): void;
  /** Ends the response, after `last` when given (a whole body goes out with its head). */
  end(last?: string | Buffer): void;
}

export function createHttpHandler(getApi: () => Promise<Api>) {
  return middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const api = await getApi();
    const done = new AbortController();
    const res = await api(requestFromEvent(event), done.signal);
    let body = res.body;
    if (res.stream) body = await longPoll(res.stream, LONG_POLL_LINGER_MS, () => done.abort());
    const headers = { ...res.headers };
    delete headers['transfer-encoding'];
    // Lambda answers at most 6 MB: large bodies (big lists) go gzipped when the client takes it,
    // as kube-apiserver does above 128 KiB.
    const size = body === undefined ? 0 : Buffer.byteLength(body);
    if (size > GZIP_ABOVE_BYTES && /\bgzip\b/.test(event.headers?.['accept-encoding'] ?? event.headers?.['Accept-Encoding'] ?? '')) {
      const packed = gzipSync(body!);
      return { statusCode: res.statusCode, headers: { ...headers, 'content-encoding': 'gzip', vary: 'Accept-Encoding' }, body: packed.toString('base64'), isBase64Encoded: true };
    }
    if (Buffer.isBuffer(body)) return { statusCode: res.statusCode, headers, body: body.toString('base64'), isBase64Encoded: true };
    return { statusCode: res.statusCode, headers, body: body ?? '' };
  });
}

const GZIP_ABOVE_BYTES = 128 * 1024;

/** How long a buffered watch waits for more events after its first one before answering. */
const LONG_POLL_LINGER_MS = 200;

/**
 * A watch behind a buffering proxy becomes a long poll: it answers soon after its first event
 * (or at its timeout with none), and the client resumes from the last resourceVersion it saw.
 * Bookmarks alone do not end the poll.
 */
export async function longPoll(stream: AsyncIterable<string>, lingerMs: number, stop: () => void): Promise<string> {
  const it = stream[Symbol.asyncIterator]();
  const chunks: string[] = [];
  let deadline: number | undefined;
  try {
    for (;;) {
      const next = it.next();
      const step =
        deadline === undefined
          ? await next
          : await Promise.race([next, new Promise<undefined>((ok) => setTimeout(() => ok(undefined), Math.max(0, deadline! - Date.now())))]);
      if (step === undefined) {
        next.catch(() => {});
        break;
      }
      if (step.done) break;
      chunks.push(step.value);
      if (deadline === undefined && !step.value.startsWith('{"type":"BOOKMARK"')) deadline = Date.now() + lingerMs;
    }
  } finally {
    // End the watch itself first: a generator's return() waits for its pending step.
    stop();
    await it.return?.();
  }
  return chunks.join('');
}

/** Serves one request into a sink, streaming watch events as they come. */
export async function handleStreaming(api: Api, event: APIGatewayProxyEventV2, sink: ResponseSink, signal?: AbortSignal): Promise<void> {
  const res = await api(requestFromEvent(event), signal);
  sink.start(res.statusCode, res.headers, res.stream !== undefined);
  if (res.stream) {
    for await (const chunk of res.stream) sink.write(chunk);
    sink.end();
  } else {
    sink.end(res.body);
  }
}

let cached: Promise<Api> | undefined;
const fromEnv = () => {
  // A failed start (say, Secrets Manager unreachable) is retried by the next request, not kept.
  cached ??= apiFromEnvironment(process.env).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
};

export const handler = createHttpHandler(fromEnv);

interface LambdaResponseStream {
  write(chunk: string | Buffer): void;
  end(): void;
  on?(event: 'close' | 'error', listener: () => void): void;
}
interface LambdaStreamingGlobal {
  streamifyResponse(fn: (event: APIGatewayProxyEventV2, stream: LambdaResponseStream) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: LambdaResponseStream, meta: { statusCode: number; headers: Record<string, string> }): LambdaResponseStream };
}

const lambda = (globalThis as { awslambda?: LambdaStreamingGlobal }).awslambda;

/** The Function URL handler (only defined inside the Lambda runtime, which provides `awslambda`). */
export const streamHandler = typeof lambda?.streamifyResponse !== 'function' ? undefined : lambda.streamifyResponse(async (event, responseStream) => {
  let out: LambdaResponseStream = responseStream;
  // A client that goes away must end its watch, or it would poll until the function times out.
  const gone = new AbortController();
  responseStream.on?.('close', () => gone.abort());
  responseStream.on?.('error', () => gone.abort());
  await handleStreaming(await fromEnv(), event, {
    start(statusCode, headers) {
      const { 'transfer-encoding': _chunked, ...rest } = headers;
      out = lambda.HttpResponseStream.from(responseStream, { statusCode, headers: rest });
    },
    write: (chunk) => out.write(chunk),
    end: (last) => {
      if (last !== undefined) out.write(last);
      out.end();
    },
  }, gone.signal);
});
