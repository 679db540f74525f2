// What each CaseHug case type maps to before anything is synced: the 30 built-ins plus every
// case type the firm has a custom mapping for, each resolved by previewMappings() — the resolver
// sync-matter uses — over the inputs loadMappingContext() loads, which is how the sync loads them.
import { z } from 'zod';
import { previewMappings, type MappingPreview } from './preview.ts';
import { ResolutionHow } from './resolve.ts';
import { cacheAccountKey, type FirmScope, type FirmSmokeballDeps, openFirmSmokeball } from '../firm-smokeball.ts';
import { loadMappingContext } from './load-mapping-context.ts';

export const PreviewEntry = z.object({
  caseType: z.string(),
  how: ResolutionHow,
  matterType: z.object({ id: z.string(), name: z.string(), category: z.string().nullable() }).nullable(),
  /** Why: the name matched, the alias used, the fallback taken, or what the admin must fix. */
  reason: z.string(),
});
export type PreviewEntry = z.infer<typeof PreviewEntry>;

export const MappingPreviewList = z.object({ jurisdiction: z.string(), mappings: z.array(PreviewEntry) });
export type MappingPreviewList = z.infer<typeof MappingPreviewList>;

export async function previewFirmMappings(deps: FirmSmokeballDeps, input: FirmScope & { refresh: boolean }): Promise<MappingPreviewList> {
  const { client, accountId } = await openFirmSmokeball(deps, input.firmId);
  if (input.refresh) client.matterTypes.invalidateCached(cacheAccountKey(input.firmId, accountId));
  const ctx = await loadMappingContext(client, deps.sql, { firmId: input.firmId, jurisdiction: input.jurisdiction, accountId });
  return { jurisdiction: input.jurisdiction, mappings: previewMappings(ctx).map(toPreviewEntry) };
}

/** Pure: the wire shape of one resolved case type. */
export function toPreviewEntry({ caseType, resolution }: MappingPreview): PreviewEntry {
  if (resolution.status === 'unmapped') return { caseType, how: 'unmapped', matterType: null, reason: resolution.reason };
  const { id, name, category } = resolution.matterType;
  // Only a mapping by id can resolve to a type Smokeball lists without a name (the OAS allows one).
  return { caseType, how: resolution.how, matterType: { id, name: name ?? '', category: category ?? null }, reason: resolution.reason };
}
