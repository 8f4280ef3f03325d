/**
 * Bearer-token authentication, like kube-apiserver's: static tokens (its token file: each token
 * maps to a user and groups) and ServiceAccount tokens (signed JWTs, checked against the key that
 * signed them and the objects they name). The authenticated user is the actor of every log item
 * the request writes.
 */
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import { UnauthorizedError } from '../core/errors.ts';
import type { Actor, Clock } from '../core/object.ts';
import { findByResource } from '../core/resources.ts';
import type { ObjectStore } from '../store/types.ts';
import { DEFAULT_TOKEN_ISSUER, authenticateServiceAccount, looksLikeJwt, type TokenSigner, type UidLookup } from './service-account-tokens.ts';
import type { TokenIssuing } from './token-request.ts';

export interface TokenEntry extends Actor {
  token: string;
}

export interface Authenticator {
  authenticate(headers: Record<string, string>): Actor | Promise<Actor>;
  /**
   * A TokenReview's question: who `token` authenticates as, for `audiences` (the API's when
   * undefined), and which of those it is meant for; undefined when it names nobody.
   */
  review(token: string, audiences: string[] | undefined): Promise<{ actor: Actor; audiences: string[] } | undefined>;
}

/** How ServiceAccount tokens are checked: the key, issuer and audiences they must carry. */
export interface ServiceAccountTokenCheck {
  publicKey: KeyObject;
  issuer: string;
  audiences: string[];
  clock: Clock;
  lookup: UidLookup;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Static tokens and, given `serviceAccounts`, ServiceAccount tokens. Static tokens are meant for
 * the API alone: a TokenReview for other audiences does not authenticate them (kube's wrapping of
 * audience-agnostic authenticators).
 */
export function tokenAuthenticator(entries: TokenEntry[], serviceAccounts?: ServiceAccountTokenCheck): Authenticator {
  const apiAudiences = serviceAccounts?.audiences ?? [DEFAULT_TOKEN_ISSUER];
  const staticActor = (token: string): Actor | undefined => {
    const entry = entries.find((e) => same(e.token, token));
    return entry && { user: entry.user, groups: [...entry.groups, 'system:authenticated'], ...(entry.uid ? { uid: entry.uid } : {}) };
  };
  const serviceAccount = (token: string, audiences: string[]) =>
    serviceAccounts && looksLikeJwt(token) ? authenticateServiceAccount(token, { ...serviceAccounts, audiences, now: serviceAccounts.clock() }) : undefined;
  return {
    authenticate(headers) {
      const header = headers['authorization'];
      if (!header) throw new UnauthorizedError();
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new UnauthorizedError();
      const token = match[1];
      const actor = staticActor(token);
      if (actor) return actor;
      const checked = serviceAccount(token, apiAudiences);
      if (checked) return checked.then((r) => r.actor);
      throw new UnauthorizedError();
    },
    async review(token, audiences = apiAudiences) {
      const actor = staticActor(token);
      if (actor) {
        const meant = audiences.filter((a) => apiAudiences.includes(a));
        return meant.length ? { actor, audiences: meant } : undefined;
      }
      try {
        return await serviceAccount(token, audiences);
      } catch (err) {
        if (err instanceof UnauthorizedError) return undefined;
        throw err;
      }
    },
  };
}

/** The administrator a local cluster's kubeconfig signs in as. */
export function adminEntry(token: string): TokenEntry {
  return { token, user: 'skiff-admin', groups: ['system:masters'] };
}

const LOOKUP_TYPES = {
  ServiceAccount: findByResource('', 'v1', 'serviceaccounts')!,
  Pod: findByResource('', 'v1', 'pods')!,
  Secret: findByResource('', 'v1', 'secrets')!,
  Node: findByResource('', 'v1', 'nodes')!,
};

/** The objects ServiceAccount tokens are checked against (uid, deletion), read from the store. */
export function storeUidLookup(store: ObjectStore): UidLookup {
  return async (kind, namespace, name) => {
    const type = LOOKUP_TYPES[kind];
    const obj = await store.get(type, type.namespaced ? namespace : undefined, name);
    return obj && { uid: obj.metadata.uid, deletionTimestamp: obj.metadata.deletionTimestamp };
  };
}

/**
 * What a server signing ServiceAccount tokens with `signer` needs: how it issues them (kube's
 * default issuer, also the API's one audience) and how its authenticator checks them.
 */
export function serviceAccountTokens(signer: TokenSigner, store: ObjectStore, clock: Clock): { tokens: TokenIssuing; check: ServiceAccountTokenCheck } {
  const issuer = DEFAULT_TOKEN_ISSUER;
  const audiences = [issuer];
  return { tokens: { signer, issuer, audiences }, check: { publicKey: signer.publicKey, issuer, audiences, clock, lookup: storeUidLookup(store) } };
}
