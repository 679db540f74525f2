// What every case type of a firm would map to right now: the 30 built-ins, each case type the firm has a
// custom mapping for, and each case type the firm's matters use (one that is neither shows as unmapped).
// The mappings preview serves this so an admin sees gaps before a sync fails on them.
import { z } from 'zod';
import { BUILT_IN_CASE_TYPES } from './catalog.ts';
import { Resolution, resolveMatterType, type ResolveContext } from './resolve.ts';

/** `matterCount`: how many of the firm's matters have this case type. */
export const MappingPreview = z.object({ caseType: z.string(), resolution: Resolution, matterCount: z.number().int().min(0) });
export type MappingPreview = z.infer<typeof MappingPreview>;

/** One entry per case type, sorted by case type; each resolved exactly as the sync would resolve it. */
export function previewMappings(ctx: ResolveContext, inUse: ReadonlyMap<string, number> = new Map()): MappingPreview[] {
  const caseTypes = new Set([
    ...BUILT_IN_CASE_TYPES.map((builtIn) => builtIn.caseType),
    ...ctx.overrides.map((row) => row.caseType),
    ...inUse.keys(),
  ]);
  return [...caseTypes].sort().map((caseType) => ({ caseType, resolution: resolveMatterType(caseType, ctx), matterCount: inUse.get(caseType) ?? 0 }));
}
