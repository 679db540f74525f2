// oauth-callback (DESIGN §5 Connect): the state is consumed atomically and bound to what it was issued
// for; every outcome is a 302 to the app with `connected=1` or `error=<code>`; tokens are sealed at rest;
// the simulator's request log proves which code exchanges happened. The last test scans the functions'
// log for every secret this file saw.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { sha256Hex } from '../../../shared/crypto/hash.ts';
import { createSql } from '../../../shared/db/connection.ts';
import { createSmokeballOAuth } from '../../../shared/smokeball/oauth.ts';
import { completeConnect } from '../../../shared/sync/connection/complete-connect.ts';
import { codeVerifierContext } from '../../../shared/sync/connection/start-connect.ts';
import { accessTokenContext, refreshTokenContext } from '../../../shared/sync/connection/tokens.ts';
import {
  appUrl,
  approveAt,
  denyAt,
  simAccountId,
  stackKeys,
  stackSealer,
  startConnectUrl,
  startUnconfiguredFunction,
  tokenCallsSince,
  tokenLogMark,
} from '../../helpers/connect.ts';
import { asActor, connectAsSuperuser, createFirm, createMember, type Sql } from '../../helpers/db.ts';
import { findSecretsInLog, readFunctionLog, SecretCollector, waitForRequestLogged } from '../../helpers/logs.ts';
import { functionUrl, signToken } from '../../helpers/stack.ts';

let sql: Sql;
const seen = new SecretCollector();
let lastRequestId = '';
beforeAll(() => {
  sql = connectAsSuperuser();
});
afterAll(() => sql.end());

async function newAdmin() {
  const firm = await createFirm(sql);
  const admin = await createMember(sql, firm.id, 'admin');
  return { firm, admin, token: await signToken({ sub: admin.id, email: admin.email }) };
}

/** oauth-start, remembering the state and the (unsealed) PKCE verifier as secrets. */
async function start(token: string, body: unknown = {}) {
  const { url, state } = await startConnectUrl(token, body);
  seen.add('state', state);
  const stateHash = await sha256Hex(state);
  const [row] = await sql`select sealed_code_verifier from private.oauth_states where state_hash = ${stateHash}`;
  seen.add('pkce verifier', await (await stackSealer()).open(row.sealed_code_verifier, codeVerifierContext(stateHash)));
  return { url, state, stateHash };
}

/** Auto-approves at the simulator; returns the callback URL with its code (remembered as a secret). */
async function approve(url: string, username: string): Promise<URL> {
  const callback = new URL(await approveAt(url, username));
  seen.add('authorization code', callback.searchParams.get('code'));
  return callback;
}

/** Calls oauth-callback as the browser would (no redirect following). */
async function callback(url: URL | string) {
  const res = await fetch(url, { redirect: 'manual' });
  await res.body?.cancel();
  lastRequestId = res.headers.get('x-request-id') ?? lastRequestId;
  const location = res.headers.get('location');
  return { status: res.status, headers: res.headers, location: location ? new URL(location) : null };
}

const callbackUrl = (params: Record<string, string>) => `${functionUrl('oauth-callback')}?${new URLSearchParams(params)}`;

/** The firm's stored tokens, opened with the stack's keys (remembered as secrets). */
async function storedTokens(firmId: string) {
  const [row] = await sql`select * from private.smokeball_credentials where firm_id = ${firmId}`;
  const sealer = await stackSealer();
  const accessToken = await sealer.open(row.sealed_access_token, accessTokenContext(firmId));
  const refreshToken = await sealer.open(row.sealed_refresh_token, refreshTokenContext(firmId));
  seen.add('access token', accessToken);
  seen.add('refresh token', refreshToken);
  return { row, accessToken, refreshToken };
}

const connectionOf = async (firmId: string) => (await sql`select * from public.smokeball_connections where firm_id = ${firmId}`)[0];

