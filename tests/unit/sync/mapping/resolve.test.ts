import { describe, expect, test } from 'vitest';
import { Resolution, resolveMatterType, type CaseTypeOverride } from '../../../../shared/sync/mapping/resolve.ts';
import { MatterTypeInfo } from '../../../../shared/smokeball/schemas/matter-type.ts';
import { DESIGN_TABLE } from './design-table.ts';
import { SIM_MATTER_TYPES, STATES, generalNameIn, listedFor, simType } from './sim-catalog.ts';

const byId = (id: string) => ({ matterTypeId: id, matterTypeName: null });
const byName = (name: string) => ({ matterTypeId: null, matterTypeName: name });
const override = (caseType: string, target: { matterTypeId: string | null; matterTypeName: string | null }): CaseTypeOverride => ({
  caseType,
  ...target,
});

/** Resolves and checks the value against the Resolution schema (what the mappings preview serves). */
function resolve(caseType: string, ctx: Parameters<typeof resolveMatterType>[1]) {
  const resolution = resolveMatterType(caseType, ctx);
  expect(() => Resolution.parse(resolution)).not.toThrow();
  return resolution;
}

// Both what the client passes (one location, matter types only) and everything the simulator knows (all
// five states, lead types, the deleted type): the answer must be the same.
const LISTS = [
  ['the listed matter types', (location: string) => listedFor(location)],
  ['every location, lead and deleted type', () => SIM_MATTER_TYPES],
] as const;

describe('resolveMatterType() over the simulator catalog', () => {
  describe.each(LISTS)('given %s', (_, listFor) => {
    test.each(DESIGN_TABLE)('IL: $caseType → $matterTypeName (built-in)', ({ caseType, matterTypeName }) => {
      const resolution = resolve(caseType, { jurisdiction: 'IL', matterTypes: listFor('IL'), overrides: [] });
      expect(resolution).toMatchObject({ status: 'resolved', how: 'built-in', matterType: { name: matterTypeName, location: 'IL', type: 0 } });
    });

    // Expected from the simulator's header table (sim-catalog.ts), not from running the resolver.
    const rows = ['CA', 'NY', 'TX', 'FL'].flatMap((location) =>
      DESIGN_TABLE.map(({ caseType, practiceArea, matterTypeName }) => {
        const state = STATES[location];
        const [how, name] = state.missing.includes(matterTypeName)
          ? (['general-fallback', generalNameIn(location, practiceArea)] as const)
          : state.aliases[matterTypeName]
            ? (['alias', state.aliases[matterTypeName]] as const)
            : (['built-in', state.variants[matterTypeName] ?? matterTypeName] as const);
        return { location, caseType, how, name };
      }),
    );

    test.each(rows)('$location: $caseType → $name ($how)', ({ location, caseType, how, name }) => {
      const resolution = resolve(caseType, { jurisdiction: location, matterTypes: listFor(location), overrides: [] });
      expect(resolution.status).toBe('resolved');
      expect(resolution.how).toBe(how);
      expect(resolution.status === 'resolved' && resolution.matterType.id).toBe(simType(location, name).id);
    });
  });

  test('general-fallback happens exactly where a state lacks the type (3 per state except IL)', () => {
    for (const [location, state] of Object.entries(STATES)) {
      const fallbacks = DESIGN_TABLE.filter(
        ({ caseType }) => resolve(caseType, { jurisdiction: location, matterTypes: listedFor(location), overrides: [] }).how === 'general-fallback',
      ).map((row) => row.matterTypeName);
      expect(fallbacks.sort(), location).toEqual([...state.missing].sort());
    }
  });

  test("TX's 'SAPCR - Conservatorship' is not taken for child_custody", () => {
    const resolution = resolve('child_custody', { jurisdiction: 'TX', matterTypes: listedFor('TX'), overrides: [] });
    expect(resolution).toMatchObject({ how: 'general-fallback', matterType: { name: 'General Family Law' } });
  });

  test('the reason names the case type, the chosen type and the jurisdiction', () => {
    const fl = { jurisdiction: 'FL', matterTypes: listedFor('FL'), overrides: [] };
    expect(resolve('auto_accident', fl).reason).toBe(
      "case type 'auto_accident' maps to 'Auto Accident' in FL, a known alias of 'Motor Vehicle Accident' (which FL does not have)",
    );
    expect(resolve('naturalization', fl).reason).toBe(
      "case type 'naturalization' maps to 'General Immigration' in FL: there is no 'Naturalization' or known alias of it, so the Immigration general type",
    );
  });

  test('jurisdiction codes match whatever their case', () => {
    const resolution = resolve('divorce_standard', { jurisdiction: 'il', matterTypes: SIM_MATTER_TYPES, overrides: [] });
    expect(resolution).toMatchObject({ how: 'built-in', matterType: { id: simType('IL', 'Divorce').id } });
  });
});

