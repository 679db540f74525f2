// Smokeball's writes are eventually consistent (docs/smokeball.md §8): a resource accepted with 202 appears a
// little later. When an earlier attempt may have created something (its create-started mark is set and
// no link was stored), a lookup that finds nothing right away is repeated until the mark is older than
// this window, and only then is the create sent again.
import type { Sql } from '../../db/sql.ts';
import { clearCreateStarted, restampCreateStarted } from '../../db/matter-sync.ts';
import { withHeartbeat } from '../../heartbeat.ts';
import { SmokeballHttpError } from '../../smokeball/errors.ts';
import { JUST_CREATED_WINDOW_MS } from '../../smokeball/retry.ts';

export const CONSISTENCY_WINDOW_MS = JUST_CREATED_WINDOW_MS;
const LOOKUP_INTERVAL_MS = 250;

export async function lookupThroughConsistencyWindow<T>(
  deps: { now(): number; sleep(ms: number): Promise<void>; consistencyWindowMs?: number },
  /** How old the create-started mark is, by the database clock that set it (never mixed with ours). */
  markAgeMs: number,
  lookup: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const until = deps.now() + Math.max(0, (deps.consistencyWindowMs ?? CONSISTENCY_WINDOW_MS) - markAgeMs);
  for (;;) {
    const found = await lookup();
    if (found !== undefined || deps.now() >= until) return found;
    await deps.sleep(Math.min(LOOKUP_INTERVAL_MS, Math.max(0, until - deps.now())));
  }
}

/**
 * Whether a failed create certainly created nothing, so its create-started mark can go and the next
 * attempt need not wait out the window: Smokeball answered and refused the request itself (a 4xx, 429
 * throttling, or 503 "unavailable" from its gateway, which accepts nothing into its queue). A 500, 502,
 * 504 or a lost connection may come after the write was accepted: the mark stays.
 */
export function createdNothing(err: unknown): boolean {
  if (!(err instanceof SmokeballHttpError)) return false;
  const s = err.upstreamStatus;
  return s === 503 || (s >= 400 && s < 500 && s !== 408);
}

/** While a create (single or bulk) waits (token, rate-limit slot, 429 retries), its marks are kept this fresh. */
export const MARK_HEARTBEAT_MS = 5_000;

/**
 * Sends a create whose create-started mark is set, keeping the mark honest: refreshed while the request
 * is still on its way (the window must count from when Smokeball could last have received it, not from
 * when we decided to send), dropped when Smokeball refused outright, and re-stamped after an ambiguous
 * failure so the next attempt looks for the resource through a whole window before creating again.
 */
export async function sendMarkedCreate<T>(
  sql: Sql,
  mark: { table: 'clients' | 'matters' | 'documents'; firmId: string; id: string },
  send: () => Promise<T>,
): Promise<T> {
  return await withHeartbeat(MARK_HEARTBEAT_MS, () => restampCreateStarted(sql, mark.table, mark.firmId, mark.id), async () => {
    try {
      return await send();
    } catch (err) {
      if (createdNothing(err)) await clearCreateStarted(sql, mark.table, mark.firmId, mark.id);
      else await restampCreateStarted(sql, mark.table, mark.firmId, mark.id);
      throw err;
    }
  });
}
