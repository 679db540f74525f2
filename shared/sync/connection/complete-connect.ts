// Connect, step 3: the app, in the session of the admin who started the flow, completes it with the
// handle the callback gave the browser (`POST oauth-complete { handle }`). Only that user — and only while
// still an admin of the firm — may spend the handle: anyone else gets 403 and the handle stays for its
// rightful owner (a link forwarded to someone else must not let them connect their Smokeball account to
// this firm, nor burn the admin's attempt). Then the code is exchanged (Basic auth + the PKCE verifier,
// at the region the state was bound to), the approving account is checked against the one the firm's
// links belong to, the tokens are sealed and stored, and the work that waited for a reconnect resumes.
import { z } from 'zod';
import { OAuthCompleteRequest } from '../../api/functions.ts';
import { AppError } from '../../errors.ts';
import type { Sealer } from '../../crypto/seal.ts';
import { sha256Hex } from '../../crypto/hash.ts';
import type { Sql, Tx } from '../../db/sql.ts';
import { readConnectionState, saveConnection } from '../../db/connections.ts';
import { listFirmMemberships } from '../../db/firms.ts';
import { deleteOAuthState, holdExchangedTokens, lockPendingCompletion, type PendingCompletionRow } from '../../db/oauth-states.ts';
import { archiveAndClearLinks, readPreviousLinks, resumeAfterReconnect } from '../../db/reconnect.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { SmokeballOAuth } from '../../smokeball/oauth.ts';
import { identifySmokeballAccount } from './identify-account.ts';
import { authorizationCodeContext } from './receive-callback.ts';
import { codeVerifierContext } from './start-connect.ts';
import { sealTokens } from './tokens.ts';

export type CompleteConnectDeps = {
  sql: Sql;
  sealer: Sealer;
  /** The OAuth client of the firm's app (the one the authorization was started with). */
  oauthFor(firmId: string, region: SmokeballRegion): Promise<SmokeballOAuth>;
  /** A client acting with the just-exchanged access token (to learn the approving account). */
  clientForAccessToken(firmId: string, region: SmokeballRegion, accessToken: string): Promise<SmokeballClient>;
  redirectUri: string;
  /** Where the firm's webhook subscription points (used by the account check's probe). */
  webhookUrl: string;
  refreshTokenTtlMs: number;
  now(): number;
  log(event: string, fields?: LogFields): void;
  /** Runs after a successful connect (webhook subscriptions are re-checked there); failures are logged. */
  afterConnect?(firmId: string): Promise<void>;
};

export type CompleteConnectResult = { connected: true; accountId: string | null; switchedAccount: boolean; jobsResumed: number; jobsQueued: number };

/** The exchanged tokens held while the admin decides on an account switch. */
const HeldTokens = z.object({ accessToken: z.string(), refreshToken: z.string(), accessTokenExpiresAtMs: z.number() });
type HeldTokens = z.infer<typeof HeldTokens>;
const heldTokensContext = (stateHash: string) => `oauth_state:${stateHash}:tokens`;

type Outcome =
  | { kind: 'invalid_state' }
  | { kind: 'user_mismatch' }
  | { kind: 'not_admin' }
  | { kind: 'exchange_failed' }
  | { kind: 'account_check_failed'; cause: unknown }
  | { kind: 'account_changed'; previous: string; approving: string }
  | { kind: 'connected'; firmId: string; accountId: string | null; switched: boolean; resumed: number; caughtUp: number };

export const invalidHandle = () =>
  new AppError({ code: 'invalid_state', status: 400, message: 'This connect link was already used or has expired; start connecting Smokeball again' });

export async function completeConnect(
  deps: CompleteConnectDeps,
  input: { userId: string } & z.infer<typeof OAuthCompleteRequest>,
): Promise<CompleteConnectResult> {
  const handleHash = await sha256Hex(input.handle);
  // One completion at a time per handle: the row stays locked while the code is exchanged, so a double
  // click finds the handle spent (or the same account question) instead of spending the code twice.
  const outcome = await deps.sql.begin((tx) => completeLocked(deps, tx, handleHash, input));
  switch (outcome.kind) {
    case 'invalid_state':
      throw invalidHandle();
    case 'user_mismatch':
      throw new AppError({
        code: 'oauth_user_mismatch',
        status: 403,
        message: 'This Smokeball connection was started by another user; only that user can complete it',
      });
    case 'not_admin':
      throw new AppError({ code: 'forbidden', status: 403, message: 'Only a firm admin can connect Smokeball' });
    case 'exchange_failed':
      throw new AppError({
        code: 'token_exchange_failed',
        status: 502,
        message: 'Smokeball did not accept the authorization (it is valid for 5 minutes and works once); start connecting again',
      });
    case 'account_check_failed':
      throw new AppError({
        code: 'smokeball_unavailable',
        status: 502,
        message: 'Could not ask Smokeball which account was approved; start connecting again',
        cause: outcome.cause,
      });
    case 'account_changed':
      throw new AppError({
        code: 'smokeball_account_changed',
        status: 409,
        message:
          `The approved Smokeball account (${outcome.approving}) is not the one this firm's records are linked to ` +
          `(${outcome.previous}). To switch, complete again with switchAccount: true — the links to ${outcome.previous} ` +
          `are then cleared (kept in the link history) and the next syncs create the records in ${outcome.approving}.`,
      });
  }
  deps.log('smokeball_connected', { firmId: outcome.firmId, switchedAccount: outcome.switched, jobsResumed: outcome.resumed, jobsQueued: outcome.caughtUp });
  if (deps.afterConnect) {
    await deps.afterConnect(outcome.firmId).catch((err) =>
      deps.log('after_connect_failed', { firmId: outcome.firmId, errorName: err instanceof Error ? err.name : 'unknown' }),
    );
  }
  // Webhook registration learns the account id when the account check did not run (a first connect).
  const stored = await readConnectionState(deps.sql, outcome.firmId);
  return { connected: true, accountId: stored?.accountId ?? outcome.accountId, switchedAccount: outcome.switched, jobsResumed: outcome.resumed, jobsQueued: outcome.caughtUp };
}

