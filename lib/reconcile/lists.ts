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

/**
 * Every object of a type, kept warm between calls (as a warm Lambda keeps its module state):
 * the first call lists, later ones apply only the changes since, read from the log up to the
 * watermark — the same consistent view a fresh list would give, for a fraction of the reads and
 * decoding. Falls back to a full list when the store cannot say what changed.
 */
export class WarmList {
  #rv: string | undefined;
  readonly #items = new Map<string, KubeObject>();
  /**
   * Refreshes run one after another, and each call waits for one that started after the call:
   * a caller never gets a view older than its own start (sharing a refresh already under way
   * could miss a write the caller made just before).
   */
  #chain: Promise<void> = Promise.resolve();

  constructor(readonly store: ObjectStore, readonly type: ResourceType) {}

  /** The objects (in `namespace`, or all) as of the type's current watermark. */
  async list(namespace?: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const mine = this.#chain.catch(() => {}).then(() => this.#refresh());
    this.#chain = mine;
    await mine;
    const items = [...this.#items.values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    return { items, resourceVersion: this.#rv ?? '0' };
  }

  async #refresh(): Promise<void> {
    const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    if (this.#rv !== undefined && this.store.changesSince) {
      const changes = await this.store.changesSince(this.type, this.#rv);
      if (changes) {
        for (const ev of changes.events) {
          if (ev.type === 'DELETED') this.#items.delete(key(ev.object));
          else this.#items.set(key(ev.object), ev.object);
        }
        this.#rv = changes.resourceVersion;
        return;
      }
    }
    const all = await listAll(this.store, this.type);
    this.#items.clear();
    for (const o of all.items) this.#items.set(key(o), o);
    this.#rv = all.resourceVersion;
  }
}
