/** The store's payload codec: objects of every size come back as they went in, packed as tightly as zlib's defaults pack them. */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodePayload, encodePayload, withoutResourceVersion } from '../../../lib/store/codec.ts';
import type { KubeObject } from '../../../lib/core/object.ts';

function configMap(bytes: number): KubeObject {
  // Text that repeats at long distances, so a window too small for it would show in the size.
  const line = Array.from({ length: 40 }, (_, i) => `k${i}=v${(i * 7919) % 1000}`).join(';');
  let value = '';
  while (value.length < bytes) value += `${value.length}:${line}\n`;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', resourceVersion: '7' }, data: { value: value.slice(0, bytes) } };
}

const noChunks = () => Promise.reject(new Error('no chunks expected'));

describe('payload codec', () => {
  for (const bytes of [0, 100, 250, 300, 600, 1_000, 2_000, 4_000, 8_000, 16_000, 17_000, 100_000]) {
    it(`round-trips a ${bytes}-byte object without its resourceVersion, no larger than default gzip`, async () => {
      const obj = configMap(bytes);
      const encoded = await encodePayload(obj);
      assert.deepEqual(await decodePayload(encoded.attrs, noChunks), withoutResourceVersion(obj));
      const baseline = gzipSync(Buffer.from(JSON.stringify(withoutResourceVersion(obj)))).length;
      assert.ok(encoded.compressedBytes <= baseline, `${encoded.compressedBytes} > ${baseline}`);
    });
  }
});
