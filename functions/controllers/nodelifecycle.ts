/** The node lifecycle controller Lambda: NotReady after the grace period, taints, taint-based eviction. */
import { nodeLifecycleReconciler } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createNodeLifecycleHandler, handler } = controllerLambda('node-lifecycle-controller', 'nodelifecycle', nodeLifecycleReconciler);
