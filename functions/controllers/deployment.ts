/** The Deployment controller Lambda: ReplicaSets per template, rollouts, rollbacks, status. */
import { deploymentReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createDeploymentHandler, handler } = controllerLambda('deployment-controller', 'deployment', deploymentReconciler);