describe('resolveMatterType(): custom mappings', () => {
  const il = (overrides: CaseTypeOverride[], matterTypes = SIM_MATTER_TYPES) => ({ jurisdiction: 'IL', matterTypes, overrides });
  const general = simType('IL', 'Family Law - General');

  test.each([
    ['by id', byId(general.id), 'custom-id'],
    ['by id in capitals', byId(general.id.toUpperCase()), 'custom-id'],
    ['by name', byName('Family Law - General'), 'custom-name'],
    ['by name, spelled differently', byName('  family LAW: general '), 'custom-name'],
  ] as const)('an override %s wins over the built-in mapping', (_, target, how) => {
    const resolution = resolve('divorce_standard', il([override('divorce_standard', target)]));
    expect(resolution).toMatchObject({ status: 'resolved', how, matterType: { id: general.id } });
    expect(resolution.reason).toContain('custom mapping for divorce_standard');
  });

  test('an override maps a case type that is not built in', () => {
    const resolution = resolve('maritime_salvage', il([override('maritime_salvage', byName('Civil Litigation'))]));
    expect(resolution).toMatchObject({ how: 'custom-name', matterType: { id: simType('IL', 'Civil Litigation').id } });
  });

  test('an override for another case type changes nothing', () => {
    const resolution = resolve('divorce_standard', il([override('child_support', byId(general.id))]));
    expect(resolution).toMatchObject({ how: 'built-in', matterType: { name: 'Divorce' } });
  });

  // An override the firm set is never silently skipped for the built-in mapping it replaces.
  test.each([
    ['a name that does not exist', byName('X'), "custom mapping for divorce_standard names matter type 'X', which does not exist in IL"],
    ['an id that does not exist', byId('nope_IL'), "custom mapping for divorce_standard names matter type id 'nope_IL', which does not exist in IL"],
    [
      'the id of a lead type',
      byId(simType('IL', 'Family Law Lead').id),
      `custom mapping for divorce_standard names matter type id '${simType('IL', 'Family Law Lead').id}' ('Family Law Lead'), which is a lead type, not a matter type`,
    ],
    [
      'the id of a deleted type',
      byId(simType('IL', 'Family Law - Legacy').id),
      `custom mapping for divorce_standard names matter type id '${simType('IL', 'Family Law - Legacy').id}' ('Family Law - Legacy'), which has been deleted in Smokeball`,
    ],
    [
      'the id of another state’s type',
      byId(simType('CA', 'Divorce').id),
      `custom mapping for divorce_standard names matter type id '${simType('CA', 'Divorce').id}' ('Divorce'), which is in CA, not IL`,
    ],
    ['the name of a lead type', byName('Family Law Lead'), "custom mapping for divorce_standard names matter type 'Family Law Lead', which does not exist in IL"],
    ['the name of a deleted type', byName('Family Law - Legacy'), "custom mapping for divorce_standard names matter type 'Family Law - Legacy', which does not exist in IL"],
    ['a name only another state has', byName('SAPCR - Conservatorship'), "custom mapping for divorce_standard names matter type 'SAPCR - Conservatorship', which does not exist in IL"],
    ['neither an id nor a name', { matterTypeId: null, matterTypeName: null }, 'custom mapping for divorce_standard names no matter type (neither an id nor a name)'],
  ])('an override to %s is unmapped with the reason', (_, target, reason) => {
    expect(resolve('divorce_standard', il([override('divorce_standard', target)]))).toEqual({ status: 'unmapped', how: 'unmapped', reason });
  });

  test('an override by id is checked against the list given, so an unlisted id is unmapped', () => {
    const resolution = resolve('divorce_standard', il([override('divorce_standard', byId(general.id))], listedFor('CA')));
    expect(resolution).toMatchObject({ status: 'unmapped', reason: expect.stringContaining('does not exist in IL') });
  });
});

