// Finding a matter type by name among one jurisdiction's matter types (docs/architecture.md §5: "matched by name").
import type { MatterTypeInfo } from '../../smokeball/schemas/matter-type.ts';
import { normalizeMatterTypeName } from './normalize.ts';

/**
 * The type whose name normalises to `name`'s, or undefined. A catalog may repeat a name in two categories;
 * then the one in `preferredCategory` (the case type's practice area) wins, and otherwise the smallest id,
 * so the answer never depends on the order Smokeball listed them in.
 */
export function findMatterTypeByName(
  types: readonly MatterTypeInfo[],
  name: string,
  preferredCategory?: string,
): MatterTypeInfo | undefined {
  const key = normalizeMatterTypeName(name);
  // A name of only punctuation normalises to '' and must not match another such name.
  if (key === '') return undefined;
  const candidates = types.filter((type) => normalizeMatterTypeName(type.name) === key);
  return pickPreferred(candidates, preferredCategory);
}

/** Among equally good candidates: the preferred category first, then the smallest id. */
export function pickPreferred(candidates: readonly MatterTypeInfo[], preferredCategory?: string): MatterTypeInfo | undefined {
  const preferred = preferredCategory === undefined ? '' : normalizeMatterTypeName(preferredCategory);
  const rank = (type: MatterTypeInfo) => (preferred !== '' && normalizeMatterTypeName(type.category ?? '') === preferred ? 0 : 1);
  return [...candidates].sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
}
