/** The Namespace controller Lambda: empties a deleted namespace, then lets it go. */
import { namespaceReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createNamespaceHandler, handler } = controllerLambda('namespace-controller', 'namespace', namespaceReconciler);
