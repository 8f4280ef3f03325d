/** The ReplicaSet controller Lambda: pods toward spec.replicas, adoption, status. */
import { replicaSetReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createReplicaSetHandler, handler } = controllerLambda('replicaset-controller', 'replicaset', replicaSetReconciler);
