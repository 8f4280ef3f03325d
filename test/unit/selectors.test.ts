import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BadRequestError } from '../../lib/core/errors.ts';
import type { ResourceType } from '../../lib/core/resources.ts';
import { findByKind } from '../../lib/core/resources.ts';
import type { LabelRequirement, LabelSelectorSpec } from '../../lib/api/selectors.ts';
import {
  formatLabelSelector,
  formatLabels,
  labelKeyErrors,
  labelSelectorFromSpec,
  labelSelectorToString,
  labelValueErrors,
  matchesFields,
  matchesLabelSelectorSpec,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorPredicate,
} from '../../lib/api/selectors.ts';

function typeOf(apiVersion: string, kind: string): ResourceType {
  const t = findByKind(apiVersion, kind);
  if (!t) throw new Error(`no type ${apiVersion} ${kind}`);
  return t;
}

const pods = typeOf('v1', 'Pod');
const nodes = typeOf('v1', 'Node');
const namespaces = typeOf('v1', 'Namespace');
const services = typeOf('v1', 'Service');
const events = typeOf('v1', 'Event');
const configMaps = typeOf('v1', 'ConfigMap');
const deployments = typeOf('apps/v1', 'Deployment');

const req = (key: string, operator: LabelRequirement['operator'], ...values: string[]): LabelRequirement => ({ key, operator, values });

/** Asserts a 400 whose message is exactly `message`. */
function throws400(fn: () => unknown, message: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BadRequestError, `expected BadRequestError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.message, message);
    return true;
  });
}

const NAME_PART_ERR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: valid forms', () => {
  const cases: [string, LabelRequirement[]][] = [
    ['', []],
    ['   ', []],
    ['app=web', [req('app', '=', 'web')]],
    ['app==web', [req('app', '==', 'web')]],
    ['app!=web', [req('app', '!=', 'web')]],
    ['app', [req('app', 'exists')]],
    ['!app', [req('app', '!')]],
    ['app in (a,b)', [req('app', 'in', 'a', 'b')]],
    ['app notin (b, a)', [req('app', 'notin', 'a', 'b')]],
    ['  app  in  ( a , b )  ', [req('app', 'in', 'a', 'b')]],
    ['app in (a,a)', [req('app', 'in', 'a')]],
    ['app in ()', [req('app', 'in', '')]],
    ['app in (,a)', [req('app', 'in', '', 'a')]],
    ['app in (a,)', [req('app', 'in', '', 'a')]],
    ['app in (a,,b)', [req('app', 'in', '', 'a', 'b')]],
    ['app=', [req('app', '=', '')]],
    ['app=,tier', [req('app', '=', ''), req('tier', 'exists')]],
    ['tier=web,app=x', [req('app', '=', 'x'), req('tier', '=', 'web')]],
    ['a,!b,c=d', [req('a', 'exists'), req('b', '!'), req('c', '=', 'd')]],
    ['example.com/app=web', [req('example.com/app', '=', 'web')]],
    ['app.kubernetes.io/name in (nginx)', [req('app.kubernetes.io/name', 'in', 'nginx')]],
    ['in in (in, notin)', [req('in', 'in', 'in', 'notin')]],
    ['app=in', [req('app', '=', 'in')]],
    ['n>5', [req('n', 'gt', '5')]],
    ['n < 3', [req('n', 'lt', '3')]],
    ['a\t=\tb', [req('a', '=', 'b')]],
    [`k=${'v'.repeat(63)}`, [req('k', '=', 'v'.repeat(63))]],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseLabelSelector(input), want));
  }
});

describe('parseLabelSelector: malformed forms are 400s with kube messages', () => {
  const cases: [string, string][] = [
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b,,c', "found ',', expected: identifier after ','"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    // A negative number is no label value, so gt/lt cannot compare with one.
    ['n<-3', `unable to parse requirement: values[0][n]: Invalid value: "-3": ${VALUE_ERR}`],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a!', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_PART_ERR}`],
    ['a/b/c', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    ['Example.com/a', `unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`],
    ['x.io/', `unable to parse requirement: <nil>: Invalid value: "x.io/": name part must be non-empty; ${NAME_PART_ERR}`],
    [`${'k'.repeat(64)}`, `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_ERR}`],
    [`a=${'v'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`],
    ['a in (x,-y)', `unable to parse requirement: values[0][a]: Invalid value: "-y": ${VALUE_ERR}`],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => throws400(() => parseLabelSelector(input), message));
  }
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', n: '10' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['app=web', labels, true],
    ['app==web', labels, true],
    ['app=db', labels, false],
    ['missing=x', labels, false],
    ['app!=db', labels, true],
    ['app!=web', labels, false],
    ['missing!=x', labels, true], // != matches objects without the key
    ['app in (db,web)', labels, true],
    ['app in (db)', labels, false],
    ['missing in (x)', labels, false],
    ['app notin (db)', labels, true],
    ['app notin (web)', labels, false],
    ['missing notin (x)', labels, true], // notin matches objects without the key
    ['app', labels, true],
    ['missing', labels, false],
    ['!missing', labels, true],
    ['!app', labels, false],
    ['n>5', labels, true],
    ['n>10', labels, false],
    ['n<11', labels, true],
    ['app>1', labels, false], // not an integer
    ['missing<1', labels, false],
    ['app=web,tier=front', labels, true],
    ['app=web,tier=back', labels, false],
    ['missing in ()', labels, false],
    ['missing in ()', { missing: '' }, true],
  ];
  for (const [selector, ls, want] of cases) {
    it(`${JSON.stringify(selector)} on ${JSON.stringify(ls)} → ${want}`, () => assert.equal(matchesLabels(parseLabelSelector(selector), ls), want));
  }
});

