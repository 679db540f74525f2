// groupMatterTypes(): the picker's grouping over the simulator's catalog as recorded data (every location,
// lead types and IL's deleted type included), so the filters are exercised against realistic input.
import { describe, expect, test } from 'vitest';
import { groupMatterTypes, MatterTypeGroup } from '../../../../shared/sync/mapping/list-matter-types.ts';
import type { MatterTypeInfo } from '../../../../shared/smokeball/schemas/matter-type.ts';
import { SIM_MATTER_TYPES } from './sim-catalog.ts';

const namesOf = (groups: MatterTypeGroup[]) => groups.map((g) => [g.category, g.matterTypes.map((t) => t.name)] as const);

describe('groupMatterTypes()', () => {
  test('offers only the jurisdiction\'s live matter types, grouped by category, sorted by category then name', () => {
    const groups = groupMatterTypes(SIM_MATTER_TYPES, { jurisdiction: 'IL', kind: 'matter' });
    const expected = SIM_MATTER_TYPES.filter((t) => t.location === 'IL' && t.type === 0 && !t.isDeleted);
    expect(groups.flatMap((g) => g.matterTypes.map((t) => t.id)).sort()).toEqual(expected.map((t) => t.id).sort());
    expect(groups.map((g) => g.category)).toEqual(['Estate Planning', 'Family Law', 'Immigration', 'Litigation', 'Personal Injury', 'Real Estate']);
    for (const group of groups) {
      const names = group.matterTypes.map((t) => t.name);
      const lower = names.map((n) => n.toLowerCase());
      expect(lower).toEqual([...lower].sort());
      for (const type of group.matterTypes) expect(type.category).toBe(group.category);
    }
    // The deleted IL type and the lead types are never offered.
    expect(groups.flatMap((g) => g.matterTypes.map((t) => t.name))).not.toContain('Family Law - Legacy');
    expect(groups.flatMap((g) => g.matterTypes.map((t) => t.name))).not.toContain('Family Law Lead');
  });

  test('each entry carries exactly id, name, category, location and representativeOptions', () => {
    const [first] = groupMatterTypes(SIM_MATTER_TYPES, { jurisdiction: 'CA', kind: 'matter', category: 'Family Law' });
    expect(Object.keys(first.matterTypes[0]).sort()).toEqual(['category', 'id', 'location', 'name', 'representativeOptions']);
    expect(first.matterTypes[0]).toMatchObject({ location: 'CA', representativeOptions: ['Petitioner', 'Respondent', 'Child', 'Opposing Counsel'] });
  });

  test("kind 'lead' offers the lead types (Type=1) only", () => {
    const groups = groupMatterTypes(SIM_MATTER_TYPES, { jurisdiction: 'TX', kind: 'lead' });
    expect(namesOf(groups)).toEqual([
      ['Estate Planning', ['Estate Planning Lead']],
      ['Family Law', ['Family Law Lead']],
      ['Immigration', ['Immigration Lead']],
      ['Personal Injury', ['Personal Injury Lead']],
    ]);
  });

  test('the category filter compares the way names do, and an unknown category gives no groups', () => {
    const groups = groupMatterTypes(SIM_MATTER_TYPES, { jurisdiction: 'ca', kind: 'matter', category: '  personal-INJURY ' });
    expect(groups.map((g) => g.category)).toEqual(['Personal Injury']);
    expect(groups[0].matterTypes.map((t) => t.name)).toContain('Motor-Vehicle Accident');
    expect(groups[0].matterTypes.map((t) => t.name)).not.toContain('Nursing Home Negligence');
    expect(groupMatterTypes(SIM_MATTER_TYPES, { jurisdiction: 'CA', kind: 'matter', category: 'Maritime' })).toEqual([]);
  });

  test('a type without a category is grouped last under null; missing options become []; ties sort by id', () => {
    const types = [
      { id: 'b_IL', name: 'Zeta', category: null, type: 0, location: 'IL', isDeleted: false },
      { id: 'c_IL', name: 'alpha', category: 'Family Law', type: 0, location: 'IL', isDeleted: false, representativeOptions: null },
      { id: 'a_IL', name: 'Alpha', category: 'Family Law', type: 0, location: 'IL', isDeleted: false },
      { id: 'd_NY', name: 'Beta', category: 'Family Law', type: 0, location: 'NY', isDeleted: false },
    ] as MatterTypeInfo[];
    const groups = groupMatterTypes(types, { jurisdiction: 'IL', kind: 'matter' });
    expect(groups).toEqual([
      {
        category: 'Family Law',
        matterTypes: [
          { id: 'a_IL', name: 'Alpha', category: 'Family Law', location: 'IL', representativeOptions: [] },
          { id: 'c_IL', name: 'alpha', category: 'Family Law', location: 'IL', representativeOptions: [] },
        ],
      },
      { category: null, matterTypes: [{ id: 'b_IL', name: 'Zeta', category: null, location: 'IL', representativeOptions: [] }] },
    ]);
  });

  test('answers the same whatever order Smokeball listed the types in', () => {
    const reversed = [...SIM_MATTER_TYPES].reverse();
    expect(groupMatterTypes(reversed, { jurisdiction: 'NY', kind: 'matter' })).toEqual(
      groupMatterTypes(SIM_MATTER_TYPES, { jurisdiction: 'NY', kind: 'matter' }),
    );
  });
});
