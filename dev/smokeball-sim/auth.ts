// The authorization server (docs/smokeball.md §1): `GET /oauth2/authorize` (consent page), the form post it
// makes, and `POST /oauth2/token` with the authorization_code, refresh_token and client_credentials
// grants. Errors follow Cognito: 400 `{"error": "<code>"}`. A bad client_id or redirect_uri gives an
// error page and never a redirect (RFC 6749 §4.1.2.1).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { renderConsentPage, renderErrorPage } from './consent-page.ts';
import { readSmallBody, type Reply } from './http.ts';
import { clientsOf, type SimClient } from './options.ts';
import type { World, RequestLogEntry } from './world.ts';

const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method'];
/** Name used when `auto=approve` comes without `login_hint`. */
export const DEFAULT_USERNAME = 'demo-firm';
/** Client-credentials tokens act for the app's own (private, single-firm) account. */
const privateAccountName = (clientId: string) => `private-app:${clientId}`;

const html = (status: number, body: string): Reply => ({ status, body, contentType: 'text/html; charset=utf-8' });
const redirect = (location: string): Reply => ({ status: 302, headers: { location, 'cache-control': 'no-store' } });

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): Reply {
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) target.searchParams.set(k, v);
  return redirect(target.toString());
}

const findClient = (world: World, clientId: string | undefined): SimClient | undefined =>
  clientsOf(world.options).find((c) => c.clientId === clientId);

const pkceChallengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

type LogNote = (fields: Partial<RequestLogEntry>) => void;

/** `GET /oauth2/authorize` renders the page; `POST /oauth2/authorize` is its form (Approve / Deny). */
export async function handleAuthorize(world: World, req: IncomingMessage, url: URL, note: LogNote): Promise<Reply> {
  const params = req.method === 'POST' ? new URLSearchParams((await readSmallBody(req)).toString('utf8')) : url.searchParams;
  const get = (name: string) => params.get(name) ?? undefined;
  const client = findClient(world, get('client_id'));
  if (!client) return html(400, renderErrorPage('Invalid client_id.'));
  note({ clientId: client.clientId });
  const redirectUri = get('redirect_uri');
  // Reference §1: must exactly match a registered callback, including scheme, host, port, path and query.
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) return html(400, renderErrorPage('redirect_mismatch: redirect_uri is not registered for this client.'));
  const state = get('state');
  if (get('response_type') !== 'code') return redirectWith(redirectUri, { error: 'unsupported_response_type', state });
  const challenge = get('code_challenge');
  // Reference §1 "PKCE": only S256 is allowed.
  if (challenge !== undefined && get('code_challenge_method') !== 'S256') {
    return redirectWith(redirectUri, { error: 'invalid_request', error_description: 'code_challenge_method must be S256', state });
  }
  if (challenge === undefined && (world.options.requirePkce || client.clientSecret === null)) {
    return redirectWith(redirectUri, { error: 'invalid_request', error_description: 'code_challenge is required', state });
  }
  if (challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return redirectWith(redirectUri, { error: 'invalid_request', error_description: 'code_challenge must be a base64url SHA-256', state });
  }

  const approve = (username: string): Reply => {
    const account = world.store.getOrCreateAccount(username, world.clock.nowMs());
    note({ accountId: account.id });
    const code = world.auth.issueCode({ clientId: client.clientId, redirectUri, codeChallenge: challenge ?? null, accountId: account.id }, world.clock.nowMs());
    return redirectWith(redirectUri, { code, state });
  };
  const hidden = Object.fromEntries(AUTHORIZE_PARAMS.filter((p) => get(p) !== undefined).map((p) => [p, get(p)!]));

  if (req.method === 'GET') {
    if (get('auto') === 'approve' && world.options.autoApprove) return approve(get('login_hint') ?? DEFAULT_USERNAME);
    return html(200, renderConsentPage({ clientId: client.clientId, hidden, username: get('login_hint') ?? '' }));
  }
  if (get('decision') === 'deny') return redirectWith(redirectUri, { error: 'access_denied', state });
  const username = (get('username') ?? '').trim();
  if (get('decision') !== 'approve' || username === '' || username.length > 100) {
    return html(400, renderConsentPage({ clientId: client.clientId, hidden, username, error: 'Enter a username (at most 100 characters), then Approve or Deny.' }));
  }
  return approve(username);
}

