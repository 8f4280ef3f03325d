/**
 * What every cluster has from its first start: the system namespaces, each with its `default`
 * ServiceAccount, and the `kubernetes` Service;
 * and, where the API has an address of its own, that Service's Endpoints and EndpointSlice.
 */
import { isIP } from 'node:net';
import { ApiError, ConflictError } from '../core/errors.ts';
import type { KubeObject, RequestContext } from '../core/object.ts';
import { findByResource } from '../core/resources.ts';
import type { Registry } from './registry.ts';
import { semanticEqual, SERVICE_NAME_LABEL, SKIP_MIRROR_LABEL } from './schema/index.ts';

export const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const SYSTEM: RequestContext = {
  actor: { user: 'system:apiserver', groups: ['system:masters'] },
  verb: 'create',
  requestId: 'bootstrap',
  userAgent: 'skiff-apiserver',
};

export async function bootstrap(registry: Registry): Promise<void> {
  const namespaces = findByResource('', 'v1', 'namespaces')!;
  const services = findByResource('', 'v1', 'services')!;
  const ensure = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  };
  const serviceAccounts = findByResource('', 'v1', 'serviceaccounts')!;
  for (const name of BOOTSTRAP_NAMESPACES) {
    if (!(await registry.store.get(namespaces, undefined, name))) {
      await ensure(() => registry.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined, { ...SYSTEM, fieldManager: 'skiff-apiserver' }));
    }
    // The ServiceAccount controller gives every namespace this too, a moment after it appears; the
    // system namespaces have it from the start, so their first pods never wait for it (pods need
    // their ServiceAccount to exist: see service-account-admission.ts).
    if (!(await registry.store.get(serviceAccounts, name, 'default'))) {
      await ensure(() => registry.create(serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, name, { ...SYSTEM, fieldManager: 'skiff-apiserver' }));
    }
  }
  if (!(await registry.store.get(services, 'default', 'kubernetes'))) {
    await ensure(() =>
      registry.create(
        services,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
          spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
        },
        'default',
        { ...SYSTEM, fieldManager: 'skiff-apiserver' },
      ),
    );
  }
}

/** The address in-cluster clients reach an API listening on `host` at: a wildcard is reached on loopback. */
export function apiEndpointAddress(host: string): { ip: string; family: 'IPv4' | 'IPv6' } {
  const family = isIP(host);
  if (family === 4) return { ip: host === '0.0.0.0' ? '127.0.0.1' : host, family: 'IPv4' };
  if (family === 6) return { ip: host === '::' ? '::1' : host, family: 'IPv6' };
  return { ip: '127.0.0.1', family: 'IPv4' };
}

/**
 * kube-apiserver's endpoint reconciler for one API server: the `kubernetes` Service targets the
 * port the API serves on, and its Endpoints and EndpointSlice name that address. Run at every
 * start (the port may have changed); writes only what differs.
 */
export async function publishApiEndpoints(registry: Registry, api: { host: string; port: number }): Promise<void> {
  const { ip, family } = apiEndpointAddress(api.host);
  const port = { name: 'https', port: api.port, protocol: 'TCP' };
  const ctx = { ...SYSTEM, verb: 'update', fieldManager: 'kube-apiserver' };
  const services = findByResource('', 'v1', 'services')!;
  const endpoints = findByResource('', 'v1', 'endpoints')!;
  const slices = findByResource('discovery.k8s.io', 'v1', 'endpointslices')!;

  await converge(registry, services, (svc) => {
    if (!svc) return undefined;
    const ports = (svc.spec as { ports?: { name?: string; port: number; targetPort?: number | string }[] }).ports ?? [];
    if (ports.length === 1 && ports[0].targetPort === api.port) return undefined;
    return { ...svc, spec: { ...(svc.spec as Record<string, unknown>), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: api.port }] } };
  }, ctx);
  await converge(registry, endpoints, (ep) => {
    const want = {
      labels: { ...(ep?.metadata.labels ?? {}), [SKIP_MIRROR_LABEL]: 'true' },
      subsets: [{ addresses: [{ ip }], ports: [port] }],
    };
    if (ep && semanticEqual(ep.metadata.labels, want.labels) && semanticEqual((ep as { subsets?: unknown }).subsets, want.subsets)) return undefined;
    return { apiVersion: 'v1', kind: 'Endpoints', ...ep, metadata: { ...(ep?.metadata ?? { name: 'kubernetes', namespace: 'default' }), labels: want.labels }, subsets: want.subsets };
  }, ctx);
  await converge(registry, slices, (slice) => {
    const want = {
      labels: { ...(slice?.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: 'kubernetes' },
      addressType: family,
      endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      ports: [port],
    };
    const s = slice as { addressType?: string; endpoints?: unknown; ports?: unknown } | undefined;
    if (s && slice && s.addressType === family && semanticEqual(slice.metadata.labels, want.labels) && semanticEqual(s.endpoints, want.endpoints) && semanticEqual(s.ports, want.ports)) return undefined;
    // The address type cannot change in place: a slice of the other family is replaced.
    if (s && s.addressType !== family) return 'replace';
    return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...slice, metadata: { ...(slice?.metadata ?? { name: 'kubernetes', namespace: 'default' }), labels: want.labels }, addressType: family, endpoints: want.endpoints, ports: want.ports };
  }, ctx);
}

/**
 * Brings `default/kubernetes` of one type to what `next` makes of its current state (undefined:
 * as it is; 'replace': delete it first), retrying a write that raced another.
 */
async function converge(
  registry: Registry,
  type: NonNullable<ReturnType<typeof findByResource>>,
  next: (current: KubeObject | undefined) => KubeObject | undefined | 'replace',
  ctx: RequestContext & { fieldManager: string },
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await registry.store.get(type, 'default', 'kubernetes');
    const wanted = next(current);
    if (wanted === undefined) return;
    try {
      if (wanted === 'replace') {
        await registry.delete(type, 'default', 'kubernetes', { preconditions: { resourceVersion: current!.metadata.resourceVersion } }, { ...ctx, verb: 'delete' });
        continue;
      }
      if (current) await registry.update(type, 'default', 'kubernetes', wanted, ctx);
      else await registry.create(type, wanted, 'default', { ...ctx, verb: 'create' });
      return;
    } catch (err) {
      if (err instanceof ConflictError || (err instanceof ApiError && (err.reason === 'AlreadyExists' || err.reason === 'NotFound'))) continue;
      throw err;
    }
  }
}
