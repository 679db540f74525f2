// GET smokeball-matter-types: the Case Type Mappings picker against the simulator — the firm's
// jurisdiction's catalog grouped by practice area, who may read it, the lead-type and category filters,
// the cache and its admin-only refresh, and the errors a settings page must show.
import { describe, expect, test } from 'vitest';
import { CATALOG } from '../../../dev/smokeball-sim/catalog.ts';
import { createFirm, createMember } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { signToken, supabaseAs } from '../../helpers/stack.ts';
import { accountRequests, createConnectedFirm } from '../../helpers/sync.ts';
import { getMatterTypes } from './helpers.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

/** The simulator's IL catalog as the picker must show it: live types of one Type, grouped, sorted. */
function expectedGroups(location: string, type: 0 | 1) {
  const types = CATALOG.filter((t) => t.location === location && t.type === type && !t.isDeleted);
  const byCategory = new Map<string, typeof types>();
  for (const t of types) byCategory.set(t.category, [...(byCategory.get(t.category) ?? []), t]);
  // Case-insensitive, by code point: no locale decides the order.
  const order = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
  return [...byCategory.entries()]
    .sort(([a], [b]) => order(a, b))
    .map(([category, list]) => ({
      category,
      matterTypes: list
        .sort((a, b) => order(a.name, b.name))
        .map(({ id, name, category, location, representativeOptions }) => ({ id, name, category, location, representativeOptions })),
    }));
}

const mattertypeCalls = async (accountId: string, since = 0) =>
  (await accountRequests(accountId, since)).filter((r) => r.endpoint === 'GET /mattertypes');

describe('smokeball-matter-types picker', () => {
  test('a member reads the IL catalog grouped by practice area, through supabase-js as the frontend does', async () => {
    const { data, error } = await supabaseAs(firm.memberToken).functions.invoke('smokeball-matter-types', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toEqual({ jurisdiction: 'IL', type: 'matter', categories: expectedGroups('IL', 0) });
    expect(data.categories.map((g: { category: string }) => g.category)).toEqual([
      'Estate Planning', 'Family Law', 'Immigration', 'Litigation', 'Personal Injury', 'Real Estate',
    ]);
    // Every one of docs/architecture.md §6's IL target types is offered; the deleted IL type is not.
    const names = data.categories.flatMap((g: { matterTypes: { name: string }[] }) => g.matterTypes.map((t) => t.name));
    expect(names).toContain('Nursing Home Negligence');
    expect(names).not.toContain('Family Law - Legacy');
  });

  test('type=lead lists the lead types (Type=1); category filters to one practice area', async () => {
    const leads = await getMatterTypes(firm.memberToken, '?type=lead');
    expect(leads).toEqual({ status: 200, body: { jurisdiction: 'IL', type: 'lead', categories: expectedGroups('IL', 1) } });
    expect(leads.body.categories).toHaveLength(4);

    const family = await getMatterTypes(firm.memberToken, `?category=${encodeURIComponent('family law')}`);
    expect(family.status).toBe(200);
    expect(family.body.categories).toEqual(expectedGroups('IL', 0).filter((g) => g.category === 'Family Law'));

    const none = await getMatterTypes(firm.memberToken, '?category=Maritime');
    expect(none).toEqual({ status: 200, body: { jurisdiction: 'IL', type: 'matter', categories: [] } });
  });

  test('a second read is served from the cache; refresh=1 is admin-only and lists again', async () => {
    const own = await createConnectedFirm(sql, 'NY', { autoSync: false });
    expect((await getMatterTypes(own.memberToken)).status).toBe(200);
    expect((await getMatterTypes(own.memberToken)).status).toBe(200);
    expect(await mattertypeCalls(own.accountId)).toHaveLength(1);

    const denied = await getMatterTypes(own.memberToken, '?refresh=1');
    expect(denied).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await mattertypeCalls(own.accountId)).toHaveLength(1);

    const refreshed = await getMatterTypes(own.adminToken, '?refresh=1');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.categories).toEqual(expectedGroups('NY', 0));
    const calls = await mattertypeCalls(own.accountId);
    expect(calls).toHaveLength(2);
    expect(new URL(calls[1].path, 'http://sim').searchParams.get('type')).toBe('0');

    // Lead types have a cache entry of their own, and the preview reads the matter types' entry.
    await getMatterTypes(own.memberToken, '?type=lead');
    await getMatterTypes(own.memberToken, '?type=lead');
    await getMatterTypes(own.memberToken, '?preview=1');
    expect(await mattertypeCalls(own.accountId)).toHaveLength(3);
  });

  test('anon gets 401; a user of no firm and a member of another firm get 403', async () => {
    expect((await getMatterTypes(undefined)).status).toBe(401);

    const stranger = await signToken({ sub: crypto.randomUUID() });
    expect(await getMatterTypes(stranger)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });

    const other = await createFirm(sql);
    const otherMember = await createMember(sql, other.id, 'member');
    const otherToken = await signToken({ sub: otherMember.id, email: otherMember.email });
    expect(await getMatterTypes(otherToken, `?firmId=${firm.id}`)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await getMatterTypes(otherToken, `?firmId=${firm.id}&preview=1`)).toMatchObject({ status: 403 });
  });

  test.each([
    ['an unknown key', '?foo=1'],
    ['a bad type', '?type=client'],
    ['a bad flag', '?refresh=yes'],
    ['an empty category', '?category='],
    ['a bad firmId', '?firmId=nope'],
    ['preview with a picker filter', '?preview=1&type=lead'],
  ])('%s is 400 invalid_query', async (_what, query) => {
    expect(await getMatterTypes(firm.memberToken, query)).toMatchObject({ status: 400, body: { error: { code: 'invalid_query' } } });
  });

  test('only GET is allowed', async () => {
    const { callFunction } = await import('../../helpers/stack.ts');
    const res = await callFunction('smokeball-matter-types', { method: 'POST', token: firm.memberToken, body: '{}' });
    expect(res.status).toBe(405);
    await res.body?.cancel();
  });

  test('a firm without a connection gets 409 not_connected; one that needs reauth gets 409 smokeball_reauth_required', async () => {
    const unconnected = await createFirm(sql);
    const member = await createMember(sql, unconnected.id, 'member');
    const token = await signToken({ sub: member.id, email: member.email });
    expect(await getMatterTypes(token)).toMatchObject({ status: 409, body: { error: { code: 'not_connected' } } });
    expect(await getMatterTypes(token, '?preview=1')).toMatchObject({ status: 409, body: { error: { code: 'not_connected' } } });

    const expired = await createConnectedFirm(sql, 'IL', { autoSync: false });
    await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${expired.id}`;
    expect(await getMatterTypes(expired.memberToken)).toMatchObject({ status: 409, body: { error: { code: 'smokeball_reauth_required' } } });
    expect(await getMatterTypes(expired.memberToken, '?preview=1')).toMatchObject({
      status: 409,
      body: { error: { code: 'smokeball_reauth_required' } },
    });
    expect(await mattertypeCalls(expired.accountId)).toHaveLength(0);
  });
});
