import type { KubeObject } from '../core/object.ts';
import type { ResourceType } from '../core/resources.ts';
import type { Selectable } from './types.ts';

/** The fields of `obj` that label and field selectors can look at. */
export function selectableOf(type: ResourceType, obj: KubeObject): Selectable {
  const fields: Record<string, string> = {
    'metadata.name': obj.metadata.name ?? '',
    'metadata.namespace': obj.metadata.namespace ?? '',
  };
  for (const [path, read] of Object.entries(type.fieldSelectors)) fields[path] = read(obj) ?? '';
  return {
    labels: { ...(obj.metadata.labels ?? {}) },
    fields,
    ...(obj.metadata.ownerReferences?.length ? { ownerReferences: obj.metadata.ownerReferences } : {}),
  };
}
