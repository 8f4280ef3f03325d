/**
 * The pod-template-hash, after kube's controller.ComputeHash: FNV-32a over the template, then
 * (when the deployment has a collisionCount) the count as 8 little-endian bytes, and the decimal
 * sum rendered through rand.SafeEncodeString's alphabet, one character per digit.
 *
 * Difference from kube: kube feeds the hasher go-spew's dump of the Go struct, which cannot be
 * reproduced from JSON; we feed it the template as canonical JSON (keys sorted, nothing else
 * changed). Same shape (up to ten characters of `bcdfghjklmnpqrstvwxz2456789`), same collision
 * handling, different values — so a deployment moved over from a real cluster gets a new
 * ReplicaSet name only if no existing ReplicaSet's template matches (they are found by template
 * equality, never by hash).
 */

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into an alphabet without vowels or look-alikes. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}
