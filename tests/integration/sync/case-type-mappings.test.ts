// listCaseTypeOverrides() against the real schema: a firm's rows, exactly, in case type order, and in the
// shape the resolver takes (the CaseTypeOverride schema).
import { describe, expect, test } from 'vitest';
import { CaseTypeOverride, listCaseTypeOverrides } from '../../../shared/db/case-type-mappings.ts';
import { createFirm } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql();

async function addOverride(firmId: string, caseType: string, target: { id?: string; name?: string }) {
  await sql`
    insert into public.case_type_mappings (firm_id, case_type, matter_type_id, matter_type_name)
    values (${firmId}, ${caseType}, ${target.id ?? null}, ${target.name ?? null})`;
}

describe('listCaseTypeOverrides()', () => {
  test("returns exactly the firm's overrides, by case type, and none of another firm's", async () => {
    const firm = await createFirm(sql);
    const other = await createFirm(sql, { jurisdiction: 'TX' });
    await addOverride(firm.id, 'maritime_salvage', { name: 'Civil Litigation' });
    await addOverride(firm.id, 'divorce_standard', { id: 'a1b2c3d4-0000-5000-8000-000000000000_IL' });
    await addOverride(other.id, 'child_custody', { name: 'SAPCR - Conservatorship' });

    const overrides = await listCaseTypeOverrides(sql, firm.id);
    expect(overrides).toEqual([
      { caseType: 'divorce_standard', matterTypeId: 'a1b2c3d4-0000-5000-8000-000000000000_IL', matterTypeName: null },
      { caseType: 'maritime_salvage', matterTypeId: null, matterTypeName: 'Civil Litigation' },
    ]);
    for (const row of overrides) expect(CaseTypeOverride.parse(row)).toEqual(row);
  });

  test('returns [] for a firm without overrides', async () => {
    const firm = await createFirm(sql);
    expect(await listCaseTypeOverrides(sql, firm.id)).toEqual([]);
  });
});
