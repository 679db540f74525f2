import { describe, expect, test } from 'vitest';
import { SmokeballTokenError } from '../../../shared/smokeball/errors.ts';
import { createSmokeballOAuth } from '../../../shared/smokeball/oauth.ts';
import { json, readFixture, scriptedFetch } from './fakes.ts';

const base = { authUrl: 'https://auth.example.test', clientId: 'client-1', clientSecret: 'secret-1' };

describe('createSmokeballOAuth()', () => {
  test('authorizeUrl() asks for a code with PKCE S256 and the state', () => {
    const url = new URL(createSmokeballOAuth(base).authorizeUrl({ redirectUri: 'https://app.test/cb', state: 's-1', codeChallenge: 'ch' }));
    expect(url.origin + url.pathname).toBe('https://auth.example.test/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://app.test/cb',
      state: 's-1',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  test('exchangeCode() posts a form with Basic auth, client_id in the body and the verifier', async () => {
    const { fetch, requests } = scriptedFetch(json(200, readFixture('token-response-code.json')));
    const tokens = await createSmokeballOAuth({ ...base, fetch }).exchangeCode({ code: 'c-1', redirectUri: 'https://app.test/cb', codeVerifier: 'v-1' });
    expect(tokens).toMatchObject({ access_token: 'at-example', refresh_token: 'rt-example', expires_in: 3600 });
    const [{ request, body }] = requests;
    expect(request.url).toBe('https://auth.example.test/oauth2/token');
    expect(request.method).toBe('POST');
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers.get('authorization')).toBe(`Basic ${btoa('client-1:secret-1')}`);
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-1',
      code: 'c-1',
      redirect_uri: 'https://app.test/cb',
      code_verifier: 'v-1',
    });
  });

  test('refresh() without a new refresh_token in the answer returns none (the caller keeps the old one)', async () => {
    const { fetch, requests } = scriptedFetch(json(200, readFixture('token-response-refresh.json')));
    const tokens = await createSmokeballOAuth({ ...base, fetch }).refresh('rt-1');
    expect(tokens.refresh_token).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(requests[0].body))).toEqual({ grant_type: 'refresh_token', client_id: 'client-1', refresh_token: 'rt-1' });
  });

  test('a public client sends no Basic header', async () => {
    const { fetch, requests } = scriptedFetch(json(200, readFixture('token-response-code.json')));
    await createSmokeballOAuth({ authUrl: base.authUrl, clientId: 'client-1', fetch }).exchangeCode({ code: 'c', redirectUri: 'r', codeVerifier: 'v' });
    expect(requests[0].request.headers.get('authorization')).toBeNull();
  });

  test('invalid_grant on refresh is smokeball_reauth_required with needsReauth', async () => {
    const { fetch } = scriptedFetch(json(400, readFixture('token-error-invalid-grant.json')));
    const error = await createSmokeballOAuth({ ...base, fetch }).refresh('rt-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmokeballTokenError);
    expect(error).toMatchObject({ code: 'smokeball_reauth_required', needsReauth: true, oauthError: 'invalid_grant', upstreamStatus: 400 });
    expect((error as Error).message).not.toContain('rt-1');
  });

  test('invalid_grant on the code exchange is token_exchange_failed, still marked needsReauth', async () => {
    const { fetch } = scriptedFetch(json(400, { error: 'invalid_grant' }));
    const error = await createSmokeballOAuth({ ...base, fetch }).exchangeCode({ code: 'c', redirectUri: 'r', codeVerifier: 'v' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'token_exchange_failed', needsReauth: true });
  });

  test.each([
    { name: 'invalid_client', answer: json(400, { error: 'invalid_client' }), oauthError: 'invalid_client', upstreamStatus: 400 },
    { name: 'a 500 without an OAuth body', answer: json(500, { message: 'Internal' }), oauthError: undefined, upstreamStatus: 500 },
    { name: 'a network failure', answer: new TypeError('fetch failed'), oauthError: undefined, upstreamStatus: undefined },
  ])('$name is token_exchange_failed without needsReauth', async ({ answer, oauthError, upstreamStatus }) => {
    const { fetch } = scriptedFetch(answer);
    const error = await createSmokeballOAuth({ ...base, fetch }).refresh('rt-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'token_exchange_failed', needsReauth: false, oauthError, upstreamStatus });
  });

  test('a 200 without access_token is smokeball_invalid_response', async () => {
    const { fetch } = scriptedFetch(json(200, { token_type: 'Bearer' }));
    await expect(createSmokeballOAuth({ ...base, fetch }).refresh('rt-1')).rejects.toMatchObject({ code: 'smokeball_invalid_response' });
  });
});
