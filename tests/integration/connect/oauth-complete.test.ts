// oauth-complete: the app spends the `connect=` handle with the JWT of the admin who started the flow.
// Only that user, still an admin, completes: anyone else gets 403 oauth_user_mismatch, nothing is stored
// and the handle stays for its owner; a used, expired or unknown handle is 400 invalid_state; no JWT 401.
// The code is exchanged here (PKCE verifier, the state's region), the tokens sealed at rest, and an
// approval by another Smokeball account than the one the firm's links belong to needs `switchAccount`.
// The simulator's request log proves which code exchanges happened. The last test scans the log.
import { describe, expect, inject, test } from 'vitest';
import { sha256Hex } from '../../../shared/crypto/hash.ts';
import { accessTokenContext, refreshTokenContext } from '../../../shared/sync/connection/tokens.ts';
import {
  appUrl,
  approveAt,
  completeConnect,
  connectFirm,
  followCallback,
  handleFrom,
  simAccountId,
  stackKeys,
  stackSealer,
  startConnectUrl,
  tokenCallsSince,
  tokenLogMark,
} from '../../helpers/connect.ts';
import { asActor, createClient, createDocument, createMatter, createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin, createFirmUser } from '../../helpers/firm-users.ts';
import { findSecretsInLog, readFunctionLog, SecretCollector, waitForRequestLogged } from '../../helpers/logs.ts';
import { functionUrl } from '../../helpers/stack.ts';
import { helpFor } from '../../../shared/error-help.ts';

const sql = useSuperuserSql();
const seen = new SecretCollector();
let lastRequestId = '';

/**
 * oauth-start as `token`, approval at the simulator as `username`, the callback followed by a plain
 * client (no session); returns the handle the app would read, and the state's hash.
 */
async function pendingConnect(token: string, username: string, body: unknown = {}) {
  const { url, state } = await startConnectUrl(token, body);
  seen.add('state', state);
  const callbackUrl = await approveAt(url, username);
  seen.add('authorization code', new URL(callbackUrl).searchParams.get('code'));
  const { location } = await followCallback(callbackUrl);
  const handle = handleFrom(location);
  seen.add('connect handle', handle);
  return { handle, location: location!, stateHash: await sha256Hex(state), callbackUrl };
}

