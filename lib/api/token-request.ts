/**
 * `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token`: a TokenRequest answered with a
 * signed token (`kubectl create token`), as kube-apiserver's TokenREST answers it: the lifetime
 * defaults to an hour and may not be under ten minutes, the audiences default to the API's, and a
 * token may be bound to a Pod (running as that ServiceAccount), a Secret or a Node, whose uid it
 * then carries. Nothing is written.
 */
import { BadRequestError, ConflictError, InvalidError, type StatusCause } from '../core/errors.ts';
import type { KubeObject } from '../core/object.ts';
import { rfc3339 } from './meta.ts';
import {
  BOUND_KINDS,
  DEFAULT_TOKEN_SECONDS,
  MAX_TOKEN_SECONDS,
  MIN_TOKEN_SECONDS,
  issueToken,
  type BoundKind,
  type TokenSigner,
} from './service-account-tokens.ts';

/** How a server issues tokens: its key, its issuer, and the audiences a token gets by default. */
export interface TokenIssuing {
  signer: TokenSigner;
  issuer: string;
  audiences: string[];
}

interface BoundObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
}

interface TokenRequestBody {
  metadata?: { name?: string; namespace?: string };
  spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: BoundObjectReference };
}

const REF = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest' };

/**
 * The spec a request asks for, defaulted and checked as kube checks it: the request's own name and
 * namespace, if given, must be the ServiceAccount's; the lifetime must be in bounds; a bound object
 * must be named and be a Pod, Secret or Node of the core group (any version).
 */
export function tokenRequestSpec(body: TokenRequestBody, issuing: Pick<TokenIssuing, 'audiences'>, serviceAccount: { name: string; namespace: string }) {
  const spec = body.spec ?? {};
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  const causes: StatusCause[] = [];
  for (const field of ['name', 'namespace'] as const) {
    const given = body.metadata?.[field];
    if (given && given !== serviceAccount[field]) {
      causes.push({ reason: 'FieldValueInvalid', field: `metadata.${field}`, message: `Invalid value: "${given}": must match the service account ${field} if specified` });
    }
  }
  if (expirationSeconds < MIN_TOKEN_SECONDS) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` });
  } else if (expirationSeconds > MAX_TOKEN_SECONDS) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` });
  }
  const ref = spec.boundObjectRef;
  if (ref && !ref.name) causes.push({ reason: 'FieldValueRequired', field: 'spec.boundObjectRef.name', message: 'Required value' });
  // kube names no object in these errors.
  if (causes.length) throw new InvalidError({ ...REF, name: '' }, causes);
  const audiences = spec.audiences?.length ? spec.audiences : [...issuing.audiences];
  if (!ref) return { audiences, expirationSeconds };
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = BOUND_KINDS.find((k) => k === ref.kind);
  if (!kind || group !== '') {
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    throw new BadRequestError(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
  }
  return { audiences, expirationSeconds, boundObjectRef: ref, bound: { kind, name: ref.name! } };
}

export interface TokenRequestContext {
  issuing: TokenIssuing;
  serviceAccount: KubeObject;
  now: Date;
  /** The bound object (throws NotFound when there is none). */
  getBound(kind: BoundKind, name: string): Promise<KubeObject>;
}

/** The answer (201) to a TokenRequest `body` for `ctx.serviceAccount`. */
export async function answerTokenRequest(body: TokenRequestBody, ctx: TokenRequestContext): Promise<KubeObject> {
  const sa = ctx.serviceAccount;
  const namespace = sa.metadata.namespace ?? '';
  const name = sa.metadata.name ?? '';
  const { bound: wanted, ...spec } = tokenRequestSpec(body, ctx.issuing, { name, namespace });
  let bound: { kind: BoundKind; name: string; uid: string } | undefined;
  if (wanted) {
    const obj = await ctx.getBound(wanted.kind, wanted.name);
    const uid = obj.metadata.uid ?? '';
    if (wanted.kind === 'Pod' && ((obj.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default') !== name) {
      throw new BadRequestError(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
    }
    const askedUid = spec.boundObjectRef?.uid;
    if (askedUid && askedUid !== uid) {
      throw new ConflictError(
        { group: '', resource: wanted.kind, name: wanted.name },
        `the UID in the bound object reference (${askedUid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    bound = { kind: wanted.kind, name: wanted.name, uid };
  }
  const { token, expirationTimestamp } = await issueToken(ctx.issuing.signer, {
    issuer: ctx.issuing.issuer,
    audiences: spec.audiences,
    expirationSeconds: spec.expirationSeconds,
    now: ctx.now,
    serviceAccount: { namespace, name, uid: sa.metadata.uid ?? '' },
    ...(bound ? { bound } : {}),
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: rfc3339(ctx.now) },
    spec,
    status: { token, expirationTimestamp: rfc3339(expirationTimestamp) },
  };
}