async function completeLocked(deps: CompleteConnectDeps, tx: Tx, handleHash: string, input: { userId: string } & z.infer<typeof OAuthCompleteRequest>): Promise<Outcome> {
  const pending = await lockPendingCompletion(tx, handleHash);
  if (!pending) return { kind: 'invalid_state' };
  if (!pending.fresh) {
    await deleteOAuthState(tx, pending.stateHash);
    return { kind: 'invalid_state' };
  }
  // Another user holding the handle (a forwarded link): refused, and the handle is left as it was.
  if (pending.userId !== input.userId) {
    deps.log('oauth_complete_rejected', { firmId: pending.firmId, reason: 'user_mismatch' });
    return { kind: 'user_mismatch' };
  }
  // An admin who lost the role (or left the firm) since starting must not connect it; checked before
  // the code is spent.
  // On the transaction's own connection: a second connection from the instance's small pool, taken while
  // this one is held, deadlocks as soon as as many completions as the pool has connections run at once.
  const [membership] = await listFirmMemberships(tx, pending.userId, pending.firmId);
  if (membership?.role !== 'admin') {
    await deleteOAuthState(tx, pending.stateHash);
    deps.log('oauth_complete_rejected', { firmId: pending.firmId, reason: 'not_an_admin' });
    return { kind: 'not_admin' };
  }

  const tokens = await tokensOf(deps, pending);
  if (!tokens) {
    await deleteOAuthState(tx, pending.stateHash);
    return { kind: 'exchange_failed' };
  }

  const previous = await readPreviousLinks(tx, pending.firmId);
  let approving = pending.approvingAccountId ?? undefined;
  // The account only matters when the firm has links into an account it knows; a first connect learns
  // its account from the webhook registration that follows.
  if (!approving && previous.accountId && previous.hasLinks) {
    try {
      approving = await identifySmokeballAccount(await deps.clientForAccessToken(pending.firmId, pending.region, tokens.accessToken), deps.webhookUrl);
    } catch (err) {
      await deleteOAuthState(tx, pending.stateHash);
      return { kind: 'account_check_failed', cause: err };
    }
  }
  const changed = approving !== undefined && previous.accountId !== null && previous.hasLinks && approving !== previous.accountId;
  if (changed && !input.switchAccount) {
    await holdExchangedTokens(tx, pending.stateHash, {
      sealedTokens: await deps.sealer.seal(JSON.stringify(tokens), heldTokensContext(pending.stateHash)),
      approvingAccountId: approving!,
    });
    deps.log('oauth_complete_account_changed', { firmId: pending.firmId });
    return { kind: 'account_changed', previous: previous.accountId!, approving: approving! };
  }

  await deleteOAuthState(tx, pending.stateHash);
  if (changed) {
    const archived = await archiveAndClearLinks(tx, pending.firmId, previous.accountId, approving!);
    deps.log('smokeball_account_switched', { firmId: pending.firmId, linksArchived: archived });
  }
  const sealed = await sealTokens(deps, pending.firmId, {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresInS: Math.max(0, Math.floor((tokens.accessTokenExpiresAtMs - deps.now()) / 1000)),
    refreshTokenExpiresAt: new Date(deps.now() + deps.refreshTokenTtlMs),
  });
  await saveConnection(tx, { firmId: pending.firmId, region: pending.region, userId: pending.userId, accountId: approving, tokens: sealed });
  const { resumed, caughtUp } = await resumeAfterReconnect(tx, pending.firmId);
  return { kind: 'connected', firmId: pending.firmId, accountId: approving ?? null, switched: changed, resumed, caughtUp };
}

/** The tokens of this completion: held from an earlier attempt, or from exchanging the sealed code now. */
async function tokensOf(deps: CompleteConnectDeps, pending: PendingCompletionRow): Promise<HeldTokens | undefined> {
  if (pending.sealedTokens) {
    return HeldTokens.parse(JSON.parse(await deps.sealer.open(pending.sealedTokens, heldTokensContext(pending.stateHash))));
  }
  if (!pending.sealedCode) return undefined;
  // The firm's app, resolved before the exchange: a firm left without one gets 503 smokeball_not_configured
  // (and keeps its handle), not a failed exchange.
  const oauth = await deps.oauthFor(pending.firmId, pending.region);
  try {
    const code = await deps.sealer.open(pending.sealedCode, authorizationCodeContext(pending.stateHash));
    const codeVerifier = await deps.sealer.open(pending.sealedCodeVerifier, codeVerifierContext(pending.stateHash));
    const answer = await oauth.exchangeCode({ code, redirectUri: deps.redirectUri, codeVerifier });
    if (!answer.refresh_token) {
      deps.log('oauth_code_exchange_failed', { firmId: pending.firmId, reason: 'no_refresh_token' });
      return undefined;
    }
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token, accessTokenExpiresAtMs: deps.now() + answer.expires_in * 1000 };
  } catch (err) {
    deps.log('oauth_code_exchange_failed', { firmId: pending.firmId, errorName: err instanceof Error ? err.name : 'unknown' });
    return undefined;
  }
}
