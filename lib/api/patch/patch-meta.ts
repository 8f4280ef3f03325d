/**
 * How each field of the served kinds merges, by kind and field path: the `patchStrategy` /
 * `patchMergeKey` struct tags strategic merge patch reads, and the `listType` / `listMapKey` /
 * `mapType` / `structType` markers server-side apply reads. Both come from the Go types of
 * k8s.io/api (core/v1, apps/v1) and apimachinery's ObjectMeta; the two sets differ in places
 * (tolerations: replaced by SMP, atomic for SSA; container ports: SMP merges by containerPort alone,
 * SSA keys by containerPort+protocol) and each consumer reads its own.
 *
 * Types are named and shared, so the pod spec under a Deployment's or ReplicaSet's template is the
 * same `PodSpec` a Pod has. Only fields whose behaviour differs from the default are listed: an
 * unlisted map merges key by key and an unlisted list is replaced whole (SMP) / atomic (SSA), which
 * is what the Go types say for every field not listed here.
 */

export type ListType = 'atomic' | 'set' | 'map';
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface FieldMeta {
  /** Named type of the value, or of each element of a list (a key of `STRUCTS`). */
  type?: string;
  /** Strategic merge patch: `patchStrategy` struct tag. */
  patchStrategy?: PatchStrategy;
  /** Strategic merge patch: `patchMergeKey` struct tag. */
  patchMergeKey?: string;
  /** Server-side apply: `+listType`. Lists default to atomic. */
  listType?: ListType;
  /** Server-side apply: `+listMapKey` (in order). */
  listMapKeys?: string[];
  /** Defaults of key fields, used when an element omits them (OpenAPI `default`, e.g. protocol TCP). */
  keyDefaults?: Record<string, string | number | boolean>;
  /** Server-side apply: `+mapType=atomic` on a map field. */
  mapType?: 'atomic';
  /**
   * Present in a zero Go object (a non-pointer struct as `{}`, a non-omitempty slice as null), so
   * creating its parent does not "add" it. Only affects which paths field tracking records as added
   * (the `.` markers kube writes).
   */
  present?: 'map' | 'list';
}

export interface StructMeta {
  fields: Record<string, FieldMeta>;
  /** Server-side apply: `+structType=atomic`, owned and replaced as one value. */
  atomic?: boolean;
}

const PRESENT = { present: 'map' } as const;

function mergeList(type: string | undefined, key: string, extra: Partial<FieldMeta> = {}): FieldMeta {
  return { ...(type ? { type } : {}), patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key], ...extra };
}

const byType = (type?: string) => mergeList(undefined, 'type', type ? { type } : {});
const atomicList: FieldMeta = { listType: 'atomic' };
const atomicStruct: StructMeta = { fields: {}, atomic: true };

