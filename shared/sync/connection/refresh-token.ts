// Tokens for every feature (docs/architecture.md §5 Tokens): refresh ahead of expiry, one refresh at a time
// per connection in two layers — an in-process map of in-flight refreshes, then a row lock on the
// credentials; after the lock, re-read and use what another caller already refreshed (Nango's
// refreshCredentialsIfNeeded, with a real database lock). Smokeball does not rotate refresh tokens, so
// the old one is kept when the answer has none; `invalid_grant` marks the connection `needs_reauth`
// once, and every later call fails fast with 409 instead of asking Smokeball again.
import { notConnected, reauthRequired } from '../../errors.ts';
import type { Sealer } from '../../crypto/seal.ts';
import type { Sql } from '../../db/sql.ts';
import { lockCredentials, markNeedsReauth, readCredentials, saveRefreshedTokens, type CredentialsRow } from '../../db/connections.ts';
import type { LogFields } from '../../log.ts';
import { SmokeballTokenError } from '../../smokeball/errors.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { SmokeballOAuth } from '../../smokeball/oauth.ts';
import type { TokenProvider } from '../../smokeball/request.ts';
import { accessTokenContext, refreshTokenContext, webhookKeyContext } from './tokens.ts';

/**
 * Refresh this long before expiry. Smokeball advises ~60 s (docs/smokeball.md §1 "Lifetimes"); a sync that
 * starts with a token minutes from expiry would otherwise meet a 401 half-way through its uploads.
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export type TokenDeps = {
  sql: Sql;
  sealer: Sealer;
  /** The firm's app's OAuth client (throws smokeball_not_configured when the firm has none). */
  oauthFor(firmId: string, region: SmokeballRegion): Promise<SmokeballOAuth>;
  now(): number;
  log(event: string, fields?: LogFields): void;
};

export type ShouldRefresh = { verdict: 'use' | 'refresh'; reason: string };

/** Pure: is the stored token good, or must it be refreshed? `rejected` is a token Smokeball just refused. */
export function shouldRefresh(row: Pick<CredentialsRow, 'sealedAccessToken' | 'accessTokenExpiresAt'>, nowMs: number, rejected?: string): ShouldRefresh {
  if (rejected !== undefined && row.sealedAccessToken === rejected) return { verdict: 'refresh', reason: 'rejected_by_smokeball' };
  if (row.accessTokenExpiresAt.getTime() - nowMs <= REFRESH_MARGIN_MS) return { verdict: 'refresh', reason: 'expires_soon' };
  return { verdict: 'use', reason: rejected !== undefined ? 'refreshed_by_another_caller' : 'fresh' };
}

export function createTokenRefresher(deps: TokenDeps) {
  const inFlight = new Map<string, Promise<{ token: string; sealed: string }>>();

  function refreshOnce(firmId: string, rejected?: string) {
    let pending = inFlight.get(firmId);
    if (!pending) {
      pending = refreshUnderLock(firmId, rejected).finally(() => inFlight.delete(firmId));
      inFlight.set(firmId, pending);
    }
    return pending;
  }

  async function refreshUnderLock(firmId: string, rejected?: string): Promise<{ token: string; sealed: string }> {
    const outcome = await deps.sql.begin(async (tx) => {
      const row = await lockCredentials(tx, firmId);
      if (!row) return { kind: 'not_connected' as const };
      if (row.status === 'needs_reauth') return { kind: 'needs_reauth' as const };
      const decision = shouldRefresh(row, deps.now(), rejected);
      if (decision.verdict === 'use') {
        return { kind: 'token' as const, sealed: row.sealedAccessToken, token: await deps.sealer.open(row.sealedAccessToken, accessTokenContext(firmId)) };
      }
      const refreshToken = await deps.sealer.open(row.sealedRefreshToken, refreshTokenContext(firmId));
      deps.log('smokeball_token_refresh', { firmId, reason: decision.reason });
      try {
        const answer = await (await deps.oauthFor(firmId, row.region)).refresh(refreshToken);
        const sealed = await deps.sealer.seal(answer.access_token, accessTokenContext(firmId));
        await saveRefreshedTokens(tx, firmId, {
          sealedAccessToken: sealed,
          // Smokeball does not rotate refresh tokens: the old one is kept, unless a new one came. Either way
          // it — and the webhook key — is sealed again with the current key, so `key_id` names the key of
          // every sealed value in the row and an old key can be retired once every row has been refreshed.
          sealedRefreshToken: await deps.sealer.seal(answer.refresh_token ?? refreshToken, refreshTokenContext(firmId)),
          sealedWebhookKey: row.sealedWebhookKey
            ? await deps.sealer.seal(await deps.sealer.open(row.sealedWebhookKey, webhookKeyContext(firmId)), webhookKeyContext(firmId))
            : undefined,
          keyId: deps.sealer.currentKeyId,
          accessTokenExpiresAt: new Date(deps.now() + answer.expires_in * 1000),
        });
        return { kind: 'token' as const, sealed, token: answer.access_token };
      } catch (err) {
        if (err instanceof SmokeballTokenError && err.needsReauth) {
          await markNeedsReauth(tx, firmId, 'smokeball_reauth_required', reauthRequired().message);
          return { kind: 'needs_reauth' as const };
        }
        throw err;
      }
    });
    if (outcome.kind === 'not_connected') throw notConnected();
    if (outcome.kind === 'needs_reauth') {
      deps.log('smokeball_needs_reauth', { firmId });
      throw reauthRequired();
    }
    return { token: outcome.token, sealed: outcome.sealed };
  }

  return {
    /** The token provider a Smokeball client for this firm uses. */
    tokensFor(firmId: string): TokenProvider {
      let lastSealed: string | undefined;
      return {
        async getAccessToken() {
          const row = await readCredentials(deps.sql, firmId);
          if (!row) throw notConnected();
          if (row.status === 'needs_reauth') throw reauthRequired();
          if (shouldRefresh(row, deps.now()).verdict === 'use') {
            lastSealed = row.sealedAccessToken;
            return deps.sealer.open(row.sealedAccessToken, accessTokenContext(firmId));
          }
          const fresh = await refreshOnce(firmId);
          lastSealed = fresh.sealed;
          return fresh.token;
        },
        async refreshAccessToken() {
          const fresh = await refreshOnce(firmId, lastSealed);
          lastSealed = fresh.sealed;
          return fresh.token;
        },
      };
    },
  };
}
export type TokenRefresher = ReturnType<typeof createTokenRefresher>;