async function complete(token: string | undefined, body: unknown) {
  const res = await completeConnect(token, body);
  lastRequestId = res.headers.get('x-request-id') ?? lastRequestId;
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

/** The firm's stored tokens, opened with the stack's keys (remembered as secrets). */
async function storedTokens(firmId: string) {
  const [row] = await sql`select * from private.smokeball_credentials where firm_id = ${firmId}`;
  if (!row) return undefined;
  const sealer = await stackSealer();
  const accessToken = await sealer.open(row.sealed_access_token, accessTokenContext(firmId));
  const refreshToken = await sealer.open(row.sealed_refresh_token, refreshTokenContext(firmId));
  seen.add('access token', accessToken);
  seen.add('refresh token', refreshToken);
  return { row, accessToken, refreshToken };
}

const connectionOf = async (firmId: string) => (await sql`select * from public.smokeball_connections where firm_id = ${firmId}`)[0];
const pendingRow = async (stateHash: string) => (await sql`select * from private.oauth_states where state_hash = ${stateHash}`)[0];

describe('a successful completion', () => {
  test('exchanges the code once, seals the tokens, records who and when and both expiries, and answers the account', async () => {
    const { firm, admin, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    const before = Date.now();
    const { handle, stateHash } = await pendingConnect(token, username, { returnTo: '/settings/integrations' });

    const mark = await tokenLogMark();
    const result = await complete(token, { handle });
    expect(result.status).toBe(200);
    const accountId = await simAccountId(username);
    expect(result.body).toEqual({ connected: true, accountId, switchedAccount: false });
    expect((await tokenCallsSince(mark, 'authorization_code', accountId)).map((c) => c.status)).toEqual([200]);
    // The handle is spent with the pending completion.
    expect(await pendingRow(stateHash)).toBeUndefined();

    const { row, accessToken, refreshToken } = (await storedTokens(firm.id))!;
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(accessToken);
    expect(raw).not.toContain(refreshToken);
    const kid = (await stackKeys()).tokenEncryptionKeys.split(':')[0];
    expect(row.key_id).toBe(kid);
    expect(row.sealed_access_token).toMatch(new RegExp(`^v1\\.${kid}\\.`));
    // They are the simulator's real tokens: the access token works against the API.
    const api = await fetch(`${inject('simUrl')}/webhooks`, {
      headers: { authorization: `Bearer ${accessToken}`, 'x-api-key': 'casehug-local-api-key' },
    });
    expect(api.status).toBe(200);
    expect(JSON.stringify(result.body)).not.toContain(accessToken);

    const connection = await connectionOf(firm.id);
    expect(connection).toMatchObject({ status: 'connected', region: 'US', connected_by: admin.id, account_id: accountId, last_error_code: null });
    expect(connection.connected_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(connection.access_token_expires_at.getTime() - before).toBeGreaterThan(3500_000);
    expect(connection.access_token_expires_at.getTime() - before).toBeLessThan(3700_000);
    const thirtyDays = 30 * 24 * 3600_000;
    expect(Math.abs(connection.refresh_token_expires_at.getTime() - (before + thirtyDays))).toBeLessThan(60_000);
    // Webhook registration moved here from the callback: the firm's one subscription exists.
    expect(await sql`select 1 from public.webhook_subscriptions where firm_id = ${firm.id}`).toHaveLength(1);

    // The firm's members read the connection under RLS, as the app does.
    const member = await createMember(sql, firm.id, 'member');
    const visible = await asActor(sql, { role: 'authenticated', userId: member.id }, (tx) =>
      tx`select status from public.smokeball_connections where firm_id = ${firm.id}`);
    expect(visible).toEqual([{ status: 'connected' }]);
  });

  test('the handle works once: a second completion is 400 invalid_state and makes no second exchange', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    const { handle } = await pendingConnect(token, username);
    expect((await complete(token, { handle })).status).toBe(200);
    const before = (await storedTokens(firm.id))!;

    const mark = await tokenLogMark();
    const again = await complete(token, { handle });
    expect(again.status).toBe(400);
    expect(again.body.error).toEqual({ code: 'invalid_state', message: expect.stringContaining('expired'), help: helpFor('invalid_state'), retryable: false });
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(username))).toEqual([]);
    expect((await storedTokens(firm.id))!.row.sealed_access_token).toBe(before.row.sealed_access_token);
  });

  test('a reconnect replaces the tokens and keeps one connection', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    await connectFirm(token, username);
    const first = (await storedTokens(firm.id))!;
    await connectFirm(token, username);
    const second = (await storedTokens(firm.id))!;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await sql`select 1 from public.smokeball_connections where firm_id = ${firm.id}`).toHaveLength(1);
  });

  test('answers CORS preflight like the other functions the app calls', async () => {
    const res = await fetch(functionUrl('oauth-complete'), { method: 'OPTIONS', headers: { origin: appUrl(), 'access-control-request-method': 'POST' } });
    await res.body?.cancel();
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
  });
});

describe('completions at once', () => {
  // Each completion holds its pending row's lock in a transaction while it asks Smokeball (the code
  // exchange, the account check); whatever else it needs of the database meanwhile (the firm's app, the
  // shared rate limiter) must not wait for a connection of the same small pool, or as many completions as
  // the pool has connections would wait on each other for ever.
  test('more completions than the instance has database connections all finish', async () => {
    const admins = await Promise.all(Array.from({ length: 6 }, () => createFirmAdmin(sql)));
    const pendings = await Promise.all(admins.map((a) => pendingConnect(a.token, `firm-${a.firm.id}`)));
    const results = await Promise.all(admins.map((a, i) => complete(a.token, { handle: pendings[i].handle })));
    expect(results.map((r) => r.status)).toEqual(admins.map(() => 200));
    for (const a of admins) expect((await connectionOf(a.firm.id))?.status).toBe('connected');
  });
});

