// Internal callers (pg_cron, pg_net, the local pump) authenticate with a secret key in `apikey`. A
// function configured as Supabase configures it — the named keys of SUPABASE_SECRET_KEYS, and the legacy
// service-role key while the project still has one — accepts any of them and nothing else.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFunction } from '../../helpers/auth.ts';

const keys = {
  default: `sb_secret_${randomBytes(24).toString('base64url')}`,
  cron: `sb_secret_${randomBytes(24).toString('base64url')}`,
};
// A legacy service-role key is a long-lived JWT; its shape does not matter to the comparison.
const serviceRoleKey = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
const singularKey = `sb_secret_${randomBytes(24).toString('base64url')}`;

// An event that is not an approval: acknowledged with 200 and no side effect, once the caller is let in.
const notAnApproval = {
  type: 'UPDATE',
  table: 'documents',
  schema: 'public',
  record: { id: randomUUID(), firm_id: randomUUID(), matter_id: randomUUID(), status: 'pending' },
  old_record: { status: 'pending' },
};

let fn: Awaited<ReturnType<typeof startFunction>>;

beforeAll(async () => {
  fn = await startFunction('on-document-approved', {
    env: {
      SUPABASE_SECRET_KEYS: JSON.stringify(keys),
      // When the dictionary is set the single-key variable is not read (as @supabase/server reads them).
      SUPABASE_SECRET_KEY: singularKey,
      SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
    },
  });
});
afterAll(async () => {
  await fn?.stop();
});

function call(headers: Record<string, string>): Promise<Response> {
  return fetch(fn.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(notAnApproval) });
}

describe('secret-key callers', () => {
  test.each([
    ['the default key of SUPABASE_SECRET_KEYS', keys.default],
    ['another named key of SUPABASE_SECRET_KEYS', keys.cron],
    ['the legacy service-role key', serviceRoleKey],
  ])('%s in apikey is accepted', async (_name, key) => {
    const res = await call({ apikey: key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: true, reason: 'not_an_approval' });
  });

  test.each([
    ['no key', {}],
    ['an unknown sb_secret key', { apikey: `sb_secret_${randomBytes(24).toString('base64url')}` }],
    ['the single-key variable, shadowed by the dictionary', { apikey: singularKey }],
    ['a prefix of a real key', { apikey: keys.default.slice(0, -1) }],
    ['a real key with a byte more', { apikey: `${keys.default}x` }],
    ['a real key as a Bearer token instead of apikey', { authorization: `Bearer ${keys.default}` }],
  ])('%s gets 401 unauthorized', async (_name, headers) => {
    const res = await call(headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized', message: 'A valid secret key is required' } });
  });

  test('no log line carries a key', () => {
    const log = fn.lines.join('\n');
    for (const key of [keys.default, keys.cron, serviceRoleKey, singularKey]) expect(log).not.toContain(key);
  });
});