const STRUCTS: Record<string, StructMeta> = {
  // apimachinery meta/v1
  ObjectMeta: {
    fields: {
      finalizers: { patchStrategy: 'merge', listType: 'set' },
      ownerReferences: mergeList('OwnerReference', 'uid'),
      managedFields: atomicList,
    },
  },
  OwnerReference: atomicStruct,
  LabelSelector: atomicStruct,

  // core/v1 references (all `+structType=atomic`)
  LocalObjectReference: atomicStruct,
  ObjectReference: atomicStruct,
  ConfigMapKeySelector: atomicStruct,
  SecretKeySelector: atomicStruct,
  ObjectFieldSelector: atomicStruct,
  ResourceFieldSelector: atomicStruct,
  FileKeySelector: atomicStruct,
  NodeSelector: atomicStruct,

  PodTemplateSpec: {
    fields: {
      metadata: { type: 'ObjectMeta', ...PRESENT },
      spec: { type: 'PodSpec', ...PRESENT },
    },
  },
  PodSpec: {
    fields: {
      volumes: mergeList(undefined, 'name', { patchStrategy: 'merge,retainKeys' }),
      initContainers: mergeList('Container', 'name'),
      containers: mergeList('Container', 'name', { present: 'list' }),
      ephemeralContainers: mergeList('Container', 'name'),
      imagePullSecrets: mergeList('LocalObjectReference', 'name'),
      hostAliases: mergeList(undefined, 'ip'),
      topologySpreadConstraints: {
        type: 'TopologySpreadConstraint',
        patchStrategy: 'merge',
        patchMergeKey: 'topologyKey',
        listType: 'map',
        listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
      },
      schedulingGates: mergeList(undefined, 'name'),
      resourceClaims: mergeList(undefined, 'name', { patchStrategy: 'merge,retainKeys' }),
      nodeSelector: { mapType: 'atomic' },
      affinity: { type: 'Affinity' },
      tolerations: atomicList,
      readinessGates: atomicList,
    },
  },
  Affinity: { fields: { nodeAffinity: { type: 'NodeAffinity' } } },
  NodeAffinity: { fields: { requiredDuringSchedulingIgnoredDuringExecution: { type: 'NodeSelector' } } },
  TopologySpreadConstraint: { fields: { labelSelector: { type: 'LabelSelector' } } },
  Container: {
    fields: {
      ports: {
        patchStrategy: 'merge',
        patchMergeKey: 'containerPort',
        listType: 'map',
        listMapKeys: ['containerPort', 'protocol'],
        keyDefaults: { protocol: 'TCP' },
      },
      env: mergeList('EnvVar', 'name'),
      envFrom: atomicList,
      volumeMounts: mergeList(undefined, 'mountPath'),
      volumeDevices: mergeList(undefined, 'devicePath'),
      resources: { type: 'ResourceRequirements', ...PRESENT },
      command: atomicList,
      args: atomicList,
    },
  },
  EnvVar: { fields: { valueFrom: { type: 'EnvVarSource' } } },
  EnvVarSource: {
    fields: {
      configMapKeyRef: { type: 'ConfigMapKeySelector' },
      secretKeyRef: { type: 'SecretKeySelector' },
      fieldRef: { type: 'ObjectFieldSelector' },
      resourceFieldRef: { type: 'ResourceFieldSelector' },
      fileKeyRef: { type: 'FileKeySelector' },
    },
  },
  // `claims` is a map list for apply but has no patch strategy: SMP replaces it.
  ResourceRequirements: { fields: { claims: { listType: 'map', listMapKeys: ['name'] } } },
  PodStatus: {
    fields: {
      conditions: byType(),
      podIPs: mergeList(undefined, 'ip'),
      hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
    },
  },

  DeploymentSpec: {
    fields: {
      selector: { type: 'LabelSelector' },
      template: { type: 'PodTemplateSpec', ...PRESENT },
      strategy: { patchStrategy: 'retainKeys', ...PRESENT },
    },
  },
  ReplicaSetSpec: {
    fields: {
      selector: { type: 'LabelSelector' },
      template: { type: 'PodTemplateSpec', ...PRESENT },
    },
  },
  WorkloadStatus: { fields: { conditions: byType() } },
  PodDisruptionBudgetSpec: { fields: { selector: { patchStrategy: 'replace' } } },

  ServiceSpec: {
    fields: {
      ports: {
        patchStrategy: 'merge',
        patchMergeKey: 'port',
        listType: 'map',
        listMapKeys: ['port', 'protocol'],
        keyDefaults: { protocol: 'TCP' },
      },
      selector: { mapType: 'atomic' },
    },
  },
  ServiceStatus: { fields: { conditions: byType(), loadBalancer: { ...PRESENT } } },

  NodeSpec: { fields: { podCIDRs: { patchStrategy: 'merge', listType: 'set' }, taints: atomicList } },
  NodeStatus: {
    fields: {
      conditions: byType(),
      addresses: byType(),
      daemonEndpoints: { ...PRESENT },
      nodeInfo: { ...PRESENT },
    },
  },
  NamespaceSpec: { fields: { finalizers: atomicList } },
  NamespaceStatus: { fields: { conditions: byType() } },
};

const meta: FieldMeta = { type: 'ObjectMeta', ...PRESENT };
const spec = (type: string): FieldMeta => ({ type, ...PRESENT });

/** The top-level fields of each kind. Kinds not listed get `metadata` only. */
const KINDS: Record<string, Record<string, FieldMeta>> = {
  Pod: { metadata: meta, spec: spec('PodSpec'), status: spec('PodStatus') },
  PodTemplate: { metadata: meta, template: spec('PodTemplateSpec') },
  Deployment: { metadata: meta, spec: spec('DeploymentSpec'), status: spec('WorkloadStatus') },
  ReplicaSet: { metadata: meta, spec: spec('ReplicaSetSpec'), status: spec('WorkloadStatus') },
  Service: { metadata: meta, spec: spec('ServiceSpec'), status: spec('ServiceStatus') },
  Node: { metadata: meta, spec: spec('NodeSpec'), status: spec('NodeStatus') },
  Namespace: { metadata: meta, spec: spec('NamespaceSpec'), status: spec('NamespaceStatus') },
  Endpoints: { metadata: meta, subsets: atomicList },
  EndpointSlice: { metadata: meta, endpoints: atomicList, ports: atomicList },
  PodDisruptionBudget: { metadata: meta, spec: spec('PodDisruptionBudgetSpec'), status: spec('WorkloadStatus') },
  ServiceAccount: { metadata: meta, secrets: mergeList('ObjectReference', 'name'), imagePullSecrets: atomicList },
  Event: { metadata: meta, involvedObject: { type: 'ObjectReference', ...PRESENT }, related: { type: 'ObjectReference' } },
  Lease: { metadata: meta, spec: { ...PRESENT } },
  Scale: { metadata: meta, spec: { ...PRESENT }, status: { ...PRESENT } },
  ConfigMap: { metadata: meta },
  Secret: { metadata: meta },
};

for (const [kind, fields] of Object.entries(KINDS)) STRUCTS[`${kind}@root`] = { fields };
STRUCTS['@root'] = { fields: { metadata: meta } };

