// What a failed job attempt means for the queue — a decision as a value, unit-tested:
// retry later with backoff, end now (a permanent failure: retrying cannot help), or park (the firm must
// reconnect Smokeball; the job waits without burning attempts and resumes after the reconnect).
import { AppError } from '../../errors.ts';
import { SmokeballHttpError } from '../../smokeball/errors.ts';
import { backoffMs } from '../../smokeball/retry.ts';

/** Job retries are slower than request retries: a failed sync is usually an outage, not a blip. */
export const JOB_BACKOFF_BASE_MS = 2_000;
export const JOB_BACKOFF_CAP_MS = 10 * 60 * 1000;
/** A matter locked by another sync: try again shortly, it is not the job's fault. */
const BUSY_RETRY_MS = 2_000;

export type JobVerdict =
  | { outcome: 'retry'; reason: string; retryInMs: number }
  | { outcome: 'permanent'; reason: string }
  | { outcome: 'parked'; reason: string; retryInMs: number };

export function decideJobOutcome(err: unknown, attempt: number, random: () => number): JobVerdict {
  const backoff = () => backoffMs(attempt, random, { baseMs: JOB_BACKOFF_BASE_MS, capMs: JOB_BACKOFF_CAP_MS });
  if (!(err instanceof AppError)) return { outcome: 'retry', reason: 'unexpected_error', retryInMs: backoff() };
  // Parked jobs keep their attempts: waiting for a reconnect or for another sync of the matter to end is
  // not a failure of theirs (the claim skips firms that need re-authorisation until they reconnect).
  if (err.code === 'smokeball_reauth_required') return { outcome: 'parked', reason: 'needs_reauth', retryInMs: 0 };
  // Disconnected while the job ran (or before): it waits for the reconnect like the queued jobs do.
  if (err.code === 'not_connected') return { outcome: 'parked', reason: 'disconnected', retryInMs: 0 };
  if (err.code === 'sync_in_progress') return { outcome: 'parked', reason: 'matter_busy', retryInMs: BUSY_RETRY_MS };
  const upstream = smokeballHttpCause(err);
  if (upstream) {
    const s = upstream.upstreamStatus;
    // Smokeball refused the request itself (validation, permissions, a missing record): the same request
    // fails the same way next time. 408/429 are about timing, not the request.
    if (s >= 400 && s < 500 && s !== 408 && s !== 429) return { outcome: 'permanent', reason: `smokeball_${s}` };
    return { outcome: 'retry', reason: `smokeball_${s}`, retryInMs: backoff() };
  }
  // Our own 4xx (unknown matter, unmapped case type, invalid data): permanent.
  if (err.status >= 400 && err.status < 500) return { outcome: 'permanent', reason: err.code };
  return { outcome: 'retry', reason: err.code, retryInMs: backoff() };
}

/**
 * The Smokeball answer behind an error: syncMatter wraps what ended a run in a SyncRunError (code and
 * status copied, the original as `cause`), so the upstream status is found by following the causes.
 * Bounded, in case of a cycle.
 */
function smokeballHttpCause(err: Error): SmokeballHttpError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof SmokeballHttpError) return current;
    current = current.cause;
  }
  return undefined;
}
