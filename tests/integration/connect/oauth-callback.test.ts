// oauth-callback: the state is consumed atomically and bound to what it was issued for; the code is NOT
// exchanged here (whoever follows the redirect holds it) but kept sealed on the consumed state, which
// becomes a pending completion reachable by a single-use handle (hash stored) that the browser carries
// to the app as `connect=<handle>`; every failure is a 302 to the app with `error=<code>`. The simulator's
// request log proves that no code exchange happens. The last test scans the functions' log for every
// secret this file saw.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { sha256Hex } from '../../../shared/crypto/hash.ts';
import { COMPLETION_TTL_S } from '../../../shared/db/oauth-states.ts';
import { authorizationCodeContext } from '../../../shared/sync/connection/receive-callback.ts';
import { codeVerifierContext } from '../../../shared/sync/connection/start-connect.ts';
import {
  appUrl,
  approveAt,
  denyAt,
  stackKeys,
  simAccountId,
  stackSealer,
  startConnectUrl,
  startUnconfiguredFunction,
  tokenCallsSince,
  tokenLogMark,
} from '../../helpers/connect.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { findSecretsInLog, readFunctionLog, SecretCollector, waitForRequestLogged } from '../../helpers/logs.ts';
import { functionUrl } from '../../helpers/stack.ts';

const sql = useSuperuserSql();
const seen = new SecretCollector();
let lastRequestId = '';

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

/** Calls oauth-callback as the browser would (no redirect following); the handle is remembered as a secret. */
async function callback(url: URL | string) {
  const res = await fetch(url, { redirect: 'manual' });
  await res.body?.cancel();
  lastRequestId = res.headers.get('x-request-id') ?? lastRequestId;
  const location = res.headers.get('location');
  const target = location ? new URL(location) : null;
  seen.add('connect handle', target?.searchParams.get('connect'));
  return { status: res.status, headers: res.headers, location: target };
}

const callbackUrl = (params: Record<string, string>) => `${functionUrl('oauth-callback')}?${new URLSearchParams(params)}`;
const connectionOf = async (firmId: string) => (await sql`select * from public.smokeball_connections where firm_id = ${firmId}`)[0];
const stateRow = async (stateHash: string) => (await sql`select * from private.oauth_states where state_hash = ${stateHash}`)[0];

describe('a callback with a code', () => {
  test('keeps the code sealed on the consumed state, redirects with connect=<handle>, and exchanges nothing', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const { url, stateHash } = await start(token, { returnTo: '/settings/integrations?from=onboarding' });
    const withCode = await approve(url, `firm-${firm.id}`);
    const code = withCode.searchParams.get('code')!;

    const mark = await tokenLogMark();
    const before = Date.now();
    const result = await callback(withCode);
    expect(result.status).toBe(302);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.headers.get('referrer-policy')).toBe('no-referrer');
    const handle = result.location?.searchParams.get('connect') ?? '';
    expect(handle).toMatch(/^[\w-]{43}$/);
    expect(result.location?.toString()).toBe(`${appUrl()}/settings/integrations?from=onboarding&connect=${handle}`);
    expect(result.location?.toString()).not.toContain(code);

    // No exchange, no connection: completing is the app's job, in the admin's session. (Other files connect
    // their own firms meanwhile, so only this firm's account counts.)
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(`firm-${firm.id}`))).toEqual([]);
    expect(await connectionOf(firm.id)).toBeUndefined();

    // The same row is now a pending completion: consumed, the handle's hash, the code sealed to this state.
    const row = await stateRow(stateHash);
    expect(row.consumed_at).toBeInstanceOf(Date);
    expect(row.handle_hash).toBe(await sha256Hex(handle));
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.stringify(row)).not.toContain(handle);
    expect(await (await stackSealer()).open(row.sealed_code, authorizationCodeContext(stateHash))).toBe(code);
    // The handle lives as long as the code can still be exchanged (Smokeball: 5 minutes), minus a margin.
    const ttlMs = row.expires_at.getTime() - before;
    expect(ttlMs).toBeGreaterThan((COMPLETION_TTL_S - 30) * 1000);
    expect(ttlMs).toBeLessThanOrEqual((COMPLETION_TTL_S + 5) * 1000);
    expect(COMPLETION_TTL_S).toBeLessThan(5 * 60);
  });

  test('a replayed callback URL is refused with invalid_state and leaves the pending completion as it was', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const { url, stateHash } = await start(token, { returnTo: '/back' });
    const withCode = await approve(url, `firm-${firm.id}`);
    expect((await callback(withCode)).location?.searchParams.get('connect')).toBeTruthy();
    const pending = await stateRow(stateHash);

    const mark = await tokenLogMark();
    const replay = await callback(withCode);
    expect(replay.status).toBe(302);
    expect(replay.location?.toString()).toBe(`${appUrl()}/?error=invalid_state`);
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(`firm-${firm.id}`))).toEqual([]);
    expect(await stateRow(stateHash)).toEqual(pending);
  });
});

