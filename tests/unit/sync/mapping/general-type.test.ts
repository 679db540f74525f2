import { describe, expect, test } from 'vitest';
import { findGeneralType, generalTypeNames } from '../../../../shared/sync/mapping/general-type.ts';
import { findMatterTypeByName } from '../../../../shared/sync/mapping/match-name.ts';
import { MatterTypeInfo } from '../../../../shared/smokeball/schemas/matter-type.ts';

const type = (id: string, name: string, category: string | null) =>
  MatterTypeInfo.parse({ id, name, category, type: 0, location: 'IL', representativeOptions: [] });

describe('findGeneralType()', () => {
  test.each([
    ['dash style', 'Family Law - General', 'Family Law'],
    ['prefix style', 'General Family Law', 'Family Law'],
    ['another area, dash style', 'Real Estate - General', 'Real Estate'],
    ['another area, prefix style', 'General Real Estate', 'Real Estate'],
    ['differently punctuated and cased', 'family law — GENERAL', 'Family Law'],
    ['category cased differently', 'General Personal Injury', 'personal injury'],
  ])('finds the general type in %s', (_, name, category) => {
    const general = type('g', name, category);
    const types = [type('a', 'Divorce', category), general, type('b', 'Civil Litigation', 'Litigation')];
    expect(findGeneralType(types, category)?.id).toBe('g');
  });

  test.each([
    ['no general type in the area', [type('a', 'Divorce', 'Family Law')]],
    ['another area’s general type', [type('g', 'General Litigation', 'Litigation')]],
    ['the right name in another category', [type('g', 'Family Law - General', 'Litigation')]],
    ['no category', [type('g', 'Family Law - General', null)]],
    ['a type only containing "General"', [type('g', 'General Family Law Matters', 'Family Law'), type('h', 'General', 'Family Law')]],
  ])('finds none with %s', (_, types) => {
    expect(findGeneralType(types, 'Family Law')).toBeUndefined();
  });

  test('of two general types, picks the smallest id whatever the list order', () => {
    const types = [type('z', 'General Family Law', 'Family Law'), type('m', 'Family Law - General', 'Family Law')];
    expect(findGeneralType(types, 'Family Law')?.id).toBe('m');
    expect(findGeneralType([...types].reverse(), 'Family Law')?.id).toBe('m');
  });

  test('generalTypeNames() gives both documented styles', () => {
    expect(generalTypeNames('Estate Planning')).toEqual(['Estate Planning - General', 'General Estate Planning']);
  });
});

describe('findMatterTypeByName()', () => {
  test('a name in two categories resolves to the preferred category, else the smallest id', () => {
    const types = [type('b', 'Probate', 'Estate Planning'), type('a', 'Probate', 'Litigation')];
    expect(findMatterTypeByName(types, 'probate', 'Estate Planning')?.id).toBe('b');
    expect(findMatterTypeByName(types, 'probate')?.id).toBe('a');
  });

  test('a name of only punctuation matches nothing, not another such name', () => {
    expect(findMatterTypeByName([type('a', '-', 'Litigation')], '...')).toBeUndefined();
  });
});
