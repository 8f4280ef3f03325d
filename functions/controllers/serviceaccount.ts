/**
 * The ServiceAccount controller Lambda: a default ServiceAccount in every namespace, and the root CA
 * publisher's kube-root-ca.crt when `SKIFF_ROOT_CA_PEM` holds a bundle.
 */
import { serviceAccountReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createServiceAccountHandler, handler } = controllerLambda('serviceaccount-controller', 'serviceaccount', serviceAccountReconciler);
