/** policy/v1: PodDisruptionBudget, and Eviction, the body of the `eviction` subresource of Pods. */
import { z } from 'zod';
import { IntOrString, Time, component, enumField, int64, list, map, opt, req, typeMeta } from './kit.ts';
import { Condition, DeleteOptions, LabelSelector, ObjectMeta, objectMeta } from './meta.ts';

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

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'] as const;

export const PodDisruptionBudgetSpec = component(
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec',
  'PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.',
  z.strictObject({
    maxUnavailable: opt(IntOrString, 'An eviction is allowed if at most this many of the selected pods are unavailable after it (i.e. even without the evicted pod): a number, or a percentage of the pods their controllers want. Mutually exclusive with minAvailable.'),
    minAvailable: opt(IntOrString, 'An eviction is allowed if at least this many of the selected pods are still available after it (i.e. even without the evicted pod): a number, or a percentage of the pods their controllers want, e.g. "100%" to prevent all voluntary evictions.'),
    selector: opt(LabelSelector, 'The pods whose evictions are managed by this budget. A null selector selects no pods; an empty selector selects all pods in the namespace.', { 'x-kubernetes-patch-strategy': 'replace' }),
    unhealthyPodEvictionPolicy: enumField(UNHEALTHY_POD_EVICTION_POLICIES, 'When running but not yet healthy (Ready) pods may be evicted: IfHealthyBudget (only while the application is not disrupted, i.e. currentHealthy >= desiredHealthy; the default) or AlwaysAllow (regardless of the budget).'),
  }),
);

export const PodDisruptionBudgetStatus = component(
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus',
  'PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. It may trail the actual state of the system.',
  z.strictObject({
    conditions: list(Condition, 'The budget\'s conditions: DisruptionAllowed is True (reason SufficientPods) when disruptionsAllowed > 0, else False (InsufficientPods, or SyncFailed).', { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    currentHealthy: req(z.int32(), 'The number of selected pods that are healthy (Ready, not being deleted, not just evicted).'),
    desiredHealthy: req(z.int32(), 'The minimum number of healthy pods the budget asks for.'),
    disruptedPods: map(Time, 'Pods whose eviction the API server has allowed but the controller has not yet seen deleted, with the time of the eviction; an entry goes after 2 minutes or when the pod is deleted.'),
    disruptionsAllowed: req(z.int32(), 'The number of pod disruptions currently allowed.'),
    expectedPods: req(z.int32(), 'The total number of pods counted by this budget.'),
    observedGeneration: int64('The most recent generation the controller observed; compared with metadata.generation to tell whether this status is current.'),
  }),
);

export const PodDisruptionBudget = component(
  'io.k8s.api.policy.v1.PodDisruptionBudget',
  'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(PodDisruptionBudgetSpec, 'Specification of the desired behavior of the PodDisruptionBudget.'),
    status: opt(PodDisruptionBudgetStatus, 'Most recently observed status of the PodDisruptionBudget.'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: 'policy', kind: 'PodDisruptionBudget', version: 'v1' }] },
);

export type PodDisruptionBudget = z.infer<typeof PodDisruptionBudget>;
