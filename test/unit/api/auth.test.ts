import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminEntry, tokenAuthenticator } from '../../../lib/api/auth.ts';
import { UnauthorizedError } from '../../../lib/core/errors.ts';

describe('token authentication', () => {
  const auth = tokenAuthenticator([adminEntry('s3cret'), { token: 'agent', user: 'system:node:n1', groups: ['system:nodes'] }]);

  it('maps a token to its user and groups', () => {
    assert.deepEqual(auth.authenticate({ authorization: 'Bearer s3cret' }), { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.equal(auth.authenticate({ authorization: 'bearer agent' }).user, 'system:node:n1');
  });

  for (const [name, headers] of [
    ['no header', {}],
    ['wrong token', { authorization: 'Bearer nope' }],
    ['a prefix of the token', { authorization: 'Bearer s3cre' }],
    ['basic auth', { authorization: 'Basic czNjcmV0' }],
    ['empty bearer', { authorization: 'Bearer ' }],
  ] as const) {
    it(`refuses ${name} with 401`, () => {
      assert.throws(() => auth.authenticate(headers as Record<string, string>), (e: unknown) => e instanceof UnauthorizedError && e.code === 401);
    });
  }
});
