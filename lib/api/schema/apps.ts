/** apps/v1: Deployment and ReplicaSet. */
import { z } from 'zod';
import { IntOrString, Time, bool, component, defaultedEnum, int32, int64, list, oneOf, opt, req, reqStr, str, typeMeta } from './kit.ts';
import { LabelSelector, objectMeta } from './meta.ts';
import { PodTemplateSpec } from './pod.ts';

const a = (name: string) => `io.k8s.api.apps.v1.${name}`;
const gvk = (kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group: 'apps', kind, version: 'v1' }] });
const STATUSES = ['True', 'False', 'Unknown'] as const;

export const RollingUpdateDeployment = component(
  a('RollingUpdateDeployment'),
  'Spec to control the desired behavior of a rolling update.',
  z.strictObject({
    maxSurge: opt(IntOrString, 'The maximum number of pods that can be scheduled above the desired number of pods: an absolute number (e.g. 5) or a percentage of desired pods (e.g. 10%), rounded up. Cannot be 0 if maxUnavailable is 0. Defaults to 25%. Example: with 30%, the new ReplicaSet is scaled up at once so that old and new pods do not exceed 130% of desired pods.'),
    maxUnavailable: opt(IntOrString, 'The maximum number of pods that can be unavailable during the update: an absolute number (e.g. 5) or a percentage of desired pods (e.g. 10%), rounded down. Cannot be 0 if maxSurge is 0. Defaults to 25%. Example: with 30%, the old ReplicaSet is scaled down to 70% of desired pods at once.'),
  }),
);

export const DeploymentStrategy = component(
  a('DeploymentStrategy'),
  'DeploymentStrategy describes how to replace existing pods with new ones.',
  z.strictObject({
    rollingUpdate: opt(RollingUpdateDeployment, 'Rolling update config parameters. Present only if type = RollingUpdate.'),
    type: defaultedEnum(['Recreate', 'RollingUpdate'], 'Type of deployment: "Recreate" (kill all existing pods before creating new ones) or "RollingUpdate" (replace the old ReplicaSets by the new one gradually). Defaults to RollingUpdate.'),
  }),
);

