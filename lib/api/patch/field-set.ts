/**
 * Sets of field paths, as server-side apply tracks ownership (structured-merge-diff's `fieldpath.Set`),
 * and their `FieldsV1` encoding in `metadata.managedFields`:
 *
 *   {"f:metadata":{"f:labels":{"f:app":{}}},
 *    "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{}}}}}
 *
 * A path is a list of path elements, each kept in its serialized form:
 * `f:<field>` (a field of a map), `k:<json>` (the element of an associative list with these key
 * fields), `v:<json>` (the element of a set-like list with this value), `i:<n>` (an index). A path is a
 * *member* of the set when it is itself owned; its node may also have children. In FieldsV1 a member
 * with children carries the marker `".": {}`.
 */

/** A serialized path element. */
export type PathElement = string;
export type Path = readonly PathElement[];

export class FieldSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSetError';
  }
}

// ---- path elements ------------------------------------------------------------------------------

/** JSON with object keys sorted, the canonical form of `k:` and `v:` elements. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const keyElement = (key: Record<string, unknown>): PathElement => `k:${canonicalJson(key)}`;
export const valueElement = (value: unknown): PathElement => `v:${canonicalJson(value)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;

/** Re-serializes an element read from FieldsV1 into canonical form; throws on a malformed one. */
export function parseElement(s: string): PathElement {
  const kind = s.slice(0, 2);
  const body = s.slice(2);
  switch (kind) {
    case 'f:':
      return s;
    case 'k:':
    case 'v:': {
      let v: unknown;
      try {
        v = JSON.parse(body);
      } catch {
        throw new FieldSetError(`invalid path element ${JSON.stringify(s)}`);
      }
      if (kind === 'k:' && (v === null || typeof v !== 'object' || Array.isArray(v))) throw new FieldSetError(`invalid key element ${JSON.stringify(s)}`);
      return kind === 'k:' ? keyElement(v as Record<string, unknown>) : valueElement(v);
    }
    case 'i:':
      if (!/^-?\d+$/.test(body)) throw new FieldSetError(`invalid index element ${JSON.stringify(s)}`);
      return indexElement(Number(body));
    default:
      throw new FieldSetError(`unknown path element type in ${JSON.stringify(s)}`);
  }
}

const KIND_RANK: Record<string, number> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };

function typeRank(v: unknown): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : canonicalJson(a);
  const sb = typeof b === 'string' ? b : canonicalJson(b as unknown);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** structured-merge-diff's element order: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ka = a.slice(0, 2);
  const kb = b.slice(0, 2);
  if (ka !== kb) return (KIND_RANK[ka] ?? 9) - (KIND_RANK[kb] ?? 9);
  const ba = a.slice(2);
  const bb = b.slice(2);
  if (ka === 'f:') return ba < bb ? -1 : ba > bb ? 1 : 0;
  if (ka === 'i:') return Number(ba) - Number(bb);
  if (ka === 'v:') return compareValues(JSON.parse(ba), JSON.parse(bb));
  const oa = JSON.parse(ba) as Record<string, unknown>;
  const ob = JSON.parse(bb) as Record<string, unknown>;
  const fa = Object.keys(oa);
  const fb = Object.keys(ob);
  for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
    if (fa[i] !== fb[i]) return fa[i] < fb[i] ? -1 : 1;
    const c = compareValues(oa[fa[i]], ob[fb[i]]);
    if (c !== 0) return c;
  }
  return fa.length - fb.length;
}

/** Go's `%v`/`%q` rendering of a value inside a path string (`[name="nginx"]`, `[containerPort=80]`). */
function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(renderValue).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${k}=${renderValue(o[k])}`).join(',')}}`;
  }
  return String(v);
}

