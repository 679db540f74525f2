// Smokeball's writes are eventually consistent (reference §8): a resource accepted with 202 appears a
// little later. When an earlier attempt may have created something (its create-started mark is set and
// no link was stored), a lookup that finds nothing right away is repeated until the mark is older than
// this window, and only then is the create sent again.
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
