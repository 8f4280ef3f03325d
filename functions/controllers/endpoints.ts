/** The Endpoints controller Lambda: each Service's ready and not-ready pod addresses. */
import { endpointsReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createEndpointsHandler, handler } = controllerLambda('endpoint-controller', 'endpoints', endpointsReconciler);
