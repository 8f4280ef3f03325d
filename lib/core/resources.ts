/**
 * The resource types Skiff serves: names, scope and subresources. Discovery, routing, storage keys,
 * OpenAPI, Tables and validation all look types up here; kind-specific rules live beside their
 * schema in `lib/api/schema`.
 */

export interface SubresourceInfo {
  /** e.g. `status`, `scale`, `binding`, `eviction`, `log`. */
  name: string;
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, as in the URL: `deployments`. */
  resource: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /**
   * Field selectors this type supports besides metadata.name / metadata.namespace,
   * and how to read each from an object.
   */
  fieldSelectors: Record<string, (obj: Record<string, unknown>) => string | undefined>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function at(obj: Record<string, unknown>, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'string' ? cur : String(cur);
}

const fields = (...paths: string[]) =>
  Object.fromEntries(paths.map((p) => [p, (o: Record<string, unknown>) => at(o, p) ?? ''])) as ResourceType['fieldSelectors'];

const status = (kind: string, group: string, version: string): SubresourceInfo => ({
  name: 'status',
  kind,
  group,
  version,
  verbs: ['get', 'patch', 'update'],
});

const scale: SubresourceInfo = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

function type(t: Omit<ResourceType, 'listKind' | 'verbs' | 'categories' | 'subresources' | 'fieldSelectors' | 'shortNames'> & Partial<ResourceType>): ResourceType {
  return {
    listKind: `${t.kind}List`,
    verbs: ALL_VERBS,
    categories: [],
    subresources: [],
    fieldSelectors: {},
    shortNames: [],
    ...t,
  };
}

export const RESOURCE_TYPES: ResourceType[] = [
  type({
    group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', singular: 'namespace', shortNames: ['ns'], namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Namespace', '', 'v1'), { name: 'finalize', kind: 'Namespace', group: '', version: 'v1', verbs: ['update'] }],
    fieldSelectors: fields('status.phase'),
  }),
  type({
    group: '', version: 'v1', kind: 'Pod', resource: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, categories: ['all'],
    subresources: [
      status('Pod', '', 'v1'),
      { name: 'binding', kind: 'Binding', group: '', version: 'v1', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'log', kind: 'Pod', group: '', version: 'v1', verbs: ['get'] },
    ],
    fieldSelectors: fields('spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'),
  }),
  type({
    group: '', version: 'v1', kind: 'Node', resource: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false,
    subresources: [status('Node', '', 'v1')],
    fieldSelectors: fields('spec.unschedulable'),
  }),
  type({
    group: '', version: 'v1', kind: 'Service', resource: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Service', '', 'v1')],
    fieldSelectors: fields('spec.clusterIP', 'spec.type'),
  }),
  type({ group: '', version: 'v1', kind: 'Endpoints', listKind: 'EndpointsList', resource: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true }),
  type({ group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', singular: 'configmap', shortNames: ['cm'], namespaced: true }),
  type({ group: '', version: 'v1', kind: 'Secret', resource: 'secrets', singular: 'secret', namespaced: true, fieldSelectors: fields('type') }),
  type({
    group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', singular: 'serviceaccount', shortNames: ['sa'], namespaced: true,
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  }),
  type({
    group: '', version: 'v1', kind: 'Event', resource: 'events', singular: 'event', shortNames: ['ev'], namespaced: true,
    fieldSelectors: fields(
      'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
      'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
      'reason', 'reportingComponent', 'source', 'type',
    ),
  }),
  type({
    group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', singular: 'deployment', shortNames: ['deploy'], namespaced: true, categories: ['all'],
    subresources: [status('Deployment', 'apps', 'v1'), scale],
  }),
  type({
    group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', singular: 'replicaset', shortNames: ['rs'], namespaced: true, categories: ['all'],
    subresources: [status('ReplicaSet', 'apps', 'v1'), scale],
  }),
  type({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', singular: 'lease', namespaced: true }),
  type({
    group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', shortNames: ['pdb'], namespaced: true,
    subresources: [status('PodDisruptionBudget', 'policy', 'v1')],
  }),
  type({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', singular: 'endpointslice', namespaced: true }),
];

/** The key a type is stored under: `pods`, `deployments.apps`, `leases.coordination.k8s.io`. */
export function storageKey(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

const byGVR = new Map(RESOURCE_TYPES.map((t) => [`${t.group}/${t.version}/${t.resource}`, t]));
const byGVK = new Map(RESOURCE_TYPES.map((t) => [`${apiVersionOf(t)}/${t.kind}`, t]));
const byKey = new Map(RESOURCE_TYPES.map((t) => [storageKey(t), t]));

export function findByResource(group: string, version: string, resource: string): ResourceType | undefined {
  return byGVR.get(`${group}/${version}/${resource}`);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return byGVK.get(`${apiVersion}/${kind}`);
}

export function findByStorageKey(key: string): ResourceType | undefined {
  return byKey.get(key);
}

export interface GroupVersion {
  group: string;
  version: string;
  resources: ResourceType[];
}

/** Served group/versions in discovery order: core first, then groups alphabetically by kube's priority. */
export function groupVersions(): GroupVersion[] {
  const out = new Map<string, GroupVersion>();
  for (const t of RESOURCE_TYPES) {
    const k = `${t.group}/${t.version}`;
    if (!out.has(k)) out.set(k, { group: t.group, version: t.version, resources: [] });
    out.get(k)!.resources.push(t);
  }
  return [...out.values()];
}
