import type { Sql, Tx } from './sql.ts';

export type FirmRole = 'admin' | 'member';
/** `jurisdiction` is the firm's unambiguous Smokeball jurisdiction (`US-IL`, `AU-WA`); null while a bare
 * host code `WA` is undecided (migration 20261201170100). A code of shared/smokeball/jurisdiction.ts, which
 * the column's check constraint enforces; typed as text here, so the SQL layer depends on no client module. */
export type FirmMembership = { firmId: string; role: FirmRole; jurisdiction: string | null };

/** The caller's memberships, optionally narrowed to one firm. */
export async function listFirmMemberships(sql: Sql | Tx, userId: string, firmId?: string): Promise<FirmMembership[]> {
  return sql<FirmMembership[]>`
    select m.firm_id as "firmId", m.role, f.smokeball_jurisdiction as jurisdiction
    from public.firm_members m
    join public.firms f on f.id = m.firm_id
    where m.user_id = ${userId}
      and (${firmId ?? null}::uuid is null or m.firm_id = ${firmId ?? null}::uuid)
    order by m.firm_id`;
}
