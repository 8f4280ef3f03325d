import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameContent, sameJson } from '../../../lib/store/codec.ts';
import { canonicalJson } from '../../../lib/store/hash.ts';

describe('sameJson', () => {
  const cases: [string, unknown, unknown][] = [
    ['key order', { a: 1, b: { c: [1, 'x'] } }, { b: { c: [1, 'x'] }, a: 1 }],
    ['undefined properties are absent', { a: 1, b: undefined }, { a: 1 }],
    ['undefined in arrays is null', [undefined, 1], [null, 1]],
    ['different value', { a: 1 }, { a: 2 }],
    ['missing property', { a: 1, b: 2 }, { a: 1 }],
    ['extra property', { a: 1 }, { a: 1, b: null }],
    ['array vs object', { a: [] }, { a: {} }],
    ['array length', [1, 2], [1, 2, 3]],
    ['null vs object', { a: null }, { a: {} }],
    ['string vs number', { a: '1' }, { a: 1 }],
    ['nested difference', { a: { b: { c: [1, { d: true }] } } }, { a: { b: { c: [1, { d: false }] } } }],
  ];
  for (const [name, a, b] of cases) {
    it(`agrees with canonical JSON: ${name}`, () => {
      const expected = canonicalJson(a) === canonicalJson(b);
      assert.equal(sameJson(a, b), expected);
      assert.equal(sameJson(b, a), expected);
    });
  }
});

describe('sameContent', () => {
  it('ignores the resourceVersion and nothing else', () => {
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', resourceVersion: '5' }, data: { k: 'v' } };
    assert.equal(sameContent(a, { ...a, metadata: { name: 'x', resourceVersion: '9' } }), true);
    assert.equal(sameContent(a, { ...a, data: { k: 'w' } }), false);
    assert.equal(sameContent(a, { ...a, metadata: { name: 'x', resourceVersion: '5', labels: { l: '1' } } }), false);
  });
});
