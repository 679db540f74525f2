// Authorization codes, access and refresh tokens, all opaque and held in memory. Expiry reads the sim
// clock. Reference §1: codes are single-use and live 5 minutes; refresh tokens are not rotated; webhook
// subscriptions are deleted when the refresh token expires or access is revoked (docs/smokeball.md §5).
import { newSecret } from './ids.ts';
import type { World } from './world.ts';

/** Reference §1 "Authorize request parameters": valid for 5 minutes. */
export const CODE_TTL_MS = 5 * 60 * 1000;

export type AuthCode = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  accountId: string;
  expiresAtMs: number;
};

export type Grant = { accountId: string; clientId: string; expiresAtMs: number };

export class AuthState {
  readonly codes = new Map<string, AuthCode>();
  readonly access = new Map<string, Grant>();
  readonly refresh = new Map<string, Grant>();

  issueCode(code: Omit<AuthCode, 'expiresAtMs'>, nowMs: number): string {
    const value = newSecret();
    this.codes.set(value, { ...code, expiresAtMs: nowMs + CODE_TTL_MS });
    return value;
  }

  /** Get-and-delete in one step: a code is spent by any attempt to use it, good or bad. */
  consumeCode(value: string, nowMs: number): AuthCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code && code.expiresAtMs > nowMs ? code : undefined;
  }

  issue(kind: 'access' | 'refresh', accountId: string, clientId: string, ttlS: number, nowMs: number): string {
    const value = newSecret();
    this[kind].set(value, { accountId, clientId, expiresAtMs: nowMs + ttlS * 1000 });
    return value;
  }

  /** A live grant, or undefined when unknown, expired or revoked. */
  verify(kind: 'access' | 'refresh', value: string, nowMs: number): Grant | undefined {
    const grant = this[kind].get(value);
    return grant && grant.expiresAtMs > nowMs ? grant : undefined;
  }

  revokeAccount(accountId: string): number {
    let revoked = 0;
    for (const map of [this.access, this.refresh]) {
      for (const [value, grant] of map) {
        if (grant.accountId === accountId) {
          map.delete(value);
          revoked++;
        }
      }
    }
    for (const [value, code] of this.codes) if (code.accountId === accountId) this.codes.delete(value);
    return revoked;
  }

  reset(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
  }
}

/** Revokes every token of an account and deletes its webhook subscriptions, as Smokeball does. */
export function revokeAccountGrant(world: World, accountId: string): { revokedTokens: number; deletedSubscriptions: number } {
  const revokedTokens = world.auth.revokeAccount(accountId);
  const account = world.store.accounts.get(accountId);
  const deletedSubscriptions = account?.subscriptions.size ?? 0;
  account?.subscriptions.clear();
  return { revokedTokens, deletedSubscriptions };
}

/**
 * Drops expired refresh tokens; an account left with none loses its webhook subscriptions
 * (docs/smokeball.md §5: "deleted automatically when the refresh token expires"). Accounts that never had a
 * refresh token (client credentials, `POST /__sim/accounts` without one) are left alone.
 */
export function sweepExpiredGrants(world: World): void {
  const now = world.clock.nowMs();
  const expiredAccounts = new Set<string>();
  const liveAccounts = new Set<string>();
  for (const [value, grant] of world.auth.refresh) {
    if (grant.expiresAtMs <= now) {
      world.auth.refresh.delete(value);
      expiredAccounts.add(grant.accountId);
    } else liveAccounts.add(grant.accountId);
  }
  for (const [value, grant] of world.auth.access) if (grant.expiresAtMs <= now) world.auth.access.delete(value);
  for (const accountId of expiredAccounts) {
    if (!liveAccounts.has(accountId)) world.store.accounts.get(accountId)?.subscriptions.clear();
  }
}
