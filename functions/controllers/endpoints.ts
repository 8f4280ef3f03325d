/** The Endpoints controller Lambda: each Service's Endpoints and EndpointSlices, and hand-written Endpoints mirrored into slices. */
import { endpointsReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createEndpointsHandler, handler } = controllerLambda('endpoint-controller', 'endpoints', endpointsReconciler);
