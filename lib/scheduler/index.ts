/**
 * The pure scheduling core: a snapshot of nodes and bound pods, kube-scheduler's framework and its
 * default plugins. No I/O and no clock; the scheduler Lambda loads the snapshot and binds.
 */
export * from './framework.ts';
export { defaultProfile } from './profile.ts';
export { parseQuantity, milliValue, value as quantityValue, QuantityError } from './quantity.ts';
export { podRequests, parseResourceList, type Resources } from './resources.ts';
