/**
 * Reconcile keys and the key-only messages that carry them (DESIGN: "Reconcile model"). A message
 * names an object and the log event that caused it, never the object's state: consumers re-read.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KubeObject } from '../core/object.ts';
import { findByKind, type ResourceType } from '../core/resources.ts';

/** An object a consumer should reconcile. `namespace` is '' for cluster-scoped kinds. */
export interface ReconcileKey {
  /** API group; '' for the core group. */
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * `group/kind/namespace/name`, with `core` standing for the empty group and an empty segment for
 * a cluster-scoped object's namespace: `apps/Deployment/default/web`, `core/Node//node-1`.
 */
export function formatKey(k: ReconcileKey): string {
  return `${k.group || 'core'}/${k.kind}/${k.namespace}/${k.name}`;
}

export function parseKey(s: string): ReconcileKey | undefined {
  const parts = s.split('/');
  if (parts.length !== 4 || !parts[1] || !parts[3]) return undefined;
  const [group, kind, namespace, name] = parts;
  return { group: group === 'core' ? '' : group, kind, namespace, name };
}

export function keyOf(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): ReconcileKey {
  const slash = obj.apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : obj.apiVersion.slice(0, slash),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  };
}

/** The resource type a key names (its served version), or undefined for kinds Skiff does not serve. */
export function typeOfKey(k: ReconcileKey): ResourceType | undefined {
  return findByKind(k.group ? `${k.group}/v1` : 'v1', k.kind);
}

/** What one queue message carries. */
export interface KeyMessage {
  key: string;
  /**
   * The log event that caused it, as `type#rev` (resourceVersions are per type, so the type is
   * part of the cause): for tracing and deduplication only; consumers read current state.
   */
  cause: string;
}

/** A cause's type and resourceVersion, or undefined when it is not a `type#rev` (a timer, a tick). */
export function parseCause(cause: string): { type: string; rev: number } | undefined {
  const hash = cause.lastIndexOf('#');
  if (hash < 0) return undefined;
  const rev = Number(cause.slice(hash + 1));
  return Number.isSafeInteger(rev) ? { type: cause.slice(0, hash), rev } : undefined;
}

/** Whether a read that saw each type up to `seen[type]` already covers the event `cause` names. */
export function causeCovered(cause: string, seen: Readonly<Record<string, number>> | undefined): boolean {
  const c = parseCause(cause);
  return !!seen && !!c && seen[c.type] !== undefined && seen[c.type] >= c.rev;
}

const keyMessageSchema = z.object({ key: z.string().min(1), cause: z.string() });

export function encodeMessage(m: KeyMessage): string {
  return JSON.stringify({ key: m.key, cause: m.cause });
}

/** The message in a queue body, or undefined when the body is not one (a terminal, poison message). */
export function decodeMessage(body: string): KeyMessage | undefined {
  try {
    const parsed = keyMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A FIFO deduplication id for (key, cause): the same event routed twice within SQS's five-minute
 * window is delivered once, while a key's later events are never dropped (content-based
 * deduplication of key-only bodies would drop them).
 */
export function deduplicationId(m: KeyMessage): string {
  return createHash('sha256').update(`${m.key}\n${m.cause}`).digest('hex');
}
