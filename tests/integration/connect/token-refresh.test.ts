// The token provider every feature uses (docs/architecture.md §5 Tokens), at the library level with real
// Postgres and the real simulator: two refresher instances stand for two function processes (each with its
// own in-process single-flight map), and the row lock between them must leave exactly one refresh call at
// the simulator. The simulator is shared with other test files, so its clock and config are left alone:
// a token is made due by moving its stored expiry, and this file's token calls carry their own RequestId
// prefix so they can be told apart in the simulator's request log.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { parseSealer, type Sealer } from '../../../shared/crypto/seal.ts';
import { createSql, type Sql as SharedSql } from '../../../shared/db/sql.ts';
import { saveConnection } from '../../../shared/db/connections.ts';
import { AppError } from '../../../shared/errors.ts';
import { createSmokeballOAuth } from '../../../shared/smokeball/oauth.ts';
import { createTokenRefresher, type TokenRefresher } from '../../../shared/sync/connection/refresh-token.ts';
import { accessTokenContext, refreshTokenContext, sealTokens, webhookKeyContext } from '../../../shared/sync/connection/tokens.ts';
import { sim, stackSealer } from '../../helpers/connect.ts';
import { createFirm, createMember, type Sql } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql();
let sealer: Sealer;
const pools: SharedSql[] = [];
beforeAll(async () => {
  sealer = await stackSealer();
});
afterAll(() => Promise.all(pools.map((p) => p.end())));

const TOKEN_TTL_MS = 3600_000;
const REFRESH_TTL_MS = 30 * 24 * 3600_000;

/** A firm connected to a fresh simulator account, with tokens minted by the simulator. */
async function connectedFirm() {
  const firm = await createFirm(sql);
  const admin = await createMember(sql, firm.id, 'admin');
  const username = `refresh-${firm.id}`;
  const minted = await sim().createAccount(username);
  const sealed = await sealTokens({ sealer, now: Date.now }, firm.id, {
    accessToken: minted.accessToken,
    refreshToken: minted.refreshToken,
    expiresInS: minted.expiresIn,
    refreshTokenExpiresAt: new Date(Date.now() + REFRESH_TTL_MS),
  });
  await sql.begin((tx) => saveConnection(tx, { firmId: firm.id, region: 'US', userId: admin.id, tokens: sealed }));
  return { firm, username, minted };
}

/** Makes the stored access token due for refresh (inside the margin), without touching the simulator's clock. */
async function makeDue(firmId: string) {
  await sql`update private.smokeball_credentials set access_token_expires_at = now() + interval '1 minute' where firm_id = ${firmId}`;
}

/** One "process": its own pool, its own refresher (and so its own in-flight map), its own token calls. */
function functionProcess(tag: string) {
  const pool = createSql(inject('dbUrl'), { max: 5 });
  pools.push(pool);
  let calls = 0;
  const taggedFetch: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    request.headers.set('RequestId', `${tag}-${++calls}`);
    return fetch(request);
  };
  const refresher: TokenRefresher = createTokenRefresher({
    sql: pool,
    sealer,
    oauthFor: async () => createSmokeballOAuth({ authUrl: inject('simUrl'), clientId: 'casehug-local', clientSecret: 'casehug-local-secret', fetch: taggedFetch }),
    now: Date.now,
    log: () => undefined,
  });
  return { refresher, calls: () => calls };
}

/** Two processes whose token calls share a prefix that names this test in the simulator's log. */
function twoProcesses() {
  const run = crypto.randomUUID();
  return { run, a: functionProcess(`${run}-a`), b: functionProcess(`${run}-b`) };
}

/** This run's calls to the token endpoint, as the simulator logged them. */
async function simTokenCalls(run: string) {
  const entries = await sim().requests({ endpoint: 'POST /oauth2/token' });
  return entries.filter((e) => e.requestId.startsWith(run)).map((e) => ({ grantType: e.grantType, status: e.status }));
}

const times = <T>(n: number, fn: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => fn(i));

async function credentialsOf(firmId: string) {
  const [row] = await sql`
    select k.sealed_access_token, k.sealed_refresh_token, k.access_token_expires_at as k_access_expires,
           k.refresh_token_expires_at as k_refresh_expires, c.status, c.access_token_expires_at, c.refresh_token_expires_at,
           c.last_refreshed_at, c.last_error_code
    from public.smokeball_connections c join private.smokeball_credentials k using (firm_id)
    where c.firm_id = ${firmId}`;
  return row;
}

async function apiAccepts(accessToken: string): Promise<boolean> {
  const res = await fetch(`${inject('simUrl')}/webhooks`, { headers: { authorization: `Bearer ${accessToken}`, 'x-api-key': 'casehug-local-api-key' } });
  await res.body?.cancel();
  return res.status === 200;
}

