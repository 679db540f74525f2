// What the matter-types tests share: calling the function, and writing a custom mapping the way the
// settings page does — through PostgREST as the signed-in admin, under RLS. The local stack has no
// PostgREST, so this runs the same statements PostgREST would: `request.jwt.claims` and `set local role
// authenticated` in a transaction, which here commits (tests/helpers/db.ts `asActor` always rolls back).
import { CATALOG } from '../../../dev/smokeball-sim/catalog.ts';
import type { Sql } from '../../helpers/db.ts';
import { callFunction } from '../../helpers/stack.ts';

export const FUNCTION = 'smokeball-matter-types';

export async function getMatterTypes(token: string | undefined, query = ''): Promise<{ status: number; body: any }> {
  const res = await callFunction(`${FUNCTION}${query}`, { method: 'GET', token });
  return { status: res.status, body: await res.json() };
}

export type MappingTarget = { id: string; name?: undefined } | { name: string; id?: undefined };

/** Upserts a firm's custom mapping as `userId` under RLS (PostgREST's `Prefer: resolution=merge-duplicates`). */
export async function saveMappingAs(sql: Sql, userId: string, firmId: string, caseType: string, target: MappingTarget): Promise<void> {
  await sql.begin(async (tx) => {
    const claims = { sub: userId, role: 'authenticated', aud: 'authenticated' };
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    await tx.unsafe('set local role authenticated');
    await tx`
      insert into public.case_type_mappings (firm_id, case_type, matter_type_id, matter_type_name)
      values (${firmId}, ${caseType}, ${target.id ?? null}, ${target.name ?? null})
      on conflict (firm_id, case_type) do update
        set matter_type_id = excluded.matter_type_id, matter_type_name = excluded.matter_type_name`;
  });
}

/** The simulator's matter type (type 0, not deleted) of that name in that state. */
export function catalogType(location: string, name: string) {
  const found = CATALOG.find((t) => t.location === location && t.name === name && t.type === 0 && !t.isDeleted);
  if (!found) throw new Error(`no ${location} matter type named ${name}`);
  return found;
}
