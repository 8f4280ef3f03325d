import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeObjectBody, decodePatchBody, MAX_BODY_BYTES, negotiate } from '../../../lib/api/codec.ts';
import { ApiError } from '../../../lib/core/errors.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 0;
};

describe('request bodies', () => {
  it('decodes JSON and YAML', () => {
    assert.deepEqual(decodeObjectBody('application/json', Buffer.from('{"a":1}')), { a: 1 });
    assert.deepEqual(decodeObjectBody('application/yaml', Buffer.from('a: 1\nb: [x]\n')), { a: 1, b: ['x'] });
    assert.deepEqual(decodeObjectBody('application/json; charset=utf-8', Buffer.from('{}')), {});
  });

  it('answers bad bodies with 400, 413 and 415', () => {
    assert.equal(code(() => decodeObjectBody('application/json', Buffer.from('{'))), 400);
    assert.equal(code(() => decodeObjectBody('application/yaml', Buffer.from('a: [b'))), 400);
    assert.equal(code(() => decodeObjectBody('application/yaml', Buffer.from('a: 1\na: 2\n'))), 400);
    assert.equal(code(() => decodeObjectBody('application/json', Buffer.alloc(0))), 400);
    assert.equal(code(() => decodeObjectBody('application/json', Buffer.alloc(MAX_BODY_BYTES + 1, 32))), 413);
    assert.equal(code(() => decodeObjectBody('text/plain', Buffer.from('x'))), 415);
    assert.equal(code(() => decodePatchBody('application/json', Buffer.from('{}'))), 415);
  });

  it('knows the four patch types', () => {
    assert.equal(decodePatchBody('application/merge-patch+json', Buffer.from('{}')).patchType, 'application/merge-patch+json');
    assert.deepEqual(decodePatchBody('application/apply-patch+yaml', Buffer.from('kind: X')).patch, { kind: 'X' });
    assert.deepEqual(decodePatchBody('application/json-patch+json', Buffer.from('[]')).patch, []);
  });
});

describe('content negotiation', () => {
  it('picks a Table for kubectl get', () => {
    assert.equal(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'), 'table');
  });
  it('picks metadata for metadata clients', () => {
    assert.equal(negotiate('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'), 'metadata');
  });
  it('falls back to objects', () => {
    assert.equal(negotiate('application/json'), 'object');
    assert.equal(negotiate(undefined), 'object');
    assert.equal(negotiate('application/vnd.kubernetes.protobuf, */*'), 'object');
    assert.equal(negotiate('application/json;as=Table;g=example.com;v=v1'), 'object');
  });
});
