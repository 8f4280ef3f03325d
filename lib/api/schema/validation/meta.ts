/** ObjectMeta, labels, annotations and label selectors, as kube's apimachinery validation checks them. */
import type { LabelSelector, ObjectMeta } from '../meta.ts';
import {
  type FieldError, FieldPath, forbidden, invalid, invalidEach, notSupported, required, tooLong,
} from './errors.ts';
import { type NameValidator, isDNS1123Label, isQualifiedName, isValidLabelValue } from './names.ts';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    errs.push(...invalidEach(path, v, isValidLabelValue(v)));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export interface MetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/** kube's ValidateObjectMeta; the name may be missing while generateName is set (the server generates it). */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: MetaRules, path = FieldPath.root('metadata')): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...invalidEach(path.child('generateName'), m.generateName, rules.name(m.generateName, true)));
  if (!m.name) {
    if (!m.generateName) errs.push(required(path.child('name'), 'name or generateName is required'));
  } else {
    errs.push(...invalidEach(path.child('name'), m.name, rules.name(m.name, false)));
  }
  if (rules.namespaced) {
    if (m.namespace) errs.push(...invalidEach(path.child('namespace'), m.namespace, isDNS1123Label(m.namespace)));
  } else if (m.namespace) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  if (m.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds < 0) {
    errs.push(invalid(path.child('deletionGracePeriodSeconds'), m.deletionGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences ?? [], path.child('ownerReferences')));
  for (const f of m.finalizers ?? []) errs.push(...invalidEach(path.child('finalizers'), f, isQualifiedName(f)));
  (m.managedFields ?? []).forEach((e, i) => {
    const p = path.child('managedFields').index(i);
    if (!e.operation) errs.push(required(p.child('operation'), 'must be `Apply` or `Update`'));
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') errs.push(invalid(p.child('fieldsType'), e.fieldsType, "must be 'FieldsV1'"));
  });
  return errs;
}

function validateOwnerReferences(refs: NonNullable<ObjectMeta['ownerReferences']>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const ref of refs) {
    if (!ref.apiVersion) errs.push(invalid(path.child('apiVersion'), ref.apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(path.child('kind'), ref.kind, 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(path.child('name'), ref.name, 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(path.child('uid'), ref.uid, 'uid must not be empty'));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}

const SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'In', 'NotIn'];

/** metav1 ValidateLabelSelector. */
export function validateLabelSelector(selector: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [];
  (selector.matchExpressions ?? []).forEach((r, i) => {
    const p = path.child('matchExpressions').index(i);
    const values = r.values ?? [];
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(notSupported(p.child('operator'), r.operator, SELECTOR_OPERATORS));
    }
    errs.push(...invalidEach(p.child('key'), r.key, isQualifiedName(r.key)));
    values.forEach((v, j) => errs.push(...invalidEach(p.child('values').index(j), v, isValidLabelValue(v))));
  });
  errs.push(...validateLabels(selector.matchLabels, path.child('matchLabels')));
  return errs;
}

/** Whether a label selector matches a label set (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In': if (!has || !values.includes(l[r.key])) return false; break;
      case 'NotIn': if (has && values.includes(l[r.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
    }
  }
  return true;
}

export const isEmptySelector = (s: LabelSelector) => Object.keys(s.matchLabels ?? {}).length + (s.matchExpressions ?? []).length === 0;
