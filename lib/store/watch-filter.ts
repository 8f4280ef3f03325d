/**
 * What a filtered watch makes of one log entry. Pure: the store feeds it entries, the result is the
 * event the client sees (or nothing). The previous state's selectable fields are what let an object
 * *leave* a selection: kube-apiserver's watch cache does the same with its old object.
 */
import type { KubeObject, WatchEventType } from '../core/object.ts';
import type { ResourceType } from '../core/resources.ts';
import { selectableOf } from './selectable.ts';
import type { LogEntry, Selectable, SelectablePredicate } from './types.ts';

export interface Selection {
  namespace?: string;
  nodeName?: string;
  filter?: SelectablePredicate;
}

export function isUnfiltered(sel: Selection): boolean {
  return sel.namespace === undefined && sel.nodeName === undefined && sel.filter === undefined;
}

/** Whether a state with these selectable fields is in the selection. */
export function selects(sel: Selection, s: Selectable | undefined): boolean {
  if (!s) return false;
  if (sel.namespace !== undefined && s.fields['metadata.namespace'] !== sel.namespace) return false;
  if (sel.nodeName !== undefined && s.fields['spec.nodeName'] !== sel.nodeName) return false;
  return sel.filter ? sel.filter(s) : true;
}

export function selectsObject(type: ResourceType, sel: Selection, obj: KubeObject): boolean {
  return isUnfiltered(sel) || selects(sel, selectableOf(type, obj));
}

/**
 * An entry's object reaches every watcher of its type: its selectable fields are worked out once
 * (read only) rather than once per watcher.
 */
const selectables = new WeakMap<KubeObject, Selectable>();
function selectableOnce(type: ResourceType, obj: KubeObject): Selectable {
  let s = selectables.get(obj);
  if (!s) selectables.set(obj, (s = selectableOf(type, obj)));
  return s;
}

/**
 * The event a watcher with this selection sees for `entry`:
 * - prev in and new in → MODIFIED (or the entry's own type);
 * - prev out, new in → ADDED;
 * - prev in, new out → DELETED carrying the new state;
 * - DELETED only when the previous state was in.
 */
export function eventFor(type: ResourceType, sel: Selection, entry: LogEntry): { type: WatchEventType; object: KubeObject } | undefined {
  if (isUnfiltered(sel)) return { type: entry.eventType, object: entry.object };
  const wasIn = entry.eventType !== 'ADDED' && selects(sel, entry.prevSelectable);
  if (entry.eventType === 'DELETED') return wasIn ? { type: 'DELETED', object: entry.object } : undefined;
  const isIn = selects(sel, selectableOnce(type, entry.object));
  if (wasIn && isIn) return { type: 'MODIFIED', object: entry.object };
  if (isIn) return { type: 'ADDED', object: entry.object };
  if (wasIn) return { type: 'DELETED', object: entry.object };
  return undefined;
}