/** A path as kube prints it in conflicts: `.spec.template.spec.containers[name="nginx"].image`. */
export function pathToString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const o = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.keys(o).map((k) => `${k}=${renderValue(o[k])}`).join(',')}]`;
        }
        case 'v:':
          return `[=${renderValue(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

// ---- sets ----------------------------------------------------------------------------------------

interface Node {
  member: boolean;
  children: Map<PathElement, Node>;
}

const newNode = (): Node => ({ member: false, children: new Map() });

function copyNode(n: Node): Node {
  const out = newNode();
  out.member = n.member;
  for (const [pe, c] of n.children) out.children.set(pe, copyNode(c));
  return out;
}

const isEmptyNode = (n: Node) => !n.member && n.children.size === 0;

/**
 * A set of paths. Operations return new sets; `insert` is the only mutation, for building.
 */
export class FieldSet {
  private readonly root: Node;

  private constructor(root: Node) {
    this.root = root;
  }

  static empty(): FieldSet {
    return new FieldSet(newNode());
  }

  static of(...paths: Path[]): FieldSet {
    const s = FieldSet.empty();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Reads a FieldsV1 document. Throws `FieldSetError` on anything that is not one. */
  static fromFieldsV1(doc: unknown): FieldSet {
    const read = (obj: unknown, node: Node) => {
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new FieldSetError('FieldsV1 must be a JSON object of objects');
      for (const [key, child] of Object.entries(obj as Record<string, unknown>)) {
        if (key === '.') {
          node.member = true;
          continue;
        }
        const pe = parseElement(key);
        const c = node.children.get(pe) ?? newNode();
        node.children.set(pe, c);
        if (child === null || typeof child !== 'object' || Array.isArray(child)) throw new FieldSetError('FieldsV1 must be a JSON object of objects');
        if (Object.keys(child).length === 0) c.member = true;
        else read(child, c);
      }
    };
    const root = newNode();
    read(doc, root);
    root.member = false;
    return new FieldSet(prune(root) ?? newNode());
  }

  /** The FieldsV1 encoding: elements sorted, `".": {}` for members that also have children. */
  toFieldsV1(): Record<string, unknown> {
    const write = (node: Node): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const pe of [...node.children.keys()].sort(compareElements)) {
        const c = node.children.get(pe)!;
        if (c.children.size === 0) {
          out[pe] = {};
          continue;
        }
        const inner: Record<string, unknown> = c.member ? { '.': {} } : {};
        Object.assign(inner, write(c));
        out[pe] = inner;
      }
      return out;
    };
    return write(this.root);
  }

  insert(path: Path): this {
    if (path.length === 0) return this;
    let n = this.root;
    for (const pe of path) {
      let c = n.children.get(pe);
      if (!c) n.children.set(pe, (c = newNode()));
      n = c;
    }
    n.member = true;
    return this;
  }

  has(path: Path): boolean {
    const n = this.nodeAt(path);
    return !!n && n.member;
  }

  /** The subset under `prefix`, re-rooted (what is owned inside that field or element). */
  withPrefix(prefix: Path): FieldSet {
    const n = this.nodeAt(prefix);
    const out = n ? copyNode(n) : newNode();
    out.member = false;
    return new FieldSet(out);
  }

  /** True when some path starts with `prefix` (the prefix itself included). */
  hasPrefix(prefix: Path): boolean {
    const n = this.nodeAt(prefix);
    return !!n && !isEmptyNode(n);
  }

  private nodeAt(path: Path): Node | undefined {
    let n: Node | undefined = this.root;
    for (const pe of path) {
      n = n.children.get(pe);
      if (!n) return undefined;
    }
    return n;
  }

  isEmpty(): boolean {
    return this.root.children.size === 0;
  }

  union(other: FieldSet): FieldSet {
    const merge = (a: Node, b: Node): Node => {
      const out = copyNode(a);
      out.member = a.member || b.member;
      for (const [pe, bc] of b.children) {
        const ac = out.children.get(pe);
        out.children.set(pe, ac ? merge(ac, bc) : copyNode(bc));
      }
      return out;
    };
    return new FieldSet(merge(this.root, other.root));
  }

  /** Paths of this set that are not members of `other` (children of a removed member stay). */
  difference(other: FieldSet): FieldSet {
    const diff = (a: Node, b: Node | undefined): Node | undefined => {
      const out = newNode();
      out.member = a.member && !b?.member;
      for (const [pe, ac] of a.children) {
        const c = diff(ac, b?.children.get(pe));
        if (c) out.children.set(pe, c);
      }
      return isEmptyNode(out) ? undefined : out;
    };
    return new FieldSet(diff(this.root, other.root) ?? newNode());
  }

  intersection(other: FieldSet): FieldSet {
    const inter = (a: Node, b: Node): Node | undefined => {
      const out = newNode();
      out.member = a.member && b.member;
      for (const [pe, ac] of a.children) {
        const bc = b.children.get(pe);
        if (!bc) continue;
        const c = inter(ac, bc);
        if (c) out.children.set(pe, c);
      }
      return isEmptyNode(out) ? undefined : out;
    };
    return new FieldSet(inter(this.root, other.root) ?? newNode());
  }

  /** This set without anything at or below the members of `other` (a "subtree" difference). */
  recursiveDifference(other: FieldSet): FieldSet {
    const diff = (a: Node, b: Node | undefined): Node | undefined => {
      if (!b) return copyNode(a);
      const out = newNode();
      out.member = a.member && !b.member;
      for (const [pe, ac] of a.children) {
        const bc = b.children.get(pe);
        if (bc?.member) continue;
        const c = diff(ac, bc);
        if (c) out.children.set(pe, c);
      }
      return isEmptyNode(out) ? undefined : out;
    };
    return new FieldSet(diff(this.root, other.root) ?? newNode());
  }

  /** Only what is at or below the members of `other`. */
  recursiveIntersection(other: FieldSet): FieldSet {
    const inter = (a: Node, b: Node): Node | undefined => {
      if (b.member) return copyNode(a);
      const out = newNode();
      for (const [pe, ac] of a.children) {
        const bc = b.children.get(pe);
        if (!bc) continue;
        const c = inter(ac, bc);
        if (c) out.children.set(pe, c);
      }
      return isEmptyNode(out) ? undefined : out;
    };
    const r = inter(this.root, other.root);
    if (r) r.member = false;
    return new FieldSet(r ?? newNode());
  }

  /**
   * Makes every field (`f:`) that has owned children a member itself, so that removing the set
   * also removes such fields once nothing else keeps them (structured-merge-diff's
   * `EnsureNamedFieldsAreMembers`; list elements are not named fields).
   */
  ensureNamedFieldsAreMembers(): FieldSet {
    const walk = (n: Node): Node => {
      const out = newNode();
      out.member = n.member;
      for (const [pe, c] of n.children) {
        const wc = walk(c);
        if (pe.startsWith('f:') && c.children.size > 0) wc.member = true;
        out.children.set(pe, wc);
      }
      return out;
    };
    const root = walk(this.root);
    root.member = false;
    return new FieldSet(root);
  }

  /** Member paths in structured-merge-diff's iteration order (a node's members, then its children). */
  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    const walk = (n: Node, prefix: PathElement[]) => {
      const keys = [...n.children.keys()].sort(compareElements);
      for (const pe of keys) if (n.children.get(pe)!.member) out.push([...prefix, pe]);
      for (const pe of keys) {
        const c = n.children.get(pe)!;
        if (c.children.size) walk(c, [...prefix, pe]);
      }
    };
    walk(this.root, []);
    return out;
  }

  equals(other: FieldSet): boolean {
    const eq = (a: Node, b: Node): boolean => {
      if (a.member !== b.member || a.children.size !== b.children.size) return false;
      for (const [pe, ac] of a.children) {
        const bc = b.children.get(pe);
        if (!bc || !eq(ac, bc)) return false;
      }
      return true;
    };
    return eq(this.root, other.root);
  }

  toString(): string {
    return this.paths().map(pathToString).join('\n');
  }
}

function prune(n: Node): Node | undefined {
  for (const [pe, c] of [...n.children]) {
    const p = prune(c);
    if (p) n.children.set(pe, p);
    else n.children.delete(pe);
  }
  return isEmptyNode(n) ? undefined : n;
}
