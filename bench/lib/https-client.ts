/**
 * A keep-alive HTTPS client that talks to the API the way kubectl and client-go do: bearer token,
 * the cluster's CA, JSON bodies, one pooled TLS connection per concurrent client.
 */
import { Agent, request } from 'node:https';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

export class ApiClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;
  readonly #token: string;

  constructor(opts: { url: string; caPem: string; token: string; maxSockets: number }) {
    const url = new URL(opts.url);
    this.#host = url.hostname;
    this.#port = Number(url.port || 443);
    this.#token = opts.token;
    this.#agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets, ca: opts.caPem });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${this.#token}`,
      accept: 'application/json',
      'user-agent': 'skiff-bench/0.1',
    };
    if (payload) {
      headers['content-type'] = contentType;
      headers['content-length'] = payload.length;
    }
    return new Promise((ok, fail) => {
      const req = request({ host: this.#host, port: this.#port, path, method, headers, agent: this.#agent, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', fail);
      req.end(payload);
    });
  }

  /** The request, failing unless the status is one of `expect`. */
  async expect(expect: number[], method: string, path: string, body?: unknown, contentType?: string): Promise<HttpResponse> {
    const res = await this.request(method, path, body, contentType);
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
    }
    return res;
  }

  close(): void {
    this.#agent.destroy();
  }
}
