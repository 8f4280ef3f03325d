/** meta/v1: the metadata every object carries, selectors, conditions, Status and DeleteOptions. */
import { z } from 'zod';
import {
  Time, bool, component, enumField, int32, int64, jsonOverrides, list, opt, req, reqStr, str, stringMap, strings, typeMeta,
} from './kit.ts';
import { groupVersions } from '#lib/core/resources.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const FieldsV1 = component(
  `${META}.FieldsV1`,
  'FieldsV1 is the set of fields a manager owns, as a trie: keys are "f:<name>", "k:<merge key json>", "v:<value json>", "i:<index>" or "." for the field itself.',
  z.record(z.string(), z.unknown()),
);
jsonOverrides.set(FieldsV1, { type: 'object' });

export const ManagedFieldsEntry = component(
  `${META}.ManagedFieldsEntry`,
  'ManagedFieldsEntry records which fields one workflow (manager) owns and through which operation it set them.',
  z.strictObject({
    apiVersion: str('The version of the resource the fields were set in; the fieldset is tracked per version.'),
    fieldsType: str('The format of the fields field. The only valid value is "FieldsV1".'),
    fieldsV1: opt(FieldsV1, 'The owned field set, in the FieldsV1 format.'),
    manager: str('The identifier of the workflow managing these fields (the fieldManager of the request).'),
    operation: enumField(['Apply', 'Update'], 'The operation that set the fields: Apply (server-side apply) or Update (any other write).'),
    subresource: str('The subresource the object was updated through, e.g. "status"; empty for the main resource.'),
    time: opt(Time, 'When the fields were last changed by this manager.'),
  }),
);

