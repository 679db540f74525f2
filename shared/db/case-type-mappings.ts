// public.case_type_mappings: a firm's overrides of the built-in case type → matter type mapping
// (docs/architecture.md §4, §6). The sync reads them on every matter; admins write them through the app.
import { z } from 'zod';
import type { Sql } from './sql.ts';

/**
 * One override row: a CaseHug case type → a Smokeball matter type id, or a name matched within the firm's
 * jurisdiction. Exactly one of the two is set, as the table's `case_type_mappings_one_target` check says.
 */
export const CaseTypeOverride = z
  .object({
    caseType: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/),
    matterTypeId: z.string().min(1).max(200).nullable(),
    matterTypeName: z.string().trim().min(1).max(200).nullable(),
  })
  .refine((row) => (row.matterTypeId === null) !== (row.matterTypeName === null), {
    message: 'Set exactly one of matterTypeId and matterTypeName',
  });
export type CaseTypeOverride = z.infer<typeof CaseTypeOverride>;

/** The firm's overrides, one per case type (the table is unique on firm + case type), by case type. */
export async function listCaseTypeOverrides(sql: Sql, firmId: string): Promise<CaseTypeOverride[]> {
  return sql<CaseTypeOverride[]>`
    select case_type as "caseType", matter_type_id as "matterTypeId", matter_type_name as "matterTypeName"
    from public.case_type_mappings
    where firm_id = ${firmId}
    order by case_type`;
}