describe('label key and value validation', () => {
  it('accepts qualified names and label values', () => {
    assert.deepEqual(labelKeyErrors('app'), []);
    assert.deepEqual(labelKeyErrors('k8s.io/app_Name-1.x'), []);
    assert.deepEqual(labelValueErrors(''), []);
    assert.deepEqual(labelValueErrors('A.b_c-1'), []);
  });
  it('rejects bad ones', () => {
    assert.equal(labelKeyErrors('').length, 2); // non-empty, and the regex
    assert.equal(labelValueErrors('a b').length, 1);
    assert.equal(labelValueErrors('é').length, 1);
  });
});

describe('parseFieldSelector', () => {
  const ok: [string, ResourceType, ReturnType<typeof parseFieldSelector>][] = [
    ['', pods, []],
    ['metadata.name=web', pods, [{ field: 'metadata.name', operator: '=', value: 'web' }]],
    ['metadata.name==web', pods, [{ field: 'metadata.name', operator: '==', value: 'web' }]],
    ['metadata.namespace!=default', services, [{ field: 'metadata.namespace', operator: '!=', value: 'default' }]],
    ['spec.nodeName=n1,status.phase=Running', pods, [{ field: 'spec.nodeName', operator: '=', value: 'n1' }, { field: 'status.phase', operator: '=', value: 'Running' }]],
    // kube sorts the terms before anything else.
    ['status.phase=Running,spec.nodeName=n1', pods, [{ field: 'spec.nodeName', operator: '=', value: 'n1' }, { field: 'status.phase', operator: '=', value: 'Running' }]],
    ['metadata.name=a,,', pods, [{ field: 'metadata.name', operator: '=', value: 'a' }]],
    ['metadata.name=', pods, [{ field: 'metadata.name', operator: '=', value: '' }]],
    ['metadata.name=a\\,b', pods, [{ field: 'metadata.name', operator: '=', value: 'a,b' }]],
    ['metadata.name=a\\=b', pods, [{ field: 'metadata.name', operator: '=', value: 'a=b' }]],
    ['metadata.name=a\\\\b', pods, [{ field: 'metadata.name', operator: '=', value: 'a\\b' }]],
    // Pre-1.0 clients said spec.host.
    ['spec.host=n1', pods, [{ field: 'spec.nodeName', operator: '=', value: 'n1' }]],
    ['involvedObject.name=web,involvedObject.namespace=default', events, [{ field: 'involvedObject.name', operator: '=', value: 'web' }, { field: 'involvedObject.namespace', operator: '=', value: 'default' }]],
    ['spec.unschedulable=true', nodes, [{ field: 'spec.unschedulable', operator: '=', value: 'true' }]],
    ['metadata.namespace=x', configMaps, [{ field: 'metadata.namespace', operator: '=', value: 'x' }]],
  ];
  for (const [input, type, want] of ok) {
    it(`${JSON.stringify(input)} (${type.kind})`, () => assert.deepEqual(parseFieldSelector(input, type), want));
  }

  const bad: [string, ResourceType, string][] = [
    ['metadata.name', pods, "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['b=1,a', pods, "invalid selector: 'b=1,a'; can't understand 'a'"],
    ['metadata.name=a\\b', pods, 'invalid field selector: invalid escape sequence: \\b'],
    ['metadata.name=a\\', pods, 'invalid field selector: invalid escape sequence: \\'],
    ['metadata.name=a=b', pods, 'invalid field selector: unescaped character in value: 61'],
    // The first operator found is `!=`; the `=` left in the value should have been escaped.
    ['metadata.name!==x', pods, 'invalid field selector: unescaped character in value: 61'],
    // Kinds with their own field label conversion.
    ['spec.foo=x', pods, 'field label not supported: spec.foo'],
    ['spec.foo=x', nodes, 'field label not supported: spec.foo'],
    ['metadata.namespace=x', nodes, 'field label not supported: metadata.namespace'],
    ['metadata.namespace=x', namespaces, 'field label not supported: metadata.namespace'],
    ['spec.ports=80', services, 'field label not supported: spec.ports'],
    ['count=1', events, 'field label not supported: count'],
    // Everything else uses the default conversion.
    ['spec.foo=x', configMaps, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['spec.replicas=1', deployments, '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    // Whitespace is not trimmed, as in kube.
    ['metadata.name = x', configMaps, '"metadata.name " is not a known field selector: only "metadata.name", "metadata.namespace"'],
    // Syntax errors win over unknown fields.
    ['spec.foo=x,zzz', configMaps, "invalid selector: 'spec.foo=x,zzz'; can't understand 'zzz'"],
  ];
  for (const [input, type, message] of bad) {
    it(`${JSON.stringify(input)} (${type.kind}) → 400`, () => throws400(() => parseFieldSelector(input, type), message));
  }
});

describe('matchesFields', () => {
  const fields = { 'metadata.name': 'web', 'metadata.namespace': 'default', 'status.phase': 'Running' };
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name!=web', false],
    ['spec.nodeName=', true], // a field the object lacks reads as ''
    ['spec.nodeName!=', false],
    ['metadata.name=web,status.phase=Running', true],
    ['metadata.name=web,status.phase!=Running', false],
  ];
  for (const [selector, want] of cases) {
    it(`${JSON.stringify(selector)} → ${want}`, () => assert.equal(matchesFields(parseFieldSelector(selector, pods), fields), want));
  }
});

describe('selectorPredicate', () => {
  const selectable = (labels: Record<string, string>, fields: Record<string, string>) => ({ labels, fields });

  it('is undefined without selectors', () => {
    assert.deepEqual(selectorPredicate({}, pods), { predicate: undefined });
    assert.deepEqual(selectorPredicate({ labelSelector: '', fieldSelector: '' }, pods), { predicate: undefined });
  });

  it('combines both selectors', () => {
    const { predicate } = selectorPredicate({ labelSelector: 'app=web', fieldSelector: 'status.phase=Running' }, pods);
    assert.ok(predicate);
    assert.equal(predicate(selectable({ app: 'web' }, { 'status.phase': 'Running' })), true);
    assert.equal(predicate(selectable({ app: 'db' }, { 'status.phase': 'Running' })), false);
    assert.equal(predicate(selectable({ app: 'web' }, { 'status.phase': 'Pending' })), false);
  });

  const hints: [string, ResourceType, { nodeName?: string; name?: string }][] = [
    ['spec.nodeName=n1', pods, { nodeName: 'n1' }],
    ['spec.nodeName==n1,status.phase!=Failed', pods, { nodeName: 'n1' }],
    ['spec.host=n1', pods, { nodeName: 'n1' }],
    ['spec.nodeName!=n1', pods, {}],
    ['spec.nodeName=', pods, { nodeName: '' }], // unscheduled pods
    ['metadata.name=web', pods, { name: 'web' }],
    ['metadata.name=web,spec.nodeName=n1', pods, { nodeName: 'n1', name: 'web' }],
    ['metadata.name!=web', pods, {}],
    ['metadata.name=web', deployments, { name: 'web' }],
  ];
  for (const [fieldSelector, type, want] of hints) {
    it(`hints for ${JSON.stringify(fieldSelector)} (${type.kind})`, () => {
      const { predicate, ...rest } = selectorPredicate({ fieldSelector }, type);
      assert.ok(predicate);
      assert.deepEqual(rest, want);
    });
  }

  it('propagates parse errors as 400s', () => {
    throws400(() => selectorPredicate({ labelSelector: 'a in b' }, pods), "unable to parse requirement: found 'b' expected: '('");
    throws400(() => selectorPredicate({ fieldSelector: 'spec.foo=x' }, pods), 'field label not supported: spec.foo');
  });
});

describe('spec label selectors', () => {
  const cases: [string, LabelSelectorSpec | null | undefined, ReturnType<typeof labelSelectorFromSpec>, string, string][] = [
    ['missing', undefined, 'nothing', '', '<none>'],
    ['null', null, 'nothing', '', '<none>'],
    ['empty', {}, 'everything', '', '<none>'],
    ['empty parts', { matchLabels: {}, matchExpressions: [] }, 'everything', '', '<none>'],
    ['matchLabels', { matchLabels: { tier: 'web', app: 'nginx' } }, [req('app', '=', 'nginx'), req('tier', '=', 'web')], 'app=nginx,tier=web', 'app=nginx,tier=web'],
    [
      'both',
      { matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] },
      [req('app', '=', 'nginx'), req('tier', 'in', 'web')],
      'app=nginx,tier in (web)',
      'app=nginx,tier in (web)',
    ],
    [
      'all operators',
      {
        matchExpressions: [
          { key: 'd', operator: 'DoesNotExist' },
          { key: 'c', operator: 'Exists' },
          { key: 'b', operator: 'NotIn', values: ['y', 'x'] },
          { key: 'a', operator: 'In', values: ['2', '1'] },
        ],
      },
      [req('a', 'in', '1', '2'), req('b', 'notin', 'x', 'y'), req('c', 'exists'), req('d', '!')],
      'a in (1,2),b notin (x,y),c,!d',
      'a in (1,2),b notin (x,y),c,!d',
    ],
  ];
  for (const [name, sel, reqs, str, formatted] of cases) {
    it(name, () => {
      assert.deepEqual(labelSelectorFromSpec(sel), reqs);
      assert.equal(labelSelectorToString(sel), str);
      assert.equal(formatLabelSelector(sel), formatted);
    });
  }

  it('round-trips through the string grammar', () => {
    const sel: LabelSelectorSpec = { matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db', 'cache'] }, { key: 'canary', operator: 'DoesNotExist' }] };
    const reqs = labelSelectorFromSpec(sel);
    assert.ok(Array.isArray(reqs));
    assert.deepEqual(parseLabelSelector(labelSelectorToString(sel)), reqs);
    assert.equal(labelSelectorToString(reqs), labelSelectorToString(sel));
  });

  const invalid: [string, LabelSelectorSpec, string][] = [
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    ['In with []', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'],
    ['bad operator', { matchExpressions: [{ key: 'a', operator: 'Gt' as never, values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    ['bad key', { matchLabels: { '-a': 'x' } }, `key: Invalid value: "-a": ${NAME_PART_ERR}`],
    ['bad value', { matchLabels: { a: '-x' } }, `values[0][a]: Invalid value: "-x": ${VALUE_ERR}`],
  ];
  for (const [name, sel, message] of invalid) {
    it(`rejects ${name}`, () => {
      throws400(() => labelSelectorFromSpec(sel), message);
      assert.equal(formatLabelSelector(sel), '<error>');
      assert.equal(matchesLabelSelectorSpec(sel, { a: 'x' }), false);
    });
  }

  const matching: [string, LabelSelectorSpec | null | undefined, Record<string, string> | undefined, boolean][] = [
    ['nil matches nothing', undefined, { app: 'web' }, false],
    ['empty matches everything', {}, { app: 'web' }, true],
    ['empty matches unlabelled', {}, undefined, true],
    ['matchLabels', { matchLabels: { app: 'web' } }, { app: 'web', extra: 'x' }, true],
    ['matchLabels miss', { matchLabels: { app: 'web' } }, { app: 'db' }, false],
    ['NotIn absent key', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, { app: 'web' }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: 'x' }, false],
  ];
  for (const [name, sel, labels, want] of matching) {
    it(name, () => assert.equal(matchesLabelSelectorSpec(sel, labels), want));
  }

  it('formats label maps', () => {
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels(undefined), '<none>');
  });
});

describe('properties', () => {
  const key = fc.constantFrom('app', 'tier', 'example.com/team', 'in', 'k8s.io/x-y_z.1');
  const value = fc.constantFrom('', 'web', 'db', 'A.b_c-1', 'in', 'notin', '12');
  const expression = fc.oneof(
    fc.record({ key, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
    fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
  );
  const spec: fc.Arbitrary<LabelSelectorSpec> = fc.record(
    { matchLabels: fc.dictionary(key, value, { maxKeys: 3 }), matchExpressions: fc.array(expression, { maxLength: 3 }) },
    { requiredKeys: [] },
  );
  const labels = fc.dictionary(key, value, { maxKeys: 4 });

  it('a spec selector printed and parsed back selects the same objects', () => {
    fc.assert(
      fc.property(spec, labels, (sel, ls) => {
        const printed = labelSelectorToString(sel);
        const reparsed = parseLabelSelector(printed);
        const reqs = labelSelectorFromSpec(sel);
        if (Array.isArray(reqs)) assert.deepEqual(reparsed, reqs);
        assert.equal(labelSelectorToString(reparsed), printed);
        assert.equal(matchesLabels(reparsed, ls), matchesLabelSelectorSpec(sel, ls));
      }),
    );
  });

  it('!= and notin are the complements of = and in', () => {
    fc.assert(
      fc.property(key, fc.array(value, { minLength: 1, maxLength: 3 }), labels, (k, vs, ls) => {
        const inReq = parseLabelSelector(`${k} in (${vs.join(',')})`);
        const notinReq = parseLabelSelector(`${k} notin (${vs.join(',')})`);
        assert.equal(matchesLabels(notinReq, ls), !matchesLabels(inReq, ls));
        const eq = parseLabelSelector(`${k}=${vs[0]}`);
        const ne = parseLabelSelector(`${k}!=${vs[0]}`);
        assert.equal(matchesLabels(ne, ls), !matchesLabels(eq, ls));
      }),
    );
  });
});
