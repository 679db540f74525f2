// The case types a firm's matters actually use, with how many matters use each: the mapping preview lists
// them beside the built-ins and the custom mappings, so an admin sees every type a sync can meet.
import type { Sql } from './sql.ts';

export async function countMattersByCaseType(sql: Sql, firmId: string): Promise<Map<string, number>> {
  const rows = await sql<{ caseType: string; matters: number }[]>`
    select case_type as "caseType", count(*)::int as matters
    from public.matters where firm_id = ${firmId}
    group by case_type`;
  return new Map(rows.map((r) => [r.caseType, r.matters]));
}
