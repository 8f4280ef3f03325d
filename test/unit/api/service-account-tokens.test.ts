import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { authenticateServiceAccount, issueToken, tokenClaims, verifyToken, type IssueRequest } from '../../../lib/api/service-account-tokens.ts';
import { answerTokenRequest, tokenRequestSpec } from '../../../lib/api/token-request.ts';
import { derToJoseSignature, keyIdOf, keyTokenSigner, kmsTokenSigner } from '../../../lib/api/token-signers.ts';
import { BadRequestError, ConflictError, InvalidError, UnauthorizedError } from '../../../lib/core/errors.ts';

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pem = (k: ReturnType<typeof newKey>) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const now = new Date('2026-03-01T12:00:00.250Z');
const sa = { namespace: 'team', name: 'robot', uid: 'sa-uid' };
const request = (over: Partial<IssueRequest> = {}): IssueRequest => ({ issuer: ISSUER, audiences: [ISSUER], expirationSeconds: 3600, now, serviceAccount: sa, ...over });
const verifyOpts = (publicKey = signer.publicKey, at = now) => ({ publicKey, issuer: ISSUER, audiences: [ISSUER], now: at });
const signer = keyTokenSigner(pem(newKey()));
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString()) as Record<string, unknown>;

describe('ServiceAccount tokens', () => {
  it("carry kube's claims: subject, audiences, lifetime, and the ServiceAccount and bound object by name and uid", () => {
    const c = tokenClaims(request({ bound: { kind: 'Pod', name: 'p', uid: 'pod-uid' } }), 'jti-1');
    assert.deepEqual(c, {
      iss: ISSUER,
      sub: 'system:serviceaccount:team:robot',
      aud: [ISSUER],
      exp: 1772366400 + 3600,
      iat: 1772366400,
      nbf: 1772366400,
      jti: 'jti-1',
      'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'robot', uid: 'sa-uid' }, pod: { name: 'p', uid: 'pod-uid' } },
    });
  });

  it('are ES256 JWTs whose kid is the SHA-256 of the public key, and verify to what they name', async () => {
    const { token, expirationTimestamp } = await issueToken(signer, request({ bound: { kind: 'Secret', name: 's', uid: 'sec-uid' } }));
    assert.deepEqual(part(token, 0), { alg: 'ES256', kid: keyIdOf(signer.publicKey) });
    assert.match(signer.keyId, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(expirationTimestamp.toISOString(), '2026-03-01T13:00:00.000Z');
    assert.deepEqual(await verifyToken(token, verifyOpts()), { serviceAccount: sa, bound: { kind: 'Secret', name: 's', uid: 'sec-uid' }, audiences: [ISSUER] });
  });

  it('refuse an expired token, one for another audience or issuer, one signed by another key, and a tampered one', async () => {
    const { token } = await issueToken(signer, request({ expirationSeconds: 600 }));
    // kube's leeway: a minute either side of the token's lifetime.
    assert.ok(await verifyToken(token, verifyOpts(signer.publicKey, new Date(now.getTime() + 659_000))));
    assert.equal(await verifyToken(token, verifyOpts(signer.publicKey, new Date(now.getTime() + 661_000))), undefined, 'expired');
    assert.ok(await verifyToken(token, verifyOpts(signer.publicKey, new Date(now.getTime() - 59_000))), 'issued by a clock a little ahead');
    assert.equal(await verifyToken(token, verifyOpts(signer.publicKey, new Date(now.getTime() - 61_000))), undefined, 'not yet valid');
    assert.equal(await verifyToken(token, { ...verifyOpts(), audiences: ['https://other'] }), undefined, 'audience');
    assert.equal(await verifyToken(token, { ...verifyOpts(), issuer: 'https://other' }), undefined, 'issuer');
    assert.equal(await verifyToken(token, verifyOpts(createPublicKey(newKey()))), undefined, 'another key');
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...part(token, 1), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    assert.equal(await verifyToken(`${h}.${forged}.${s}`, verifyOpts()), undefined, 'tampered');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    assert.equal(await verifyToken(none, verifyOpts()), undefined, 'alg none');
  });

  it('authenticate only while the ServiceAccount and the bound object exist with the uids they name, and have not been deleting for over a minute', async () => {
    const live = new Map<string, { uid: string; deletionTimestamp?: string }>([
      ['ServiceAccount team/robot', { uid: 'sa-uid' }],
      ['Pod team/p', { uid: 'pod-uid' }],
      ['Node -/n1', { uid: 'node-uid' }],
    ]);
    const lookup = async (kind: string, namespace: string | undefined, name: string) => live.get(`${kind} ${namespace ?? '-'}/${name}`);
    const forPod = (await issueToken(signer, request({ bound: { kind: 'Pod', name: 'p', uid: 'pod-uid' } }))).token;
    const forNode = (await issueToken(signer, request({ bound: { kind: 'Node', name: 'n1', uid: 'node-uid' } }))).token;
    assert.equal((await authenticateServiceAccount(forPod, { ...verifyOpts(), lookup })).actor.user, 'system:serviceaccount:team:robot');
    assert.equal((await authenticateServiceAccount(forNode, { ...verifyOpts(), lookup })).actor.uid, 'sa-uid');
    live.set('Pod team/p', { uid: 'pod-uid', deletionTimestamp: new Date(now.getTime() - 59_000).toISOString() });
    assert.ok(await authenticateServiceAccount(forPod, { ...verifyOpts(), lookup }), 'deleting for under a minute');
    live.set('Pod team/p', { uid: 'pod-uid', deletionTimestamp: new Date(now.getTime() - 61_000).toISOString() });
    await assert.rejects(authenticateServiceAccount(forPod, { ...verifyOpts(), lookup }), UnauthorizedError);
    live.set('Pod team/p', { uid: 'a-new-pod' });
    await assert.rejects(authenticateServiceAccount(forPod, { ...verifyOpts(), lookup }), UnauthorizedError);
    live.delete('ServiceAccount team/robot');
    await assert.rejects(authenticateServiceAccount(forNode, { ...verifyOpts(), lookup }), UnauthorizedError);
  });
});

describe('token signers', () => {
  it('turn DER ECDSA signatures into the JWS form, leading zeros and all', () => {
    const key = newKey();
    for (let i = 0; i < 300; i++) {
      const data = randomBytes(20);
      const jose = derToJoseSignature(sign('sha256', data, { key, dsaEncoding: 'der' }));
      assert.equal(jose.length, 64);
      assert.ok(verify('sha256', data, { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, jose));
    }
    for (const bad of [Buffer.from(''), Buffer.from('3000', 'hex'), Buffer.from('300602010102', 'hex'), Buffer.from('3006020101020101ff', 'hex')]) {
      assert.throws(() => derToJoseSignature(bad), /not a DER-encoded ECDSA signature/);
    }
  });

  it('refuse a key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    assert.throws(() => keyTokenSigner(rsa), /ECDSA P-256/);
  });

  it('sign through KMS: the public key read once, one Sign per token', async () => {
    // KMS itself cannot run here: the client answers as KMS documents (SPKI DER public key, DER signature).
    const key = newKey();
    const calls: string[] = [];
    const client = {
      async send(cmd: unknown) {
        if (cmd instanceof GetPublicKeyCommand) {
          calls.push('GetPublicKey');
          return { PublicKey: new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' })) };
        }
        if (cmd instanceof SignCommand) {
          const input = cmd.input;
          calls.push(`Sign ${input.MessageType} ${input.SigningAlgorithm}`);
          return { Signature: new Uint8Array(sign('sha256', Buffer.from(input.Message!), { key, dsaEncoding: 'der' })) };
        }
        throw new Error('unexpected command');
      },
    } as unknown as KMSClient;
    const kms = await kmsTokenSigner(client, 'arn:aws:kms:eu-west-1:1:key/k');
    const { token } = await issueToken(kms, request());
    await issueToken(kms, request());
    assert.deepEqual(calls, ['GetPublicKey', 'Sign RAW ECDSA_SHA_256', 'Sign RAW ECDSA_SHA_256']);
    assert.deepEqual(await verifyToken(token, verifyOpts(kms.publicKey)), { serviceAccount: sa, audiences: [ISSUER] });
  });
});

describe('TokenRequest', () => {
  const issuing = { signer, issuer: ISSUER, audiences: [ISSUER] };
  const serviceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'team', name: 'robot', uid: 'sa-uid' } };
  const pod = (name: string, uid: string, serviceAccountName?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, uid }, spec: serviceAccountName ? { serviceAccountName } : {} });
  const pods = new Map([['p', pod('p', 'pod-uid', 'robot')], ['other', pod('other', 'o-uid')]]);
  const ctx = {
    issuing,
    serviceAccount,
    now,
    getBound: async (_kind: string, name: string) => {
      const p = pods.get(name);
      if (!p) throw new Error(`no ${name}`);
      return p;
    },
  };

  it('defaults to an hour and the API audiences, and answers with the token and its expiry', async () => {
    const answer = await answerTokenRequest({}, ctx);
    assert.deepEqual(answer.spec, { audiences: [ISSUER], expirationSeconds: 3600 });
    assert.deepEqual(answer.metadata, { name: 'robot', namespace: 'team', creationTimestamp: '2026-03-01T12:00:00Z' });
    const status = answer.status as { token: string; expirationTimestamp: string };
    assert.equal(status.expirationTimestamp, '2026-03-01T13:00:00Z');
    assert.deepEqual(await verifyToken(status.token, verifyOpts()), { serviceAccount: sa, audiences: [ISSUER] });
  });

  it("binds to a pod running as the ServiceAccount: the token carries the pod's uid, the answer echoes the reference as sent", async () => {
    const answer = await answerTokenRequest({ spec: { audiences: ['vault'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p' } } }, ctx);
    assert.deepEqual((answer.spec as { boundObjectRef: unknown }).boundObjectRef, { kind: 'Pod', apiVersion: 'v1', name: 'p' });
    const token = (answer.status as { token: string }).token;
    assert.deepEqual(await verifyToken(token, { ...verifyOpts(), audiences: ['vault', 'other'] }), { serviceAccount: sa, bound: { kind: 'Pod', name: 'p', uid: 'pod-uid' }, audiences: ['vault'] });
  });

  it("answers kube's errors: another name or namespace (422), lifetimes out of bounds (422), unbindable kinds (400), a pod of another ServiceAccount (400), another pod's uid (409); claims too large to sign (400)", async () => {
    const invalid = (field: string, message: RegExp) => (e: unknown) =>
      e instanceof InvalidError && e.code === 422 && e.toStatus().details?.causes?.some((c: { field?: string; message?: string }) => c.field === field && message.test(c.message ?? '')) === true;
    assert.throws(() => tokenRequestSpec({ spec: { expirationSeconds: 599 } }, issuing, { name: 'robot', namespace: 'team' }), invalid('spec.expirationSeconds', /less than 10 minutes/));
    assert.throws(() => tokenRequestSpec({ spec: { expirationSeconds: 2 ** 32 + 1 } }, issuing, { name: 'robot', namespace: 'team' }), invalid('spec.expirationSeconds', /larger than 2\^32/));
    assert.throws(() => tokenRequestSpec({ spec: { boundObjectRef: { kind: 'Pod' } } }, issuing, { name: 'robot', namespace: 'team' }), invalid('spec.boundObjectRef.name', /Required/));
    assert.throws(() => tokenRequestSpec({ spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'c' } } }, issuing, { name: 'robot', namespace: 'team' }), (e: unknown) => e instanceof BadRequestError && e.message === 'cannot bind token to object of type /v1, Kind=ConfigMap');
    assert.throws(() => tokenRequestSpec({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'apps/v1', name: 'c' } } }, issuing, { name: 'robot', namespace: 'team' }), (e: unknown) => e instanceof BadRequestError && e.message === 'cannot bind token to object of type apps/v1, Kind=Pod');
    assert.equal(tokenRequestSpec({ spec: { boundObjectRef: { kind: 'Secret', name: 's' } } }, issuing, { name: 'robot', namespace: 'team' }).bound?.kind, 'Secret', 'no apiVersion: the core group');
    assert.throws(() => tokenRequestSpec({ metadata: { name: 'someone-else' } }, issuing, { name: 'robot', namespace: 'team' }), invalid('metadata.name', /must match the service account name if specified/));
    await assert.rejects(answerTokenRequest({ spec: { boundObjectRef: { kind: 'Pod', name: 'p', uid: 'stale' } } }, ctx), (e: unknown) => e instanceof ConflictError && /does not match the UID in record/.test(e.message));
    await assert.rejects(answerTokenRequest({ spec: { boundObjectRef: { kind: 'Pod', name: 'other' } } }, ctx), (e: unknown) => e instanceof BadRequestError && /different serviceaccount name/.test(e.message));
    await assert.rejects(answerTokenRequest({ metadata: { namespace: 'elsewhere' } }, ctx), invalid('metadata.namespace', /Invalid value: "elsewhere": must match the service account namespace if specified/));
    await assert.rejects(answerTokenRequest({ spec: { boundObjectRef: { kind: 'Pod', name: 'other', uid: 'stale' } } }, ctx), BadRequestError, 'the pod is checked before the uid');
    const many = Array.from({ length: 80 }, (_, i) => `https://audience-${i}.example.com/with/a/long/path`);
    await assert.rejects(answerTokenRequest({ spec: { audiences: many } }, ctx), (e: unknown) => e instanceof BadRequestError && /too large to sign/.test(e.message));
  });
});
