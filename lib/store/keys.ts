/**
 * Where the DynamoDB adapter keeps things. One module so tests, the router and tools read the same
 * layout the writer uses.
 *
 * - `meta`    pk = `seq/<type key>`: `n` = the last number handed out, `wm` = a watermark hint
 *             (every number at or below it is committed or filled; readers raise it).
 * - `objects` pk = `<type key>`, sk = `<namespace>/<name>` (`/<name>` when cluster-scoped):
 *             the object, or its tombstone.
 *             pk = `pods@node/<nodeName>`, sk = `<namespace>/<name>`: a mirror of a pod's item
 *             for pods bound to that node (a tombstone once the pod leaves the node).
 *             pk = `chunk/<sha256 of the compressed payload>`, sk = `0000`, `0001`…: parts of a
 *             payload too large for one item, shared by the object and its log item.
 * - `log`     pk = `<type key>`, rev = the number: one change, or a filler for a number that
 *             never committed.
 */
import type { ResourceType } from '../core/resources.ts';
import { storageKey } from '../core/resources.ts';

export const NAMESPACES_KEY = 'namespaces';
export const PODS_KEY = 'pods';

export function typeKeyOf(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return storageKey(type);
}

export function metaPk(typeKey: string): string {
  return `seq/${typeKey}`;
}

/** The sort key of an object: namespace lists are a `begins_with(sk, "<ns>/")` range. */
export function objectSk(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function splitSk(sk: string): { namespace: string | undefined; name: string } {
  const i = sk.indexOf('/');
  const ns = sk.slice(0, i);
  return { namespace: ns === '' ? undefined : ns, name: sk.slice(i + 1) };
}

export function nodeIndexPk(nodeName: string): string {
  return `pods@node/${nodeName}`;
}

export function chunkPk(id: string): string {
  return `chunk/${id}`;
}

export function chunkSk(i: number): string {
  return String(i).padStart(4, '0');
}
