// GET smokeball-matter-types?preview=1: what each case type maps to before anything is synced — the
// general type exactly where a state's catalog lacks the built-in type, and custom mappings (written by
// an admin under RLS) taking over, or reported as unmapped with the reason when they name nothing.
import { describe, expect, test } from 'vitest';
import { createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createConnectedFirm } from '../../helpers/sync.ts';
import { BUILT_IN_CASE_TYPES } from '../../../shared/sync/mapping/catalog.ts';
import { generalNameIn, STATES } from '../../unit/sync/mapping/sim-catalog.ts';
import { catalogType, getMatterTypes, saveMappingAs } from './helpers.ts';

type Entry = { caseType: string; how: string; matterType: { id: string; name: string; category: string } | null; reason: string; matterCount: number };

const sql = useSuperuserSql();

async function preview(token: string): Promise<{ jurisdiction: string; mappings: Entry[] }> {
  const res = await getMatterTypes(token, '?preview=1');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('smokeball-matter-types?preview=1', () => {
  test('in IL every built-in case type maps directly', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const { jurisdiction, mappings } = await preview(firm.memberToken);
    expect(jurisdiction).toBe('IL');
    expect(mappings.map((m) => m.caseType)).toEqual(BUILT_IN_CASE_TYPES.map((b) => b.caseType).sort());
    for (const builtIn of BUILT_IN_CASE_TYPES) {
      const entry = mappings.find((m) => m.caseType === builtIn.caseType)!;
      const target = catalogType('IL', builtIn.matterTypeName);
      expect(entry).toEqual({
        caseType: builtIn.caseType,
        how: 'built-in',
        matterType: { id: target.id, name: target.name, category: builtIn.practiceArea },
        reason: expect.any(String),
        matterCount: 0,
      });
    }
  });

  test.each(['CA', 'NY', 'TX', 'FL'])('in %s general-fallback appears exactly where the catalog lacks the type', async (state) => {
    const firm = await createConnectedFirm(sql, state, { autoSync: false });
    const { mappings } = await preview(firm.memberToken);
    const missing = BUILT_IN_CASE_TYPES.filter((b) => STATES[state].missing.includes(b.matterTypeName));
    expect(missing).toHaveLength(3);
    expect(mappings.filter((m) => m.how === 'general-fallback').map((m) => m.caseType)).toEqual(missing.map((b) => b.caseType).sort());
    for (const builtIn of missing) {
      const entry = mappings.find((m) => m.caseType === builtIn.caseType)!;
      expect(entry.matterType).toMatchObject({ id: catalogType(state, generalNameIn(state, builtIn.practiceArea)).id });
    }
    // Everything else is found by name (or, in FL, by the documented alias); nothing is unmapped.
    const aliased = Object.keys(STATES[state].aliases);
    for (const m of mappings.filter((m) => m.how !== 'general-fallback')) {
      const builtIn = BUILT_IN_CASE_TYPES.find((b) => b.caseType === m.caseType)!;
      expect(m.how, m.caseType).toBe(aliased.includes(builtIn.matterTypeName) ? 'alias' : 'built-in');
    }
  });

  test('custom mappings by name and id take over; ones naming nothing in the jurisdiction are unmapped with the reason', async () => {
    const firm = await createConnectedFirm(sql, 'CA', { autoSync: false });
    const admin = await createMember(sql, firm.id, 'admin');
    const before = await preview(firm.memberToken);
    expect(before.mappings.find((m) => m.caseType === 'nursing_home_abuse')?.how).toBe('general-fallback');

    // By name, spelled the way an admin might type it: matched as names are (docs/architecture.md §6).
    await saveMappingAs(sql, admin.id, firm.id, 'nursing_home_abuse', { name: 'wrongful  death' });
    await saveMappingAs(sql, admin.id, firm.id, 'trust_administration', { name: 'Trust Settlement Services' });
    await saveMappingAs(sql, admin.id, firm.id, 'daca', { id: catalogType('CA', 'Asylum').id.toUpperCase() });
    await saveMappingAs(sql, admin.id, firm.id, 'adoption', { id: catalogType('IL', 'Divorce').id });
    await saveMappingAs(sql, admin.id, firm.id, 'maritime_salvage', { name: 'Civil Litigation' });

    const after = await preview(firm.memberToken);
    const of = (caseType: string) => after.mappings.find((m) => m.caseType === caseType);
    expect(after.mappings).toHaveLength(32);
    expect(of('nursing_home_abuse')).toMatchObject({
      how: 'custom-name',
      matterType: { id: catalogType('CA', 'Wrongful Death').id, name: 'Wrongful Death', category: 'Personal Injury' },
    });
    expect(of('trust_administration')).toEqual({
      caseType: 'trust_administration',
      how: 'unmapped',
      matterType: null,
      reason: "custom mapping for trust_administration names matter type 'Trust Settlement Services', which does not exist in CA",
      matterCount: 0,
    });
    expect(of('daca')).toMatchObject({ how: 'custom-id', matterType: { id: catalogType('CA', 'Asylum').id } });
    expect(of('adoption')).toMatchObject({
      how: 'unmapped',
      matterType: null,
      reason: expect.stringContaining(`names matter type id '${catalogType('IL', 'Divorce').id}', which does not exist in CA`),
    });
    expect(of('maritime_salvage')).toMatchObject({ how: 'custom-name', matterType: { name: 'Civil Litigation', category: 'Litigation' } });
    // The other case types are untouched.
    expect(of('child_support')).toMatchObject({ how: 'built-in', matterType: { name: 'child support' } });
  });
});