describe('a callback that must not go on', () => {
  test('an expired state → invalid_state to the stored return path, nothing kept', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const { url, stateHash } = await start(token, { returnTo: '/settings' });
    const withCode = await approve(url, `firm-${firm.id}`);
    await sql`update private.oauth_states set expires_at = now() - interval '1 second' where state_hash = ${stateHash}`;

    const result = await callback(withCode);
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/settings?error=invalid_state`);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(await stateRow(stateHash)).toBeUndefined();
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

  test('Deny on the consent page → error=access_denied, state gone', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const { url, stateHash } = await start(token, { returnTo: '/settings/smokeball' });
    const denied = new URL(await denyAt(url));
    expect(denied.searchParams.get('error')).toBe('access_denied');

    const result = await callback(denied);
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/settings/smokeball?error=access_denied`);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(await stateRow(stateHash)).toBeUndefined();
  });

  test.each([
    ['an error Smokeball may send', 'temporarily_unavailable', 'temporarily_unavailable'],
    ['an unknown error', 'garbage<script>alert(1)</script>', 'authorization_failed'],
    ['an empty-looking error', ' ', 'authorization_failed'],
  ])('%s is passed on as a known code (%s → %s)', async (_name, error, expected) => {
    const { firm, token } = await createFirmAdmin(sql);
    const { state } = await start(token, { returnTo: '/s' });
    const result = await callback(callbackUrl({ state, error, error_description: 'something <b>bad</b>' }));
    expect(result.status).toBe(302);
    expect(result.location?.toString()).toBe(`${appUrl()}/s?error=${expected}`);
    expect(await connectionOf(firm.id)).toBeUndefined();
  });

  test('a valid state without a code → error=invalid_request', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const { state, stateHash } = await start(token);
    const result = await callback(callbackUrl({ state }));
    expect(result.location?.toString()).toBe(`${appUrl()}/?error=invalid_request`);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(await stateRow(stateHash)).toBeUndefined();
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
    const { firm, token } = await createFirmAdmin(sql);
    const { url, stateHash } = await start(token, { returnTo: '/settings' });
    const withCode = await approve(url, `firm-${firm.id}`);
    // Straight to the process (not through the gateway, so its log lines are not in the stack's log file).
    const res = await fetch(`${fn.url}${withCode.search}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${appUrl()}/settings?error=smokeball_not_configured`);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(await stateRow(stateHash)).toBeUndefined();
    expect(findSecretsInLog(fn.lines.join('\n'), seen.secrets)).toEqual([]);
  }, 60_000);
});

describe('logs', () => {
  // Last in this file: every secret above has been seen by now.
  test('the function logs contain no code, state, handle, verifier or secret seen by this file', async () => {
    const keys = await stackKeys();
    seen.add('secret key', inject('secretKey'));
    seen.add('client secret', 'casehug-local-secret');
    seen.add('TOKEN_ENCRYPTION_KEYS', keys.tokenEncryptionKeys);
    for (const entry of keys.tokenEncryptionKeys.split(',')) seen.add('token encryption key', entry.slice(entry.indexOf(':') + 1));
    expect(seen.secrets.filter((s) => s.label === 'authorization code').length).toBeGreaterThanOrEqual(4);
    expect(seen.secrets.filter((s) => s.label === 'connect handle').length).toBeGreaterThanOrEqual(2);

    await waitForRequestLogged(lastRequestId);
    const log = await readFunctionLog();
    expect(log).toContain('"fn":"oauth-callback"');
    expect(findSecretsInLog(log, [{ label: 'request id', value: lastRequestId }])).toEqual([{ label: 'request id', fn: 'oauth-callback' }]);
    expect(findSecretsInLog(log, seen.secrets)).toEqual([]);
  });
});
