// An imported matter's CaseHug case type: the Smokeball matter type mapped back through the firm's own
// mapping (docs/architecture.md §6 and the firm's case_type_mappings), exactly as a sync would map forward.
// Only an unambiguous answer is taken: exactly one case type resolves to this matter type by a custom
// mapping, the built-in name or an alias. A practice area's general type is the fallback of every case
// type of the area without a type of its own, so it names no case type; several candidates name none
// either. Then the case type stays empty and the note says why.
import type { MappingPreview } from '../mapping/preview.ts';

export type CaseTypeChoice = { caseType: string | null; note: string | null };

export function chooseCaseType(previews: readonly MappingPreview[], matterType: { id: string | null; name: string | null }): CaseTypeChoice {
  const label = matterType.name ? `"${matterType.name}"` : (matterType.id ?? 'none');
  if (!matterType.id) return { caseType: null, note: 'Case type left empty: the Smokeball matter has no matter type' };
  const candidates = previews
    .filter((p) => p.resolution.status === 'resolved' && p.resolution.how !== 'general-fallback' && p.resolution.matterType.id === matterType.id)
    .map((p) => p.caseType);
  if (candidates.length === 1) return { caseType: candidates[0], note: null };
  if (candidates.length === 0) return { caseType: null, note: `Case type left empty: no case type maps to the Smokeball matter type ${label}` };
  return { caseType: null, note: `Case type left empty: the Smokeball matter type ${label} is mapped from several case types (${candidates.join(', ')})` };
}
