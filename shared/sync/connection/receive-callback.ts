// Connect, step 2: the browser comes back from Smokeball's consent page. Consume the state atomically,
// then keep the code sealed on the same row and send the browser to the app with `connect=<handle>` —
// no exchange here: whoever follows this redirect holds the code, so only the app session of the admin
// who started the flow may spend it (oauth-complete; RFC 9700 §4.7.1 binds the state to the user agent).
// Never an error page or a 500, never a token or code in a URL: every outcome is a redirect to APP_URL +
// the stored return path with `connect=<handle>` or `error=<code>`.
import { AuthorizationServerErrorCode, type OAuthRedirectErrorCode } from '../../api/errors.ts';
import type { Sealer } from '../../crypto/seal.ts';
import { sha256Hex } from '../../crypto/hash.ts';
import { randomToken } from '../../crypto/random.ts';
import type { Sql } from '../../db/sql.ts';
import { consumeOAuthState, deleteOAuthState, savePendingCompletion } from '../../db/oauth-states.ts';
import type { LogFields } from '../../log.ts';

export type ReceiveCallbackDeps = {
  sql: Sql;
  sealer: Sealer;
  appUrl: string;
  /** Whether the firm has a Smokeball app (its own or the default): without one the flow cannot be completed, so say so now. */
  isConfiguredFor(firmId: string): Promise<boolean>;
  log(event: string, fields?: LogFields): void;
};

/** Error codes the authorization server may send back (RFC 6749 §4.1.2.1); anything else is generalised. */
const AUTHORIZE_ERRORS: ReadonlySet<string> = new Set(AuthorizationServerErrorCode.options);

export const authorizationCodeContext = (stateHash: string) => `oauth_state:${stateHash}:code`;

export async function receiveOAuthCallback(deps: ReceiveCallbackDeps, query: URLSearchParams): Promise<{ location: string }> {
  // The browser must land in the app whatever happens: a failure nobody planned for (the
  // database gone, a bug) is logged and becomes `error=internal_error`, never a 500 page.
  let returnPath = '/';
  try {
    return await receiveOrThrow(deps, query, (path) => (returnPath = path));
  } catch (err) {
    deps.log('oauth_callback_failed', { errorName: err instanceof Error ? err.name : 'unknown' });
    return redirect(deps.appUrl, returnPath, { error: 'internal_error' });
  }
}

async function receiveOrThrow(
  deps: ReceiveCallbackDeps,
  query: URLSearchParams,
  knowReturnPath: (path: string) => void,
): Promise<{ location: string }> {
  const state = query.get('state');
  // Validate the state before trusting anything else in the query ("validate state before trusting the
  // error": a forged error must not reach the app under our name).
  const stateHash = state && state.length <= 256 ? await sha256Hex(state) : undefined;
  const pending = stateHash ? await consumeOAuthState(deps.sql, stateHash) : undefined;
  if (pending) knowReturnPath(pending.returnPath);
  if (!stateHash || !pending || !pending.fresh) {
    if (stateHash && pending) await deleteOAuthState(deps.sql, stateHash);
    deps.log('oauth_callback_rejected', { reason: pending ? 'expired_state' : 'unknown_state' });
    return redirect(deps.appUrl, pending?.returnPath ?? '/', { error: 'invalid_state' });
  }
  const fail = async (code: OAuthRedirectErrorCode) => {
    await deleteOAuthState(deps.sql, stateHash);
    return redirect(deps.appUrl, pending.returnPath, { error: code });
  };

  if (!(await deps.isConfiguredFor(pending.firmId))) return fail('smokeball_not_configured');
  const error = query.get('error');
  if (error) {
    const code = AUTHORIZE_ERRORS.has(error) ? (error as AuthorizationServerErrorCode) : 'authorization_failed';
    deps.log('oauth_callback_denied', { firmId: pending.firmId, error: code });
    return fail(code);
  }
  const code = query.get('code');
  if (!code || code.length > 2048) return fail('invalid_request');

  // 32 random bytes; only the hash is stored, like the state's.
  const handle = randomToken(32);
  await savePendingCompletion(deps.sql, stateHash, {
    handleHash: await sha256Hex(handle),
    sealedCode: await deps.sealer.seal(code, authorizationCodeContext(stateHash)),
  });
  deps.log('oauth_callback_pending', { firmId: pending.firmId, region: pending.region });
  return redirect(deps.appUrl, pending.returnPath, { connect: handle });
}

function redirect(appUrl: string, returnPath: string, params: Record<string, string>): { location: string } {
  // The target is the configured app origin plus a path we stored ourselves, never a query value; the URL parser
  // keeps it on that origin even if the path were odd.
  const url = new URL(appUrl);
  const path = new URL(returnPath, 'http://path.local');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path.pathname}`;
  url.search = path.search;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { location: url.toString() };
}
