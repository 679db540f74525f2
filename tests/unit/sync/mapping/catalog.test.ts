import { describe, expect, test } from 'vitest';
import { TARGET_TYPES } from '../../../../dev/smokeball-sim/catalog.ts';
import { BUILT_IN_CASE_TYPES, BuiltInCaseType, findBuiltInCaseType } from '../../../../shared/sync/mapping/catalog.ts';
import { generalTypeNames } from '../../../../shared/sync/mapping/general-type.ts';
import { normalizeMatterTypeName } from '../../../../shared/sync/mapping/normalize.ts';
import { DESIGN_TABLE } from './design-table.ts';
import { SIM_MATTER_TYPES, STATES, generalNameIn, stateNameFor } from './sim-catalog.ts';

describe('BUILT_IN_CASE_TYPES', () => {
  test('is exactly the 30 case types of docs/architecture.md §6, with their practice area and matter type name', () => {
    expect(BUILT_IN_CASE_TYPES.map(({ caseType, practiceArea, matterTypeName }) => ({ caseType, practiceArea, matterTypeName }))).toEqual(
      DESIGN_TABLE,
    );
  });

  test('every entry passes its schema', () => {
    for (const builtIn of BUILT_IN_CASE_TYPES) expect(BuiltInCaseType.parse(builtIn)).toEqual(builtIn);
  });

  test('findBuiltInCaseType() finds each case type and nothing else', () => {
    for (const { caseType } of DESIGN_TABLE) expect(findBuiltInCaseType(caseType)?.caseType).toBe(caseType);
    expect(findBuiltInCaseType('maritime_salvage')).toBeUndefined();
    expect(findBuiltInCaseType('Divorce_Standard')).toBeUndefined();
  });

  // Aliases are tried in a fixed order after the target name; a name that meant two case types, or that
  // was some type's target or an area's general type, would make the answer depend on that order.
  test('no alias normalises to a target name, a general type name or another alias', () => {
    const seen = new Map<string, string>();
    for (const { caseType, matterTypeName } of BUILT_IN_CASE_TYPES) seen.set(normalizeMatterTypeName(matterTypeName), caseType);
    for (const area of new Set(BUILT_IN_CASE_TYPES.map((b) => b.practiceArea))) {
      for (const name of generalTypeNames(area)) seen.set(normalizeMatterTypeName(name), `${area} general`);
    }
    expect(seen.size).toBe(30 + 8);
    for (const { caseType, aliases } of BUILT_IN_CASE_TYPES) {
      expect(aliases.length, caseType).toBeGreaterThan(0);
      for (const alias of aliases) {
        const key = normalizeMatterTypeName(alias);
        expect(seen.get(key), `${caseType}: alias '${alias}'`).toBeUndefined();
        seen.set(key, caseType);
      }
    }
  });

  test('the documented examples are aliases (docs/architecture.md §6 and the mapping brief)', () => {
    const aliasesOf = (caseType: string) => findBuiltInCaseType(caseType)?.aliases.map(normalizeMatterTypeName);
    expect(aliasesOf('auto_accident')).toContain('auto accident');
    expect(aliasesOf('divorce_standard')).toContain('dissolution of marriage');
    expect(aliasesOf('slip_and_fall')).toContain('slip and fall');
    expect(aliasesOf('naturalization')).toEqual(expect.arrayContaining(['citizenship', 'n 400']));
    expect(aliasesOf('power_of_attorney')).toContain('durable power of attorney');
    expect(aliasesOf('healthcare_directive')).toEqual(expect.arrayContaining(['living will', 'advance directive']));
    expect(aliasesOf('family_petition')).toContain('family petition i 130');
    expect(aliasesOf('workers_compensation')).toContain('workers comp');
  });
});

describe("the simulator's catalog (recorded data for the resolver tests)", () => {
  test('names the same 30 targets as docs/architecture.md §6', () => {
    const targets = Object.entries(TARGET_TYPES).flatMap(([area, names]) => names.map((name) => `${area}: ${name}`));
    expect(targets.sort()).toEqual(DESIGN_TABLE.map((row) => `${row.practiceArea}: ${row.matterTypeName}`).sort());
  });

  // The expectations of resolve.test come from the transcribed header table; if the simulator's data
  // changes, this fails first and says which state.
  test.each(Object.keys(STATES))('the transcribed header table for %s matches its data', (location) => {
    for (const [area, targets] of Object.entries(TARGET_TYPES)) {
      const expected = [
        ...targets.flatMap((target) => stateNameFor(location, target) ?? []),
        generalNameIn(location, area),
        ...(STATES[location].extras[area] ?? []),
      ].sort();
      const actual = SIM_MATTER_TYPES.filter((t) => t.location === location && t.category === area && t.type === 0 && !t.isDeleted)
        .map((t) => t.name)
        .sort();
      expect(actual, `${location} ${area}`).toEqual(expected);
    }
  });

  test.each(Object.entries(STATES).flatMap(([location, s]) => Object.entries(s.variants).map(([target, name]) => [location, target, name])))(
    '%s spells %j as %j, which normalisation matches',
    (_, target, name) => {
      expect(name).not.toBe(target);
      expect(normalizeMatterTypeName(name)).toBe(normalizeMatterTypeName(target));
    },
  );

  test.each(Object.entries(STATES).flatMap(([location, s]) => Object.entries(s.aliases).map(([target, name]) => [location, target, name])))(
    '%s calls %j %j, a documented alias of it',
    (_, target, name) => {
      expect(normalizeMatterTypeName(name)).not.toBe(normalizeMatterTypeName(target));
      const builtIn = BUILT_IN_CASE_TYPES.find((b) => b.matterTypeName === target);
      expect(builtIn?.aliases).toContain(name);
    },
  );
});
