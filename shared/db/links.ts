// Which CaseHug rows are linked to which Smokeball records (`smokeball_*_id` on the host's tables), read
// for webhooks and the matters list. Every statement is filtered by the verified firm id.
import type { Sql, Tx } from './sql.ts';

/** The CaseHug matters linked to any of these Smokeball matter ids. */
export async function listMatterLinks(sql: Sql, firmId: string, smokeballMatterIds: string[]): Promise<{ id: string; smokeballMatterId: string }[]> {
  if (smokeballMatterIds.length === 0) return [];
  return sql<{ id: string; smokeballMatterId: string }[]>`
    select id, smokeball_matter_id as "smokeballMatterId" from public.matters
    where firm_id = ${firmId} and smokeball_matter_id = any(${smokeballMatterIds})`;
}

/** The CaseHug matter linked to this Smokeball matter, if any. */
export async function findLinkedMatter(sql: Sql | Tx, firmId: string, smokeballMatterId: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    select id from public.matters where firm_id = ${firmId} and smokeball_matter_id = ${smokeballMatterId}`;
  return row?.id;
}

export async function isMatterLinked(sql: Sql, firmId: string, smokeballMatterId: string): Promise<boolean> {
  return (await findLinkedMatter(sql, firmId, smokeballMatterId)) !== undefined;
}

export async function isContactLinked(sql: Sql, firmId: string, smokeballContactId: string): Promise<boolean> {
  const rows = await sql`select 1 from public.clients where firm_id = ${firmId} and smokeball_contact_id = ${smokeballContactId}`;
  return rows.length > 0;
}
