/** Discovery documents, aggregated (apidiscovery.k8s.io/v2 and v2beta1) and legacy, built from the resource table. */
import { groupVersions, RESOURCE_TYPES, type ResourceType } from '../core/resources.ts';
import { REVIEW_RESOURCES, type ReviewResource } from './reviews.ts';

/** The versions of the aggregated discovery document this server writes (same shape; v2beta1 for clients before 1.30). */
export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

export function aggregatedDiscoveryContentType(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

interface AcceptClause {
  type: string;
  params: Map<string, string>;
  q: number;
  /** Wildcard-free type and subtype count 2 each, then one per parameter: more specific first at equal q. */
  specificity: number;
}

function acceptClauses(accept: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const range of accept.split(',')) {
    const [rawType = '', ...rawParams] = range.split(';').map((p) => p.trim());
    const type = rawType.toLowerCase();
    if (!type) continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim();
      if (key === 'q') q = Number(value);
      else params.set(key, value);
    }
    if (!(q > 0)) continue;
    const [main = '', sub = ''] = type.split('/');
    clauses.push({ type, params, q, specificity: (main !== '*' ? 2 : 0) + (sub !== '*' ? 2 : 0) + params.size });
  }
  // Stable: equal clauses keep the client's order.
  return clauses.sort((a, b) => b.q - a.q || b.specificity - a.specificity);
}

/**
 * The discovery form an Accept header asks for, as kube-apiserver negotiates it: the client's media
 * types by preference (q, then specificity, then order), the first this server writes wins: an
 * aggregated document in a version it writes, or the legacy documents for plain JSON or a wildcard.
 * Anything else gets the legacy documents in JSON, as this server's other endpoints answer JSON
 * whatever else a client lists. kubectl 1.30+ lists v2 first; 1.26–1.29 know only v2beta1; both
 * end with `application/json`.
 */
export function negotiateDiscovery(accept: string | undefined): AggregatedDiscoveryVersion | 'legacy' {
  for (const c of acceptClauses(accept ?? '')) {
    const as = c.params.get('as');
    if (as === 'APIGroupDiscoveryList') {
      const v = c.params.get('v');
      if (c.type === 'application/json' && c.params.get('g') === 'apidiscovery.k8s.io' && (v === 'v2' || v === 'v2beta1')) return v;
      continue;
    }
    if (as !== undefined) continue;
    if (c.type === 'application/json' || c.type === '*/*' || c.type === 'application/*') return 'legacy';
  }
  return 'legacy';
}

function aggregatedResource(t: ResourceType) {
  return {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
    ...(t.subresources.length
      ? {
          subresources: t.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** `GET /api` (core) or `GET /apis` (named groups) with the aggregated Accept type. */
export function aggregatedDiscovery(core: boolean, version: AggregatedDiscoveryVersion = 'v2') {
  const gvs = groupVersions().filter((gv) => (gv.group === '') === core);
  const groups = new Map<string, typeof gvs>();
  for (const gv of gvs) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv]);
  const items = [...groups.entries()].map(([group, versions]) => ({
    metadata: group ? { name: group } : {},
    versions: versions.map((gv) => ({
      version: gv.version,
      resources: gv.resources.map(aggregatedResource),
      freshness: 'Current',
    })),
  }));
  if (!core) {
    for (const [group, reviews] of reviewGroups()) {
      items.push({ metadata: { name: group }, versions: [{ version: reviews[0].version, resources: reviews.map(aggregatedReview), freshness: 'Current' }] });
    }
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

function aggregatedReview(r: ReviewResource): ReturnType<typeof aggregatedResource> {
  return { resource: r.resource, responseKind: { group: r.group, version: r.version, kind: r.kind }, scope: 'Cluster', singularResource: r.singular, verbs: ['create'] };
}

/** The review APIs by group (each group serves one version). */
function reviewGroups(): Map<string, ReviewResource[]> {
  const groups = new Map<string, ReviewResource[]>();
  for (const r of REVIEW_RESOURCES) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return groups;
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string) {
  const versions = [...new Set([...groupVersions().filter((gv) => gv.group === group), ...REVIEW_RESOURCES.filter((r) => r.group === group)].map((gv) => gv.version))];
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

function namedGroups(): string[] {
  return [...new Set([...RESOURCE_TYPES, ...REVIEW_RESOURCES].map((t) => t.group).filter((g) => g !== ''))];
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(groupEntry) };
}

/** `GET /apis/<group>`, or undefined when the group is not served. */
export function apiGroup(group: string) {
  if (group === '' || !namedGroups().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}

/** `GET /api/v1` or `GET /apis/<group>/<version>`, or undefined when not served. */
export function apiResourceList(group: string, version: string) {
  const reviews = REVIEW_RESOURCES.filter((r) => r.group === group && r.version === version);
  if (reviews.length) {
    const resources = reviews.map((r) => ({ name: r.resource, singularName: r.singular, namespaced: false, kind: r.kind, verbs: ['create'] }));
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
  }
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources = gv.resources.flatMap((t) => [
    {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    },
    ...t.subresources.map((s) => ({
      name: `${t.resource}/${s.name}`,
      singularName: '',
      namespaced: t.namespaced,
      ...(s.group !== t.group || s.version !== t.version ? { group: s.group, version: s.version } : {}),
      kind: s.kind,
      verbs: s.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