describe('refresh ahead of expiry', () => {
  test('a token far from expiry is used as stored: no call to Smokeball', async () => {
    const { firm, minted } = await connectedFirm();
    const { run, a } = twoProcesses();
    const tokens = await Promise.all(times(5, () => a.refresher.tokensFor(firm.id).getAccessToken()));
    expect(tokens).toEqual(times(5, () => minted.accessToken));
    expect(a.calls()).toBe(0);
    expect(await simTokenCalls(run)).toEqual([]);
  });

  test('20 concurrent calls in two processes that all need a fresh token make exactly one refresh', async () => {
    const { firm, minted } = await connectedFirm();
    await makeDue(firm.id);
    const before = await credentialsOf(firm.id);
    const { run, a, b } = twoProcesses();

    const started = Date.now();
    const tokens = await Promise.all([
      ...times(10, () => a.refresher.tokensFor(firm.id).getAccessToken()),
      ...times(10, () => b.refresher.tokensFor(firm.id).getAccessToken()),
    ]);

    expect(a.calls() + b.calls()).toBe(1);
    expect(await simTokenCalls(run)).toEqual([{ grantType: 'refresh_token', status: 200 }]);
    const fresh = tokens[0];
    expect(fresh).not.toBe(minted.accessToken);
    expect(new Set(tokens)).toEqual(new Set([fresh]));
    expect(await apiAccepts(fresh)).toBe(true);

    const after = await credentialsOf(firm.id);
    // The simulator sends no new refresh token: the stored one (and its expiry) is kept — the same token,
    // sealed again with the current key.
    expect(await sealer.open(after.sealed_refresh_token, `firm:${firm.id}:refresh_token`)).toBe(minted.refreshToken);
    expect(after.refresh_token_expires_at.getTime()).toBe(before.refresh_token_expires_at.getTime());
    expect(after.k_refresh_expires.getTime()).toBe(before.k_refresh_expires.getTime());
    // The access token and its expiry are new, on the credentials and on the connection the app reads.
    expect(after.sealed_access_token).not.toBe(before.sealed_access_token);
    expect(await sealer.open(after.sealed_access_token, `firm:${firm.id}:access_token`)).toBe(fresh);
    expect(after.k_access_expires.getTime() - started).toBeGreaterThan(TOKEN_TTL_MS - 60_000);
    expect(after.access_token_expires_at.getTime()).toBe(after.k_access_expires.getTime());
    expect(after.last_refreshed_at).toBeInstanceOf(Date);
    expect(after.status).toBe('connected');

    // Now fresh: later calls in either process use it without asking again.
    await Promise.all([a.refresher.tokensFor(firm.id).getAccessToken(), b.refresher.tokensFor(firm.id).getAccessToken()]);
    expect(a.calls() + b.calls()).toBe(1);
  });

  test('the old refresh token keeps working after a refresh (Smokeball does not rotate it)', async () => {
    const { firm } = await connectedFirm();
    const { run, a } = twoProcesses();
    await makeDue(firm.id);
    await a.refresher.tokensFor(firm.id).getAccessToken();
    await makeDue(firm.id);
    const second = await a.refresher.tokensFor(firm.id).getAccessToken();
    expect(await simTokenCalls(run)).toEqual([
      { grantType: 'refresh_token', status: 200 },
      { grantType: 'refresh_token', status: 200 },
    ]);
    expect(await apiAccepts(second)).toBe(true);
  });
});

