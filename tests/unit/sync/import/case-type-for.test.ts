// chooseCaseType(): an imported matter's case type is the one case type the firm's mapping resolves to its
// Smokeball matter type — never a guess when none or several do, never through a practice area's general type.
import { describe, expect, test } from 'vitest';
import type { MappingPreview } from '../../../../shared/sync/mapping/preview.ts';
import { chooseCaseType } from '../../../../shared/sync/import/case-type-for.ts';

const type = (id: string, name: string) => ({ id, name, category: 'Family Law', type: 0, location: 'IL', isDeleted: false }) as never;
const resolved = (caseType: string, how: 'built-in' | 'alias' | 'custom-id' | 'general-fallback', id: string, name: string): MappingPreview => ({
  caseType,
  resolution: { status: 'resolved', how, matterType: type(id, name), reason: 'test' },
  matterCount: 0,
});
const unmapped = (caseType: string): MappingPreview => ({ caseType, resolution: { status: 'unmapped', how: 'unmapped', reason: 'test' }, matterCount: 0 });

const previews = [
  resolved('divorce_standard', 'built-in', 'div_IL', 'Divorce'),
  resolved('child_support', 'built-in', 'cs_IL', 'Child Support'),
  resolved('child_custody', 'general-fallback', 'gen_IL', 'Family Law - General'),
  resolved('prenuptial_agreement', 'general-fallback', 'gen_IL', 'Family Law - General'),
  resolved('will', 'custom-id', 'will_IL', 'Wills'),
  resolved('living_trust', 'alias', 'will_IL', 'Wills'),
  unmapped('daca'),
];

describe('chooseCaseType', () => {
  test('the one case type mapped to the matter type is taken', () => {
    expect(chooseCaseType(previews, { id: 'div_IL', name: 'Divorce' })).toEqual({ caseType: 'divorce_standard', note: null });
  });

  test('a general type reached only by fallback names no case type, and says so', () => {
    expect(chooseCaseType(previews, { id: 'gen_IL', name: 'Family Law - General' })).toEqual({
      caseType: null,
      note: 'Case type left empty: no case type maps to the Smokeball matter type "Family Law - General"',
    });
  });

  test('a matter type several case types map to is ambiguous: empty, naming them', () => {
    const choice = chooseCaseType(previews, { id: 'will_IL', name: 'Wills' });
    expect(choice.caseType).toBeNull();
    expect(choice.note).toBe('Case type left empty: the Smokeball matter type "Wills" is mapped from several case types (will, living_trust)');
  });

  test('an unknown or missing matter type is empty, by id when it has no name', () => {
    expect(chooseCaseType(previews, { id: 'other_IL', name: null }).note).toBe('Case type left empty: no case type maps to the Smokeball matter type other_IL');
    expect(chooseCaseType(previews, { id: null, name: null })).toEqual({ caseType: null, note: 'Case type left empty: the Smokeball matter has no matter type' });
  });
});
