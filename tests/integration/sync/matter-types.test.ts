// sync-matter picks the Smokeball matter type (docs/architecture.md §5, §6) against the simulator's catalog: each of the
// 30 built-in case types in IL, the practice area's general type where a state lacks one, a firm's
// overrides by id and by name, and a type nobody mapped — which creates nothing.
import { describe, expect, test } from 'vitest';
import { CATALOG } from '../../../dev/smokeball-sim/catalog.ts';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { accountRequests, bookmark, createConnectedFirm, isWrite, requestSync, settledSimAccount, type ConnectedFirm } from '../../helpers/sync.ts';
import { DESIGN_TABLE } from '../../unit/sync/mapping/design-table.ts';

const sql = useSuperuserSql();

/** The simulator's matter type (not a lead type, not deleted) of that name in that state. */
function catalogType(location: string, name: string) {
  const found = CATALOG.find((t) => t.location === location && t.name === name && t.type === 0 && !t.isDeleted);
  if (!found) throw new Error(`no ${location} matter type named ${name}`);
  return found;
}

/** Syncs a new matter of `caseType` for `clientId` and returns the run (asserting a 200). */
async function syncNewMatter(firm: ConnectedFirm, clientId: string, caseType: string) {
  const matter = await createMatter(sql, firm.id, clientId, { caseType });
  const res = await requestSync(firm.memberToken, matter.id);
  const body = await res.json();
  expect(res.status, `${caseType}: ${JSON.stringify(body)}`).toBe(200);
  return { matterId: matter.id, run: body as { runId: string; matter: { id: string; action: string } } };
}

/** The matter type id each Smokeball matter was created with, by Smokeball matter id. */
async function createdTypes(firm: ConnectedFirm): Promise<Map<string, string>> {
  const account = await settledSimAccount(firm.username);
  return new Map(account.matters.map((m) => [m.id as string, (m.matterType as { id: string }).id]));
}

async function addOverride(firmId: string, caseType: string, target: { id?: string; name?: string }) {
  await sql`
    insert into public.case_type_mappings (firm_id, case_type, matter_type_id, matter_type_name)
    values (${firmId}, ${caseType}, ${target.id ?? null}, ${target.name ?? null})`;
}

