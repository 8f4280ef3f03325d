import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { adminEntry, tokenAuthenticator } from '../../../lib/api/auth.ts';
import { issueToken } from '../../../lib/api/service-account-tokens.ts';
import { keyTokenSigner } from '../../../lib/api/token-signers.ts';
import { UnauthorizedError } from '../../../lib/core/errors.ts';

const is401 = (e: unknown) => e instanceof UnauthorizedError && e.code === 401;

describe('token authentication', () => {
  const auth = tokenAuthenticator([adminEntry('s3cret'), { token: 'agent', user: 'system:node:n1', groups: ['system:nodes'] }]);

  it('maps a token to its user and groups', async () => {
    assert.deepEqual(await auth.authenticate({ authorization: 'Bearer s3cret' }), { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.equal((await auth.authenticate({ authorization: 'bearer agent' })).user, 'system:node:n1');
  });

  for (const [name, headers] of [
    ['no header', {}],
    ['wrong token', { authorization: 'Bearer nope' }],
    ['a prefix of the token', { authorization: 'Bearer s3cre' }],
    ['basic auth', { authorization: 'Basic czNjcmV0' }],
    ['empty bearer', { authorization: 'Bearer ' }],
  ] as const) {
    it(`refuses ${name} with 401`, async () => {
      await assert.rejects(async () => auth.authenticate(headers as Record<string, string>), is401);
    });
  }

  describe('with ServiceAccount tokens', () => {
    const signer = keyTokenSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const now = new Date('2026-01-01T00:00:00Z');
    const uids = new Map([['ServiceAccount ns/robot', 'sa-uid']]);
    const withTokens = tokenAuthenticator([adminEntry('s3cret')], {
      publicKey: signer.publicKey,
      issuer: 'https://issuer',
      audiences: ['https://issuer'],
      clock: () => now,
      lookup: async (kind, namespace, name) => {
        const uid = uids.get(`${kind} ${namespace}/${name}`);
        return uid === undefined ? undefined : { uid };
      },
    });
    const token = () =>
      issueToken(signer, { issuer: 'https://issuer', audiences: ['https://issuer'], expirationSeconds: 600, now, serviceAccount: { namespace: 'ns', name: 'robot', uid: 'sa-uid' } }).then((t) => t.token);

    it('authenticates a token as its ServiceAccount, and static tokens as before', async () => {
      assert.deepEqual(await withTokens.authenticate({ authorization: `Bearer ${await token()}` }), {
        user: 'system:serviceaccount:ns:robot',
        uid: 'sa-uid',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
      });
      assert.equal((await withTokens.authenticate({ authorization: 'Bearer s3cret' })).user, 'skiff-admin');
    });

    it('answers TokenReviews: a ServiceAccount token for the audiences it was issued for, the static ones for the API alone', async () => {
      const t = await token();
      assert.deepEqual(await withTokens.review(t, undefined), {
        actor: { user: 'system:serviceaccount:ns:robot', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] },
        audiences: ['https://issuer'],
      });
      assert.equal(await withTokens.review(t, ['vault']), undefined);
      assert.deepEqual((await withTokens.review('s3cret', undefined))?.audiences, ['https://issuer']);
      assert.equal(await withTokens.review('s3cret', ['vault']), undefined);
      assert.equal(await withTokens.review('nope', undefined), undefined);
    });

    it('refuses a token once its ServiceAccount is gone, and a JWT-shaped token that is not one', async () => {
      const t = await token();
      uids.set('ServiceAccount ns/robot', 'recreated');
      await assert.rejects(async () => withTokens.authenticate({ authorization: `Bearer ${t}` }), is401);
      await assert.rejects(async () => withTokens.authenticate({ authorization: 'Bearer a.b.c' }), is401);
    });
  });
});
