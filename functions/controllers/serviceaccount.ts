/** The ServiceAccount controller Lambda: a default ServiceAccount in every namespace. */
import { serviceAccountReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createServiceAccountHandler, handler } = controllerLambda('serviceaccount-controller', 'serviceaccount', serviceAccountReconciler);