describe('a successful connect', () => {
  test('seals the tokens (no token in the raw row), records who and when and both expiries, and redirects with connected=1', async () => {
    const { firm, admin, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    const before = Date.now();
    const { url } = await start(token, { returnTo: '/settings/integrations?from=onboarding' });
    const result = await callback(await approve(url, username));

    expect(result.status).toBe(302);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.headers.get('referrer-policy')).toBe('no-referrer');
    expect(result.location?.toString()).toBe(`${appUrl()}/settings/integrations?from=onboarding&connected=1`);

    const { row, accessToken, refreshToken } = await storedTokens(firm.id);
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(accessToken);
    expect(raw).not.toContain(refreshToken);
    const kid = (await stackKeys()).tokenEncryptionKeys.split(':')[0];
    expect(row.key_id).toBe(kid);
    expect(row.sealed_access_token).toMatch(new RegExp(`^v1\\.${kid}\\.`));
    expect(row.sealed_refresh_token).toMatch(new RegExp(`^v1\\.${kid}\\.`));
    // They are the simulator's real tokens: the access token works against the API.
    const api = await fetch(`${inject('simUrl')}/webhooks`, {
      headers: { authorization: `Bearer ${accessToken}`, 'x-api-key': 'casehug-local-api-key' },
    });
    expect(api.status).toBe(200);
    // No token or code in the redirect.
    expect(result.location!.toString()).not.toContain(accessToken);

    const connection = await connectionOf(firm.id);
    expect(connection).toMatchObject({ status: 'connected', region: 'US', connected_by: admin.id, last_error_code: null });
    expect(connection.connected_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // Access token: the simulator's 1 h; refresh token: tracked for 30 days, so the app can warn before it lapses.
    expect(connection.access_token_expires_at.getTime() - before).toBeGreaterThan(3500_000);
    expect(connection.access_token_expires_at.getTime() - before).toBeLessThan(3700_000);
    const thirtyDays = 30 * 24 * 3600_000;
    expect(Math.abs(connection.refresh_token_expires_at.getTime() - (before + thirtyDays))).toBeLessThan(60_000);
    expect(row.refresh_token_expires_at.getTime()).toBe(connection.refresh_token_expires_at.getTime());

    // The firm's members read the connection (and the refresh-token expiry) under RLS, as the app does.
    const member = await createMember(sql, firm.id, 'member');
    const visible = await asActor(sql, { role: 'authenticated', userId: member.id }, (tx) =>
      tx`select status, refresh_token_expires_at from public.smokeball_connections where firm_id = ${firm.id}`);
    expect(visible).toEqual([{ status: 'connected', refresh_token_expires_at: connection.refresh_token_expires_at }]);
  });

  test('a replayed callback URL is refused with invalid_state and makes no second code exchange', async () => {
    const { firm, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    const { url } = await start(token, { returnTo: '/back' });
    const callbackWithCode = await approve(url, username);
    expect((await callback(callbackWithCode)).location?.searchParams.get('connected')).toBe('1');
    const accountId = await simAccountId(username);
    const { row: before } = await storedTokens(firm.id);

    const mark = await tokenLogMark();
    const replay = await callback(callbackWithCode);
    expect(replay.status).toBe(302);
    expect(replay.location?.toString()).toBe(`${appUrl()}/?error=invalid_state`);
    expect(await tokenCallsSince(mark, 'authorization_code', accountId)).toEqual([]);

    // The connection made by the first call is untouched.
    const [after] = await sql`select sealed_access_token from private.smokeball_credentials where firm_id = ${firm.id}`;
    expect(after.sealed_access_token).toBe(before.sealed_access_token);
    expect((await connectionOf(firm.id)).status).toBe('connected');
  });

  test('a reconnect replaces the tokens and keeps one connection', async () => {
    const { firm, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    await callback(await approve((await start(token)).url, username));
    const first = await storedTokens(firm.id);
    const again = await callback(await approve((await start(token)).url, username));
    expect(again.location?.searchParams.get('connected')).toBe('1');
    const second = await storedTokens(firm.id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const rows = await sql`select 1 from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(rows).toHaveLength(1);
  });
});

describe('a callback that must not connect', () => {
  test('an expired state → invalid_state to the stored return path, no code exchange, nothing stored', async () => {
    const { firm, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    const { url, stateHash } = await start(token, { returnTo: '/settings' });
    const callbackWithCode = await approve(url, username);
    const accountId = await simAccountId(username);
    await sql`update private.oauth_states set expires_at = now() - interval '1 second' where state_hash = ${stateHash}`;

    const mark = await tokenLogMark();
    const result = await callback(callbackWithCode);
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/settings?error=invalid_state`);
    expect(await tokenCallsSince(mark, 'authorization_code', accountId)).toEqual([]);
    expect(await connectionOf(firm.id)).toBeUndefined();
    // Consumed all the same: single use.
    expect(await sql`select 1 from private.oauth_states where state_hash = ${stateHash}`).toHaveLength(0);
  });

  test.each([
    ['an unknown state', { state: 'x'.repeat(43), code: 'some-code' }],
    ['no state at all', { code: 'some-code' }],
    ['an oversized state', { state: 'x'.repeat(5000), code: 'some-code' }],
    ['an error without a state', { error: 'access_denied' }],
  ])('%s → invalid_state at the app root', async (_name, params) => {
    const result = await callback(callbackUrl(params));
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/?error=invalid_state`);
  });

  test('Deny on the consent page → error=access_denied, state consumed, no code exchange', async () => {
    const { firm, token } = await newAdmin();
    const { url, stateHash } = await start(token, { returnTo: '/settings/smokeball' });
    const denied = new URL(await denyAt(url));
    expect(denied.searchParams.get('error')).toBe('access_denied');

    const mark = await tokenLogMark();
    const result = await callback(denied);
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/settings/smokeball?error=access_denied`);
    expect(await tokenCallsSince(mark, 'authorization_code')).toEqual([]);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(await sql`select 1 from private.oauth_states where state_hash = ${stateHash}`).toHaveLength(0);
  });

  test.each([
    ['an error Smokeball may send', 'temporarily_unavailable', 'temporarily_unavailable'],
    ['an unknown error', 'garbage<script>alert(1)</script>', 'authorization_failed'],
    ['an empty-looking error', ' ', 'authorization_failed'],
  ])('%s is passed on as a known code (%s → %s)', async (_name, error, expected) => {
    const { firm, token } = await newAdmin();
    const { state } = await start(token, { returnTo: '/s' });
    const result = await callback(callbackUrl({ state, error, error_description: 'something <b>bad</b>' }));
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/s?error=${expected}`);
    expect(await connectionOf(firm.id)).toBeUndefined();
  });

  test('a valid state without a code → error=invalid_request', async () => {
    const { firm, token } = await newAdmin();
    const { state } = await start(token);
    const result = await callback(callbackUrl({ state }));
    expect(result.location?.toString()).toBe(`${appUrl()}/?error=invalid_request`);
    expect(await connectionOf(firm.id)).toBeUndefined();
  });

  test('a code already used, with a fresh state → token_exchange_failed after one refused exchange', async () => {
    const { firm, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    const first = await approve((await start(token)).url, username);
    expect((await callback(first)).location?.searchParams.get('connected')).toBe('1');
    const { row: before } = await storedTokens(firm.id);

    const { state } = await start(token, { returnTo: '/again' });
    const mark = await tokenLogMark();
    const result = await callback(callbackUrl({ state, code: first.searchParams.get('code')! }));
    expect(result.location?.toString()).toBe(`${appUrl()}/again?error=token_exchange_failed`);
    const calls = await tokenCallsSince(mark, 'authorization_code', await simAccountId(username));
    expect(calls.map((c) => c.status)).toEqual([400]);
    // The existing connection is untouched.
    const [after] = await sql`select sealed_access_token from private.smokeball_credentials where firm_id = ${firm.id}`;
    expect(after.sealed_access_token).toBe(before.sealed_access_token);
  });

  test("a code swapped onto another state fails the PKCE check; a state's region cannot be changed from the query", async () => {
    const { firm, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    const au = await start(token, { region: 'AU', returnTo: '/au' });
    const us = await start(token, { region: 'US', returnTo: '/us' });
    const auCallback = await approve(au.url, username);

    // The AU code with the US state: the US verifier does not match the AU challenge.
    const swapped = await callback(callbackUrl({ state: us.state, code: auCallback.searchParams.get('code')! }));
    expect(swapped.location?.toString()).toBe(`${appUrl()}/us?error=token_exchange_failed`);
    expect(await connectionOf(firm.id)).toBeUndefined();

    // The AU state, approved again, with a region in the query: the stored region wins.
    const auAgain = await approve(au.url, username);
    auAgain.searchParams.set('region', 'US');
    const result = await callback(auAgain);
    expect(result.location?.toString()).toBe(`${appUrl()}/au?connected=1`);
    expect((await connectionOf(firm.id)).region).toBe('AU');
    await storedTokens(firm.id);
  });

  test('a state issued for one firm connects that firm only, whoever follows the link', async () => {
    const a = await newAdmin();
    const b = await newAdmin();
    const { url } = await start(a.token);
    const result = await callback(await approve(url, `firm-${a.firm.id}`));
    expect(result.location?.searchParams.get('connected')).toBe('1');
    expect((await connectionOf(a.firm.id)).connected_by).toBe(a.admin.id);
    expect(await connectionOf(b.firm.id)).toBeUndefined();
    await storedTokens(a.firm.id);
  });

  test('an admin who lost the role before coming back → error=forbidden, before any code exchange', async () => {
    const { firm, admin, token } = await newAdmin();
    const username = `firm-${firm.id}`;
    const { url } = await start(token, { returnTo: '/settings' });
    const callbackWithCode = await approve(url, username);
    await sql`update public.firm_members set role = 'member' where firm_id = ${firm.id} and user_id = ${admin.id}`;

    const mark = await tokenLogMark();
    const result = await callback(callbackWithCode);
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/settings?error=forbidden`);
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(username))).toEqual([]);
    expect(await connectionOf(firm.id)).toBeUndefined();
  });

  test('an unexpected failure after the exchange still lands in the app (error=internal_error), not on a 500', async () => {
    // Library level: the same completeConnect the function runs, with a sealer that fails on sealing.
    const { firm, token } = await newAdmin();
    const { url } = await start(token, { returnTo: '/settings' });
    const callbackWithCode = await approve(url, `firm-${firm.id}`);
    const sealer = await stackSealer();
    const pool = createSql(inject('dbUrl'), { max: 2 });
    const logged: string[] = [];
    try {
      const { location } = await completeConnect(
        {
          sql: pool,
          sealer: { ...sealer, seal: () => Promise.reject(new Error('sealing failed')) },
          oauthFor: () => createSmokeballOAuth({ authUrl: inject('simUrl'), clientId: 'casehug-local', clientSecret: 'casehug-local-secret' }),
          redirectUri: `${inject('gatewayUrl')}/functions/v1/oauth-callback`,
          appUrl: appUrl(),
          refreshTokenTtlMs: 30 * 24 * 3600_000,
          now: Date.now,
          log: (event) => logged.push(event),
        },
        callbackWithCode.searchParams,
      );
      expect(location).toBe(`${appUrl()}/settings?error=internal_error`);
      expect(logged).toContain('oauth_callback_failed');
      expect(await connectionOf(firm.id)).toBeUndefined();
    } finally {
      await pool.end();
    }
  });

  test('other methods get a JSON 405, never a page', async () => {
    const res = await fetch(functionUrl('oauth-callback'), { method: 'POST' });
    expect(res.status).toBe(405);
    expect((await res.json()).error.code).toBe('method_not_allowed');
  });
});

