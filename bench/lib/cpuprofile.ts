/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and attributes its samples: self time by function and by
 * package or project file, and inclusive time for every function (each sample counted once per
 * function on its stack).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Attribution {
  totalMs: number;
  idleMs: number;
  /** Busy time by what the innermost decisive frame belongs to (see CATEGORIES). */
  byCategory: { category: string; ms: number }[];
  bySelfFunction: { name: string; ms: number }[];
  bySelfOwner: { owner: string; ms: number }[];
  inclusive: { name: string; ms: number }[];
}

/** Who owns code at `url`: a package (`@aws-sdk/…`, `node:…`) or a project file. */
export function ownerOf(url: string, root: string): string {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(root) ? path.slice(root.length + 1) : path;
}

/**
 * Owners that decide what a sample is spent on; frames of other owners (V8 natives, node:events,
 * streams, buffers, hashing) are shared plumbing, and the sample goes to the nearest caller that
 * decides. In the bench the main thread runs only the API server: outbound HTTP is the SDK's.
 */
const CATEGORIES: [RegExp, string][] = [
  [/^@smithy\/|^@aws-sdk\/|^node:_http_client$|^node:_http_agent$/, 'AWS SDK v3 + its HTTP to DynamoDB'],
  [/^lib\/store\/|^node:zlib$/, 'store (codec, gzip, hash chain, plan)'],
  [/^lib\/api\/|^lib\/core\/|^zod$|^canonicalize$|^fast-json-patch$|^json-merge-patch$|^yaml$/, 'API (routing, validation, defaults, managedFields, JSON)'],
  [/^functions\/|^lib\/local\/|^node:_http_server$|^node:_http_incoming$|^node:_tls_wrap$|^node:tls$|^@middy\//, 'HTTPS server + Lambda-event adapter'],
  [/^bench\//, 'bench probe'],
];

function categoryOf(owner: string): string | undefined {
  if (owner === '(garbage collector)') return 'garbage collector';
  for (const [re, name] of CATEGORIES) if (re.test(owner)) return name;
  return undefined;
}

export function attribute(file: string, root: string, top = 30): Attribution {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const owner = ownerOf(f.url, root);
    return `${f.functionName || '(anonymous)'} ${owner}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  const incl = new Map<string, number>();
  const cats = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    total += dt;
    const fn = node.callFrame.functionName;
    if (fn === '(idle)') {
      idle += dt;
      continue;
    }
    const l = label(node);
    self.set(l, (self.get(l) ?? 0) + dt);
    const owner = fn === '(garbage collector)' ? '(garbage collector)' : ownerOf(node.callFrame.url, root);
    owners.set(owner, (owners.get(owner) ?? 0) + dt);
    let cat: string | undefined = fn === '(garbage collector)' ? 'garbage collector' : undefined;
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      cat ??= categoryOf(ownerOf(n.callFrame.url, root));
      const k = label(n);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
    cat ??= 'runtime (microtasks, timers, natives without a decisive caller)';
    cats.set(cat, (cats.get(cat) ?? 0) + dt);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: Math.round(total),
    idleMs: Math.round(idle),
    byCategory: sorted(cats).map(([category, ms]) => ({ category, ms: Math.round(ms) })),
    bySelfFunction: sorted(self).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms) })),
    bySelfOwner: sorted(owners).slice(0, top).map(([owner, ms]) => ({ owner, ms: Math.round(ms) })),
    inclusive: sorted(incl).map(([name, ms]) => ({ name, ms: Math.round(ms) })),
  };
}
