/**
 * The root CA publisher as a pure function (kube's pkg/controller/certificates/rootcacertpublisher):
 * every active namespace has a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the bundle that
 * verifies the API server, for in-cluster clients. A missing one is created; one whose data
 * differs, or that lost its description annotation, is put back (its other annotations and labels
 * stay, its data is replaced whole); a terminating namespace gets nothing new.
 */
import type { ConfigMap, Namespace } from '../api/schema/index.ts';
import type { KubeObject } from '../core/object.ts';
import { isNamespaceActive } from './serviceaccount.ts';
import type { ReconcileResult } from './types.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCaInput {
  namespace: Namespace;
  /** The namespace's `kube-root-ca.crt`, when there is one. */
  configMap?: ConfigMap;
  /** The PEM bundle to publish. */
  caPem: string;
}

function sameData(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b).length && keys.every((k) => a?.[k] === b[k]);
}

export function reconcileRootCa(input: RootCaInput): ReconcileResult {
  const { namespace: ns, configMap: cm } = input;
  const name = ns.metadata?.name ?? '';
  const data = { 'ca.crt': input.caPem };
  if (!cm) {
    if (!isNamespaceActive(ns)) return { actions: [] };
    const created: ConfigMap = {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: ROOT_CA_CONFIGMAP, namespace: name, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
      data,
    };
    return { actions: [{ kind: 'create', object: created as KubeObject }] };
  }
  // kube fixes a changed one even while its namespace terminates (the update is allowed there).
  if (sameData(cm.data, data) && (cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION] ?? '') !== '') return { actions: [] };
  const fixed = structuredClone(cm) as ConfigMap;
  fixed.data = data;
  fixed.metadata = { ...fixed.metadata, annotations: { ...(fixed.metadata?.annotations ?? {}), [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } };
  return { actions: [{ kind: 'update', object: fixed as KubeObject }] };
}
