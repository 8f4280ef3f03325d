/** autoscaling/v1 Scale: the body of the `scale` subresource of Deployments and ReplicaSets. */
import { z } from 'zod';
import { component, int32, opt, reqInt32, str, typeMeta } from './kit.ts';
import { objectMeta } from './meta.ts';

export const ScaleSpec = component(
  'io.k8s.api.autoscaling.v1.ScaleSpec',
  'ScaleSpec describes the attributes of a scale subresource.',
  z.strictObject({ replicas: int32('The desired number of instances for the scaled object.') }),
);

export const ScaleStatus = component(
  'io.k8s.api.autoscaling.v1.ScaleStatus',
  'ScaleStatus represents the current status of a scale subresource.',
  z.strictObject({
    replicas: reqInt32('The actual number of observed instances of the scaled object.'),
    selector: str('The label query over pods that should match the replicas count, in the string form of a label selector (e.g. "app=web,tier in (a,b)").'),
  }),
);

export const Scale = component(
  'io.k8s.api.autoscaling.v1.Scale',
  'Scale represents a scaling request for a resource.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(ScaleSpec, 'The desired behavior of the scale.'),
    status: opt(ScaleStatus, 'The current status of the scale. Populated by the system. Read-only.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }] },
);

export type Scale = z.infer<typeof Scale>;