describe('oauth-callback without Smokeball credentials', () => {
  let fn: Awaited<ReturnType<typeof startUnconfiguredFunction>> | undefined;
  afterAll(() => fn?.stop());

  test('a valid state lands in the app with error=smokeball_not_configured', async () => {
    fn = await startUnconfiguredFunction('oauth-callback');
    const { firm, token } = await newAdmin();
    const { url } = await start(token, { returnTo: '/settings' });
    const callbackWithCode = await approve(url, `firm-${firm.id}`);
    // Straight to the process (not through the gateway, so its log lines are not in the stack's log file).
    const res = await fetch(`${fn.url}${callbackWithCode.search}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${appUrl()}/settings?error=smokeball_not_configured`);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(findSecretsInLog(fn.lines.join('\n'), seen.secrets)).toEqual([]);
  }, 60_000);
});

describe('logs', () => {
  // Last in this file: every secret above has been seen by now.
  test('the function logs contain no token, code, state, verifier or secret seen by this file', async () => {
    const keys = await stackKeys();
    seen.add('secret key', inject('secretKey'));
    seen.add('client secret', 'casehug-local-secret');
    seen.add('TOKEN_ENCRYPTION_KEYS', keys.tokenEncryptionKeys);
    for (const entry of keys.tokenEncryptionKeys.split(',')) seen.add('token encryption key', entry.slice(entry.indexOf(':') + 1));
    expect(seen.secrets.filter((s) => s.label === 'access token').length).toBeGreaterThanOrEqual(5);
    expect(seen.secrets.filter((s) => s.label === 'authorization code').length).toBeGreaterThanOrEqual(5);

    await waitForRequestLogged(lastRequestId);
    const log = await readFunctionLog();
    expect(log).toContain('"fn":"oauth-callback"');
    // The scan finds what is there (the last request id is logged), and no secret.
    expect(findSecretsInLog(log, [{ label: 'request id', value: lastRequestId }])).toEqual([{ label: 'request id', fn: 'oauth-callback' }]);
    expect(findSecretsInLog(log, seen.secrets)).toEqual([]);
  });
});
