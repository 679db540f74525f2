import type { Sql } from './sql.ts';
import { within } from '../within.ts';

/** Bounded so a hung database makes health answer "error" instead of hanging the probe. */
const DB_CHECK_TIMEOUT_MS = 2_000;

export async function checkDatabase(sql: Sql): Promise<'ok' | 'error'> {
  try {
    const rows = await within(sql<{ ok: number }[]>`select 1 as ok`, DB_CHECK_TIMEOUT_MS, () => undefined);
    return rows?.[0]?.ok === 1 ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}
