// The matter-type picker of Settings → Integrations → Smokeball → Case Type Mappings: the
// firm's jurisdiction's matter types (or lead types) from Smokeball, grouped by category (the practice
// area) and sorted by category then name. Served from the client's per-process cache (10 min TTL,
// matter-type-cache.ts); `refresh` drops this firm's entries first.
import type { z } from 'zod';
import { MatterTypeGroup, MatterTypeKind, MatterTypeList, PickerMatterType } from '../../api/functions.ts';
import type { MatterTypeInfo } from '../../smokeball/schemas/matter-type.ts';
import { normalizeMatterTypeName, sameLocation } from './normalize.ts';
import { cacheAccountKey, type FirmScope, type FirmSmokeballDeps, openFirmSmokeball } from '../firm-smokeball.ts';

export { MatterTypeKind, PickerMatterType, MatterTypeGroup, MatterTypeList };
export type MatterTypeKind = z.infer<typeof MatterTypeKind>;
export type PickerMatterType = z.infer<typeof PickerMatterType>;
export type MatterTypeGroup = z.infer<typeof MatterTypeGroup>;
export type MatterTypeList = z.infer<typeof MatterTypeList>;

export type ListMatterTypesInput = FirmScope & {
  kind: MatterTypeKind;
  /** Only this category, compared the way names are (case, punctuation, `&`/`and`, spaces). */
  category?: string;
  /** Drop the firm's cached lists (this function instance's cache) before listing. */
  refresh: boolean;
};

export async function listFirmMatterTypes(deps: FirmSmokeballDeps, input: ListMatterTypesInput): Promise<MatterTypeList> {
  const { client, accountId } = await openFirmSmokeball(deps, input.firmId);
  const key = { accountId: cacheAccountKey(input.firmId, accountId), location: input.jurisdiction };
  if (input.refresh) client.matterTypes.invalidateCached(key.accountId);
  const types = input.kind === 'lead' ? await client.matterTypes.listLeadTypesCached(key) : await client.matterTypes.listCached(key);
  return {
    jurisdiction: input.jurisdiction,
    type: input.kind,
    categories: groupMatterTypes(types, { jurisdiction: input.jurisdiction, kind: input.kind, category: input.category }),
  };
}

const TYPE_CODE: Record<MatterTypeKind, number> = { matter: 0, lead: 1 };

/**
 * Pure: the types a picker may offer, grouped. Only what the resolver would accept for this jurisdiction
 * is offered (the kind asked for, that location, not deleted), so an admin cannot pick a type a sync
 * would then refuse. Groups sort by category (null last), types by name, then id for a stable order.
 */
export function groupMatterTypes(
  types: readonly MatterTypeInfo[],
  filter: { jurisdiction: string; kind: MatterTypeKind; category?: string },
): MatterTypeGroup[] {
  const wanted = filter.category === undefined ? undefined : normalizeMatterTypeName(filter.category);
  const groups = new Map<string | null, PickerMatterType[]>();
  for (const type of types) {
    if (type.type !== TYPE_CODE[filter.kind] || type.isDeleted || !sameLocation(type.location, filter.jurisdiction)) continue;
    // A type Smokeball lists without a name (the OAS allows it) cannot be told apart in a picker.
    if (!type.name) continue;
    const category = type.category ?? null;
    if (wanted !== undefined && normalizeMatterTypeName(category ?? '') !== wanted) continue;
    const list = groups.get(category) ?? [];
    list.push({
      id: type.id,
      name: type.name,
      category,
      location: type.location ?? null,
      representativeOptions: type.representativeOptions ?? [],
    });
    groups.set(category, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : compareText(a, b)))
    .map(([category, list]) => ({ category, matterTypes: list.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id)) }));
}

/** Case-insensitive first, then exact, so the order never depends on the order Smokeball listed them. */
function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
