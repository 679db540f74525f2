// Smokeball's OAuth 2.0 endpoints on its Cognito authorization server (docs/smokeball.md §1): the authorize URL,
// the code exchange (PKCE S256) and the refresh. Token calls are form-encoded with HTTP Basic client auth
// *and* client_id in the body, as the docs and the 3CX integration do [AUTH-CODE, AUTH-CC].
// Not rate limited (the limit is the API's, docs/smokeball.md §6) and not retried here: a code is single-use, so a
// repeated exchange after a lost answer would fail with invalid_grant anyway, and a failed refresh fails
// the job, whose queue retry (with backoff) re-runs the refresh under the credentials lock (docs/architecture.md §5).
import ky, { TimeoutError } from 'ky';
import { SmokeballTokenError } from './errors.ts';
import { parseValue } from './request.ts';
import { TokenErrorBody, TokenResponse } from './schemas/token.ts';

/** Cognito answers in well under a second; a token call that takes longer is treated as failed. */
export const TOKEN_TIMEOUT_MS = 15_000;

export type SmokeballOAuthDeps = {
  /** From resolveSmokeballHosts (or SMOKEBALL_AUTH_URL); no trailing slash. */
  authUrl: string;
  clientId: string;
  /** Absent for a public client: PKCE only, no Basic header [AUTH-CODE]. */
  clientSecret?: string;
  fetch?: typeof fetch;
};

export type AuthorizeUrlInput = {
  redirectUri: string;
  state: string;
  /** base64url(SHA-256(code_verifier)), no padding; only S256 is allowed [AUTH-CODE]. */
  codeChallenge: string;
};

export function createSmokeballOAuth(deps: SmokeballOAuthDeps) {
  const auth = ky.create({ prefixUrl: deps.authUrl, fetch: deps.fetch, retry: 0, throwHttpErrors: false, timeout: TOKEN_TIMEOUT_MS });

  async function requestToken(grant: 'authorization_code' | 'refresh_token', form: Record<string, string>): Promise<TokenResponse> {
    const body = new URLSearchParams({ grant_type: grant, client_id: deps.clientId, ...form });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (deps.clientSecret !== undefined) headers.authorization = `Basic ${basicCredentials(deps.clientId, deps.clientSecret)}`;
    let response: Response;
    try {
      response = await auth.post('oauth2/token', { body, headers });
    } catch (error) {
      // No answer (network or TOKEN_TIMEOUT_MS): not a refusal, so never `needsReauth`.
      throw new SmokeballTokenError(grant, undefined, undefined, {
        endpoint: 'POST /oauth2/token',
        cause: error instanceof TimeoutError ? new Error('token request timed out', { cause: error }) : error,
      });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      // Cognito errors: 400 {"error":"invalid_grant"} and friends (docs/smokeball.md §1 "Token endpoint errors").
      const parsed = TokenErrorBody.safeParse(json);
      throw new SmokeballTokenError(grant, response.status, parsed.success ? parsed.data.error : undefined, {
        endpoint: 'POST /oauth2/token',
      });
    }
    return parseValue(json, TokenResponse, { endpoint: 'POST /oauth2/token' });
  }

  return {
    /** The URL to send the firm admin's browser to [AUTH-CODE]. `scope` is omitted: all assigned scopes. */
    authorizeUrl({ redirectUri, state, codeChallenge }: AuthorizeUrlInput): string {
      const url = new URL(`${deps.authUrl}/oauth2/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: deps.clientId,
        redirect_uri: redirectUri,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },

    /** Exchanges a callback `code` (single-use, 5 min) with its PKCE verifier. */
    exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenResponse> {
      return requestToken('authorization_code', {
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
      });
    },

    /**
     * A new access token. The answer usually has no refresh_token (Smokeball does not rotate): keep the old
     * one then. `SmokeballTokenError.needsReauth` (invalid_grant) means the connection must be authorised
     * again; the caller marks it `needs_reauth` and stops (docs/architecture.md §5 "Tokens").
     */
    refresh(refreshToken: string): Promise<TokenResponse> {
      return requestToken('refresh_token', { refresh_token: refreshToken });
    },
  };
}
export type SmokeballOAuth = ReturnType<typeof createSmokeballOAuth>;

/** `Base64Encode(client_id:client_secret)` as Cognito's token endpoint documents it. Cognito ids and
 * secrets are ASCII letters and digits, so btoa (Latin-1) is enough. */
function basicCredentials(clientId: string, clientSecret: string): string {
  return btoa(`${clientId}:${clientSecret}`);
}