describe('key rotation', () => {
  test('a refresh seals the refresh token and the webhook key again with the current key, so the old key can be retired', async () => {
    const key = () => randomBytes(32).toString('base64');
    const oldKey = key();
    const newKey = key();
    const before = parseSealer(`old:${oldKey}`);
    const rotated = parseSealer(`new:${newKey},old:${oldKey}`);
    const retired = parseSealer(`new:${newKey}`);

    // Connected while only the old key existed.
    const firm = await createFirm(sql);
    const admin = await createMember(sql, firm.id, 'admin');
    const minted = await sim().createAccount(`rotate-${firm.id}`);
    const sealed = await sealTokens({ sealer: before, now: Date.now }, firm.id, {
      accessToken: minted.accessToken,
      refreshToken: minted.refreshToken,
      expiresInS: minted.expiresIn,
      refreshTokenExpiresAt: new Date(Date.now() + REFRESH_TTL_MS),
    });
    await sql.begin((tx) => saveConnection(tx, { firmId: firm.id, region: 'US', userId: admin.id, tokens: sealed }));
    await sql`update private.smokeball_credentials set sealed_webhook_key = ${await before.seal('the-webhook-key', webhookKeyContext(firm.id))} where firm_id = ${firm.id}`;
    await makeDue(firm.id);

    // The new key is put first; the next refresh happens.
    const pool = createSql(inject('dbUrl'), { max: 2 });
    pools.push(pool);
    const refresher = createTokenRefresher({
      sql: pool,
      sealer: rotated,
      oauthFor: async () => createSmokeballOAuth({ authUrl: inject('simUrl'), clientId: 'casehug-local', clientSecret: 'casehug-local-secret' }),
      now: Date.now,
      log: () => undefined,
    });
    const fresh = await refresher.tokensFor(firm.id).getAccessToken();
    expect(fresh).not.toBe(minted.accessToken);

    const [row] = await sql`select * from private.smokeball_credentials where firm_id = ${firm.id}`;
    expect(row.key_id).toBe('new');
    for (const column of ['sealed_access_token', 'sealed_refresh_token', 'sealed_webhook_key']) expect(row[column]).toMatch(/^v1\.new\./);
    // With the old key gone, everything still opens — and is what it was.
    expect(await retired.open(row.sealed_access_token, accessTokenContext(firm.id))).toBe(fresh);
    expect(await retired.open(row.sealed_refresh_token, refreshTokenContext(firm.id))).toBe(minted.refreshToken);
    expect(await retired.open(row.sealed_webhook_key, webhookKeyContext(firm.id))).toBe('the-webhook-key');
  });
});

describe('a token Smokeball rejected (401)', () => {
  test('refreshAccessToken after a rejected token refreshes once, even called concurrently from two processes', async () => {
    const { firm, minted } = await connectedFirm();
    const { run, a, b } = twoProcesses();
    const providers = [...times(10, () => a.refresher.tokensFor(firm.id)), ...times(10, () => b.refresher.tokensFor(firm.id))];
    // Every caller first got the stored (still fresh) token: no refresh yet.
    expect(await Promise.all(providers.map((p) => p.getAccessToken()))).toEqual(times(20, () => minted.accessToken));
    expect(a.calls() + b.calls()).toBe(0);

    // Smokeball answered 401 to all of them.
    const refreshed = await Promise.all(providers.map((p) => p.refreshAccessToken()));
    expect(a.calls() + b.calls()).toBe(1);
    expect(await simTokenCalls(run)).toEqual([{ grantType: 'refresh_token', status: 200 }]);
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(minted.accessToken);
    expect(await apiAccepts(refreshed[0])).toBe(true);

    // A caller that still holds the old token and reports it rejected late gets the new one, no new refresh.
    const late = a.refresher.tokensFor(firm.id);
    expect(await late.refreshAccessToken()).toBe(refreshed[0]);
    expect(a.calls() + b.calls()).toBe(1);
  });
});

describe('a revoked grant', () => {
  test('turns the connection needs_reauth with one refresh attempt; every caller gets 409 smokeball_reauth_required', async () => {
    const { firm, username } = await connectedFirm();
    await sim().revoke(username);
    await makeDue(firm.id);
    const { run, a, b } = twoProcesses();

    const outcomes = await Promise.allSettled([
      ...times(10, () => a.refresher.tokensFor(firm.id).getAccessToken()),
      ...times(10, () => b.refresher.tokensFor(firm.id).getAccessToken()),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(AppError);
      expect(reason).toMatchObject({ code: 'smokeball_reauth_required', status: 409 });
    }
    expect(a.calls() + b.calls()).toBe(1);
    expect(await simTokenCalls(run)).toEqual([{ grantType: 'refresh_token', status: 400 }]);
    const after = await credentialsOf(firm.id);
    expect(after).toMatchObject({ status: 'needs_reauth', last_error_code: 'smokeball_reauth_required' });

    // Later calls fail fast without asking Smokeball again, also through the 401 path.
    await expect(a.refresher.tokensFor(firm.id).getAccessToken()).rejects.toMatchObject({ code: 'smokeball_reauth_required' });
    await expect(b.refresher.tokensFor(firm.id).refreshAccessToken()).rejects.toMatchObject({ code: 'smokeball_reauth_required' });
    expect(a.calls() + b.calls()).toBe(1);
  });
});

describe('no connection', () => {
  test('a firm without a connection gets 409 not_connected and no call', async () => {
    const firm = await createFirm(sql);
    const { a } = twoProcesses();
    await expect(a.refresher.tokensFor(firm.id).getAccessToken()).rejects.toMatchObject({ code: 'not_connected', status: 409 });
    await expect(a.refresher.tokensFor(firm.id).refreshAccessToken()).rejects.toMatchObject({ code: 'not_connected', status: 409 });
    expect(a.calls()).toBe(0);
  });

});
