// The retry policy of every Smokeball call, as pure values, and the one retry helper. Model: Nango packages/shared/lib/services/proxy/retry.ts (`{ retry, reason, wait }`), with the
// full jitter Nango lacks (AWS "Exponential Backoff And Jitter"). request.ts is the only loop
// that acts on these verdicts; retries happen at that layer only, because retries multiply across layers.
import type { StopReason } from './errors.ts';

/** First backoff ceiling. Smokeball's bucket refills one request per 200 ms (5 rps), so 250 ms is about
 * one refill: a 429 caused by a momentary burst usually clears by then. */
export const BACKOFF_BASE_MS = 250;
/** Ceiling of any computed backoff: beyond this we would rather spend the budget on another attempt. */
export const BACKOFF_CAP_MS = 20_000;

/**
 * A 404 for an id Smokeball gave us moments ago is eventual consistency, not absence: writes are 202 and
 * the resource appears "a little later" (docs/smokeball.md §8; WEDGE saw an immediate GET 404 after a 202). Reads
 * marked `justCreated` retry 404s for this long after the call started, then the 404 is final.
 */
export const JUST_CREATED_WINDOW_MS = 15_000;

export type RetryPolicy = {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Wall-clock budget of one call from its first attempt, waits included. A wait that would end past it
   * is not started: the call fails at once with `budget_exhausted` (an Edge Function has 150 s in all). */
  budgetMs: number;
};

/** Five attempts within 30 s: enough to ride out a burst of 429s or a short 503 window, while one call
 * never eats more than a fifth of an Edge Function's 150 s wall clock. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, budgetMs: 30_000 };

/** What one attempt produced, reduced to what the policy needs. */
export type AttemptOutcome =
  | { kind: 'status'; status: number; retryAfterMs?: number }
  | { kind: 'network'; timedOut: boolean };

export type RetryReason = 'rate_limited' | 'server_error' | 'network_error' | 'not_yet_visible' | 'refresh_token';

export type RetryVerdict =
  | { verdict: 'retry'; reason: RetryReason; waitMs: number }
  | { verdict: 'stop'; reason: StopReason; waitMs: 0 };

export type RetryInput = {
  outcome: AttemptOutcome;
  /** Attempts made so far, the one that produced `outcome` included (1 after the first). */
  attempt: number;
  /** Milliseconds since the call's first attempt started. */
  elapsedMs: number;
  policy: RetryPolicy;
  /**
   * False for a POST that creates something. A 5xx or network error may come after Smokeball accepted the
   * write, so repeating it risks a duplicate contact, matter or file; such a failure is final and the error
   * says `maybeDelivered`. The sync layer then reconciles (looks the resource up by email or
   * externalSystemId) before creating again (docs/architecture.md §5 "Sync a matter"). A 429 is still retried: the API
   * gateway refused it before the application saw it (docs/smokeball.md §6).
   */
  idempotent: boolean;
  /** The read is of an id we were just given by a 202 (see JUST_CREATED_WINDOW_MS). */
  justCreated: boolean;
  /**
   * The request names (in its path or body) a resource Smokeball gave us this many milliseconds before the
   * call started: a 404, 403 or 400 may be that resource not being visible yet. Undefined: none.
   */
  freshReferenceAgeMs?: number;
  /** A 401 has already triggered the one token refresh of this call. */
  refreshed: boolean;
  random: () => number;
};

