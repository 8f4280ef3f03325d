/**
 * The API Lambda. Two entry points over the same core:
 * - `handler`: API Gateway HTTP API (payload v2), whole responses; a watch is answered with the
 *   events that arrive before its (capped) timeout, which Kubernetes clients resume from.
 * - `streamHandler`: a Lambda Function URL in RESPONSE_STREAM mode, for long watches.
 * The local runtime calls `handleStreaming` with a sink over Node's HTTPS response.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Api } from '../../lib/api/app.ts';
import { requestFromEvent } from '../../lib/api/http.ts';
import { apiFromEnvironment } from './environment.ts';

/** Where a streamed response goes: Lambda's response stream or a Node HTTP response. */
export interface ResponseSink {
  start(statusCode: number, headers: Record<string, string>): void;
  write(chunk: string | Buffer): void;
  end(): void;
}

export function createHttpHandler(getApi: () => Promise<Api>) {
  return middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const api = await getApi();
    const res = await api(requestFromEvent(event));
    let body = res.body;
    if (res.stream) {
      const chunks: string[] = [];
      for await (const chunk of res.stream) chunks.push(chunk);
      body = chunks.join('');
    }
    const headers = { ...res.headers };
    delete headers['transfer-encoding'];
    if (Buffer.isBuffer(body)) return { statusCode: res.statusCode, headers, body: body.toString('base64'), isBase64Encoded: true };
    return { statusCode: res.statusCode, headers, body: body ?? '' };
  });
}

/** Serves one request into a sink, streaming watch events as they come. */
export async function handleStreaming(api: Api, event: APIGatewayProxyEventV2, sink: ResponseSink, signal?: AbortSignal): Promise<void> {
  const res = await api(requestFromEvent(event), signal);
  sink.start(res.statusCode, res.headers);
  if (res.stream) {
    for await (const chunk of res.stream) sink.write(chunk);
  } else if (res.body !== undefined) {
    sink.write(res.body);
  }
  sink.end();
}

let cached: Promise<Api> | undefined;
const fromEnv = () => (cached ??= apiFromEnvironment(process.env));

export const handler = createHttpHandler(fromEnv);

interface LambdaResponseStream {
  write(chunk: string | Buffer): void;
  end(): void;
}
interface LambdaStreamingGlobal {
  streamifyResponse(fn: (event: APIGatewayProxyEventV2, stream: LambdaResponseStream) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: LambdaResponseStream, meta: { statusCode: number; headers: Record<string, string> }): LambdaResponseStream };
}

const lambda = (globalThis as { awslambda?: LambdaStreamingGlobal }).awslambda;

/** The Function URL handler (only defined inside the Lambda runtime, which provides `awslambda`). */
export const streamHandler = typeof lambda?.streamifyResponse !== 'function' ? undefined : lambda.streamifyResponse(async (event, responseStream) => {
  let out: LambdaResponseStream = responseStream;
  await handleStreaming(await fromEnv(), event, {
    start(statusCode, headers) {
      out = lambda.HttpResponseStream.from(responseStream, { statusCode, headers });
    },
    write: (chunk) => out.write(chunk),
    end: () => out.end(),
  });
});
