/**
 * `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token`: a TokenRequest answered with a
 * signed token (`kubectl create token`), as kube-apiserver's TokenREST answers it: the lifetime
 * defaults to an hour and may not be under ten minutes, the audiences default to the API's, and a
 * token may be bound to a Pod (running as that ServiceAccount), a Secret or a Node, whose uid it
 * then carries. Nothing is written.
 */
import { BadRequestError, ConflictError, InvalidError, type StatusCause } from '../core/errors.ts';
import type { KubeObject } from '../core/object.ts';
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
  metadata?: { namespace?: string };
  spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: BoundObjectReference };
}

const REF = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest' };

/** The spec a request asks for, defaulted and checked (kube's validation of TokenRequestSpec). */
export function tokenRequestSpec(body: TokenRequestBody, issuing: Pick<TokenIssuing, 'audiences'>, name: string) {
  const spec = body.spec ?? {};
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  const causes: StatusCause[] = [];
  if (expirationSeconds < MIN_TOKEN_SECONDS) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` });
  } else if (expirationSeconds > MAX_TOKEN_SECONDS) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` });
  }
  const audiences = spec.audiences?.length ? spec.audiences : [...issuing.audiences];
  audiences.forEach((a, i) => {
    if (!a) causes.push({ reason: 'FieldValueRequired', field: `spec.audiences[${i}]`, message: 'Required value: an audience may not be empty' });
  });
  const ref = spec.boundObjectRef;
  if (ref && !ref.name) causes.push({ reason: 'FieldValueRequired', field: 'spec.boundObjectRef.name', message: 'Required value' });
  if (causes.length) throw new InvalidError({ ...REF, name }, causes);
  if (ref) {
    const kind = BOUND_KINDS.find((k) => k === ref.kind);
    if (!kind || (ref.apiVersion ?? 'v1') !== 'v1') {
      throw new BadRequestError(`cannot bind token to object of type ${ref.apiVersion ?? ''}, Kind=${ref.kind ?? ''}: supported kinds are v1 Pod, Secret and Node`);
    }
    return { audiences, expirationSeconds, boundObjectRef: { kind, apiVersion: 'v1', name: ref.name!, ...(ref.uid ? { uid: ref.uid } : {}) } };
  }
  return { audiences, expirationSeconds };
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
  if (body.metadata?.namespace && body.metadata.namespace !== namespace) {
    throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
  }
  const spec = tokenRequestSpec(body, ctx.issuing, name);
  let bound: { kind: BoundKind; name: string; uid: string } | undefined;
  if (spec.boundObjectRef) {
    const ref = spec.boundObjectRef;
    const obj = await ctx.getBound(ref.kind, ref.name);
    const uid = obj.metadata.uid ?? '';
    if (ref.uid && ref.uid !== uid) {
      throw new ConflictError(
        { group: '', resource: ref.kind, name: ref.name },
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    if (ref.kind === 'Pod' && ((obj.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default') !== name) {
      throw new BadRequestError(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
    }
    bound = { kind: ref.kind, name: ref.name, uid };
  }
  const { token, expirationTimestamp } = await issueToken(ctx.issuing.signer, {
    issuer: ctx.issuing.issuer,
    audiences: spec.audiences,
    expirationSeconds: spec.expirationSeconds,
    now: ctx.now,
    serviceAccount: { namespace, name, uid: sa.metadata.uid ?? '' },
    ...(bound ? { bound } : {}),
  });
  const seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: seconds(ctx.now) },
    spec: { ...spec, ...(bound && spec.boundObjectRef ? { boundObjectRef: { ...spec.boundObjectRef, uid: bound.uid } } : {}) },
    status: { token, expirationTimestamp: seconds(expirationTimestamp) },
  };
}
