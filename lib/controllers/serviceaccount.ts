/**
 * The service account controller as a pure function (kube's pkg/controller/serviceaccount):
 * every active namespace has a `default` ServiceAccount. One that is missing is created; a
 * namespace that is terminating gets nothing new.
 */
import type { Namespace, ServiceAccount } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import type { Action, ReconcileResult } from './types.ts';

/** kube's serviceAccountsToEnsure default. */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'] as const;

export interface ServiceAccountInput {
  namespace: Namespace;
  /** The ServiceAccounts in the namespace (others are ignored). */
  serviceAccounts: ServiceAccount[];
  /** Names every namespace should have; kube's default is just `default`. */
  ensure?: readonly string[];
}

/** kube acts on phase Active only; a namespace not yet given a phase counts as active until it is deleted. */
export function isNamespaceActive(ns: Namespace): boolean {
  const phase = ns.status?.phase;
  return phase === 'Active' || (phase === undefined && !ns.metadata?.deletionTimestamp);
}

export function reconcileServiceAccounts(input: ServiceAccountInput): ReconcileResult {
  const { namespace: ns } = input;
  if (!isNamespaceActive(ns)) return { actions: [] };
  const name = ns.metadata?.name ?? '';
  // One being deleted still counts: it is recreated once it is gone.
  const present = new Set(input.serviceAccounts.filter((sa) => sa.metadata?.namespace === name).map((sa) => sa.metadata?.name));
  const actions: Action[] = [];
  for (const saName of input.ensure ?? DEFAULT_SERVICE_ACCOUNTS) {
    if (present.has(saName)) continue;
    const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace: name } };
    actions.push({ kind: 'create', object: sa as KubeObject });
  }
  return { actions };
}
