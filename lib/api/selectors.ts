/**
 * Label and field selectors, parsed and matched the way kube-apiserver does: the same grammar,
 * the same semantics (`!=` and `notin` match objects without the key) and the same error messages,
 * so that kubectl users see what a real cluster would tell them.
 *
 * Pure: no I/O, no clock. Errors are BadRequestError (400), as kube answers a bad `?labelSelector=`.
 */
import { BadRequestError } from '../core/errors.ts';
import type { ResourceType } from '../core/resources.ts';
import type { Selectable, SelectablePredicate } from '../store/types.ts';

// ---------------------------------------------------------------------------------------------
// Validation of label keys and values (kube's IsQualifiedName / IsValidLabelValue messages)
// ---------------------------------------------------------------------------------------------

const NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const NAME_RE = new RegExp(`^${NAME_FMT}$`);
const VALUE_FMT = `(${NAME_FMT})?`;
const VALUE_RE = new RegExp(`^${VALUE_FMT}$`);
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

function regexError(msg: string, re: string, ...examples: string[]): string {
  // kube's wording, double space included: "(e.g. 'MyName',  or 'my.name', regex used ...)".
  const eg = examples.map((e, i) => `${i > 0 ? ' or ' : ''}'${e}', `).join('');
  return `${msg} (e.g. ${eg}regex used for validation is '${re}')`;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function dnsSubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 253) errs.push('must be no more than 253 bytes');
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

const NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Why `key` is not a valid label key (a qualified name: optional DNS subdomain prefix and `/`); empty when valid. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  const errs: string[] = [];
  if (parts.length > 2) {
    return [`a valid label key ${regexError(NAME_MSG, NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dnsSubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (bytes(name) > 63) errs.push('name part must be no more than 63 bytes');
  if (!NAME_RE.test(name)) errs.push(`name part ${regexError(NAME_MSG, NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** Why `value` is not a valid label value (empty is valid); empty when valid. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push('must be no more than 63 bytes');
  if (!VALUE_RE.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** Go's `%q` is close enough to JSON for the strings selectors carry. */
const quote = (s: string) => JSON.stringify(s);

/** field.Invalid(...).Error(): `<path>: Invalid value: <value>: <detail>`; a nil path prints as `<nil>`. */
function invalid(path: string, value: unknown, detail: string): string {
  const shown = typeof value === 'string' ? quote(value) : JSON.stringify(value ?? null);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.Aggregate: one message alone, several in brackets. */
function aggregate(msgs: string[]): string {
  const unique = [...new Set(msgs)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

/** kube's selection.Operator spellings. `gt` / `lt` are part of the string grammar too (`a>1`). */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and unique; empty for `exists` / `!`. */
  values: string[];
}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** Builds one requirement with kube's NewRequirement checks; returns the error text instead of throwing. */
function newRequirement(key: string, operator: LabelOperator, values: string[] | undefined, keyChecked = false): LabelRequirement | string {
  const errs: string[] = [];
  if (!keyChecked) {
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) errs.push(invalid('key', key, keyErrs.join('; ')));
  }
  const vals = values ?? [];
  // Go hands NewRequirement a nil slice for no values, which prints as null.
  const shown = vals.length ? vals : null;
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(invalid('values', shown, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalid('values', shown, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(invalid('values', vals, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(invalid('values', shown, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  vals.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length) errs.push(invalid(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  if (errs.length) return aggregate(errs);
  return { key, operator, values: [...new Set(vals)].sort() };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, in range. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

type Tok = 'id' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'eos';
interface Token {
  tok: Tok;
  lit: string;
}

const SYMBOLS = new Set<string>(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const isSpecial = (c: string) => '=!(),<>'.includes(c);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Splits a label selector into tokens. Operators are matched greedily (`!=` before `!`). */
function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (true) {
    while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(s[i])) {
      // Every single special character is itself a token, so this always yields one.
      let sym = s[i++];
      while (i < s.length && isSpecial(s[i]) && SYMBOLS.has(sym + s[i])) sym += s[i++];
      out.push({ tok: sym as Tok, lit: sym });
      continue;
    }
    let j = i;
    while (j < s.length && !isSpecial(s[j]) && !isSpace(s[j])) j++;
    const word = s.slice(i, j);
    i = j;
    out.push({ tok: word === 'in' || word === 'notin' ? word : 'id', lit: word });
  }
}

/**
 * A recursive-descent parser over the tokens. As in kube, `in` / `notin` are keywords only where an
 * operator is expected; anywhere else (keys, values) they are plain identifiers.
 */
class LabelParser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(asValue = true): Token {
    const t = this.toks[this.pos];
    return asValue && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id', lit: t.lit } : t;
  }

  private next(asValue = true): Token {
    const t = this.peek(asValue);
    this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    while (true) {
      const t = this.peek();
      if (t.tok === 'eos') return reqs;
      if (t.tok !== 'id' && t.tok !== '!') throw bad(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.requirement());
      const sep = this.next();
      if (sep.tok === 'eos') return reqs;
      if (sep.tok !== ',') throw bad(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.tok !== 'id' && after.tok !== '!') throw bad(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    const fail = (msg: string) => bad(`unable to parse requirement: ${msg}`);
    let t = this.next();
    const negated = t.tok === '!';
    if (negated) t = this.next();
    if (t.tok !== 'id') throw fail(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) throw fail(invalid('<nil>', key, keyErrs.join('; ')));

    const following = this.peek().tok;
    let operator: LabelOperator;
    let values: string[];
    if (negated || following === 'eos' || following === ',') {
      // `!key` is always unary; kube reports whatever follows it at the top level.
      operator = negated ? '!' : 'exists';
      values = [];
    } else {
      const op = this.next(false);
      switch (op.tok) {
        case 'in': operator = 'in'; break;
        case 'notin': operator = 'notin'; break;
        case '=': operator = '='; break;
        case '==': operator = '=='; break;
        case '!=': operator = '!='; break;
        case '>': operator = 'gt'; break;
        case '<': operator = 'lt'; break;
        default: throw fail(`found '${op.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
      }
      const got = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
      if (typeof got === 'string') throw fail(got);
      // kube validates the parsed set in sorted order, which decides the index its errors name.
      values = [...new Set(got)].sort();
    }
    const req = newRequirement(key, operator, values, true);
    if (typeof req === 'string') throw fail(req);
    return req;
  }

  /** `( a, b, , c )`: empty members are the empty value; `()` is the set {""}. */
  private valueSet(): string[] | string {
    const open = this.next();
    if (open.tok !== '(') return `found '${open.lit}' expected: '('`;
    const first = this.peek();
    if (first.tok === ')') {
      this.next();
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',') return `found '${first.lit}', expected: ',', ')' or identifier`;
    const vals = new Set<string>();
    while (true) {
      const t = this.next();
      if (t.tok === 'id') {
        vals.add(t.lit);
        const after = this.peek();
        if (after.tok === ',') continue;
        if (after.tok === ')') break;
        return `found '${after.lit}', expected: ',' or ')'`;
      }
      if (t.tok === ',') {
        if (vals.size === 0) vals.add('');
        const after = this.peek().tok;
        if (after === ')' || after === ',') vals.add('');
        if (after === ')') break;
        continue;
      }
      return `found '${t.lit}', expected: ',', or identifier`;
    }
    const close = this.next();
    if (close.tok !== ')') return `found '${first.lit}', expected: ')'`;
    return [...vals];
  }

  /** The one value after `=`, `==`, `!=`, `>`, `<`; nothing before `,` or the end means "". */
  private exactValue(): string[] | string {
    const t = this.peek();
    if (t.tok === 'eos' || t.tok === ',') return [''];
    this.next();
    if (t.tok === 'id') return [t.lit];
    return `found '${t.lit}', expected: identifier`;
  }
}

function bad(message: string): BadRequestError {
  return new BadRequestError(message);
}

const byKey = (a: LabelRequirement, b: LabelRequirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Parses `?labelSelector=`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`,
 * `a<1`, comma-separated. The result is sorted by key; an empty string selects everything (`[]`).
 */
export function parseLabelSelector(s: string): LabelRequirement[] {
  return new LabelParser(lex(s)).parse().sort(byKey);
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const got = parseInt64(value!);
      const want = parseInt64(r.values[0]);
      if (got === undefined || want === undefined) return false;
      return r.operator === 'gt' ? got > want : got < want;
    }
  }
}

/** True when every requirement holds (so `[]` matches everything). */
export function matchesLabels(reqs: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const ls = labels ?? {};
  return reqs.every((r) => requirementMatches(r, ls));
}

function requirementToString(r: LabelRequirement): string {
  const vals = r.values.join(',');
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case 'in': return `${r.key} in (${vals})`;
    case 'notin': return `${r.key} notin (${vals})`;
    case 'gt': return `${r.key}>${vals}`;
    case 'lt': return `${r.key}<${vals}`;
    default: return `${r.key}${r.operator}${vals}`;
  }
}

// ---------------------------------------------------------------------------------------------
// LabelSelector objects (spec.selector of Deployments, ReplicaSets, ...)
// ---------------------------------------------------------------------------------------------

export interface LabelSelectorRequirementSpec {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A metav1.LabelSelector as it appears in object specs. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementSpec[];
}

const SPEC_OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * kube's LabelSelectorAsSelector. A missing selector selects nothing (controllers must not adopt
 * every pod because a selector was left out); an empty one (`{}`) selects everything.
 * Throws BadRequestError for an invalid selector (unknown operator, `In` without values, bad key).
 */
export function labelSelectorFromSpec(sel: LabelSelectorSpec | null | undefined): LabelRequirement[] | 'everything' | 'nothing' {
  if (sel === null || sel === undefined) return 'nothing';
  const labels = Object.entries(sel.matchLabels ?? {});
  const exprs = sel.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return 'everything';
  const reqs: LabelRequirement[] = [];
  const add = (r: LabelRequirement | string) => {
    if (typeof r === 'string') throw bad(r);
    reqs.push(r);
  };
  for (const [k, v] of labels) add(newRequirement(k, '=', [v]));
  for (const e of exprs) {
    const op = SPEC_OPERATORS[e.operator];
    if (!op) throw bad(`${quote(String(e.operator))} is not a valid label selector operator`);
    add(newRequirement(e.key, op, e.values === undefined ? undefined : [...e.values]));
  }
  return reqs.sort(byKey);
}

/**
 * The string form kube prints (`app=nginx,tier in (web)`): used by Scale.status.selector and the
 * SELECTOR column. Accepts parsed requirements or a spec selector; nothing and everything are both ''.
 */
export function labelSelectorToString(sel: readonly LabelRequirement[] | LabelSelectorSpec | 'everything' | 'nothing' | null | undefined): string {
  const reqs = Array.isArray(sel) ? sel : typeof sel === 'string' ? [] : labelSelectorFromSpec(sel as LabelSelectorSpec | null | undefined);
  return typeof reqs === 'string' ? '' : reqs.map(requirementToString).join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorToString, but `<none>` when empty and `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelectorSpec | null | undefined): string {
  try {
    return labelSelectorToString(sel) || '<none>';
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** Whether `labels` satisfy a spec selector; a missing or invalid selector matches nothing. */
export function matchesLabelSelectorSpec(sel: LabelSelectorSpec | null | undefined, labels: Record<string, string> | undefined): boolean {
  let reqs: ReturnType<typeof labelSelectorFromSpec>;
  try {
    reqs = labelSelectorFromSpec(sel);
  } catch {
    return false;
  }
  if (reqs === 'nothing') return false;
  if (reqs === 'everything') return true;
  return matchesLabels(reqs, labels);
}

// ---------------------------------------------------------------------------------------------
// Field selectors
// ---------------------------------------------------------------------------------------------

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  /** Unescaped. */
  value: string;
}

/** Splits on commas not escaped by a backslash; the escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const FIELD_OPERATORS = ['!=', '==', '='] as const;

/** The first operator occurrence splits the term: keys cannot be escaped, values can. */
function splitTerm(term: string): { lhs: string; op: FieldRequirement['operator']; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of FIELD_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw bad(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its code point.
      throw bad(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw bad('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Core kinds whose field labels kube converts with its own function, and so its own message. */
const CONVERTED_CORE_KINDS = new Set(['Pod', 'Node', 'Namespace', 'Secret', 'Event', 'Service', 'ReplicationController']);
/** Cluster-scoped kinds whose conversion does not accept metadata.namespace at all. */
const NO_NAMESPACE_FIELD = new Set(['Node', 'Namespace']);

/** kube-apiserver's ConvertFieldLabel for `type`: the canonical field name, or a 400. */
function convertFieldLabel(type: ResourceType, field: string): string {
  const core = type.group === '';
  if (core && type.kind === 'Pod' && field === 'spec.host') return 'spec.nodeName'; // pre-1.0 clients
  const supported =
    field === 'metadata.name' ||
    (field === 'metadata.namespace' && !(core && NO_NAMESPACE_FIELD.has(type.kind))) ||
    Object.prototype.hasOwnProperty.call(type.fieldSelectors, field);
  if (supported) return field;
  if ((core && CONVERTED_CORE_KINDS.has(type.kind)) || Object.keys(type.fieldSelectors).length > 0) {
    throw bad(`field label not supported: ${field}`);
  }
  throw bad(`${quote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/**
 * Parses `?fieldSelector=` for `type`: `f=v`, `f==v`, `f!=v`, comma-separated, values escaped with
 * `\,` `\=` `\\`. Fields are `metadata.name`, `metadata.namespace` and `type.fieldSelectors`.
 * Like kube, terms are sorted, empty terms ignored and whitespace is not trimmed.
 */
export function parseFieldSelector(s: string, type: ResourceType): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw bad(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push({ field: parts.lhs, operator: parts.op, value: unescapeValue(parts.rhs) });
  }
  // kube parses the whole selector before it converts field names, so syntax errors win.
  return reqs.map((r) => ({ ...r, field: convertFieldLabel(type, r.field) }));
}

/** True when every requirement holds; a field the object lacks reads as ''. */
export function matchesFields(reqs: readonly FieldRequirement[], fields: Record<string, string>): boolean {
  return reqs.every((r) => {
    const got = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
    return r.operator === '!=' ? got !== r.value : got === r.value;
  });
}

/** The value `field` must equal, when a requirement pins it (`=` / `==`); the first one wins, as in kube. */
function exactField(reqs: readonly FieldRequirement[], field: string): string | undefined {
  return reqs.find((r) => r.field === field && r.operator !== '!=')?.value;
}

export interface SelectorQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface SelectorPlan {
  /** Both selectors as one test over Selectable; undefined when there is nothing to test. */
  predicate: SelectablePredicate | undefined;
  /** `spec.nodeName=X` on pods: the store can read its by-node index instead of scanning. */
  nodeName?: string;
  /** `metadata.name=X` (kubectl's delete/wait): a single get can replace the list. */
  name?: string;
}

/** Parses a list/watch request's selectors into one predicate plus the hints the store can index on. */
export function selectorPredicate(query: SelectorQuery, type: ResourceType): SelectorPlan {
  const labels = parseLabelSelector(query.labelSelector ?? '');
  const fields = parseFieldSelector(query.fieldSelector ?? '', type);
  const plan: SelectorPlan = {
    predicate:
      labels.length + fields.length === 0
        ? undefined
        : (s: Selectable) => matchesLabels(labels, s.labels) && matchesFields(fields, s.fields),
  };
  const nodeName = type.kind === 'Pod' && type.group === '' ? exactField(fields, 'spec.nodeName') : undefined;
  if (nodeName !== undefined) plan.nodeName = nodeName;
  const name = exactField(fields, 'metadata.name');
  if (name !== undefined) plan.name = name;
  return plan;
}
