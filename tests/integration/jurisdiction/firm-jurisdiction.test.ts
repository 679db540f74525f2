// A firm's Smokeball jurisdiction cannot collide: `firms.smokeball_jurisdiction` is country + subdivision
// (US-WA, AU-WA), filled from the host's bare code by migration 20261201170100 and its triggers, and a bare
// `WA` with nothing to decide it is never sent to the US region by default.
import { describe, expect, test } from 'vitest';
import { createFirm } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { callFunction } from '../../helpers/stack.ts';

const sql = useSuperuserSql();

const jurisdictionOf = async (firmId: string) =>
  (await sql<{ j: string | null }[]>`select smokeball_jurisdiction as j from public.firms where id = ${firmId}`)[0].j;

async function connectRegion(firmId: string, region: 'US' | 'AU') {
  await sql`insert into public.smokeball_connections (firm_id, region, status) values (${firmId}, ${region}, 'connected')`;
}

describe('firms.smokeball_jurisdiction', () => {
  test.each([['IL', 'US-IL'], ['NSW', 'AU-NSW'], ['ENG', 'GB-ENG'], ['WA', null]])('a new firm in %s gets %s', async (code, expected) => {
    const firm = await createFirm(sql, { jurisdiction: code });
    expect(await jurisdictionOf(firm.id)).toBe(expected);
  });

  test('a WA firm takes the region of the Smokeball account it connects', async () => {
    const perth = await createFirm(sql, { jurisdiction: 'WA' });
    await connectRegion(perth.id, 'AU');
    expect(await jurisdictionOf(perth.id)).toBe('AU-WA');
    const seattle = await createFirm(sql, { jurisdiction: 'WA' });
    await connectRegion(seattle.id, 'US');
    expect(await jurisdictionOf(seattle.id)).toBe('US-WA');
  });

  test('a host code change refills it; an admin choice survives unrelated updates', async () => {
    const firm = await createFirm(sql, { jurisdiction: 'IL' });
    await sql`update public.firms set jurisdiction = 'NY' where id = ${firm.id}`;
    expect(await jurisdictionOf(firm.id)).toBe('US-NY');
    await sql`update public.firms set jurisdiction = 'WA', smokeball_jurisdiction = 'AU-WA' where id = ${firm.id}`;
    await sql`update public.firms set name = 'Renamed' where id = ${firm.id}`;
    expect(await jurisdictionOf(firm.id)).toBe('AU-WA');
  });

  test('only country-subdivision values are accepted', async () => {
    const firm = await createFirm(sql, { jurisdiction: 'IL' });
    await expect(sql`update public.firms set smokeball_jurisdiction = 'WA' where id = ${firm.id}`).rejects.toThrow(/smokeball_jurisdiction_known/);
    await expect(sql`update public.firms set smokeball_jurisdiction = 'US-NSW' where id = ${firm.id}`).rejects.toThrow(/smokeball_jurisdiction_known/);
  });
});

describe('oauth-start for a WA firm', () => {
  test('undecided and without a region it answers 409 jurisdiction_ambiguous instead of picking the US', async () => {
    const { firm, token } = await createFirmAdmin(sql, { jurisdiction: 'WA' });
    const res = await callFunction('oauth-start', { method: 'POST', token });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('jurisdiction_ambiguous');
    expect(await sql`select 1 from private.oauth_states where firm_id = ${firm.id}`).toHaveLength(0);
  });

  test('AU-WA goes to the AU region; naming a region works for an undecided firm', async () => {
    const perth = await createFirmAdmin(sql, { jurisdiction: 'WA' });
    await sql`update public.firms set smokeball_jurisdiction = 'AU-WA' where id = ${perth.firm.id}`;
    expect((await callFunction('oauth-start', { method: 'POST', token: perth.token })).status).toBe(200);
    const undecided = await createFirmAdmin(sql, { jurisdiction: 'WA' });
    const named = await callFunction('oauth-start', {
      method: 'POST',
      token: undecided.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'US' }),
    });
    expect(named.status).toBe(200);
    const regions = await sql`select firm_id, region from private.oauth_states where firm_id in ${sql([perth.firm.id, undecided.firm.id])}`;
    expect(Object.fromEntries(regions.map((r) => [r.firm_id, r.region]))).toEqual({ [perth.firm.id]: 'AU', [undecided.firm.id]: 'US' });
  });
});
