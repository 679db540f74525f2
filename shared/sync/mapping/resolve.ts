// Which Smokeball matter type a CaseHug matter gets (docs/architecture.md §5 "Sync a matter"): the firm's override, else
// the built-in type by name, else one of its aliases, else the practice area's general type, else none.
// A decision returned as a value with its reason; the sync turns `unmapped` into a 422 with
// unmappedError(), and the mappings preview shows the same values.
import { z } from 'zod';
import { type CaseTypeOverride } from '../../db/case-type-mappings.ts';
import { MatterTypeInfo } from '../../smokeball/schemas/matter-type.ts';
import { type BuiltInCaseType, findBuiltInCaseType } from './catalog.ts';
import { findGeneralType } from './general-type.ts';
import { findMatterTypeByName } from './match-name.ts';
import { sameLocation } from './normalize.ts';

export { CaseTypeOverride } from '../../db/case-type-mappings.ts';
// The sync's next step after `unmapped`, exported beside the resolver it belongs to.
export { unmappedError } from './unmapped-error.ts';

/** How a case type found its matter type, in the order they are tried. */
export const ResolutionHow = z.enum(['custom-id', 'custom-name', 'built-in', 'alias', 'general-fallback', 'unmapped']);
export type ResolutionHow = z.infer<typeof ResolutionHow>;

export const Resolution = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('resolved'),
    how: ResolutionHow.exclude(['unmapped']),
    matterType: MatterTypeInfo,
    reason: z.string(),
  }),
  z.object({ status: z.literal('unmapped'), how: ResolutionHow.extract(['unmapped']), reason: z.string() }),
]);
export type Resolution = z.infer<typeof Resolution>;

export type ResolveContext = {
  /** The firm's jurisdiction (`firms.jurisdiction`), a Smokeball location such as `IL`. */
  jurisdiction: string;
  /** As listed by the client; other locations, lead types and deleted types are ignored here. */
  matterTypes: readonly MatterTypeInfo[];
  /** The firm's rows of `case_type_mappings`. */
  overrides: readonly CaseTypeOverride[];
};

type ResolvedHow = Exclude<ResolutionHow, 'unmapped'>;
const resolved = (how: ResolvedHow, matterType: MatterTypeInfo, reason: string): Resolution => ({
  status: 'resolved',
  how,
  matterType,
  reason,
});
const unmapped = (reason: string): Resolution => ({ status: 'unmapped', how: 'unmapped', reason });


/**
 * Usable for a matter in `jurisdiction`: a matter type (`type` 0; 1 is a lead type, which a matter cannot
 * be created with, docs/smokeball.md §3 "Leads"), of that location, not deleted.
 */
const isUsableIn = (jurisdiction: string) => (type: MatterTypeInfo) =>
  type.type === 0 && !type.isDeleted && sameLocation(type.location, jurisdiction);

export function resolveMatterType(caseType: string, ctx: ResolveContext): Resolution {
  const { jurisdiction } = ctx;
  const types = ctx.matterTypes.filter(isUsableIn(jurisdiction));
  const builtIn = findBuiltInCaseType(caseType);
  // A firm's override is final: if it names nothing usable, the firm must fix it, so it is reported,
  // never skipped in favour of the built-in mapping the firm chose to replace.
  const override = ctx.overrides.find((row) => row.caseType === caseType);
  if (override) return resolveOverride(override, types, ctx, builtIn);
  if (!builtIn) return unmapped(`no Smokeball matter type for case type '${caseType}' in ${jurisdiction}: add a custom mapping`);
  return resolveBuiltIn(builtIn, types, jurisdiction);
}

function resolveOverride(
  override: CaseTypeOverride,
  types: readonly MatterTypeInfo[],
  ctx: ResolveContext,
  builtIn: BuiltInCaseType | undefined,
): Resolution {
  const { caseType, matterTypeId, matterTypeName } = override;
  const { jurisdiction } = ctx;
  const mapping = `custom mapping for ${caseType}`;
  if (matterTypeId !== null) {
    // GUIDs are case-insensitive, and an admin may paste one in capitals.
    const id = matterTypeId.trim().toLowerCase();
    const byId = (type: MatterTypeInfo) => type.id.toLowerCase() === id;
    const usable = types.find(byId);
    if (usable) return resolved('custom-id', usable, `${mapping}: matter type '${usable.name}' (${usable.id}) in ${jurisdiction}`);
    // Listed, but not usable here: say why, so the admin knows what to change.
    const listed = ctx.matterTypes.find(byId);
    const named = `names matter type id '${matterTypeId}'`;
    if (!listed) return unmapped(`${mapping} ${named}, which does not exist in ${jurisdiction}`);
    if (listed.type === 1) return unmapped(`${mapping} ${named} ('${listed.name}'), which is a lead type, not a matter type`);
    if (listed.type !== 0) return unmapped(`${mapping} ${named} ('${listed.name}'), which is not a matter type`);
    if (listed.isDeleted) return unmapped(`${mapping} ${named} ('${listed.name}'), which has been deleted in Smokeball`);
    return unmapped(`${mapping} ${named} ('${listed.name}'), which is in ${listed.location ?? 'no location'}, not ${jurisdiction}`);
  }
  if (matterTypeName !== null) {
    const match = findMatterTypeByName(types, matterTypeName, builtIn?.practiceArea);
    if (match) return resolved('custom-name', match, `${mapping}: matter type '${match.name}' (${match.id}) in ${jurisdiction}`);
    return unmapped(`${mapping} names matter type '${matterTypeName}', which does not exist in ${jurisdiction}`);
  }
  // The table's check constraint forbids this row; a value from elsewhere still gets an answer, not a throw.
  return unmapped(`${mapping} names no matter type (neither an id nor a name)`);
}

function resolveBuiltIn(builtIn: BuiltInCaseType, types: readonly MatterTypeInfo[], jurisdiction: string): Resolution {
  const { caseType, practiceArea, matterTypeName } = builtIn;
  const direct = findMatterTypeByName(types, matterTypeName, practiceArea);
  if (direct) return resolved('built-in', direct, `case type '${caseType}' maps to '${direct.name}' in ${jurisdiction}`);
  for (const alias of builtIn.aliases) {
    const match = findMatterTypeByName(types, alias, practiceArea);
    if (match) {
      return resolved(
        'alias',
        match,
        `case type '${caseType}' maps to '${match.name}' in ${jurisdiction}, a known alias of '${matterTypeName}' (which ${jurisdiction} does not have)`,
      );
    }
  }
  const general = findGeneralType(types, practiceArea);
  if (general) {
    return resolved(
      'general-fallback',
      general,
      `case type '${caseType}' maps to '${general.name}' in ${jurisdiction}: there is no '${matterTypeName}' or known alias of it, so the ${practiceArea} general type`,
    );
  }
  return unmapped(
    `no Smokeball matter type for case type '${caseType}' in ${jurisdiction}: neither '${matterTypeName}', a known alias of it nor a ${practiceArea} general type exists; add a custom mapping`,
  );
}