describe('the forwarded-link attack', () => {
  test("admin A starts, a Smokeball user of another firm approves, the callback is followed without A's session: any JWT but A's gets 403 and changes nothing", async () => {
    const a = await createFirmAdmin(sql);
    // V: another CaseHug firm, already connected to its own Smokeball account.
    const v = await createFirmAdmin(sql);
    const victimUsername = `victim-${v.firm.id}`;
    await connectFirm(v.token, victimUsername);
    const victimConnection = await connectionOf(v.firm.id);
    const victimTokens = (await storedTokens(v.firm.id))!;
    // A colleague: another admin of A's own firm.
    const colleague = await createFirmUser(sql, a.firm.id, 'admin');

    // A sends the authorize URL to V's user, who approves as V's Smokeball account; V's browser follows
    // the callback and lands in the app with the handle.
    const { handle, stateHash } = await pendingConnect(a.token, victimUsername);
    const pending = await pendingRow(stateHash);

    const mark = await tokenLogMark();
    const noJwt = await complete(undefined, { handle });
    expect(noJwt.status).toBe(401);
    expect(noJwt.body.error.code).toBe('invalid_jwt');
    for (const intruder of [v, colleague]) {
      const refused = await complete(intruder.token, { handle });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({ code: 'oauth_user_mismatch', message: expect.any(String), help: helpFor('oauth_user_mismatch'), retryable: false });
    }

    // Nothing was exchanged or stored; the handle is untouched.
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(victimUsername))).toEqual([]);
    expect(await connectionOf(a.firm.id)).toBeUndefined();
    expect(await storedTokens(a.firm.id)).toBeUndefined();
    expect(await connectionOf(v.firm.id)).toEqual(victimConnection);
    expect((await storedTokens(v.firm.id))!.row).toEqual(victimTokens.row);
    expect(await pendingRow(stateHash)).toEqual(pending);
  });

  test('a wrong user does not consume the handle: the admin who started can still complete', async () => {
    const a = await createFirmAdmin(sql);
    const other = await createFirmAdmin(sql);
    const { handle } = await pendingConnect(a.token, `firm-${a.firm.id}`);
    expect((await complete(other.token, { handle })).status).toBe(403);
    const ok = await complete(a.token, { handle });
    expect(ok.status).toBe(200);
    expect((await connectionOf(a.firm.id)).connected_by).toBe(a.admin.id);
    expect(await connectionOf(other.firm.id)).toBeUndefined();
  });
});

