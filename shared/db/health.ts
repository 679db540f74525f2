import type { Sql } from './sql.ts';

/** Bounded so a hung database makes health answer "error" instead of hanging the probe. */
const DB_CHECK_TIMEOUT_MS = 2_000;

export async function checkDatabase(sql: Sql): Promise<'ok' | 'error'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database check timed out')), DB_CHECK_TIMEOUT_MS);
    });
    const [row] = await Promise.race([sql`select 1 as ok`, timeout]);
    return row?.ok === 1 ? 'ok' : 'error';
  } catch {
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}
