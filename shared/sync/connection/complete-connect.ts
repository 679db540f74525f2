// Connect, step 2 (DESIGN §5): the browser comes back from Smokeball's consent page. Consume the state
// atomically, exchange the code (Basic auth + PKCE verifier, at the region the state was bound to, so a
// mix-up across US/AU/UK auth servers is impossible: RFC 9700 §4.4), seal and store the tokens, and
// send the browser back to the app. Never an error page or a 500, never a token in a URL: every outcome
// is a redirect to APP_URL + the stored return path with `connected=1` or `error=<code>`.
import { AppError } from '../../errors.ts';
import type { Sealer } from '../../crypto/seal.ts';
import { sha256Hex } from '../../crypto/hash.ts';
import type { Sql } from '../../db/connection.ts';
import { saveConnection } from '../../db/connections.ts';
import { listFirmMemberships } from '../../db/firms.ts';
import { consumeOAuthState } from '../../db/oauth-states.ts';
import type { LogFields } from '../../http/log.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { SmokeballOAuth } from '../../smokeball/oauth.ts';
import { codeVerifierContext } from './start-connect.ts';
import { sealTokens } from './tokens.ts';

export type CompleteConnectDeps = {
  sql: Sql;
  sealer: Sealer;
  oauthFor(region: SmokeballRegion): SmokeballOAuth;
  redirectUri: string;
  appUrl: string;
  refreshTokenTtlMs: number;
  now(): number;
  log(event: string, fields?: LogFields): void;
  /** Runs after a successful connect (webhook subscriptions are re-checked there); failures are logged. */
  afterConnect?(firmId: string): Promise<void>;
};

/** Error codes the authorization server may send back (RFC 6749 §4.1.2.1); anything else is generalised. */
const AUTHORIZE_ERRORS = new Set([
  'access_denied', 'invalid_request', 'unauthorized_client', 'unsupported_response_type', 'invalid_scope',
  'server_error', 'temporarily_unavailable',
]);

export async function completeConnect(deps: CompleteConnectDeps, query: URLSearchParams): Promise<{ location: string }> {
  // The browser must land in the app whatever happens (STYLE §4): a failure nobody planned for (the
  // database gone, a bug) is logged and becomes `error=internal_error`, never a 500 page.
  let returnPath = '/';
  try {
    return await completeConnectOrThrow(deps, query, (path) => (returnPath = path));
  } catch (err) {
    deps.log('oauth_callback_failed', { errorName: err instanceof Error ? err.name : 'unknown' });
    return redirect(deps.appUrl, returnPath, { error: err instanceof AppError && err.code === 'smokeball_not_configured' ? err.code : 'internal_error' });
  }
}

async function completeConnectOrThrow(
  deps: CompleteConnectDeps,
  query: URLSearchParams,
  knowReturnPath: (path: string) => void,
): Promise<{ location: string }> {
  const state = query.get('state');
  // Validate the state before trusting anything else in the query (anchors §3: "Validate state before
  // trusting the error").
  const stateHash = state && state.length <= 256 ? await sha256Hex(state) : undefined;
  const pending = stateHash ? await consumeOAuthState(deps.sql, stateHash) : undefined;
  if (pending) knowReturnPath(pending.returnPath);
  if (!stateHash || !pending || !pending.fresh) {
    deps.log('oauth_callback_rejected', { reason: pending ? 'expired_state' : 'unknown_state' });
    return redirect(deps.appUrl, pending?.returnPath ?? '/', { error: 'invalid_state' });
  }
  const back = (params: Record<string, string>) => redirect(deps.appUrl, pending.returnPath, params);

  const error = query.get('error');
  if (error) {
    const code = AUTHORIZE_ERRORS.has(error) ? error : 'authorization_failed';
    deps.log('oauth_callback_denied', { firmId: pending.firmId, error: code });
    return back({ error: code });
  }
  const code = query.get('code');
  if (!code || code.length > 2048) return back({ error: 'invalid_request' });

  // The state binds the connect to the admin who started it; one who lost the role (or left the firm)
  // within the state's 10 minutes must not connect the firm. Checked before the code is spent.
  const [membership] = await listFirmMemberships(deps.sql, pending.userId, pending.firmId);
  if (membership?.role !== 'admin') {
    deps.log('oauth_callback_rejected', { firmId: pending.firmId, reason: 'not_an_admin' });
    return back({ error: 'forbidden' });
  }

  const oauth = deps.oauthFor(pending.region);
  let tokens;
  try {
    const codeVerifier = await deps.sealer.open(pending.sealedCodeVerifier, codeVerifierContext(stateHash));
    tokens = await oauth.exchangeCode({ code, redirectUri: deps.redirectUri, codeVerifier });
  } catch (err) {
    deps.log('oauth_code_exchange_failed', { firmId: pending.firmId, errorName: err instanceof Error ? err.name : 'unknown' });
    return back({ error: 'token_exchange_failed' });
  }
  if (!tokens.refresh_token) {
    deps.log('oauth_code_exchange_failed', { firmId: pending.firmId, reason: 'no_refresh_token' });
    return back({ error: 'token_exchange_failed' });
  }

  const sealed = await sealTokens(deps, pending.firmId, {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresInS: tokens.expires_in,
    refreshTokenExpiresAt: new Date(deps.now() + deps.refreshTokenTtlMs),
  });
  await deps.sql.begin((tx) => saveConnection(tx, { firmId: pending.firmId, region: pending.region, userId: pending.userId, tokens: sealed }));
  deps.log('smokeball_connected', { firmId: pending.firmId, region: pending.region });
  if (deps.afterConnect) {
    await deps.afterConnect(pending.firmId).catch((err) =>
      deps.log('after_connect_failed', { firmId: pending.firmId, errorName: err instanceof Error ? err.name : 'unknown' }),
    );
  }
  return back({ connected: '1' });
}

function redirect(appUrl: string, returnPath: string, params: Record<string, string>): { location: string } {
  // The target is the allow-listed app origin plus a path we stored ourselves (STYLE §8); the URL parser
  // keeps it on that origin even if the path were odd.
  const url = new URL(appUrl);
  const path = new URL(returnPath, 'http://path.local');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path.pathname}`;
  url.search = path.search;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { location: url.toString() };
}
