/**
 * Bearer-token authentication, like kube-apiserver's static token file: each token maps to a user
 * and groups. The authenticated user is the actor of every log item the request writes.
 */
import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../core/errors.ts';
import type { Actor } from '../core/object.ts';

export interface TokenEntry extends Actor {
  token: string;
}

export interface Authenticator {
  authenticate(headers: Record<string, string>): Actor;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function tokenAuthenticator(entries: TokenEntry[]): Authenticator {
  return {
    authenticate(headers) {
      const header = headers['authorization'];
      if (!header) throw new UnauthorizedError();
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new UnauthorizedError();
      const entry = entries.find((e) => same(e.token, match[1]));
      if (!entry) throw new UnauthorizedError();
      return { user: entry.user, groups: [...entry.groups, 'system:authenticated'], ...(entry.uid ? { uid: entry.uid } : {}) };
    },
  };
}

/** The administrator a local cluster's kubeconfig signs in as. */
export function adminEntry(token: string): TokenEntry {
  return { token, user: 'skiff-admin', groups: ['system:masters'] };
}
