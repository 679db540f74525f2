// smokeball-matters: "pull a list of existing Smokeball matters to check what's already
// linked" — one page of the firm's Smokeball matters, each marked with the CaseHug matter it is linked to.
import type { Sql } from '../db/sql.ts';
import { listMatterLinks } from '../db/links.ts';
import type { SmokeballClient } from '../smokeball/client.ts';

export type SmokeballMatterRow = { id: string; number: string | null; title: string | null; status: string | null; linked: boolean; casehugMatterId: string | null };

export async function listSmokeballMatters(
  deps: { sql: Sql; client: SmokeballClient },
  firmId: string,
  page: { offset: number; limit: number },
): Promise<{ matters: SmokeballMatterRow[]; total: number; offset: number; limit: number }> {
  const { data } = await deps.client.matters.listPage(page.offset, page.limit);
  const ids = data.value.map((m) => m.id);
  const links = await listMatterLinks(deps.sql, firmId, ids);
  const byId = new Map(links.map((l) => [l.smokeballMatterId, l.id]));
  return {
    matters: data.value.map((m) => ({
      id: m.id,
      number: m.number || null,
      title: m.title || m.description || null,
      status: m.status || null,
      linked: byId.has(m.id),
      casehugMatterId: byId.get(m.id) ?? null,
    })),
    total: data.size ?? data.value.length,
    offset: page.offset,
    limit: page.limit,
  };
}
