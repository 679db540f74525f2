// A practice area's general type: where a case type goes when the jurisdiction has neither its built-in
// matter type nor an alias of it (docs/architecture.md §5). docs/architecture.md §6: "the area's type named 'General' (e.g. 'Family
// Law - General' or 'General Family Law')" — Smokeball's state catalogs use both styles.
import type { MatterTypeInfo } from '../../smokeball/schemas/matter-type.ts';
import { pickPreferred } from './match-name.ts';
import { normalizeMatterTypeName } from './normalize.ts';

/** The two documented spellings of an area's general type, e.g. for 'Family Law'. */
export const generalTypeNames = (practiceArea: string): [string, string] => [`${practiceArea} - General`, `General ${practiceArea}`];

/**
 * The general type of `practiceArea` among `types` (one jurisdiction's matter types), or undefined. Both
 * the category and the name must say so: a "Family Law - General" filed under another category is not
 * Family Law's general type.
 */
export function findGeneralType(types: readonly MatterTypeInfo[], practiceArea: string): MatterTypeInfo | undefined {
  const area = normalizeMatterTypeName(practiceArea);
  if (area === '') return undefined;
  const names = new Set(generalTypeNames(practiceArea).map(normalizeMatterTypeName));
  const candidates = types.filter(
    (type) => normalizeMatterTypeName(type.category ?? '') === area && names.has(normalizeMatterTypeName(type.name)),
  );
  return pickPreferred(candidates);
}
