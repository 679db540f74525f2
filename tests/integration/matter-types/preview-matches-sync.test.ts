// The mappings preview's promise: the preview can never disagree with a sync. For jurisdictions with gaps (CA, FL) and a
// firm with custom mappings, one matter per built-in case type plus each custom-mapped one is synced
// through POST sync-matter, and the matter type each created matter has in the simulator is compared
// with what the preview said. Unmapped ones must fail with 422 matter_type_unmapped — the preview's reason
// as the message — and create nothing.
import { describe, expect, test } from 'vitest';
import { createClient, createMatter, createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { accountRequests, bookmark, createConnectedFirm, isWrite, requestSync, settledSimAccount } from '../../helpers/sync.ts';
import { catalogType, getMatterTypes, saveMappingAs } from './helpers.ts';
import { helpFor } from '../../../shared/error-help.ts';

type Entry = { caseType: string; how: string; matterType: { id: string; name: string; category: string } | null; reason: string };

const sql = useSuperuserSql();

/** Syncs run this many at a time: the Postgres limiter keeps them under the simulator's 5/s per endpoint. */
const SYNC_CONCURRENCY = 5;

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += SYNC_CONCURRENCY) out.push(...(await Promise.all(items.slice(i, i + SYNC_CONCURRENCY).map(fn))));
  return out;
}

describe('preview vs sync-matter', () => {
  // CA has gaps and spelling variants; FL also has the one alias-only type (Auto Accident).
  test.each([
    ['CA', ['built-in', 'general-fallback', 'custom-name', 'custom-id', 'unmapped']],
    ['FL', ['built-in', 'alias', 'general-fallback', 'custom-name', 'custom-id', 'unmapped']],
  ])('in %s, every case type syncs to exactly the matter type the preview names; unmapped ones fail and create nothing', { timeout: 180_000 }, async (state, kinds) => {
    const firm = await createConnectedFirm(sql, state, { autoSync: false });
    const admin = await createMember(sql, firm.id, 'admin');
    await saveMappingAs(sql, admin.id, firm.id, 'nursing_home_abuse', { name: 'Wrongful Death' });
    await saveMappingAs(sql, admin.id, firm.id, 'divorce_uncontested', { id: catalogType(state, 'Divorce').id });
    await saveMappingAs(sql, admin.id, firm.id, 'maritime_salvage', { name: 'civil-litigation' });
    await saveMappingAs(sql, admin.id, firm.id, 'trust_administration', { name: 'Trust Settlement Services' });
    await saveMappingAs(sql, admin.id, firm.id, 'adoption', { id: catalogType('IL', 'Divorce').id });

    const res = await getMatterTypes(firm.memberToken, '?preview=1');
    expect(res.status).toBe(200);
    const mappings = res.body.mappings as Entry[];
    expect(mappings).toHaveLength(32);
    // Every kind of answer the state can give is exercised.
    expect(new Set(mappings.map((m) => m.how))).toEqual(new Set(kinds));
    const unmapped = mappings.filter((m) => m.how === 'unmapped');
    const resolved = mappings.filter((m) => m.how !== 'unmapped');
    expect(unmapped.map((m) => m.caseType)).toEqual(['adoption', 'trust_administration']);

    const client = await createClient(sql, firm.id);
    const matterOf = new Map<string, string>();
    for (const m of mappings) matterOf.set(m.caseType, (await createMatter(sql, firm.id, client.id, { caseType: m.caseType })).id);

    // Unmapped first, before anything else touches the account: they must write nothing to Smokeball.
    const since = await bookmark(firm.accountId);
    for (const entry of unmapped) {
      const sync = await requestSync(firm.memberToken, matterOf.get(entry.caseType)!);
      const body = await sync.json();
      expect(sync.status, entry.caseType).toBe(422);
      expect(body.error).toEqual({
        code: 'matter_type_unmapped',
        message: entry.reason,
        help: helpFor('matter_type_unmapped'),
        retryable: false,
        details: { caseType: entry.caseType },
        runId: expect.any(String),
      });
    }
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);

    // The first resolved sync creates the client's contact; the rest reuse it.
    const [first, ...rest] = resolved;
    const syncOne = async (entry: Entry) => {
      const sync = await requestSync(firm.memberToken, matterOf.get(entry.caseType)!);
      const body = await sync.json();
      expect(sync.status, `${entry.caseType}: ${JSON.stringify(body)}`).toBe(200);
      return { caseType: entry.caseType, smokeballMatterId: body.matter.id as string };
    };
    const synced = [await syncOne(first), ...(await inBatches(rest, syncOne))];

    const account = await settledSimAccount(firm.username);
    const createdType = new Map(account.matters.map((m) => [m.id as string, (m.matterType as { id: string }).id]));
    expect(account.matters).toHaveLength(resolved.length);
    const actual = synced.map((s) => ({ caseType: s.caseType, matterTypeId: createdType.get(s.smokeballMatterId) }));
    const expected = resolved.map((m) => ({ caseType: m.caseType, matterTypeId: m.matterType!.id }));
    expect(actual).toEqual(expected);

    // Nothing was linked for the unmapped ones.
    const links = await sql<{ case_type: string }[]>`
      select case_type from public.matters where firm_id = ${firm.id} and smokeball_matter_id is null order by case_type`;
    expect(links.map((r) => r.case_type)).toEqual(['adoption', 'trust_administration']);
  });
});
