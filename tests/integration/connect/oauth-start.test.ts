// oauth-start (docs/architecture.md §5 Connect): who may start a connect, what a bad request gets, what is stored (a
// state hash bound to user, firm and region with a 10-minute expiry, a sealed PKCE verifier) and the
// 503 of a deployment without Smokeball credentials.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { pkceChallenge, sha256Hex } from '../../../shared/crypto/hash.ts';
import { codeVerifierContext } from '../../../shared/sync/connection/start-connect.ts';
import { stackKeys, stackSealer, startConnect, startConnectUrl, startUnconfiguredFunction } from '../../helpers/connect.ts';
import { ErrorEnvelope } from '../../../shared/api/errors.ts';
import { createFirm, createMember, createUser } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { callFunction, signToken } from '../../helpers/stack.ts';
import { helpFor } from '../../../shared/error-help.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

const sql = useSuperuserSql();

async function expectError(res: Response, status: number, code: ErrorCode) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await res.json();
  // The contract's envelope: `{ error: { code, message, help, retryable, details? }, requestId }`.
  expect(ErrorEnvelope.parse(body).error).toMatchObject({ code, message: expect.any(String), help: helpFor(code), retryable: false });
  expect(Object.keys(body).filter((k) => k !== 'requestId')).toEqual(['error']);
  return body as { error: { code: string; message: string; help: string } };
}

describe('oauth-start: who may connect', () => {
  test('without a JWT the request is refused with 401', async () => {
    const res = await callFunction('oauth-start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await expectError(res, 401, 'invalid_jwt');
  });

  test('a user who belongs to no firm gets 403', async () => {
    const user = await createUser(sql);
    await expectError(await startConnect(await signToken({ sub: user.id })), 403, 'forbidden');
  });

  test('a member (not an admin) gets 403 and no state is stored', async () => {
    const firm = await createFirm(sql);
    const member = await createMember(sql, firm.id, 'member');
    await expectError(await startConnect(await signToken({ sub: member.id })), 403, 'forbidden');
    const states = await sql`select 1 from private.oauth_states where firm_id = ${firm.id}`;
    expect(states).toHaveLength(0);
  });
});

describe('oauth-start: bad requests get 400 and store nothing', () => {
  let admin: Awaited<ReturnType<typeof createFirmAdmin>>;
  beforeAll(async () => {
    admin = await createFirmAdmin(sql);
  });

  test('a body that is not JSON', async () => {
    const res = await callFunction('oauth-start', {
      method: 'POST',
      token: admin.token,
      headers: { 'content-type': 'application/json' },
      body: '{"region":',
    });
    await expectError(res, 400, 'invalid_json');
  });

  test.each([
    ['an unknown field', { region: 'US', extra: true }],
    ['an unknown region', { region: 'EU' }],
    ['a region in lower case', { region: 'us' }],
    ['returnTo that is protocol-relative', { returnTo: '//evil.example/path' }],
    ['returnTo that is an absolute URL', { returnTo: 'https://evil.example/' }],
    ['returnTo with a backslash', { returnTo: '/\\evil.example' }],
    ['returnTo that is relative', { returnTo: 'settings' }],
    ['returnTo with a control character', { returnTo: '/settings\nLocation: https://evil.example' }],
    ['returnTo that is not a string', { returnTo: 42 }],
    ['a body that is an array', []],
  ])('%s', async (_name, body) => {
    const { error } = await expectError(await startConnect(admin.token, body), 400, 'invalid_body');
    // The message names the field, never echoes the input.
    expect(error.message).not.toContain('evil');
  });

  test('none of them stored a state', async () => {
    const states = await sql`select 1 from private.oauth_states where firm_id = ${admin.firm.id}`;
    expect(states).toHaveLength(0);
  });
});

describe('oauth-start: what is stored', () => {
  test('only the hash of the state is stored, bound to user, firm, region and return path, expiring in 10 minutes', async () => {
    const { firm, admin, token } = await createFirmAdmin(sql);
    const { url, state } = await startConnectUrl(token, { region: 'AU', returnTo: '/settings/smokeball?tab=1' });
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url

    const rows = await sql`
      select state_hash, user_id, region, return_path, sealed_code_verifier,
             extract(epoch from (expires_at - created_at)) as ttl_s
      from private.oauth_states where firm_id = ${firm.id}`;
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row.state_hash).toBe(await sha256Hex(state));
    expect(JSON.stringify(row)).not.toContain(state);
    expect(row).toMatchObject({ user_id: admin.id, region: 'AU', return_path: '/settings/smokeball?tab=1' });
    expect(Number(row.ttl_s)).toBeCloseTo(600, 0);

    // The raw state appears nowhere in the table.
    const [{ n }] = await sql`select count(*)::int as n from private.oauth_states s where s::text like ${`%${state}%`}`;
    expect(n).toBe(0);

    // The verifier is sealed with the current key (`v1.<kid>.<iv>.<ciphertext>`), bound to the state, and
    // its S256 challenge is the one in the authorize URL.
    const keys = await stackKeys();
    const kid = keys.tokenEncryptionKeys.split(',')[0].split(':')[0];
    expect(row.sealed_code_verifier).toMatch(new RegExp(`^v1\\.${kid}\\.[\\w-]+\\.[\\w-]+$`));
    const verifier = await (await stackSealer()).open(row.sealed_code_verifier, codeVerifierContext(row.state_hash));
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(row.sealed_code_verifier).not.toContain(verifier);
    const authorize = new URL(url);
    expect(authorize.searchParams.get('code_challenge')).toBe(await pkceChallenge(verifier));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${inject('gatewayUrl')}/functions/v1/oauth-callback`);
    expect(authorize.searchParams.get('client_id')).toBe('casehug-local');
  });

  test('without a region, the firm jurisdiction decides it (IL → US, NSW → AU), and returnTo defaults to /', async () => {
    for (const [jurisdiction, region] of [['IL', 'US'], ['NSW', 'AU']] as const) {
      const { firm, token } = await createFirmAdmin(sql, { jurisdiction });
      const res = await callFunction('oauth-start', { method: 'POST', token }); // empty body
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ url: expect.stringMatching(/\/oauth2\/authorize\?/) });
      const [row] = await sql`select region, return_path from private.oauth_states where firm_id = ${firm.id}`;
      expect(row).toEqual({ region, return_path: '/' });
    }
  });

  test('each start gets its own state', async () => {
    const { firm, token } = await createFirmAdmin(sql);
    const a = await startConnectUrl(token);
    const b = await startConnectUrl(token);
    expect(a.state).not.toBe(b.state);
    const rows = await sql`select 1 from private.oauth_states where firm_id = ${firm.id}`;
    expect(rows).toHaveLength(2);
  });
});

describe('oauth-start without Smokeball credentials', () => {
  let fn: Awaited<ReturnType<typeof startUnconfiguredFunction>> | undefined;
  afterAll(() => fn?.stop());

  test('answers 503 smokeball_not_configured and stores nothing', async () => {
    fn = await startUnconfiguredFunction('oauth-start');
    const { firm, token } = await createFirmAdmin(sql);
    const res = await fetch(fn.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { error } = await expectError(res, 503, 'smokeball_not_configured');
    expect(error.message).toContain('Smokeball integration is not configured');
    expect(error.message).toContain('support@calmintake.com');
    const states = await sql`select 1 from private.oauth_states where firm_id = ${firm.id}`;
    expect(states).toHaveLength(0);
  }, 60_000);
});