export function decideRetry(input: RetryInput): RetryVerdict {
  const { outcome, idempotent } = input;
  const stop = (reason: StopReason): RetryVerdict => ({ verdict: 'stop', reason, waitMs: 0 });

  if (outcome.kind === 'network') {
    return idempotent ? bounded(input, 'network_error') : stop('unsafe_to_retry');
  }
  const { status } = outcome;
  if (status === 429) return bounded(input, 'rate_limited');
  if (status >= 500) return idempotent ? bounded(input, 'server_error') : stop('unsafe_to_retry');
  // One refresh and one retry per call: a second 401 means the new token is refused too (docs/architecture.md §5 "Tokens").
  if (status === 401) return input.refreshed ? stop('unauthorized_after_refresh') : bounded(input, 'refresh_token');
  // A write naming a just-created resource: Smokeball documents no success for a sub-resource of a parent
  // that is not visible yet, and answers 404, 403 ("does not belong to the account", files) or a 400 naming
  // the reference meanwhile. Each is a refusal (nothing was written), so repeating it is safe.
  const fresh = input.freshReferenceAgeMs;
  if (fresh !== undefined && (status === 404 || status === 403 || status === 400)) {
    return untilVisible(input, JUST_CREATED_WINDOW_MS - fresh, status === 404 ? 'not_found' : 'client_error');
  }
  // GetFiles documents 403 ("does not belong to the account") and no 404 for a matter it cannot see, so
  // for an id Smokeball gave us moments ago a 403 is "not visible yet" as much as a 404 is.
  if (status === 404 || (status === 403 && input.justCreated)) {
    if (!input.justCreated) return stop('not_found');
    return untilVisible(input, JUST_CREATED_WINDOW_MS, 'not_found');
  }
  return stop('client_error');
}

/** First wait of a "not visible yet" retry; doubled per attempt up to VISIBILITY_WAIT_CAP_MS. */
export const VISIBILITY_WAIT_BASE_MS = 100;
export const VISIBILITY_WAIT_CAP_MS = 1_000;

/**
 * A retry while the resource may still become visible: bounded by the window (counted from when the
 * resource was created) and the call's budget, not by `maxAttempts`, because visibility takes a
 * variable time and each short wait is cheap. Equal jitter (half fixed, half random) so the waits add up
 * to at least half the doubling series: four retries cover at least 750 ms.
 */
function untilVisible(input: RetryInput, windowLeftMs: number, finalReason: StopReason): RetryVerdict {
  const ceiling = Math.min(VISIBILITY_WAIT_CAP_MS, VISIBILITY_WAIT_BASE_MS * 2 ** Math.max(0, input.attempt - 1));
  const waitMs = Math.floor(ceiling / 2 + input.random() * (ceiling / 2));
  if (input.elapsedMs + waitMs > windowLeftMs) return { verdict: 'stop', reason: finalReason, waitMs: 0 };
  if (input.elapsedMs + waitMs > input.policy.budgetMs) return { verdict: 'stop', reason: 'budget_exhausted', waitMs: 0 };
  return { verdict: 'retry', reason: 'not_yet_visible', waitMs };
}

/** A retry of `reason`, unless attempts or the time budget say stop. `Retry-After` wins over backoff. */
function bounded(input: RetryInput, reason: RetryReason): RetryVerdict {
  if (input.attempt >= input.policy.maxAttempts) return { verdict: 'stop', reason: 'attempts_exhausted', waitMs: 0 };
  const retryAfterMs = input.outcome.kind === 'status' ? input.outcome.retryAfterMs : undefined;
  const waitMs = reason === 'refresh_token' ? 0 : (retryAfterMs ?? backoffMs(input.attempt, input.random));
  if (input.elapsedMs + waitMs > input.policy.budgetMs) return { verdict: 'stop', reason: 'budget_exhausted', waitMs: 0 };
  return { verdict: 'retry', reason, waitMs };
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(cap, base·2^(attempt−1))) (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015). `attempt` is 1 before the first retry. Also used for queue
 * jobs' `run_after` with their own base and cap.
 */
export function backoffMs(
  attempt: number,
  random: () => number,
  { baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS }: { baseMs?: number; capMs?: number } = {},
): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity for huge attempts; min() keeps the ceiling finite.
  const ceilingMs = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceilingMs);
}

/**
 * `Retry-After` as milliseconds to wait (RFC 9110 §10.2.3): delay-seconds or an HTTP-date (compared with
 * the injected clock). Undefined when absent or unparseable; a date in the past means "now" (0).
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the HTTP-date form: Date.parse would also accept "1.5" or "2026" as dates.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const atMs = Date.parse(text);
  if (Number.isNaN(atMs)) return undefined;
  return Math.max(0, atMs - nowMs);
}
