// Who is calling. Every function has `verify_jwt = false` (Supabase's gateway check does not understand
// the asymmetric JWT signing keys), so the functions check their callers here:
//   - a user JWT signed with the project's signing keys (ES256/RS256, with a `kid`) is verified by
//     Supabase's maintained `@supabase/server` (`verifyAuth`, mode `user`) against the JWKS;
//   - a user JWT signed with a project's legacy HS256 secret is checked by the Auth server itself, through
//     supabase-js `auth.getClaims()` (which, for symmetric tokens, asks GET /auth/v1/user) — the secret is
//     never given to the functions, and `@supabase/server` refuses such tokens (they carry no `kid`);
//   - internal callers (pg_cron, pg_net, the local pump) send a secret key in `apikey`, matched by
//     `verifyAuth` mode `secret:*` (any named key, compared in constant time).
// On top of either verification the token must name its algorithm from a fixed list, carry `exp`, and be
// a user session of this project (`aud`, `iss`, `role`, `sub`).
import { extractCredentials, verifyAuth } from '@supabase/server/core';
import { AuthClient, isAuthRetryableFetchError } from '@supabase/supabase-js';
import { decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

/** Algorithms of Supabase's asymmetric JWT signing keys; anything else never reaches the JWKS. */
const SIGNING_KEY_ALGORITHMS = ['ES256', 'RS256'] as const;
/** The algorithm of the legacy JWT secret; such tokens are checked by the Auth server. */
const LEGACY_ALGORITHM = 'HS256';
/** Supabase Auth issues user sessions with this audience and role. */
const USER_AUDIENCE = 'authenticated';

const UserClaims = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  aud: z.union([z.string(), z.array(z.string())]).refine(
    (aud) => (Array.isArray(aud) ? aud : [aud]).includes(USER_AUDIENCE),
    'not a user session',
  ),
  iss: z.string(),
  /** Required: a token without an expiry would be valid for ever. */
  exp: z.number(),
  email: z.string().optional(),
});
export type AuthenticatedUser = { userId: string; email?: string };

export type CallerAuth = {
  /** The signed-in user, or 401 `invalid_jwt`. */
  authenticateUser(req: Request): Promise<AuthenticatedUser>;
  /** Passes when `apikey` is one of the project's secret keys, else 401 `unauthorized`. */
  authenticateSecretKey(req: Request): Promise<void>;
};

export function createCallerAuth(
  config: Pick<Config, 'supabaseUrl' | 'jwks' | 'jwksUrl' | 'jwtIssuer' | 'namedSecretKeys' | 'authApiKey'>,
  fetchImpl: typeof fetch = fetch,
): CallerAuth {
  // Everything @supabase/server would read from the environment is given explicitly, from the one parse.
  const jwks = config.jwks ?? trustedJwksUrl(config.jwksUrl);
  const userEnv = { url: config.supabaseUrl, jwks, publishableKeys: {}, secretKeys: {} };
  const secretEnv = { url: config.supabaseUrl, jwks: null, publishableKeys: {}, secretKeys: config.namedSecretKeys };
  const authServer = config.authApiKey
    ? new AuthClient({
      url: `${config.supabaseUrl}/auth/v1`,
      headers: { apikey: config.authApiKey },
      fetch: fetchImpl,
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
    })
    : undefined;

  async function claimsOfSigningKeyToken(req: Request): Promise<unknown> {
    const { data, error } = await verifyAuth(req, { auth: 'user', env: userEnv, audience: USER_AUDIENCE, issuer: config.jwtIssuer });
    if (error) {
      // A JWKS that cannot be had is our failure, not the caller's.
      if (error.status >= 500) throw new AppError({ code: 'internal_error', status: 500, message: 'The access token could not be checked', cause: error });
      throw invalidJwt(/expired/.test(error.message) ? 'The access token has expired' : 'The access token is not valid');
    }
    return data.jwtClaims;
  }

  async function claimsOfLegacyToken(token: string): Promise<unknown> {
    if (!authServer) throw invalidJwt('The access token is not valid');
    // getClaims requires `exp` and refuses an expired token before asking the Auth server.
    const { data, error } = await authServer.getClaims(token);
    if (!error) return data?.claims;
    // The Auth server could not be asked or failed (network error, 5xx, unreadable answer): not the
    // caller's fault, and not a verdict on the token.
    if (isAuthRetryableFetchError(error) || error.name === 'AuthUnknownError' || (error.status ?? 0) >= 500) {
      throw new AppError({ code: 'internal_error', status: 500, message: 'The access token could not be checked', cause: error });
    }
    throw invalidJwt(/expired/i.test(error.message) ? 'The access token has expired' : 'The access token is not valid');
  }

  return {
    async authenticateUser(req) {
      // The library's own reading of `Authorization: Bearer …`, so the token whose algorithm is checked
      // here is the one it verifies.
      const token = extractCredentials(req).token;
      if (!token) throw invalidJwt('Missing bearer token');
      const alg = headerAlgorithm(token);
      let claims: unknown;
      if (alg !== undefined && (SIGNING_KEY_ALGORITHMS as readonly string[]).includes(alg)) claims = await claimsOfSigningKeyToken(req);
      else if (alg === LEGACY_ALGORITHM) claims = await claimsOfLegacyToken(token);
      else throw invalidJwt('The access token is not valid');
      const parsed = UserClaims.safeParse(claims);
      if (!parsed.success || parsed.data.iss !== config.jwtIssuer) throw invalidJwt('The access token is not a user token');
      return { userId: parsed.data.sub, email: parsed.data.email };
    },

    async authenticateSecretKey(req) {
      const { error } = await verifyAuth(req, { auth: 'secret:*', env: secretEnv });
      if (error) throw new AppError({ code: 'unauthorized', status: 401, message: 'A valid secret key is required' });
    },
  };
}

/**
 * The JWKS endpoint, if keys fetched from it can be trusted: https, or plain http to this machine only (a
 * plaintext hop elsewhere could swap in a forger's key). The rule @supabase/server applies to the URLs it
 * derives itself; null makes every user token a 500 (misconfiguration), never a pass.
 */
function trustedJwksUrl(text: string): URL | null {
  const url = new URL(text);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? url : null;
}

function headerAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

function invalidJwt(message: string): AppError {
  return new AppError({ code: 'invalid_jwt', status: 401, message });
}
