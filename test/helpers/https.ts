/** Raw HTTPS requests to a test cluster, for what kubectl cannot send (bad bodies, no token). */
import { request } from 'node:https';
import type { TestCluster } from './cluster.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): Record<string, unknown>;
}

export interface RawOptions {
  body?: string | Buffer;
  contentType?: string;
  accept?: string;
  /** A token to send instead of the admin's; null sends none. */
  token?: string | null;
  timeoutMs?: number;
}

export function raw(cluster: Pick<TestCluster, 'url' | 'token' | 'caPem'>, method: string, path: string, opts: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(path, cluster.url);
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? cluster.token : opts.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.accept) headers['accept'] = opts.accept;
  return new Promise((ok, fail) => {
    const req = request(url, { method, headers, ca: cluster.caPem, timeout: opts.timeoutMs ?? 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        ok({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
