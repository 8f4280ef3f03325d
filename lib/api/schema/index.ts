/**
 * The schemas of every kind Skiff serves, and what is built on them: validation (`validateObject`),
 * kube's defaults (`applyDefaults`), update rules (`validateUpdate`), generation tracking
 * (`generationChanged`). The zod schemas double as the types (`Pod`, `Deployment`, ...) and as the
 * source of the OpenAPI documents (`lib/api/openapi.ts`).
 */
export {
  applyDefaults, generationChanged, tracksGeneration, validateKind, validateObject, validateUpdate,
  type FieldValidation, type ValidateOptions, type ValidationResult,
} from './validate.ts';
export { findDuplicateFields } from './decode.ts';
export { defaultPodSpec, podTemplateDefaults } from './defaults.ts';
export { KINDS, kindSpec, type GroupVersionKind, type KindSpec } from './kinds.ts';
export { semanticEqual } from './validation/update.ts';
export { selectorMatches } from './validation/meta.ts';
export { registry as schemaRegistry } from './kit.ts';

export * from './meta.ts';
export * from './core.ts';
export * from './apps.ts';
export * from './coordination.ts';
export * from './discovery.ts';
export * from './autoscaling.ts';
export * from './policy.ts';
