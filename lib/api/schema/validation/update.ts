/** Update rules (kube's Validate<Kind>Update): immutable fields and what a pod update may change. */
import type { KubeObject } from '#lib/core/object.ts';
import type { PodSpec, Toleration } from '../pod.ts';
import { type FieldError, FieldPath, forbidden, invalid } from './errors.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const root = (...names: string[]) => FieldPath.root(...names);

/**
 * kube's `apiequality.Semantic.DeepEqual` as far as JSON can tell: absent, null, empty map and
 * empty list are the same; everything else compares structurally.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isObj(a) || isObj(b)) {
    if (!isObj(a) || !isObj(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function selectorImmutable(oldObj: KubeObject, newObj: KubeObject): FieldError[] {
  const o = (oldObj.spec as Obj | undefined)?.selector;
  const n = (newObj.spec as Obj | undefined)?.selector;
  return semanticEqual(o, n) ? [] : [invalid(root('spec', 'selector'), n ?? null, 'field is immutable')];
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Paths (depth ≤ 2) where two pod specs differ, to tell the user what they tried to change. */
function differences(a: unknown, b: unknown, path: string, depth: number, out: string[]): void {
  if (semanticEqual(a, b)) return;
  if (depth === 0 || !isObj(a) || !isObj(b)) {
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && depth > 0) {
      a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, depth - 1, out));
      return;
    }
    out.push(path);
    return;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[k], b[k], `${path}.${k}`, depth - 1, out);
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator || 'Equal') === (b.operator || 'Equal') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

function validatePodUpdate(oldPod: KubeObject, newPod: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const oldSpec = (oldPod.spec ?? {}) as PodSpec;
  const newSpec = (newPod.spec ?? {}) as PodSpec;
  const p = root('spec');

  const oldAds = oldSpec.activeDeadlineSeconds;
  const newAds = newSpec.activeDeadlineSeconds;
  if (oldAds !== undefined) {
    if (newAds === undefined) errs.push(invalid(p.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
    else if (newAds > oldAds) errs.push(invalid(p.child('activeDeadlineSeconds'), newAds, 'must be less than or equal to previous value'));
  }

  // Tolerations: existing ones stay (only a NoExecute tolerationSeconds may shrink); new ones may be added.
  const oldTols = oldSpec.tolerations ?? [];
  const newTols = newSpec.tolerations ?? [];
  for (const t of oldTols) {
    const match = newTols.find((n) => sameToleration(t, n));
    const ok = match && (match.tolerationSeconds === t.tolerationSeconds
      || (t.tolerationSeconds !== undefined && match.tolerationSeconds !== undefined && match.tolerationSeconds <= t.tolerationSeconds));
    if (!ok) {
      errs.push(forbidden(p.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }

  // Everything else must stay: make a copy of the old spec with the mutable fields taken from the new one.
  const mutable = structuredClone(oldSpec) as PodSpec;
  const takeImages = (key: 'containers' | 'initContainers') => {
    const o = mutable[key];
    const n = newSpec[key];
    if (Array.isArray(o) && Array.isArray(n) && o.length === n.length) o.forEach((c, i) => { c.image = n[i].image; });
  };
  takeImages('containers');
  takeImages('initContainers');
  mutable.activeDeadlineSeconds = newSpec.activeDeadlineSeconds;
  mutable.tolerations = newSpec.tolerations;
  if ((oldSpec.terminationGracePeriodSeconds ?? 0) < 0 && newSpec.terminationGracePeriodSeconds === 1) mutable.terminationGracePeriodSeconds = 1;
  // Scheduling gates may only be removed; the node name is set once (normally through pods/binding).
  if ((newSpec.schedulingGates ?? []).every((g) => (oldSpec.schedulingGates ?? []).some((o) => o.name === g.name))) {
    mutable.schedulingGates = newSpec.schedulingGates;
  }
  if (!oldSpec.nodeName) mutable.nodeName = newSpec.nodeName;
  // Ephemeral containers change only through their own subresource; the API layer checks that.
  mutable.ephemeralContainers = newSpec.ephemeralContainers;

  if (!semanticEqual(mutable, newSpec)) {
    const changed: string[] = [];
    differences(mutable, newSpec, 'spec', 3, changed);
    errs.push(forbidden(p, `${POD_UPDATE_FORBIDDEN}\n  changed: ${changed.join(', ')}`));
  }
  return errs;
}

function validateServiceUpdate(oldSvc: KubeObject, newSvc: KubeObject): FieldError[] {
  const o = (oldSvc.spec ?? {}) as Obj;
  const n = (newSvc.spec ?? {}) as Obj;
  if (o.type === 'ExternalName' || n.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const oldIPs = (o.clusterIPs as string[] | undefined) ?? (o.clusterIP ? [o.clusterIP as string] : []);
  const newIPs = (n.clusterIPs as string[] | undefined) ?? (n.clusterIP ? [n.clusterIP as string] : []);
  // An empty clusterIP on update means "keep it": the API layer copies the allocated value back.
  if (oldIPs.length && newIPs.length && oldIPs[0] !== newIPs[0]) {
    errs.push(invalid(root('spec', 'clusterIPs').index(0), newIPs, 'may not change once set'));
  }
  const oldFam = (o.ipFamilies as string[] | undefined) ?? [];
  const newFam = (n.ipFamilies as string[] | undefined) ?? [];
  if (oldFam.length && newFam.length && oldFam[0] !== newFam[0]) {
    errs.push(invalid(root('spec', 'ipFamilies').index(0), newFam[0], 'may not change once set'));
  }
  return errs;
}

function validateImmutableData(oldObj: KubeObject, newObj: KubeObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (oldObj.immutable !== true) return errs;
  if (newObj.immutable !== true) errs.push(forbidden(root('immutable'), 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!semanticEqual(oldObj[f], newObj[f])) errs.push(forbidden(root(f), 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function validateNodeUpdate(oldNode: KubeObject, newNode: KubeObject): FieldError[] {
  const o = (oldNode.spec ?? {}) as Obj;
  const n = (newNode.spec ?? {}) as Obj;
  const errs: FieldError[] = [];
  const oldCIDRs = (o.podCIDRs as string[] | undefined) ?? [];
  if (oldCIDRs.length && !semanticEqual(oldCIDRs, n.podCIDRs)) {
    errs.push(forbidden(root('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
  }
  if (o.providerID && o.providerID !== n.providerID) {
    errs.push(forbidden(root('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** The update rules of each kind, by kind name. */
export const UPDATE_RULES: Record<string, (oldObj: KubeObject, newObj: KubeObject) => FieldError[]> = {
  Pod: validatePodUpdate,
  Deployment: selectorImmutable,
  ReplicaSet: selectorImmutable,
  Service: validateServiceUpdate,
  Node: validateNodeUpdate,
  EndpointSlice: (o, n) => (o.addressType === n.addressType ? [] : [invalid(root('addressType'), n.addressType ?? '', 'field is immutable')]),
  ConfigMap: (o, n) => validateImmutableData(o, n, ['data', 'binaryData']),
  Secret: (o, n) => [
    ...validateImmutableData(o, n, ['data']),
    ...((o.type ?? 'Opaque') !== (n.type ?? 'Opaque') ? [invalid(root('type'), n.type ?? '', 'field is immutable')] : []),
  ],
};
