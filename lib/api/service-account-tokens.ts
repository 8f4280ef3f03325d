/**
 * ServiceAccount tokens, as kube-apiserver issues and checks them: a TokenRequest
 * (`POST …/serviceaccounts/<name>/token`, `kubectl create token`) answers with a signed JWT that
 * names the ServiceAccount (and, if asked, a Pod, Secret or Node it is bound to); a request that
 * presents one is authenticated as `system:serviceaccount:<namespace>:<name>`.
 *
 * The claims are kube's (`pkg/serviceaccount/claims.go`): `iss`, `sub`, `aud`, `exp`, `iat`,
 * `nbf`, `jti`, and `kubernetes.io` with the namespace, the ServiceAccount's name and uid and the
 * bound object's. Tokens are ES256 (ECDSA P-256): the key never needs to be seen by whoever
 * verifies, and on AWS the private half never leaves KMS (`lib/api/token-signers.ts`).
 *
 * Nothing is stored: a token is valid while its signature, issuer, audience and lifetime are, and
 * while the ServiceAccount (and the bound object) it names still exist with the uids it names, so
 * deleting either revokes it, as in kube.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import { BadRequestError, UnauthorizedError } from '../core/errors.ts';
import type { Actor } from '../core/object.ts';

/** kube-apiserver's default `--service-account-issuer`, also the default API audience. */
export const DEFAULT_TOKEN_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The lifetime a TokenRequest gets when it names none (kube's default: one hour). */
export const DEFAULT_TOKEN_SECONDS = 3600;
/** kube's bounds on a requested lifetime: at least ten minutes, at most 2^32 seconds. */
export const MIN_TOKEN_SECONDS = 600;
export const MAX_TOKEN_SECONDS = 2 ** 32;

/** The most a token's header and claims may take (KMS signs messages of at most 4 KiB). */
export const MAX_SIGNING_INPUT = 4096;

/** Signs tokens. Its `publicKey` checks them. */
export interface TokenSigner {
  /** The `kid` of every token it signs: base64url(SHA-256(public key, DER)), as kube derives it. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** The ES256 signature of `input`: r ‖ s, 64 bytes (JWS's form, not DER). */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

export interface ServiceAccountRef {
  namespace: string;
  name: string;
  uid: string;
}

/** What a token may be bound to, as kube allows (`spec.boundObjectRef`). */
export const BOUND_KINDS = ['Pod', 'Secret', 'Node'] as const;
export type BoundKind = (typeof BOUND_KINDS)[number];

export interface BoundObject {
  kind: BoundKind;
  name: string;
  uid: string;
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
  };
}

export interface IssueRequest {
  issuer: string;
  audiences: string[];
  expirationSeconds: number;
  now: Date;
  serviceAccount: ServiceAccountRef;
  bound?: BoundObject;
}

const b64url = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

/** The claims of a token for `req` (pure: the caller's clock, a fresh `jti`). */
export function tokenClaims(req: IssueRequest, jti: string = randomUUID()): TokenClaims {
  const iat = Math.floor(req.now.getTime() / 1000);
  const { namespace, name, uid } = req.serviceAccount;
  const b = req.bound;
  return {
    iss: req.issuer,
    sub: serviceAccountUser(namespace, name),
    aud: [...req.audiences],
    exp: iat + req.expirationSeconds,
    iat,
    nbf: iat,
    jti,
    'kubernetes.io': {
      namespace,
      serviceaccount: { name, uid },
      ...(b ? { [b.kind.toLowerCase()]: { name: b.name, uid: b.uid } } : {}),
    },
  };
}

/** A signed token for `req` and when it expires. */
export async function issueToken(signer: TokenSigner, req: IssueRequest): Promise<{ token: string; expirationTimestamp: Date }> {
  const claims = tokenClaims(req);
  const input = `${b64url(JSON.stringify({ alg: 'ES256', kid: signer.keyId }))}.${b64url(JSON.stringify(claims))}`;
  if (input.length > MAX_SIGNING_INPUT) {
    throw new BadRequestError(`the requested token is too large to sign: ${input.length} bytes of header and claims, at most ${MAX_SIGNING_INPUT}; ask for fewer or shorter audiences`);
  }
  const signature = await signer.sign(Buffer.from(input));
  return { token: `${input}.${b64url(signature)}`, expirationTimestamp: new Date(claims.exp * 1000) };
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The user a ServiceAccount authenticates as: kube's name and groups. */
export function serviceAccountActor(sa: ServiceAccountRef): Actor {
  return {
    user: serviceAccountUser(sa.namespace, sa.name),
    uid: sa.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
  };
}

/** Whether a bearer token is shaped as a JWS (three base64url parts): only those are ours to check. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

export interface VerifyOptions {
  publicKey: KeyObject;
  issuer: string;
  /** The API's audiences: a token must name at least one. */
  audiences: string[];
  now: Date;
}

/**
 * The ServiceAccount (and bound object) a token names, if its signature, issuer, audience and
 * lifetime check out and its claims have kube's shape; undefined otherwise. Whether those objects
 * still exist is the caller's question (it needs the store).
 */
export async function verifyToken(token: string, opts: VerifyOptions): Promise<{ serviceAccount: ServiceAccountRef; bound?: BoundObject; audiences: string[] } | undefined> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, opts.publicKey, {
      algorithms: ['ES256'],
      issuer: opts.issuer,
      audience: opts.audiences,
      currentDate: opts.now,
      clockTolerance: CLOCK_LEEWAY_SECONDS,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch {
    return undefined;
  }
  const claims = payload as Partial<TokenClaims>;
  const k = claims['kubernetes.io'];
  const sa = k?.serviceaccount;
  if (!k || typeof k.namespace !== 'string' || !sa || typeof sa.name !== 'string' || typeof sa.uid !== 'string') return undefined;
  if (claims.sub !== serviceAccountUser(k.namespace, sa.name)) return undefined;
  const serviceAccount = { namespace: k.namespace, name: sa.name, uid: sa.uid };
  const aud = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const audiences = opts.audiences.filter((a) => aud.includes(a));
  const boundKinds = BOUND_KINDS.filter((kind) => k[kind.toLowerCase() as 'pod' | 'secret' | 'node'] !== undefined);
  if (boundKinds.length > 1) return undefined;
  if (boundKinds.length === 0) return { serviceAccount, audiences };
  const kind = boundKinds[0];
  const ref = k[kind.toLowerCase() as 'pod' | 'secret' | 'node'];
  if (!ref || typeof ref.name !== 'string' || typeof ref.uid !== 'string') return undefined;
  return { serviceAccount, bound: { kind, name: ref.name, uid: ref.uid }, audiences };
}

/** An object's uid and, if it is being deleted, since when; undefined when there is none (read consistently). */
export type UidLookup = (kind: 'ServiceAccount' | BoundKind, namespace: string | undefined, name: string) => Promise<{ uid?: string; deletionTimestamp?: string } | undefined>;

/** How long an object may have been deleting before the tokens that name it stop working (kube's 60 s). */
const DELETION_GRACE_MS = 60_000;
/** The clock skew tolerated on `exp` and `nbf` (kube's leeway: a minute). */
const CLOCK_LEEWAY_SECONDS = 60;

/**
 * Authenticates a ServiceAccount token: checks it (`verifyToken`), then that the ServiceAccount,
 * and the object it is bound to, exist with the uids it names (a deleted and recreated
 * ServiceAccount does not inherit its predecessor's tokens), and have not been deleting for more
 * than a minute (a pod stuck terminating does not keep its tokens). Any failure is 401, with no detail, as
 * kube answers. Returns the user and which of `opts.audiences` the token is meant for.
 */
export async function authenticateServiceAccount(token: string, opts: VerifyOptions & { lookup: UidLookup }): Promise<{ actor: Actor; audiences: string[] }> {
  const verified = await verifyToken(token, opts);
  if (!verified) throw new UnauthorizedError();
  const { serviceAccount: sa, bound, audiences } = verified;
  const stillThere = (found: Awaited<ReturnType<UidLookup>>, uid: string) =>
    found !== undefined && found.uid === uid && !(found.deletionTimestamp && Date.parse(found.deletionTimestamp) < opts.now.getTime() - DELETION_GRACE_MS);
  if (!stillThere(await opts.lookup('ServiceAccount', sa.namespace, sa.name), sa.uid)) throw new UnauthorizedError();
  if (bound && !stillThere(await opts.lookup(bound.kind, bound.kind === 'Node' ? undefined : sa.namespace, bound.name), bound.uid)) throw new UnauthorizedError();
  return { actor: serviceAccountActor(sa), audiences };
}

/**
 * kube's ServiceAccount issuer discovery (OIDC): the configuration at
 * `/.well-known/openid-configuration` and the key set at `/openid/v1/jwks`, so a service outside
 * the cluster (an identity provider federating with it, for one) can check tokens itself.
 * `serverUrl` is where this API is reached (`https://host[:port]`).
 */
export function openIdConfiguration(issuer: string, serverUrl: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${serverUrl}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  };
}

/** The public key set tokens are checked with (RFC 7517), one key per signer. */
export function jwks(signers: Pick<TokenSigner, 'keyId' | 'publicKey'>[]): { keys: Record<string, unknown>[] } {
  return { keys: signers.map((s) => ({ use: 'sig', ...s.publicKey.export({ format: 'jwk' }), kid: s.keyId, alg: 'ES256' })) };
}