export const OwnerReference = component(
  `${META}.OwnerReference`,
  'OwnerReference identifies an owning object. The owner is in the same namespace as the dependent or is cluster-scoped, so there is no namespace field.',
  z.strictObject({
    apiVersion: reqStr('API version of the owner.'),
    blockOwnerDeletion: bool('If true and the owner has the "foregroundDeletion" finalizer, the owner cannot be removed from storage until this reference is removed. Defaults to false.'),
    controller: bool('If true, this reference points to the managing controller. At most one owner reference may be the controller.'),
    kind: reqStr('Kind of the owner.'),
    name: reqStr('Name of the owner.'),
    uid: reqStr('UID of the owner.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const ObjectMeta = component(
  `${META}.ObjectMeta`,
  'ObjectMeta is the metadata every persisted resource has: its name and namespace, identity, labels and annotations, owners and finalizers.',
  z.strictObject({
    annotations: stringMap('Annotations is an unstructured key/value map for arbitrary metadata that is not queryable. Keys are qualified names (optional DNS prefix and "/"); the total size is limited to 256 KiB.'),
    creationTimestamp: opt(Time, 'When the object was created, set by the server. Read-only; null for objects that are not persisted.'),
    deletionGracePeriodSeconds: int64('Seconds the object is allowed to terminate gracefully before it is removed. Set only when deletionTimestamp is set. Read-only.'),
    deletionTimestamp: opt(Time, 'When the object will be deleted, set by the server when a graceful deletion is requested. Once set it can only move earlier. Read-only.'),
    finalizers: strings('Finalizers must be empty before the object is removed from storage. Each entry names a component responsible for cleaning up; the object stays, with deletionTimestamp set, until all are removed.', { type: 'set', strategy: 'merge' }),
    generateName: str('An optional prefix the server uses to generate a unique name when name is not given: the name becomes this prefix plus a random suffix.'),
    generation: int64('A sequence number for the desired state, incremented by the server when the spec changes. Read-only.'),
    labels: stringMap('Labels are key/value pairs used to organize and select objects; replication controllers and services select by them. Keys are qualified names, values at most 63 characters.'),
    managedFields: list(ManagedFieldsEntry, 'ManagedFields maps workflow and version to the set of fields that workflow manages. Internal to the server; clients normally leave it alone.'),
    name: str('Name is unique within a namespace (or cluster, for cluster-scoped kinds). It is required when creating unless generateName is used, and cannot be updated.'),
    namespace: str('Namespace is the space within which the name must be unique. Empty means "default" for namespaced kinds; cluster-scoped kinds have none. A DNS label. Cannot be updated.'),
    ownerReferences: list(OwnerReference, 'The objects this object depends on. When all owners are deleted the object is garbage collected. At most one owner may be the managing controller.', { keys: ['uid'], mergeKey: 'uid', strategy: 'merge' }),
    resourceVersion: str('An opaque value identifying the internal version of this object, used for optimistic concurrency, change detection and watches. Clients must treat it as opaque and pass it back unmodified. Read-only.'),
    selfLink: str('Deprecated and not set by the server.'),
    uid: str('The unique identifier of this object in time and space, generated by the server on creation. Read-only.'),
  }),
);

export const ListMeta = component(
  `${META}.ListMeta`,
  'ListMeta is the metadata of a list: its resource version and the continue token of a paged list.',
  z.strictObject({
    continue: str('Set when the list was limited; pass it as the continue parameter to fetch the next page. It expires after a while (410 Gone).'),
    remainingItemCount: int64('The number of items after this page, when the server can tell. An estimate if the list was served from a snapshot.'),
    resourceVersion: str('The version the list was read at; watch from it to receive every later change.'),
    selfLink: str('Deprecated and not set by the server.'),
  }),
);

export const LabelSelectorRequirement = component(
  `${META}.LabelSelectorRequirement`,
  'A label selector requirement relates a key and a set of values through an operator.',
  z.strictObject({
    key: reqStr('The label key the requirement applies to.'),
    operator: req(z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), "The key's relationship to the values: In, NotIn, Exists or DoesNotExist."),
    values: strings('The values. Must be non-empty for In and NotIn, and empty for Exists and DoesNotExist.'),
  }),
);

export const LabelSelector = component(
  `${META}.LabelSelector`,
  'A label selector is a label query over a set of resources. matchLabels and matchExpressions are ANDed. An empty selector matches all objects; a null selector matches none.',
  z.strictObject({
    matchExpressions: list(LabelSelectorRequirement, 'A list of label selector requirements, ANDed.'),
    matchLabels: stringMap('A map of {key: value} pairs; each is equivalent to a matchExpressions entry with operator "In" and the single value.'),
  }),
  { 'x-kubernetes-map-type': 'atomic' },
);

export const Condition = component(
  `${META}.Condition`,
  'Condition is one aspect of the current state of a resource.',
  z.strictObject({
    lastTransitionTime: req(Time, 'When the condition last changed from one status to another.'),
    message: reqStr('A human readable message with details about the transition. May be empty.'),
    observedGeneration: int64('The .metadata.generation the condition was set against.'),
    reason: reqStr('A programmatic identifier, in CamelCase, for the reason of the last transition.'),
    status: req(z.enum(['True', 'False', 'Unknown']), 'Status of the condition: True, False or Unknown.'),
    type: reqStr('Type of the condition, in CamelCase or as foo.example.com/CamelCase.'),
  }),
);

export const StatusCause = component(
  `${META}.StatusCause`,
  'StatusCause gives details about one cause of a failure, e.g. one invalid field.',
  z.strictObject({
    field: str('The field of the resource that caused the error, as a JSON-path-like string (e.g. "spec.containers[0].image").'),
    message: str('A human readable description of the cause.'),
    reason: str('A machine readable description of the cause, e.g. FieldValueRequired.'),
  }),
);

export const StatusDetails = component(
  `${META}.StatusDetails`,
  'StatusDetails carries extra, reason-specific information about a failure.',
  z.strictObject({
    causes: list(StatusCause, 'The causes of the error, e.g. one per invalid field.'),
    group: str('The group of the resource the error is about.'),
    kind: str('The kind of the resource the error is about.'),
    name: str('The name of the resource the error is about.'),
    retryAfterSeconds: int32('Seconds the client should wait before retrying the operation, when set.'),
    uid: str('The UID of the resource the error is about.'),
  }),
);

export const Status = component(
  `${META}.Status`,
  'Status is the return value of calls that do not return another object, and of every failure.',
  z.strictObject({
    ...typeMeta(),
    code: int32('The HTTP status code of this status.'),
    details: opt(StatusDetails, 'Extended data about the failure, depending on the reason.'),
    message: str('A human readable description of the status.'),
    metadata: opt(ListMeta, 'Standard list metadata.'),
    reason: str('A machine readable description of why the operation failed, e.g. NotFound or Invalid.'),
    status: str('Status of the operation: "Success" or "Failure".'),
  }),
  { 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }] },
);

