import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api, basicAuth, CLIENT_ID, pkcePair, REDIRECT_URI, startTestSim, tokenRequest, uniqueName, type TestSim,
} from './helpers.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim({ autoApprove: true });
});
afterAll(() => t.sim.close());

function authorizeUrl(params: Record<string, string>) {
  const { challenge } = pkcePair();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  });
  return `${t.url}/oauth2/authorize?${q}`;
}

/** Submits the consent form the way a browser does. */
async function submitConsent(fields: Record<string, string>) {
  return fetch(`${t.url}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

async function approvedCode(username: string, challenge: string, state = 'st-1') {
  const response = await submitConsent({
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state, code_challenge: challenge,
    code_challenge_method: 'S256', username, decision: 'approve',
  });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  return { code: location.searchParams.get('code')!, location };
}

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  tokenRequest(t.url, { grant_type: 'authorization_code', client_id: CLIENT_ID, code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...extra });

describe('GET /oauth2/authorize', () => {
  it('renders a consent page with Approve and Deny and the login_hint pre-filled', async () => {
    const response = await fetch(authorizeUrl({ login_hint: 'smith-law' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toMatch(/value="approve"[^>]*>Approve</);
    expect(html).toMatch(/value="deny"[^>]*>Deny</);
    expect(html).toContain('name="username"');
    expect(html).toContain('value="smith-law"');
  });

  it('shows an error page (400), never a redirect, for an unregistered redirect_uri', async () => {
    for (const redirect of [`${REDIRECT_URI}/`, 'http://127.0.0.1:54321/functions/v1/oauth-callback?x=1', 'https://evil.example/cb']) {
      const response = await fetch(authorizeUrl({ redirect_uri: redirect }), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('shows an error page (400) for an unknown client_id', async () => {
    const response = await fetch(authorizeUrl({ client_id: 'nope' }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses PKCE methods other than S256 and a missing challenge with a redirect carrying invalid_request and state', async () => {
    const plain = await fetch(authorizeUrl({ code_challenge_method: 'plain' }), { redirect: 'manual' });
    expect(plain.status).toBe(302);
    const location = new URL(plain.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('st-123');

    const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: 's' });
    const missing = await fetch(`${t.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
    expect(new URL(missing.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('Approve redirects to redirect_uri with a code and the state echoed', async () => {
    const { challenge } = pkcePair();
    const { location } = await approvedCode(uniqueName('firm'), challenge, 'state-xyz');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);
    expect(location.searchParams.get('state')).toBe('state-xyz');
  });

  it('Deny redirects with error=access_denied and the state', async () => {
    const { challenge } = pkcePair();
    const response = await submitConsent({
      response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: 'deny-state', code_challenge: challenge,
      code_challenge_method: 'S256', username: 'x', decision: 'deny',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('deny-state');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('auto=approve with login_hint redirects at once when started with autoApprove', async () => {
    const username = uniqueName('auto');
    const response = await fetch(authorizeUrl({ auto: 'approve', login_hint: username }), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    const state = await t.control.state(username);
    expect(state.accounts.map((a) => a.username)).toEqual([username]);
  });
});

describe('auto=approve without --auto-approve', () => {
  it('is ignored: the consent page is shown', async () => {
    const other = await startTestSim();
    try {
      const q = new URLSearchParams({
        response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256', auto: 'approve', login_hint: 'x',
      });
      const response = await fetch(`${other.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Approve');
    } finally {
      await other.sim.close();
    }
  });
});

describe('POST /oauth2/token', () => {
  it('exchanges a code with the PKCE verifier for access and refresh tokens, and the token works on the API', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    const tokens = await exchange(code, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof tokens.body.access_token).toBe('string');
    expect(typeof tokens.body.refresh_token).toBe('string');
    expect((await api(t.url, tokens.body.access_token, 'GET', '/contacts')).status).toBe(200);
  });

  it('a code is single-use: the second exchange is invalid_grant', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a wrong code_verifier is invalid_grant', async () => {
    const { challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    expect(await exchange(code, pkcePair().verifier)).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a redirect_uri different from the authorize one is invalid_grant', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    expect((await exchange(code, verifier, { redirect_uri: 'http://127.0.0.1:1/other' })).body).toEqual({ error: 'invalid_grant' });
  });

  it('a code older than 5 minutes (sim clock) is invalid_grant', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    await t.control.advanceClock(5 * 60 * 1000 + 1000);
    expect(await exchange(code, verifier)).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refresh_token answers a new access token and no refresh_token', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    const tokens = await exchange(code, verifier);
    const refreshed = await tokenRequest(t.url, { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect(refreshed.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(refreshed.body.access_token).not.toBe(tokens.body.access_token);
    expect((await api(t.url, refreshed.body.access_token, 'GET', '/matters')).status).toBe(200);
    // Not rotated: the same refresh token keeps working.
    const again = await tokenRequest(t.url, { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.body.refresh_token });
    expect(again.status).toBe(200);
  });

  it('client_credentials answers an access token without a refresh token', async () => {
    const response = await tokenRequest(t.url, { grant_type: 'client_credentials', client_id: CLIENT_ID });
    expect(response.status).toBe(200);
    expect(response.body.refresh_token).toBeUndefined();
    expect((await api(t.url, response.body.access_token, 'GET', '/contacts')).status).toBe(200);
  });

  it.each([
    ['a wrong secret', { grant_type: 'client_credentials', client_id: CLIENT_ID }, basicAuth(CLIENT_ID, 'wrong'), 'invalid_client'],
    ['no Basic header', { grant_type: 'client_credentials', client_id: CLIENT_ID }, null, 'invalid_client'],
    ['a body client_id other than the Basic one', { grant_type: 'client_credentials', client_id: 'someone-else' }, basicAuth(), 'invalid_client'],
    ['an unknown grant type', { grant_type: 'password', client_id: CLIENT_ID }, basicAuth(), 'unsupported_grant_type'],
    ['no grant type', { client_id: CLIENT_ID }, basicAuth(), 'invalid_request'],
    ['authorization_code without code', { grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI }, basicAuth(), 'invalid_request'],
    ['an unknown refresh token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: 'nope' }, basicAuth(), 'invalid_grant'],
  ])('answers 400 with a Cognito-style error for %s', async (_name, form, authorization, error) => {
    expect(await tokenRequest(t.url, form as Record<string, string>, authorization)).toEqual({ status: 400, body: { error } });
  });

  it('logs the grant type and never a token or code', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approvedCode(uniqueName('firm'), challenge);
    const tokens = await exchange(code, verifier);
    const log = await t.control.requests({ endpoint: 'POST /oauth2/token' });
    expect(log.some((e) => e.grantType === 'authorization_code' && e.status === 200)).toBe(true);
    const all = JSON.stringify(await t.control.requests());
    expect(all).not.toContain(code);
    expect(all).not.toContain(tokens.body.access_token);
    expect(all).not.toContain(tokens.body.refresh_token);
  });
});

describe('revoking an account grant', () => {
  it('makes refresh tokens invalid_grant, access tokens 401, and deletes the webhook subscriptions', async () => {
    const account = await t.control.createAccount(uniqueName('revoked'));
    const created = await api(t.url, account.accessToken, 'POST', '/webhooks', {
      name: 'casehug', eventTypes: ['matter.updated'], eventNotificationUrl: 'http://127.0.0.1:9/hook', key: 'k',
    });
    expect(created.status).toBe(200);
    const result = await t.control.revoke(account.username);
    expect(result.deletedSubscriptions).toBe(1);
    expect((await api(t.url, account.accessToken, 'GET', '/contacts')).status).toBe(401);
    const refreshed = await tokenRequest(t.url, { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: account.refreshToken });
    expect(refreshed).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const state = await t.control.state(account.accountId);
    expect(state.accounts[0].subscriptions).toEqual([]);
  });
});

describe('token lifetimes (own sim: the clock moves far)', () => {
  it('access tokens expire after accessTokenTtlS and refresh-token expiry deletes subscriptions', async () => {
    const s = await startTestSim({ accessTokenTtlS: 60, refreshTokenTtlS: 600 });
    try {
      const account = await s.control.createAccount('lifetimes');
      await api(s.url, account.accessToken, 'POST', '/webhooks', {
        name: 'n', eventTypes: ['contact.created'], eventNotificationUrl: 'http://127.0.0.1:9/hook',
      });
      await s.control.advanceClock(61_000);
      expect((await api(s.url, account.accessToken, 'GET', '/contacts')).status).toBe(401);
      const refreshed = await tokenRequest(s.url, { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: account.refreshToken });
      expect(refreshed.body.expires_in).toBe(60);
      expect((await s.control.state()).accounts[0].subscriptions).toHaveLength(1);
      await s.control.advanceClock(600_000);
      expect((await s.control.state()).accounts[0].subscriptions).toEqual([]);
      const late = await tokenRequest(s.url, { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: account.refreshToken });
      expect(late.body).toEqual({ error: 'invalid_grant' });
    } finally {
      await s.sim.close();
    }
  });
});