describe('sync-matter matter types', () => {
  test('each of the 30 built-in case types creates its matter in IL with the IL type docs/architecture.md §6 names', { timeout: 60_000 }, async () => {
    expect(DESIGN_TABLE).toHaveLength(30);
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const client = await createClient(sql, firm.id);
    // The first sync creates the client's contact; the other 29 reuse it, so each is one POST /matters.
    const [first, ...rest] = DESIGN_TABLE;
    const synced = [{ ...first, ...(await syncNewMatter(firm, client.id, first.caseType)) }];
    // Five at a time: the Postgres limiter keeps all of them under the simulator's 5/s per endpoint.
    for (let i = 0; i < rest.length; i += 5) {
      const batch = rest.slice(i, i + 5);
      synced.push(...(await Promise.all(batch.map(async (row) => ({ ...row, ...(await syncNewMatter(firm, client.id, row.caseType)) })))));
    }

    const types = await createdTypes(firm);
    const actual = synced.map((s) => ({ caseType: s.caseType, matterTypeId: types.get(s.run.matter.id) }));
    const expected = DESIGN_TABLE.map((row) => ({ caseType: row.caseType, matterTypeId: catalogType('IL', row.matterTypeName).id }));
    expect(actual).toEqual(expected);
    expect(new Set(expected.map((e) => e.matterTypeId)).size).toBe(30);
    expect(synced.every((s) => s.run.matter.action === 'created')).toBe(true);

    const runs = await sql<{ outcome: string }[]>`
      select s->>'outcome' as outcome from public.sync_runs r, jsonb_array_elements(r.steps) s
      where r.firm_id = ${firm.id} and s->>'step' = 'matter_type'`;
    expect(runs.map((r) => r.outcome)).toEqual(Array(30).fill('built-in'));
  });

  test("in CA, the three case types CA lacks get their practice area's general type; a renamed one still maps by name", async () => {
    const firm = await createConnectedFirm(sql, 'CA', { autoSync: false });
    const client = await createClient(sql, firm.id);
    const cases = [
      { caseType: 'daca', expected: 'General Immigration' },
      { caseType: 'nursing_home_abuse', expected: 'General Personal Injury' },
      { caseType: 'trust_administration', expected: 'General Estate Planning' },
      // CA spells it "Motor-Vehicle Accident": normalisation, not the fallback.
      { caseType: 'auto_accident', expected: 'Motor-Vehicle Accident' },
    ];
    const synced = [];
    for (const c of cases) synced.push({ ...c, ...(await syncNewMatter(firm, client.id, c.caseType)) });

    const types = await createdTypes(firm);
    expect(synced.map((s) => ({ caseType: s.caseType, matterTypeId: types.get(s.run.matter.id) }))).toEqual(
      cases.map((c) => ({ caseType: c.caseType, matterTypeId: catalogType('CA', c.expected).id })),
    );
    const steps = await sql<{ matter_id: string; how: string }[]>`
      select r.matter_id, s->>'outcome' as how from public.sync_runs r, jsonb_array_elements(r.steps) s
      where r.firm_id = ${firm.id} and s->>'step' = 'matter_type'`;
    const how = new Map(steps.map((s) => [s.matter_id, s.how]));
    expect(synced.map((s) => how.get(s.matterId))).toEqual(['general-fallback', 'general-fallback', 'general-fallback', 'built-in']);
  });

  test("a firm's override by matter type id and by name wins over the built-in mapping", async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const client = await createClient(sql, firm.id);
    const byId = catalogType('IL', 'Contract Dispute');
    // An admin pasting the id in capitals still gets the type (GUIDs are case-insensitive).
    await addOverride(firm.id, 'divorce_standard', { id: byId.id.toUpperCase() });
    await addOverride(firm.id, 'child_custody', { name: 'family law - general' });
    // A case type that is not built in at all, mapped by the firm.
    await addOverride(firm.id, 'maritime_salvage', { name: 'Civil Litigation' });

    const divorce = await syncNewMatter(firm, client.id, 'divorce_standard');
    const custody = await syncNewMatter(firm, client.id, 'child_custody');
    const salvage = await syncNewMatter(firm, client.id, 'maritime_salvage');
    // Not overridden: the built-in mapping still applies beside the overrides.
    const support = await syncNewMatter(firm, client.id, 'child_support');

    const types = await createdTypes(firm);
    expect([divorce, custody, salvage, support].map((s) => types.get(s.run.matter.id))).toEqual([
      byId.id,
      catalogType('IL', 'Family Law - General').id,
      catalogType('IL', 'Civil Litigation').id,
      catalogType('IL', 'Child Support').id,
    ]);
    const steps = await sql<{ matter_id: string; how: string }[]>`
      select r.matter_id, s->>'outcome' as how from public.sync_runs r, jsonb_array_elements(r.steps) s
      where r.firm_id = ${firm.id} and s->>'step' = 'matter_type'`;
    const how = new Map(steps.map((s) => [s.matter_id, s.how]));
    expect([divorce, custody, salvage, support].map((s) => how.get(s.matterId))).toEqual(['custom-id', 'custom-name', 'custom-name', 'built-in']);
  });

  test('an override naming a type of another state fails with matter_type_unmapped and sends no write, not even the contact', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const client = await createClient(sql, firm.id);
    // A CA type id in an IL firm: it exists in Smokeball, but not where this firm practises.
    await addOverride(firm.id, 'divorce_standard', { id: catalogType('CA', 'Divorce').id });
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'divorce_standard' });
    const since = await bookmark(firm.accountId);

    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe('matter_type_unmapped');
    expect(error.message).toContain('divorce_standard');
    expect(error.message).toContain('does not exist in IL');
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);
    const [row] = await sql`select smokeball_contact_id from public.clients where id = ${client.id}`;
    expect(row.smokeball_contact_id).toBeNull();
    const [run] = await sql`select status, error_code, error_message from public.sync_runs where matter_id = ${matter.id}`;
    expect(run).toEqual({ status: 'failed', error_code: 'matter_type_unmapped', error_message: error.message });
  });
});
