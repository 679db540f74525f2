import type { Sql, Tx } from './connection.ts';

export type FirmRole = 'admin' | 'member';
export type FirmMembership = { firmId: string; role: FirmRole; jurisdiction: string };

/** The caller's memberships, optionally narrowed to one firm. */
export async function listFirmMemberships(sql: Sql | Tx, userId: string, firmId?: string): Promise<FirmMembership[]> {
  return sql<FirmMembership[]>`
    select m.firm_id as "firmId", m.role, f.jurisdiction
    from public.firm_members m
    join public.firms f on f.id = m.firm_id
    where m.user_id = ${userId}
      and (${firmId ?? null}::uuid is null or m.firm_id = ${firmId ?? null}::uuid)
    order by m.firm_id`;
}
