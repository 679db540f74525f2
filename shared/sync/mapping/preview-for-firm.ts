// What each CaseHug case type maps to before anything is synced: the 30 built-ins, every case type the
// firm has a custom mapping for and every case type the firm's matters use (with how many use it), each
// resolved by previewMappings() — the resolver sync-matter uses — over the inputs loadMappingContext()
// loads, which is how the sync loads them.
import type { z } from 'zod';
import { MappingPreviewList, PreviewEntry } from '../../api/functions.ts';
import { countMattersByCaseType } from '../../db/matter-case-types.ts';
import { previewMappings, type MappingPreview } from './preview.ts';
import { cacheAccountKey, type FirmScope, type FirmSmokeballDeps, openFirmSmokeball } from '../firm-smokeball.ts';
import { loadMappingContext } from './load-mapping-context.ts';

export { MappingPreviewList, PreviewEntry };
export type PreviewEntry = z.infer<typeof PreviewEntry>;
export type MappingPreviewList = z.infer<typeof MappingPreviewList>;

export async function previewFirmMappings(deps: FirmSmokeballDeps, input: FirmScope & { refresh: boolean }): Promise<MappingPreviewList> {
  const { client, accountId } = await openFirmSmokeball(deps, input.firmId);
  if (input.refresh) client.matterTypes.invalidateCached(cacheAccountKey(input.firmId, accountId));
  const [ctx, inUse] = await Promise.all([
    loadMappingContext(client, deps.sql, { firmId: input.firmId, jurisdiction: input.jurisdiction, accountId }),
    countMattersByCaseType(deps.sql, input.firmId),
  ]);
  return { jurisdiction: input.jurisdiction, mappings: previewMappings(ctx, inUse).map(toPreviewEntry) };
}

/** Pure: the wire shape of one resolved case type. */
export function toPreviewEntry({ caseType, resolution, matterCount }: MappingPreview): PreviewEntry {
  if (resolution.status === 'unmapped') return { caseType, how: 'unmapped', matterType: null, reason: resolution.reason, matterCount };
  const { id, name, category } = resolution.matterType;
  // Only a mapping by id can resolve to a type Smokeball lists without a name (the OAS allows one).
  return { caseType, how: resolution.how, matterType: { id, name: name ?? '', category: category ?? null }, reason: resolution.reason, matterCount };
}