describe('a completion that must not connect', () => {
  test('an expired handle → 400 invalid_state, no exchange, the pending completion gone', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    const { handle, stateHash } = await pendingConnect(token, username);
    await sql`update private.oauth_states set expires_at = now() - interval '1 second' where state_hash = ${stateHash}`;
    const mark = await tokenLogMark();
    const result = await complete(token, { handle });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('invalid_state');
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(username))).toEqual([]);
    expect(await connectionOf(firm.id)).toBeUndefined();
    expect(await pendingRow(stateHash)).toBeUndefined();
  });

  test.each([
    ['an unknown handle', { handle: 'x'.repeat(43) }, 400, 'invalid_state'],
    ['no handle', {}, 400, 'invalid_body'],
    ['a handle with odd characters', { handle: `${'x'.repeat(40)}/..` }, 400, 'invalid_body'],
    ['an unknown field', { handle: 'x'.repeat(43), firmId: crypto.randomUUID() }, 400, 'invalid_body'],
  ])('%s → %s %s', async (_name, body, status, code) => {
    const { token } = await createFirmAdmin(sql);
    const result = await complete(token, body);
    expect(result.status).toBe(status);
    expect(result.body.error.code).toBe(code);
  });

  test('an admin who lost the role since starting → 403 forbidden, before any code exchange', async () => {
    const { firm, admin, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    const { handle } = await pendingConnect(token, username);
    await sql`update public.firm_members set role = 'member' where firm_id = ${firm.id} and user_id = ${admin.id}`;
    const mark = await tokenLogMark();
    const result = await complete(token, { handle });
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('forbidden');
    expect(await tokenCallsSince(mark, 'authorization_code', await simAccountId(username))).toEqual([]);
    expect(await connectionOf(firm.id)).toBeUndefined();
  });

  test('a code Smokeball refuses (already used) → 502 token_exchange_failed after one refused exchange; the connection is untouched', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    const first = await pendingConnect(token, username);
    expect((await complete(token, { handle: first.handle })).status).toBe(200);
    const before = (await storedTokens(firm.id))!;

    // A fresh state whose callback carries the code already spent.
    const { state } = await startConnectUrl(token, { returnTo: '/again' });
    const replayed = new URL(first.callbackUrl);
    replayed.searchParams.set('state', state);
    const { location } = await followCallback(replayed.toString());
    const mark = await tokenLogMark();
    const result = await complete(token, { handle: handleFrom(location) });
    expect(result.status).toBe(502);
    expect(result.body.error.code).toBe('token_exchange_failed');
    expect((await tokenCallsSince(mark, 'authorization_code', await simAccountId(username))).map((c) => c.status)).toEqual([400]);
    expect((await storedTokens(firm.id))!.row.sealed_access_token).toBe(before.row.sealed_access_token);
  });

  test("a code swapped onto another state fails the PKCE check; a state's region cannot be changed from the query", async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    const au = await startConnectUrl(token, { region: 'AU', returnTo: '/au' });
    const us = await startConnectUrl(token, { region: 'US', returnTo: '/us' });
    const auCallback = new URL(await approveAt(au.url, username));

    // The AU code with the US state: the US verifier does not match the AU challenge.
    const swapped = new URL(auCallback);
    swapped.searchParams.set('state', us.state);
    const { location: usLanding } = await followCallback(swapped.toString());
    expect((await complete(token, { handle: handleFrom(usLanding) })).body.error.code).toBe('token_exchange_failed');
    expect(await connectionOf(firm.id)).toBeUndefined();

    // A new AU approval with a region in the query: the stored region wins.
    const au2 = await startConnectUrl(token, { region: 'AU', returnTo: '/au' });
    const auAgain = new URL(await approveAt(au2.url, username));
    auAgain.searchParams.set('region', 'US');
    const { location } = await followCallback(auAgain.toString());
    expect(location?.pathname).toBe('/app/au');
    expect((await complete(token, { handle: handleFrom(location) })).status).toBe(200);
    expect((await connectionOf(firm.id)).region).toBe('AU');
  });
});

