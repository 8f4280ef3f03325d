/** The store's payload codec: objects of every size come back as they went in, packed byte for byte as zlib's defaults pack them. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodePayload, encodePayload, withoutResourceVersion } from '../../../lib/store/codec.ts';
import type { KubeObject } from '../../../lib/core/object.ts';

/** A ConfigMap of about `bytes` of varied text (hashes), so the packing depends on every setting. */
function configMap(bytes: number): KubeObject {
  const data: Record<string, string> = {};
  for (let i = 0, size = 0; size < bytes; i++) {
    const value = createHash('sha256').update(String(i)).digest('hex').slice(0, 8 + (i % 50));
    data[`key-${i % 7}-${i}`] = value;
    size += value.length + 16;
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', resourceVersion: '7' }, data };
}

const noChunks = () => Promise.reject(new Error('no chunks expected'));

describe('payload codec', () => {
  for (const bytes of [0, 100, 250, 300, 600, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000, 16_000, 17_000, 100_000]) {
    it(`round-trips a ${bytes}-byte object without its resourceVersion, packed exactly as default gzip packs it`, async () => {
      const obj = configMap(bytes);
      const encoded = await encodePayload(obj);
      assert.deepEqual(await decodePayload(encoded.attrs, noChunks), withoutResourceVersion(obj));
      const raw = Buffer.from(JSON.stringify(withoutResourceVersion(obj)));
      const packed = Buffer.from(encoded.attrs.body!.B!);
      assert.deepEqual(gunzipSync(packed), raw);
      assert.ok(packed.equals(gzipSync(raw)), `${packed.length} bytes differ from the default's ${gzipSync(raw).length}`);
    });
  }
});
