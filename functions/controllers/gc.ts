/** The garbage collector Lambda: dependents of deleted owners, foreground and orphan deletion. */
import { garbageCollector } from '../../lib/reconcile/controllers.ts';
import { controllerLambda } from '../shared/controller.ts';

export const { create: createGcHandler, handler } = controllerLambda('garbage-collector-controller', 'gc', garbageCollector);
