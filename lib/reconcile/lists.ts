/** Whole lists for consumers: every page of a consistent list, and its resourceVersion. */
import type { KubeObject } from '../core/object.ts';
import type { ResourceType } from '../core/resources.ts';
import type { ObjectStore } from '../store/types.ts';

const PAGE = 1000;

/**
 * All objects of a type (in one namespace, or all), read page by page at the first page's
 * resourceVersion, so the whole list is one consistent snapshot.
 */
export async function listAll(store: ObjectStore, type: ResourceType, namespace?: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const items: KubeObject[] = [];
  let cont: string | undefined;
  let rv: string | undefined;
  do {
    const page = await store.list(type, { ...(namespace !== undefined ? { namespace } : {}), limit: PAGE, ...(cont ? { continue: cont } : {}) });
    items.push(...page.items);
    rv ??= page.resourceVersion;
    cont = page.continue;
  } while (cont);
  return { items, resourceVersion: rv ?? '0' };
}
