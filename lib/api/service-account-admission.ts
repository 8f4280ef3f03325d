/**
 * kube's ServiceAccount admission plugin, for pods on create:
 * - the pod's ServiceAccount must exist (403 Forbidden otherwise). The `default` one is looked for
 *   a few more times, as kube does: its controller makes it a moment after its namespace;
 * - unless the pod or its ServiceAccount says `automountServiceAccountToken: false`, the pod gets
 *   the `kube-api-access-<5>` projected volume (a token the kubelet requests for the pod, the
 *   cluster CA from `kube-root-ca.crt`, the namespace) mounted read-only at
 *   `/var/run/secrets/kubernetes.io/serviceaccount` in every container and init container that
 *   mounts nothing there already;
 * - a pod without `imagePullSecrets` gets its ServiceAccount's.
 * Mirror pods (a kubelet's static pods) are left alone.
 */
import { ForbiddenError } from '../core/errors.ts';
import type { KubeObject } from '../core/object.ts';
import { findByResource } from '../core/resources.ts';
import type { ObjectStore } from '../store/types.ts';
import { randomSuffix } from './meta.ts';

export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** What kube's plugin asks the kubelet to request: an hour and 7 s (the 7 s mark it as the plugin's). */
export const PROJECTED_TOKEN_SECONDS = 3607;
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const SERVICE_ACCOUNTS = findByResource('', 'v1', 'serviceaccounts')!;

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  volumeMounts?: VolumeMount[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
  volumes?: { name: string }[];
  containers?: Container[];
  initContainers?: Container[];
}
interface ServiceAccount extends KubeObject {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
}

/** The projected volume kube's plugin adds, under `name`. */
export function serviceAccountVolume(name: string) {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: PROJECTED_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/**
 * Mounts the API access volume into every container (init containers first) that has nothing
 * mounted at the ServiceAccount path, adding the volume if one needs it and the pod has none yet
 * (a volume named `kube-api-access-…` is reused). Mutates `spec`.
 */
export function mountServiceAccountToken(spec: PodSpec, suffix: () => string = randomSuffix): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const name = existing?.name ?? `${SERVICE_ACCOUNT_VOLUME_PREFIX}${suffix()}`;
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
    needed = true;
  }
  if (needed && !existing) spec.volumes = [...(spec.volumes ?? []), serviceAccountVolume(name)];
}

export interface ServiceAccountLookup {
  (namespace: string, name: string): Promise<ServiceAccount | undefined>;
}

export interface ServiceAccountAdmissionOptions {
  lookup: ServiceAccountLookup;
  /** Looks for the `default` ServiceAccount this many times (kube: 10, 100–200 ms apart). */
  defaultAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  suffix?: () => string;
}

const sleepFor = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Applies the plugin to `pod` (mutated). Throws 403 when its ServiceAccount does not exist. */
export async function admitServiceAccount(pod: KubeObject, opts: ServiceAccountAdmissionOptions): Promise<void> {
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
  const spec = (pod.spec ?? {}) as PodSpec;
  pod.spec = spec as KubeObject['spec'];
  const namespace = pod.metadata.namespace ?? '';
  const name = (spec.serviceAccountName ||= 'default');
  const attempts = name === 'default' ? (opts.defaultAttempts ?? 10) : 1;
  let sa: ServiceAccount | undefined;
  for (let i = 0; i < attempts && !sa; i++) {
    if (i > 0) await (opts.sleep ?? sleepFor)(100 + Math.floor(Math.random() * 100));
    sa = await opts.lookup(namespace, name);
  }
  if (!sa) {
    throw new ForbiddenError(`pods "${pod.metadata.name ?? ''}" is forbidden: error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`, {
      name: pod.metadata.name ?? '',
      kind: 'pods',
    });
  }
  if ((spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true) === true) mountServiceAccountToken(spec, opts.suffix);
  if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ ...s }));
}

/** How long a ServiceAccount read from the store is trusted (kube reads them from an informer's cache). */
const CACHE_MS = 2000;
const caches = new WeakMap<ObjectStore, Map<string, { sa: ServiceAccount; until: number }>>();

/**
 * ServiceAccounts as the store holds them, each remembered for two seconds once found (pods come in
 * bursts of one namespace's; a missing one is never remembered).
 */
export function storeServiceAccounts(store: ObjectStore, now: () => number = Date.now): ServiceAccountLookup {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  const known = cache;
  return async (namespace, name) => {
    const key = `${namespace}/${name}`;
    const hit = known.get(key);
    if (hit && hit.until > now()) return hit.sa;
    const sa = (await store.get(SERVICE_ACCOUNTS, namespace, name)) as ServiceAccount | undefined;
    if (sa) known.set(key, { sa, until: now() + CACHE_MS });
    else known.delete(key);
    return sa;
  };
}
