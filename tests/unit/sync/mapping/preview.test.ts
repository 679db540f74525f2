import { describe, expect, test } from 'vitest';
import { MappingPreview, previewMappings } from '../../../../shared/sync/mapping/preview.ts';
import { DESIGN_TABLE } from './design-table.ts';
import { listedFor, simType } from './sim-catalog.ts';

describe('previewMappings()', () => {
  test('lists the 30 built-in case types, sorted, each resolved', () => {
    const preview = previewMappings({ jurisdiction: 'IL', matterTypes: listedFor('IL'), overrides: [] });
    expect(preview.map((entry) => entry.caseType)).toEqual(DESIGN_TABLE.map((row) => row.caseType).sort());
    expect(preview.every((entry) => entry.resolution.how === 'built-in')).toBe(true);
    for (const entry of preview) expect(() => MappingPreview.parse(entry)).not.toThrow();
  });

  test('adds every case type with a custom mapping, once, and shows the custom result and failures', () => {
    const preview = previewMappings({
      jurisdiction: 'TX',
      matterTypes: listedFor('TX'),
      overrides: [
        { caseType: 'maritime_salvage', matterTypeId: null, matterTypeName: 'Civil Litigation' },
        { caseType: 'child_custody', matterTypeId: simType('TX', 'SAPCR - Conservatorship').id, matterTypeName: null },
        { caseType: 'zoning_appeal', matterTypeId: null, matterTypeName: 'Zoning' },
      ],
    });
    const caseTypes = preview.map((entry) => entry.caseType);
    expect(caseTypes).toHaveLength(32);
    expect(caseTypes).toEqual([...caseTypes].sort());
    const of = (caseType: string) => preview.find((entry) => entry.caseType === caseType)?.resolution;
    expect(of('maritime_salvage')).toMatchObject({ how: 'custom-name', matterType: { name: 'Civil Litigation', location: 'TX' } });
    expect(of('child_custody')).toMatchObject({ how: 'custom-id', matterType: { name: 'SAPCR - Conservatorship' } });
    expect(of('zoning_appeal')).toMatchObject({ status: 'unmapped', reason: expect.stringContaining("'Zoning', which does not exist in TX") });
    expect(of('removal_defense')).toMatchObject({ how: 'general-fallback', matterType: { name: 'General Immigration' } });
  });

  test("adds every case type the firm's matters use, with its matter count; an unknown one shows as unmapped", () => {
    const inUse = new Map([['maritime_salvage', 3], ['will', 2]]);
    const preview = previewMappings({ jurisdiction: 'IL', matterTypes: listedFor('IL'), overrides: [] }, inUse);
    expect(preview).toHaveLength(31);
    const of = (caseType: string) => preview.find((entry) => entry.caseType === caseType);
    expect(of('maritime_salvage')).toMatchObject({ matterCount: 3, resolution: { status: 'unmapped' } });
    expect(of('will')).toMatchObject({ matterCount: 2, resolution: { how: 'built-in' } });
    expect(of('divorce_standard')).toMatchObject({ matterCount: 0 });
  });
});
