/** What every cluster has from its first start: the system namespaces and the `kubernetes` Service. */
import { ApiError } from '../core/errors.ts';
import type { RequestContext } from '../core/object.ts';
import { findByResource } from '../core/resources.ts';
import type { Registry } from './registry.ts';

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
  for (const name of BOOTSTRAP_NAMESPACES) {
    if (await registry.store.get(namespaces, undefined, name)) continue;
    await ensure(() => registry.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined, { ...SYSTEM, fieldManager: 'skiff-apiserver' }));
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
