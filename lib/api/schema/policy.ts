/** policy/v1 Eviction: the body of the `eviction` subresource of Pods. */
import { z } from 'zod';
import { component, opt, typeMeta } from './kit.ts';
import { DeleteOptions, ObjectMeta } from './meta.ts';

export const Eviction = component(
  'io.k8s.api.policy.v1.Eviction',
  'Eviction evicts a pod from its node subject to certain policies and safety constraints (PodDisruptionBudgets). POST it to the pods/<pod name>/eviction subresource.',
  z.strictObject({
    ...typeMeta(),
    deleteOptions: opt(DeleteOptions, 'DeleteOptions may be provided.'),
    metadata: opt(ObjectMeta, 'ObjectMeta describes the pod that is being evicted.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'policy', kind: 'Eviction', version: 'v1' }] },
);

export type Eviction = z.infer<typeof Eviction>;
