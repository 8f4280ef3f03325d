/** The disruption controller Lambda: each PodDisruptionBudget's healthy pods and allowed disruptions. */
import { disruptionReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createDisruptionHandler, handler } = controllerLambda('disruption-controller', 'disruption', disruptionReconciler);
