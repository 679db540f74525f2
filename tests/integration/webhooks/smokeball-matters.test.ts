// smokeball-matters: one page of the firm's Smokeball matters, each marked with the CaseHug
// matter it is linked to; members may read, others not.
import { beforeAll, describe, expect, test } from 'vitest';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { callFunction } from '../../helpers/stack.ts';
import { requestSync, settledSimAccount } from '../../helpers/sync.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });
/** Smokeball matter id → CaseHug matter id, or null for the one unlinked in CaseHug. */
const expected = new Map<string, string | null>();
beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const run = (await (await requestSync(firm.memberToken, matter.id)).json()) as { matter: { id: string } };
    expected.set(run.matter.id, matter.id);
  }
  // The last one stays in Smokeball but is no longer linked in CaseHug.
  const [unlinkedSb, unlinkedCh] = [...expected.entries()][2];
  await sql`update public.matters set smokeball_matter_id = null where id = ${unlinkedCh}`;
  expected.set(unlinkedSb, null);
  await settledSimAccount(firm.username);
});

type Page = { matters: { id: string; number: string | null; title: string | null; status: string | null; linked: boolean; casehugMatterId: string | null }[]; total: number; offset: number; limit: number };
const list = (query: string, token?: string) => callFunction(`smokeball-matters${query}`, { method: 'GET', token });

describe('smokeball-matters', () => {
  test('pages through every Smokeball matter with offset, limit and total', async () => {
    const first = (await (await list('?offset=0&limit=2', firm.memberToken)).json()) as Page;
    const second = (await (await list('?offset=2&limit=2', firm.memberToken)).json()) as Page;
    expect({ total: first.total, offset: first.offset, limit: first.limit, n: first.matters.length }).toEqual({ total: 3, offset: 0, limit: 2, n: 2 });
    expect({ total: second.total, offset: second.offset, limit: second.limit, n: second.matters.length }).toEqual({ total: 3, offset: 2, limit: 2, n: 1 });
    const ids = [...first.matters, ...second.matters].map((m) => m.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids.sort()).toEqual([...expected.keys()].sort());
    const beyond = (await (await list('?offset=10&limit=5', firm.memberToken)).json()) as Page;
    expect(beyond).toMatchObject({ matters: [], total: 3, offset: 10, limit: 5 });
  });

  test('marks linked matters with their CaseHug id and unlinked ones with null', async () => {
    const res = await list('', firm.memberToken);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page).toMatchObject({ offset: 0, limit: 50, total: 3 });
    for (const m of page.matters) {
      const ch = expected.get(m.id);
      expect({ id: m.id, linked: m.linked, casehugMatterId: m.casehugMatterId }).toEqual({ id: m.id, linked: ch !== null, casehugMatterId: ch });
      expect(m.status).toBe('Open');
    }
  });

  test('an admin may read too, naming the firm', async () => {
    expect((await list(`?firmId=${firm.id}`, firm.adminToken)).status).toBe(200);
  });

  test('a user of another firm is refused (403), even naming this firm', async () => {
    const { token } = await createFirmAdmin(sql);
    const res = await list(`?firmId=${firm.id}`, token);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
  });

  test('without a token: 401', async () => {
    expect((await list('')).status).toBe(401);
  });

  test.each(['?limit=0', '?limit=501', '?offset=-1', '?limit=abc', '?foo=1', '?firmId=not-a-uuid'])('a bad query %s is refused (400)', async (q) => {
    const res = await list(q, firm.memberToken);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_query');
  });
});