describe('resolveMatterType(): unmapped and never-chosen types', () => {
  test('a case type that is not built in and has no override is unmapped, naming it', () => {
    expect(resolve('maritime_salvage', { jurisdiction: 'IL', matterTypes: SIM_MATTER_TYPES, overrides: [] })).toEqual({
      status: 'unmapped',
      how: 'unmapped',
      reason: "no Smokeball matter type for case type 'maritime_salvage' in IL: add a custom mapping",
    });
  });

  test('a built-in case type with no type, alias or general type is unmapped, naming it', () => {
    const matterTypes = listedFor('TX').filter((t) => t.category !== 'Family Law' || t.name === 'SAPCR - Conservatorship');
    const resolution = resolve('child_custody', { jurisdiction: 'TX', matterTypes, overrides: [] });
    expect(resolution).toEqual({
      status: 'unmapped',
      how: 'unmapped',
      reason:
        "no Smokeball matter type for case type 'child_custody' in TX: neither 'Child Custody', a known alias of it nor a Family Law general type exists; add a custom mapping",
    });
  });

  test('a jurisdiction with no matter types at all leaves every case type unmapped', () => {
    for (const { caseType } of DESIGN_TABLE) {
      expect(resolve(caseType, { jurisdiction: 'NSW', matterTypes: SIM_MATTER_TYPES, overrides: [] }).status).toBe('unmapped');
    }
  });

  const withoutIL = (name: string) => SIM_MATTER_TYPES.filter((t) => !(t.location === 'IL' && t.name === name));
  const extra = (fields: Partial<MatterTypeInfo>) =>
    MatterTypeInfo.parse({ id: `extra-${fields.name}-${fields.location}-${fields.type}`, category: 'Family Law', type: 0, location: 'IL', ...fields });

  test.each([
    ['a lead type', { name: 'Divorce', type: 1 }],
    ['a type of another location', { name: 'Divorce', location: 'CA' }],
    ['a deleted type', { name: 'Divorce', isDeleted: true }],
    ['a type with no type field', { name: 'Divorce', type: null }],
    ['a type with no location', { name: 'Divorce', location: null }],
  ])('%s with the target name is never chosen', (_, fields) => {
    const decoy = extra(fields);
    const resolution = resolve('divorce_standard', { jurisdiction: 'IL', matterTypes: [decoy, ...withoutIL('Divorce')], overrides: [] });
    expect(resolution).toMatchObject({ how: 'general-fallback', matterType: { name: 'Family Law - General', location: 'IL' } });
  });

  test('a lead type named like a general type is never the general fallback', () => {
    const matterTypes = [extra({ name: 'Family Law - General', type: 1 }), ...withoutIL('Divorce').filter((t) => t.name !== 'Family Law - General')];
    expect(resolve('divorce_standard', { jurisdiction: 'IL', matterTypes, overrides: [] }).status).toBe('unmapped');
  });
});