describe('an approval by another Smokeball account', () => {
  test("409 smokeball_account_changed naming both accounts, nothing changed; with switchAccount the old links move to the history and the firm is on the new account", async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const oldUsername = `old-${firm.id}`;
    const newUsername = `new-${firm.id}`;
    await connectFirm(token, oldUsername);
    const oldAccount = await simAccountId(oldUsername);
    const client = await createClient(sql, firm.id, { smokeballContactId: `contact-${firm.id}` });
    const matter = await createMatter(sql, firm.id, client.id, { smokeballMatterId: `matter-${firm.id}` });
    const document = await createDocument(sql, firm.id, matter.id, { smokeballFileId: `file-${firm.id}` });
    const connectionBefore = await connectionOf(firm.id);
    const tokensBefore = (await storedTokens(firm.id))!;

    const { handle } = await pendingConnect(token, newUsername);
    const mark = await tokenLogMark();
    const refused = await complete(token, { handle });
    const newAccount = await simAccountId(newUsername);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('smokeball_account_changed');
    expect(refused.body.error.message).toContain(oldAccount);
    expect(refused.body.error.message).toContain(newAccount);
    expect(await connectionOf(firm.id)).toEqual(connectionBefore);
    expect((await storedTokens(firm.id))!.row).toEqual(tokensBefore.row);
    const links = async () => (await sql`
      select c.smokeball_contact_id, m.smokeball_matter_id, d.smokeball_file_id
      from public.clients c join public.matters m on m.client_id = c.id join public.documents d on d.matter_id = m.id
      where d.id = ${document.id}`)[0];
    expect(await links()).toEqual({ smokeball_contact_id: `contact-${firm.id}`, smokeball_matter_id: `matter-${firm.id}`, smokeball_file_id: `file-${firm.id}` });

    // The admin confirms: the held tokens are used (the code is not exchanged a second time).
    const switched = await complete(token, { handle, switchAccount: true });
    expect(switched.status).toBe(200);
    expect(switched.body).toEqual({ connected: true, accountId: newAccount, switchedAccount: true });
    expect((await tokenCallsSince(mark, 'authorization_code')).filter((c) => c.accountId === newAccount)).toHaveLength(1);
    expect(await links()).toEqual({ smokeball_contact_id: null, smokeball_matter_id: null, smokeball_file_id: null });
    const history = await sql`
      select kind, record_id, smokeball_id, account_id, replaced_by_account_id from public.smokeball_link_history where firm_id = ${firm.id}`;
    expect(history).toHaveLength(3);
    expect(new Set(history.map((h) => JSON.stringify(h)))).toEqual(new Set([
      { kind: 'contact', record_id: client.id, smokeball_id: `contact-${firm.id}`, account_id: oldAccount, replaced_by_account_id: newAccount },
      { kind: 'matter', record_id: matter.id, smokeball_id: `matter-${firm.id}`, account_id: oldAccount, replaced_by_account_id: newAccount },
      { kind: 'document', record_id: document.id, smokeball_id: `file-${firm.id}`, account_id: oldAccount, replaced_by_account_id: newAccount },
    ].map((h) => JSON.stringify(h))));
    expect((await connectionOf(firm.id)).account_id).toBe(newAccount);
    // The handle is spent now.
    expect((await complete(token, { handle, switchAccount: true })).status).toBe(400);
  });

  test('the same account again needs no confirmation and keeps every link', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;
    await connectFirm(token, username);
    const client = await createClient(sql, firm.id, { smokeballContactId: `contact-${firm.id}` });
    const { handle } = await pendingConnect(token, username);
    const result = await complete(token, { handle });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ connected: true, accountId: await simAccountId(username), switchedAccount: false });
    const [row] = await sql`select smokeball_contact_id from public.clients where id = ${client.id}`;
    expect(row.smokeball_contact_id).toBe(`contact-${firm.id}`);
    expect(await sql`select 1 from public.smokeball_link_history where firm_id = ${firm.id}`).toHaveLength(0);
  });
});

describe('logs', () => {
  // Last in this file: every secret above has been seen by now.
  test('the function logs contain no token, code, handle, state or secret seen by this file', async () => {
    seen.add('secret key', inject('secretKey'));
    seen.add('client secret', 'casehug-local-secret');
    expect(seen.secrets.filter((s) => s.label === 'access token').length).toBeGreaterThanOrEqual(5);
    expect(seen.secrets.filter((s) => s.label === 'connect handle').length).toBeGreaterThanOrEqual(8);
    await waitForRequestLogged(lastRequestId);
    const log = await readFunctionLog();
    expect(log).toContain('"fn":"oauth-complete"');
    expect(findSecretsInLog(log, seen.secrets)).toEqual([]);
  });
});
