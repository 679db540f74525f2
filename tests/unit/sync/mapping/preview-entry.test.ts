// toPreviewEntry(): the wire shape of each resolved case type, over previewMappings() — the resolver the
// sync uses — on the simulator's catalog.
import { describe, expect, test } from 'vitest';
import { previewMappings } from '../../../../shared/sync/mapping/preview.ts';
import { PreviewEntry, toPreviewEntry } from '../../../../shared/sync/mapping/preview-for-firm.ts';
import { listedFor, simType } from './sim-catalog.ts';

describe('toPreviewEntry()', () => {
  test('a resolved case type carries how, the matter type id/name/category and the reason', () => {
    const entries = previewMappings({ jurisdiction: 'CA', matterTypes: listedFor('CA'), overrides: [] }).map(toPreviewEntry);
    for (const entry of entries) expect(PreviewEntry.parse(entry)).toEqual(entry);
    const nursing = entries.find((e) => e.caseType === 'nursing_home_abuse');
    const general = simType('CA', 'General Personal Injury');
    expect(nursing).toEqual({
      caseType: 'nursing_home_abuse',
      how: 'general-fallback',
      matterType: { id: general.id, name: 'General Personal Injury', category: 'Personal Injury' },
      reason: expect.stringContaining("no 'Nursing Home Negligence'"),
      matterCount: 0,
    });
    expect(Object.keys(nursing!).sort()).toEqual(['caseType', 'how', 'matterCount', 'matterType', 'reason']);
  });

  test('an unmapped case type has matterType null and the reason to fix it', () => {
    const [entry] = previewMappings({
      jurisdiction: 'IL',
      matterTypes: listedFor('IL'),
      overrides: [{ caseType: 'adoption', matterTypeId: null, matterTypeName: 'Adoption' }],
    })
      .filter((p) => p.caseType === 'adoption')
      .map(toPreviewEntry);
    expect(entry).toEqual({
      caseType: 'adoption',
      how: 'unmapped',
      matterType: null,
      reason: "custom mapping for adoption names matter type 'Adoption', which does not exist in IL",
      matterCount: 0,
    });
  });
});
