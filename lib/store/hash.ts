/**
 * The log's integrity chain: each entry's hash covers an RFC 8785 (JCS) canonical encoding of its
 * content and the hash of the same object's previous entry, so one object's history — across
 * deletes and re-creates under the same name — verifies end to end. Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { LogEntry } from './types.ts';

type Canonicalize = (input: unknown) => string | undefined;
// The package is CommonJS (`module.exports = fn`) but its typings declare an ES default export;
// under NodeNext the default import is `module.exports` at run time while TypeScript sees the
// namespace. Accept either shape so tsx, node and bundlers agree.
const canonicalize: Canonicalize =
  (canonicalizeModule as unknown as { default?: Canonicalize }).default ?? (canonicalizeModule as unknown as Canonicalize);

/** RFC 8785 (JCS) canonical JSON of `value`. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
}

/** The hash an entry must carry: every field but `hash` itself (prevHash included). */
export function entryHash(entry: Omit<LogEntry, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...content } = entry;
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export type ChainVerdict = { ok: true } | { ok: false; index: number; reason: string };

/**
 * Checks a run of one object's entries, oldest first: each hash matches its content, each entry
 * points at the previous one's hash, revs increase and every entry names the same object. The first
 * entry may carry a prevHash (a run that starts mid-history); pass `fromStart` to insist it doesn't.
 */
export function verifyChain(entries: readonly LogEntry[], opts: { fromStart?: boolean } = {}): ChainVerdict {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (entryHash(e) !== e.hash) return { ok: false, index: i, reason: `entry ${e.rev}: hash does not match its content` };
    if (i === 0) {
      if (opts.fromStart && e.prevHash !== undefined) return { ok: false, index: 0, reason: `entry ${e.rev}: history does not start here` };
      continue;
    }
    const prev = entries[i - 1];
    if (e.type !== prev.type || e.namespace !== prev.namespace || e.name !== prev.name) {
      return { ok: false, index: i, reason: `entry ${e.rev}: belongs to another object` };
    }
    if (BigInt(e.rev) <= BigInt(prev.rev)) return { ok: false, index: i, reason: `entry ${e.rev}: not after ${prev.rev}` };
    if (e.prevHash !== prev.hash) return { ok: false, index: i, reason: `entry ${e.rev}: prevHash does not match entry ${prev.rev}` };
    // Within one incarnation prevRev names the entry before; a create (no prevRev) follows a delete.
    if (e.prevRev !== undefined ? e.prevRev !== prev.rev : prev.eventType !== 'DELETED') {
      return { ok: false, index: i, reason: `entry ${e.rev}: does not follow entry ${prev.rev}` };
    }
  }
  return { ok: true };
}
