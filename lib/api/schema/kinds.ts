/**
 * Every kind Skiff decodes: its schema, its semantic validation and its defaults, keyed by
 * `apiVersion/kind`. Served kinds come from `RESOURCE_TYPES`; subresource bodies (Scale, Eviction,
 * Binding) and DeleteOptions are here too, so the API layer validates them the same way.
 */
import { z } from 'zod';
import { apiVersionOf, RESOURCE_TYPES } from '#lib/core/resources.ts';
import * as apps from './apps.ts';
import { Scale } from './autoscaling.ts';
import { Lease } from './coordination.ts';
import * as core from './core.ts';
import { EndpointSlice } from './discovery.ts';
import {
  defaultDeployment, defaultEndpointSlice, defaultEndpoints, defaultNamespace, defaultNode, defaultPod, defaultReplicaSet, defaultSecret, defaultService,
} from './defaults.ts';
import { component, opt, reqList, typeMeta } from './kit.ts';
import { DeleteOptions, ListMeta, Status } from './meta.ts';
import { Eviction, PodDisruptionBudget } from './policy.ts';
import { SelfSubjectAccessReview, SelfSubjectReview, SelfSubjectRulesReview, TokenRequest, TokenReview } from './reviews.ts';
import type { FieldError } from './validation/errors.ts';
import * as rules from './validation/kinds.ts';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface KindSpec extends GroupVersionKind {
  /** The OpenAPI component name, e.g. `io.k8s.api.apps.v1.Deployment`. */
  id: string;
  schema: z.ZodType;
  /** The `<Kind>List` schema, for served kinds. */
  list?: z.ZodType;
  validate?: (obj: never, namespaced: boolean) => FieldError[];
  defaults?: (obj: never) => void;
  /** Bodies kube accepts under several apiVersions (DeleteOptions, Eviction). */
  anyApiVersion?: boolean;
}

function listOf(id: string, kind: string, gvk: GroupVersionKind, item: z.ZodType) {
  return component(
    `${id}List`,
    `${kind}List is a list of ${kind} objects.`,
    z.strictObject({
      ...typeMeta(),
      items: reqList(item, `List of ${kind} objects.`),
      metadata: opt(ListMeta, "Standard list metadata."),
    }),
    { 'x-kubernetes-group-version-kind': [{ group: gvk.group, kind: `${kind}List`, version: gvk.version }] },
  );
}

const CORE = 'io.k8s.api.core.v1';

const SERVED: Record<string, Omit<KindSpec, 'group' | 'version' | 'kind' | 'list'>> = {
  'v1/Pod': { id: `${CORE}.Pod`, schema: core.Pod, validate: rules.validatePod, defaults: defaultPod },
  'v1/Namespace': { id: `${CORE}.Namespace`, schema: core.Namespace, validate: rules.validateNamespace, defaults: defaultNamespace },
  'v1/Node': { id: `${CORE}.Node`, schema: core.Node, validate: rules.validateNode, defaults: defaultNode },
  'v1/Service': { id: `${CORE}.Service`, schema: core.Service, validate: rules.validateService, defaults: defaultService },
  'v1/Endpoints': { id: `${CORE}.Endpoints`, schema: core.Endpoints, validate: rules.validateEndpoints, defaults: defaultEndpoints },
  'v1/ConfigMap': { id: `${CORE}.ConfigMap`, schema: core.ConfigMap, validate: rules.validateConfigMap },
  'v1/Secret': { id: `${CORE}.Secret`, schema: core.Secret, validate: rules.validateSecret, defaults: defaultSecret },
  'v1/ServiceAccount': { id: `${CORE}.ServiceAccount`, schema: core.ServiceAccount, validate: rules.validateServiceAccount },
  'v1/Event': { id: `${CORE}.Event`, schema: core.Event, validate: rules.validateEvent },
  'apps/v1/Deployment': { id: 'io.k8s.api.apps.v1.Deployment', schema: apps.Deployment, validate: rules.validateDeployment, defaults: defaultDeployment },
  'apps/v1/ReplicaSet': { id: 'io.k8s.api.apps.v1.ReplicaSet', schema: apps.ReplicaSet, validate: rules.validateReplicaSet, defaults: defaultReplicaSet },
  'coordination.k8s.io/v1/Lease': { id: 'io.k8s.api.coordination.v1.Lease', schema: Lease, validate: rules.validateLease },
  'policy/v1/PodDisruptionBudget': { id: 'io.k8s.api.policy.v1.PodDisruptionBudget', schema: PodDisruptionBudget, validate: rules.validatePodDisruptionBudget },
  'discovery.k8s.io/v1/EndpointSlice': {
    id: 'io.k8s.api.discovery.v1.EndpointSlice', schema: EndpointSlice, validate: rules.validateEndpointSlice, defaults: defaultEndpointSlice,
  },
};

const SUBRESOURCE_BODIES: KindSpec[] = [
  { group: 'autoscaling', version: 'v1', kind: 'Scale', id: 'io.k8s.api.autoscaling.v1.Scale', schema: Scale, validate: rules.validateScale },
  { group: 'policy', version: 'v1', kind: 'Eviction', id: 'io.k8s.api.policy.v1.Eviction', schema: Eviction, anyApiVersion: true },
  { group: '', version: 'v1', kind: 'Binding', id: `${CORE}.Binding`, schema: core.Binding, validate: rules.validateBinding },
  { group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions', id: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', schema: DeleteOptions, validate: rules.validateDeleteOptions, anyApiVersion: true },
  { group: '', version: 'v1', kind: 'Status', id: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status', schema: Status },
  // The self reviews: POSTed, answered, never stored (lib/api/reviews.ts).
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', id: 'io.k8s.api.authorization.v1.SelfSubjectAccessReview', schema: SelfSubjectAccessReview },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', id: 'io.k8s.api.authorization.v1.SelfSubjectRulesReview', schema: SelfSubjectRulesReview },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', id: 'io.k8s.api.authentication.v1.SelfSubjectReview', schema: SelfSubjectReview },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', id: 'io.k8s.api.authentication.v1.TokenReview', schema: TokenReview },
  // serviceaccounts/token: answered with a signed token, never stored (lib/api/service-account-tokens.ts).
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', id: 'io.k8s.api.authentication.v1.TokenRequest', schema: TokenRequest },
];

const key = (g: GroupVersionKind) => `${apiVersionOf(g)}/${g.kind}`;

export const KINDS = new Map<string, KindSpec>();

for (const t of RESOURCE_TYPES) {
  const served = SERVED[key(t)];
  if (!served) throw new Error(`no schema for served kind ${key(t)}`);
  KINDS.set(key(t), { group: t.group, version: t.version, kind: t.kind, ...served, list: listOf(served.id, t.kind, t, served.schema) });
}
for (const k of SUBRESOURCE_BODIES) KINDS.set(key(k), k);

export function kindSpec(gvk: GroupVersionKind): KindSpec | undefined {
  return KINDS.get(key(gvk));
}
