import { describe, expect, test } from 'vitest';
import { AppError, notConnected, reauthRequired } from '../../../../shared/errors.ts';
import { SmokeballHttpError, SmokeballNetworkError, SmokeballTokenError, SmokeballUploadError } from '../../../../shared/smokeball/errors.ts';
import { unmappedError } from '../../../../shared/sync/mapping/resolve.ts';
import { SyncRunError } from '../../../../shared/sync/matter/sync-matter.ts';
import { decideJobOutcome, JOB_BACKOFF_BASE_MS, JOB_BACKOFF_CAP_MS } from '../../../../shared/sync/queue/job-outcome.ts';

const http = (status: number) => new SmokeballHttpError(status, undefined, { endpoint: 'POST /matters' });
const busy = () => new AppError({ code: 'sync_in_progress', status: 409, message: 'This matter is already being synced' });
/** What syncMatter throws once a run was started: the cause wrapped with the run id. */
const inRun = (cause: AppError) => new SyncRunError('run-1', cause);

describe('decideJobOutcome()', () => {
  test.each([
    { name: 'a revoked grant parks the job', err: new SmokeballTokenError('refresh_token', 400, 'invalid_grant'), outcome: 'parked' },
    { name: 'a connection needing re-authorisation parks the job', err: reauthRequired(), outcome: 'parked' },
    { name: 'reauth inside a run parks the job', err: inRun(reauthRequired()), outcome: 'parked' },
    { name: 'Smokeball 400 is permanent', err: http(400), outcome: 'permanent' },
    { name: 'Smokeball 403 is permanent', err: http(403), outcome: 'permanent' },
    { name: 'Smokeball 404 is permanent', err: http(404), outcome: 'permanent' },
    { name: 'Smokeball 422 is permanent', err: http(422), outcome: 'permanent' },
    { name: 'Smokeball 400 inside a run is permanent', err: inRun(http(400)), outcome: 'permanent' },
    { name: 'Smokeball 422 inside a run is permanent', err: inRun(http(422)), outcome: 'permanent' },
    { name: 'an unmapped case type is permanent', err: inRun(unmappedError('space_law', 'no type')), outcome: 'permanent' },
    { name: 'a matter that does not exist is permanent', err: new AppError({ code: 'not_found', status: 404, message: 'Matter not found' }), outcome: 'permanent' },
    { name: 'a disconnected firm parks the job until the reconnect', err: notConnected(), outcome: 'parked' },
    { name: 'Smokeball 408 retries', err: http(408), outcome: 'retry' },
    { name: 'Smokeball 429 retries', err: http(429), outcome: 'retry' },
    { name: 'Smokeball 500 retries', err: http(500), outcome: 'retry' },
    { name: 'Smokeball 503 retries', err: http(503), outcome: 'retry' },
    { name: 'Smokeball 503 inside a run retries', err: inRun(http(503)), outcome: 'retry' },
    { name: 'a network error retries', err: new SmokeballNetworkError(false, { endpoint: 'POST /matters' }), outcome: 'retry' },
    { name: 'a timeout retries', err: inRun(new SmokeballNetworkError(true, { endpoint: 'POST /matters' })), outcome: 'retry' },
    { name: 'a failed upload retries', err: new SmokeballUploadError(undefined, 'The upload failed'), outcome: 'retry' },
    { name: 'our own 500 retries', err: new AppError({ code: 'internal_error', status: 500, message: 'boom' }), outcome: 'retry' },
    { name: 'an unknown error retries', err: new Error('something odd'), outcome: 'retry' },
    { name: 'a thrown non-error retries', err: 'a string', outcome: 'retry' },
  ])('$name', ({ err, outcome }) => {
    expect(decideJobOutcome(err, 1, () => 0.5).outcome).toBe(outcome);
  });

  test('a busy matter is parked briefly without burning an attempt, whatever the attempt', () => {
    for (const attempt of [1, 5, 30]) {
      const verdict = decideJobOutcome(busy(), attempt, () => 0.999);
      expect(verdict).toMatchObject({ outcome: 'parked', reason: 'matter_busy' });
      expect(verdict.outcome === 'parked' && verdict.retryInMs).toBeGreaterThan(0);
      expect(verdict.outcome === 'parked' && verdict.retryInMs).toBeLessThanOrEqual(5_000);
    }
  });

  test('retry backoff is full jitter within [0, min(cap, base·2^(attempt−1)))', () => {
    for (const attempt of [1, 2, 3, 8, 20, 1_000]) {
      const ceiling = Math.min(JOB_BACKOFF_CAP_MS, JOB_BACKOFF_BASE_MS * 2 ** (attempt - 1));
      const low = decideJobOutcome(http(503), attempt, () => 0);
      const high = decideJobOutcome(http(503), attempt, () => 0.999_999);
      expect(low).toMatchObject({ outcome: 'retry', retryInMs: 0 });
      expect(high.outcome === 'retry' && high.retryInMs).toBeLessThan(ceiling);
      expect(high.outcome === 'retry' && high.retryInMs).toBeGreaterThanOrEqual(ceiling * 0.99);
      expect(high.outcome === 'retry' && high.retryInMs).toBeLessThanOrEqual(JOB_BACKOFF_CAP_MS);
    }
  });

  test('the reason names the Smokeball status, also when the error is wrapped in a run', () => {
    expect(decideJobOutcome(inRun(http(400)), 1, () => 0.5)).toEqual({ outcome: 'permanent', reason: 'smokeball_400' });
    expect(decideJobOutcome(inRun(http(503)), 1, () => 0.5)).toMatchObject({ outcome: 'retry', reason: 'smokeball_503' });
  });
});