// ---- cursor helpers used by the merge and field-tracking walkers --------------------------------

/** The field meta of the object itself (the root "field" holding a whole object of `kind`). */
export function rootField(kind: string): FieldMeta {
  return { type: Object.hasOwn(KINDS, kind) ? `${kind}@root` : '@root' };
}

export function structOf(field: FieldMeta | undefined): StructMeta | undefined {
  return field?.type && Object.hasOwn(STRUCTS, field.type) ? STRUCTS[field.type] : undefined;
}

/** Meta of field `name` inside a map whose own meta is `field`; undefined when nothing is known. */
export function childField(field: FieldMeta | undefined, name: string): FieldMeta | undefined {
  const s = structOf(field);
  return s && Object.hasOwn(s.fields, name) ? s.fields[name] : undefined;
}

/** Meta of each element of the list whose meta is `field`. Elements carry only a type. */
export function elementField(field: FieldMeta | undefined): FieldMeta | undefined {
  return field?.type ? { type: field.type } : undefined;
}

/** Server-side apply: is a map (or struct) at this position owned as one value? */
export function isAtomicMap(field: FieldMeta | undefined): boolean {
  return field?.mapType === 'atomic' || structOf(field)?.atomic === true;
}

export function listTypeOf(field: FieldMeta | undefined): ListType {
  return field?.listType ?? 'atomic';
}

/** SMP strategy of a field without the `retainKeys` part: `merge`, `replace` or `''`. */
export function smpStrategy(field: FieldMeta | undefined): '' | 'merge' | 'replace' {
  const parts = (field?.patchStrategy ?? '').split(',').filter((p) => p && p !== 'retainKeys');
  return parts[0] === 'merge' || parts[0] === 'replace' ? parts[0] : '';
}

// ---- public view: for generators (OpenAPI) and for anyone asking "how does this field merge" -----

export interface PatchMeta {
  /** `x-kubernetes-patch-strategy`: merge, replace, retainKeys, or merge,retainKeys. */
  strategy?: PatchStrategy;
  /** `x-kubernetes-patch-merge-key`. */
  mergeKey?: string;
  /** `x-kubernetes-list-type`. */
  listType?: ListType;
  /** `x-kubernetes-list-map-keys`. */
  listMapKeys?: string[];
  /** `x-kubernetes-map-type`: atomic for atomic maps and atomic structs. */
  mapType?: 'atomic';
}

function publicMeta(field: FieldMeta): PatchMeta | undefined {
  const out: PatchMeta = {};
  if (field.patchStrategy) out.strategy = field.patchStrategy;
  if (field.patchMergeKey) out.mergeKey = field.patchMergeKey;
  if (field.listType) out.listType = field.listType;
  if (field.listMapKeys) out.listMapKeys = [...field.listMapKeys];
  if (!field.listType && isAtomicMap(field)) out.mapType = 'atomic';
  return Object.keys(out).length ? out : undefined;
}

/**
 * How the field at `path` (field names from the object's root; list elements are transparent, so
 * `['spec','template','spec','containers','env']` is the env of every container) of `kind` merges.
 * Undefined when the field has no special behaviour or is unknown.
 */
export function patchMetaFor(kind: string, path: readonly string[]): PatchMeta | undefined {
  let field: FieldMeta | undefined = rootField(kind);
  for (const name of path) {
    field = childField(field, name);
    if (!field) return undefined;
  }
  return path.length ? publicMeta(field!) : undefined;
}

/** Every field of `kind` with special merge behaviour, depth first, with its path. */
export function listPatchMeta(kind: string): { path: string[]; meta: PatchMeta }[] {
  const out: { path: string[]; meta: PatchMeta }[] = [];
  const walk = (field: FieldMeta, path: string[], seen: Set<string>) => {
    const s = structOf(field);
    if (!s || seen.has(field.type!)) return;
    const next = new Set(seen).add(field.type!);
    for (const [name, child] of Object.entries(s.fields)) {
      const m = publicMeta(child);
      if (m) out.push({ path: [...path, name], meta: m });
      walk(child, [...path, name], next);
    }
  };
  walk(rootField(kind), [], new Set());
  return out;
}

/** Kinds with per-field metadata beyond ObjectMeta's. */
export function patchMetaKinds(): string[] {
  return Object.keys(KINDS);
}

/** The OpenAPI vendor extensions kube publishes for a field with this metadata. */
export function openApiExtensions(m: PatchMeta): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.strategy) out['x-kubernetes-patch-strategy'] = m.strategy;
  if (m.mergeKey) out['x-kubernetes-patch-merge-key'] = m.mergeKey;
  if (m.listType) out['x-kubernetes-list-type'] = m.listType;
  if (m.listMapKeys) out['x-kubernetes-list-map-keys'] = [...m.listMapKeys];
  if (m.mapType) out['x-kubernetes-map-type'] = m.mapType;
  return out;
}