export const Preconditions = component(
  `${META}.Preconditions`,
  'Preconditions must be fulfilled before an operation (update or delete) is carried out.',
  z.strictObject({
    resourceVersion: str('The target resourceVersion.'),
    uid: str('The target UID.'),
  }),
);

export const DeleteOptions = component(
  `${META}.DeleteOptions`,
  'DeleteOptions may be provided when deleting an API object.',
  z.strictObject({
    ...typeMeta(),
    dryRun: strings('When present, the modification is not persisted. The only valid value is "All".'),
    gracePeriodSeconds: int64('Seconds before the object is deleted; 0 deletes immediately. Defaults to the per-kind default when unset.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool('Delete an object whose stored data cannot be read (corrupt or undecryptable), skipping finalizers and admission. Dangerous.'),
    orphanDependents: bool('Deprecated: use propagationPolicy. Whether dependents should be orphaned.'),
    preconditions: opt(Preconditions, 'Must be fulfilled before the deletion is carried out; otherwise 409 Conflict.'),
    propagationPolicy: enumField(['Orphan', 'Background', 'Foreground'], 'Whether and how garbage collection is performed: Orphan leaves dependents, Background deletes them in the background, Foreground deletes them before the owner.'),
  }),
  {
    // Every served group version accepts DeleteOptions, as kube's OpenAPI says.
    'x-kubernetes-group-version-kind': [...groupVersions().map((gv) => ({ group: gv.group, version: gv.version })), { group: 'autoscaling', version: 'v1' }, { group: 'policy', version: 'v1' }]
      .map((gv) => ({ group: gv.group, kind: 'DeleteOptions', version: gv.version })),
  },
);

/** The body of a PATCH request; its media type says how to read it. */
export const Patch = component(
  `${META}.Patch`,
  'Patch is the body of a PATCH request: a JSON patch, a merge patch, a strategic merge patch or an apply configuration, as the Content-Type says.',
  z.record(z.string(), z.unknown()),
);
jsonOverrides.set(Patch, { type: 'object' });

export const WatchEvent = component(
  `${META}.WatchEvent`,
  'WatchEvent is one event of a watch stream.',
  z.strictObject({
    object: req(z.record(z.string(), z.unknown()), 'The object: the new state for ADDED and MODIFIED, the last state for DELETED, a Status for ERROR, an object carrying only resourceVersion for BOOKMARK.'),
    type: req(z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']), 'The kind of event.'),
  }),
);

export type ObjectMeta = z.infer<typeof ObjectMeta>;
export type OwnerReference = z.infer<typeof OwnerReference>;
export type LabelSelector = z.infer<typeof LabelSelector>;
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirement>;
export type Condition = z.infer<typeof Condition>;
export type DeleteOptions = z.infer<typeof DeleteOptions>;
export type Status = z.infer<typeof Status>;

/** The `metadata` field of a top-level kind. */
export const objectMeta = () => opt(ObjectMeta, "Standard object's metadata: name, namespace, labels, annotations, owners...");
