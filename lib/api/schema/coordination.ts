/** coordination.k8s.io/v1: Lease. */
import { z } from 'zod';
import { MicroTime, component, int32, opt, str, typeMeta } from './kit.ts';
import { objectMeta } from './meta.ts';

export const LeaseSpec = component(
  'io.k8s.api.coordination.v1.LeaseSpec',
  'LeaseSpec is a specification of a Lease.',
  z.strictObject({
    acquireTime: opt(MicroTime, 'When the current lease was acquired.'),
    holderIdentity: str('The identity of the holder of the current lease. With coordinated leader election, the identity must equal the name of the LeaseCandidate that should hold the lease.'),
    leaseDurationSeconds: int32('How long candidates for the lease wait to force-acquire it, measured against the last observed renewTime.'),
    leaseTransitions: int32('The number of transitions of the lease between holders.'),
    preferredHolder: str('Signals to the holder that the lease has a more optimal holder and should be given up. Requires strategy.'),
    renewTime: opt(MicroTime, 'When the current holder last updated the lease.'),
    strategy: str('The strategy for picking the leader in coordinated leader election, e.g. OldestEmulationVersion. Required when preferredHolder is set.'),
  }),
);

export const Lease = component(
  'io.k8s.api.coordination.v1.Lease',
  'Lease defines a lease concept: who holds it, and until when.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(LeaseSpec, 'The specification of the Lease.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'coordination.k8s.io', kind: 'Lease', version: 'v1' }] },
);

export type Lease = z.infer<typeof Lease>;
export type LeaseSpec = z.infer<typeof LeaseSpec>;