export const DeploymentSpec = component(
  a('DeploymentSpec'),
  'DeploymentSpec is the specification of the desired behavior of the Deployment.',
  z.strictObject({
    minReadySeconds: int32('Minimum number of seconds a newly created pod must be ready, without any of its containers crashing, to be considered available. Defaults to 0.'),
    paused: bool('Indicates that the deployment is paused.'),
    progressDeadlineSeconds: int32('The maximum time in seconds for a deployment to make progress before it is considered failed: the controller then reports ProgressDeadlineExceeded in the Progressing condition. Not checked while paused. Defaults to 600.'),
    replicas: int32('Number of desired pods. Defaults to 1.'),
    revisionHistoryLimit: int32('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
    selector: req(LabelSelector, "Label selector for pods. Existing ReplicaSets whose pods are selected by it are the ones affected by this deployment. It must match the pod template's labels, and it is immutable."),
    strategy: opt(DeploymentStrategy, 'The deployment strategy to use to replace existing pods with new ones.'),
    template: req(PodTemplateSpec, 'Template describes the pods that will be created. Its only allowed restartPolicy is "Always".'),
  }),
);

export const DeploymentCondition = component(
  a('DeploymentCondition'),
  "DeploymentCondition describes the state of a deployment at a certain point.",
  z.strictObject({
    lastTransitionTime: opt(Time, 'Last time the condition transitioned from one status to another.'),
    lastUpdateTime: opt(Time, 'The last time this condition was updated.'),
    message: str('A human readable message indicating details about the transition.'),
    reason: str("The reason for the condition's last transition, e.g. NewReplicaSetAvailable or ProgressDeadlineExceeded."),
    status: req(oneOf(STATUSES), 'Status of the condition: True, False or Unknown.'),
    type: reqStr('Type of deployment condition: Available, Progressing or ReplicaFailure.'),
  }),
);

export const DeploymentStatus = component(
  a('DeploymentStatus'),
  'DeploymentStatus is the most recently observed status of the Deployment.',
  z.strictObject({
    availableReplicas: int32('Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
    collisionCount: int32('Count of hash collisions for the Deployment, used as a collision avoidance mechanism when naming the newest ReplicaSet.'),
    conditions: list(DeploymentCondition, "The latest available observations of a deployment's current state.", { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    observedGeneration: int64('The generation observed by the deployment controller.'),
    readyReplicas: int32('Total number of non-terminating pods targeted by this Deployment with a Ready condition.'),
    replicas: int32('Total number of non-terminating pods targeted by this deployment (their labels match the selector).'),
    terminatingReplicas: int32('Total number of terminating pods targeted by this deployment (deletionTimestamp set, phase not Failed or Succeeded).'),
    unavailableReplicas: int32('Total number of unavailable pods targeted by this deployment: pods still needed for 100% capacity, running but not yet available or not yet created.'),
    updatedReplicas: int32('Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
  }),
);

export const Deployment = component(
  a('Deployment'),
  'Deployment enables declarative updates for Pods and ReplicaSets.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(DeploymentSpec, 'Specification of the desired behavior of the Deployment.'),
    status: opt(DeploymentStatus, 'Most recently observed status of the Deployment.'),
  }),
  gvk('Deployment'),
);

export const ReplicaSetSpec = component(
  a('ReplicaSetSpec'),
  'ReplicaSetSpec is the specification of a ReplicaSet.',
  z.strictObject({
    minReadySeconds: int32('Minimum number of seconds a newly created pod must be ready, without any of its containers crashing, to be considered available. Defaults to 0.'),
    replicas: int32('Number of desired pods. Defaults to 1.'),
    selector: req(LabelSelector, "A label query over pods that should match the replica count. It must match the pod template's labels."),
    template: opt(PodTemplateSpec, 'Template describes the pods that will be created if insufficient replicas are detected.'),
  }),
);

export const ReplicaSetCondition = component(
  a('ReplicaSetCondition'),
  'ReplicaSetCondition describes the state of a replica set at a certain point.',
  z.strictObject({
    lastTransitionTime: opt(Time, 'The last time the condition transitioned from one status to another.'),
    message: str('A human readable message indicating details about the transition.'),
    reason: str("The reason for the condition's last transition."),
    status: req(oneOf(STATUSES), 'Status of the condition: True, False or Unknown.'),
    type: reqStr('Type of replica set condition, e.g. ReplicaFailure.'),
  }),
);

export const ReplicaSetStatus = component(
  a('ReplicaSetStatus'),
  'ReplicaSetStatus represents the current status of a ReplicaSet.',
  z.strictObject({
    availableReplicas: int32('The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.'),
    conditions: list(ReplicaSetCondition, "The latest available observations of a replica set's current state.", { keys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    fullyLabeledReplicas: int32('The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.'),
    observedGeneration: int64('The most recent generation observed by the ReplicaSet controller.'),
    readyReplicas: int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready condition.'),
    replicas: req(z.int32(), 'The most recently observed number of non-terminating pods.'),
    terminatingReplicas: int32('The number of terminating pods for this replica set.'),
  }),
);

export const ReplicaSet = component(
  a('ReplicaSet'),
  'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  z.strictObject({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: opt(ReplicaSetSpec, 'Spec defines the specification of the desired behavior of the ReplicaSet.'),
    status: opt(ReplicaSetStatus, 'Status is the most recently observed status of the ReplicaSet. Populated by the system. Read-only.'),
  }),
  gvk('ReplicaSet'),
);

export type Deployment = z.infer<typeof Deployment>;
export type DeploymentSpec = z.infer<typeof DeploymentSpec>;
export type DeploymentStatus = z.infer<typeof DeploymentStatus>;
export type DeploymentStrategy = z.infer<typeof DeploymentStrategy>;
export type DeploymentCondition = z.infer<typeof DeploymentCondition>;
export type ReplicaSet = z.infer<typeof ReplicaSet>;
export type ReplicaSetSpec = z.infer<typeof ReplicaSetSpec>;
export type ReplicaSetStatus = z.infer<typeof ReplicaSetStatus>;
export type ReplicaSetCondition = z.infer<typeof ReplicaSetCondition>;