const tokenError = (error: string): Reply => ({ status: 400, body: { error }, headers: { 'cache-control': 'no-store' } });
const tokenOk = (body: Record<string, unknown>): Reply => ({ status: 200, body, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } });

/**
 * Reference §1 "How client credentials are sent": Basic `client_id:client_secret` plus `client_id` in the
 * body; a public client (no secret) sends only `client_id`. A secret in the body is not accepted.
 */
function authenticateClient(world: World, req: IncomingMessage, form: URLSearchParams): SimClient | undefined {
  const header = req.headers.authorization;
  const bodyClientId = form.get('client_id') ?? undefined;
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const id = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    const client = findClient(world, id);
    if (!client || client.clientSecret === null || client.clientSecret !== secret) return undefined;
    if (bodyClientId !== undefined && bodyClientId !== id) return undefined;
    return client;
  }
  const client = findClient(world, bodyClientId);
  return client && client.clientSecret === null ? client : undefined;
}

export async function handleToken(world: World, req: IncomingMessage, note: LogNote): Promise<Reply> {
  if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request' } };
  const contentType = req.headers['content-type'] ?? '';
  const raw = (await readSmallBody(req)).toString('utf8');
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return tokenError('invalid_request');
  const form = new URLSearchParams(raw);
  const grantType = form.get('grant_type') ?? undefined;
  note({ grantType: grantType?.slice(0, 40) });
  if (!grantType) return tokenError('invalid_request');
  const client = authenticateClient(world, req, form);
  if (!client) return tokenError('invalid_client');
  note({ clientId: client.clientId });
  const { options, auth, clock } = world;
  const now = clock.nowMs();

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!code || !redirectUri) return tokenError('invalid_request');
    const grant = auth.consumeCode(code, now);
    if (!grant || grant.clientId !== client.clientId || grant.redirectUri !== redirectUri) return tokenError('invalid_grant');
    if (grant.codeChallenge !== null) {
      const verifier = form.get('code_verifier');
      if (!verifier || pkceChallengeOf(verifier) !== grant.codeChallenge) return tokenError('invalid_grant');
    }
    note({ accountId: grant.accountId });
    return tokenOk({
      access_token: auth.issue('access', grant.accountId, client.clientId, options.accessTokenTtlS, now),
      refresh_token: auth.issue('refresh', grant.accountId, client.clientId, options.refreshTokenTtlS, now),
      token_type: 'Bearer',
      expires_in: options.accessTokenTtlS,
    });
  }
  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token');
    if (!token) return tokenError('invalid_request');
    const grant = auth.verify('refresh', token, now);
    if (!grant || grant.clientId !== client.clientId) return tokenError('invalid_grant');
    note({ accountId: grant.accountId });
    // Reference §1 "Token responses": no new refresh_token; refresh tokens are not rotated.
    return tokenOk({
      access_token: auth.issue('access', grant.accountId, client.clientId, options.accessTokenTtlS, now),
      token_type: 'Bearer',
      expires_in: options.accessTokenTtlS,
    });
  }
  if (grantType === 'client_credentials') {
    if (client.clientSecret === null) return tokenError('unauthorized_client');
    const account = world.store.getOrCreateAccount(privateAccountName(client.clientId), now);
    note({ accountId: account.id });
    return tokenOk({
      access_token: auth.issue('access', account.id, client.clientId, options.clientCredentialsTokenTtlS, now),
      token_type: 'Bearer',
      expires_in: options.clientCredentialsTokenTtlS,
    });
  }
  return tokenError('unsupported_grant_type');
}
