/**
 * Where ServiceAccount tokens are signed: with a P-256 key file (the local runtime keeps one in its
 * data dir) or with an asymmetric KMS key (AWS: the private key never leaves KMS; the public half
 * is read once per cold start and checks tokens in-process).
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { TokenSigner } from './service-account-tokens.ts';

/** kube's key id: base64url of the SHA-256 of the public key in DER (SubjectPublicKeyInfo). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

function requireP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${what} must be an ECDSA P-256 key (ES256)`);
  }
}

/** Signs with a private key held in memory (PEM, PKCS#8 or SEC1). */
export function keyTokenSigner(privateKeyPem: string): TokenSigner {
  const privateKey = createPrivateKey(privateKeyPem);
  requireP256(privateKey, 'the ServiceAccount signing key');
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    async sign(input) {
      return sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    },
  };
}

/**
 * An ECDSA signature from DER (`SEQUENCE { INTEGER r, INTEGER s }`, what KMS returns) to JWS's
 * fixed-width r ‖ s of `size` bytes each.
 */
export function derToJoseSignature(der: Uint8Array, size = 32): Uint8Array {
  const fail = () => new Error('not a DER-encoded ECDSA signature');
  let at = 0;
  const byte = () => {
    if (at >= der.length) throw fail();
    return der[at++];
  };
  const length = () => {
    const first = byte();
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 2) throw fail();
    let len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | byte();
    return len;
  };
  if (byte() !== 0x30) throw fail();
  if (length() !== der.length - at) throw fail();
  const out = new Uint8Array(size * 2);
  for (const offset of [0, size]) {
    if (byte() !== 0x02) throw fail();
    const len = length();
    if (len === 0 || at + len > der.length) throw fail();
    let int = der.subarray(at, at + len);
    at += len;
    while (int.length > 1 && int[0] === 0) int = int.subarray(1);
    if (int.length > size) throw fail();
    out.set(int, offset + size - int.length);
  }
  if (at !== der.length) throw fail();
  return out;
}

/**
 * Signs with an asymmetric KMS key (key spec ECC_NIST_P256, usage SIGN_VERIFY): one `kms:Sign` per
 * token (KMS hashes the message: at most `MAX_SIGNING_INPUT` bytes); `kms:GetPublicKey` once, here.
 */
export async function kmsTokenSigner(client: KMSClient, keyId: string): Promise<TokenSigner> {
  const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!out.PublicKey) throw new Error(`KMS key ${keyId} returned no public key`);
  const publicKey = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
  requireP256(publicKey, `KMS key ${keyId}`);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    async sign(input) {
      const r = await client.send(new SignCommand({ KeyId: keyId, Message: input, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
      if (!r.Signature) throw new Error(`KMS key ${keyId} returned no signature`);
      return derToJoseSignature(r.Signature);
    },
  };
}
