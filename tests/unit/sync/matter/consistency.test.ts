import { describe, expect, test } from 'vitest';
import { AppError } from '../../../../shared/errors.ts';
import {
  SmokeballHttpError,
  SmokeballInvalidResponseError,
  SmokeballNetworkError,
  SmokeballTokenError,
  SmokeballUploadError,
} from '../../../../shared/smokeball/errors.ts';
import { JUST_CREATED_WINDOW_MS } from '../../../../shared/smokeball/retry.ts';
import { CONSISTENCY_WINDOW_MS, createdNothing, lookupThroughConsistencyWindow } from '../../../../shared/sync/matter/consistency.ts';

const http = (status: number) => new SmokeballHttpError(status, undefined, { endpoint: 'POST /contacts', maybeDelivered: status >= 500 });

describe('createdNothing()', () => {
  test.each([400, 401, 403, 404, 409, 413, 422, 429, 503])('Smokeball refused with %i: nothing was created, the mark can go', (status) => {
    expect(createdNothing(http(status))).toBe(true);
  });

  test.each([408, 500, 502, 504, 599])('Smokeball answered %i, which may follow an accepted write: the mark stays', (status) => {
    expect(createdNothing(http(status))).toBe(false);
  });

  test.each([
    ['a lost connection', new SmokeballNetworkError(false, { endpoint: 'POST /contacts', maybeDelivered: true })],
    ['a timeout', new SmokeballNetworkError(true, { endpoint: 'POST /contacts', maybeDelivered: true })],
    ['a 2xx body we could not read (the create was accepted)', new SmokeballInvalidResponseError(['id: required'], { endpoint: 'POST /contacts' })],
    ['a failed upload', new SmokeballUploadError(500, 'The upload failed')],
    ['a token error', new SmokeballTokenError('refresh_token', 400, 'invalid_grant')],
    ['one of our own errors', new AppError({ code: 'internal_error', status: 500, message: 'x' })],
    ['a plain Error', new Error('x')],
    ['a thrown string', 'x'],
    ['undefined', undefined],
  ])('%s is not proof that nothing was created', (_name, err) => {
    expect(createdNothing(err)).toBe(false);
  });
});

/** A clock that moves only when the code under test sleeps. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    deps: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    sleeps,
    elapsed: () => now - start,
  };
}

describe('lookupThroughConsistencyWindow()', () => {
  test('the window is the one reads of a just-created id are retried for', () => {
    expect(CONSISTENCY_WINDOW_MS).toBe(JUST_CREATED_WINDOW_MS);
  });

  test('returns what the first lookup finds, without waiting', async () => {
    const t = fakeTime();
    let calls = 0;
    const found = await lookupThroughConsistencyWindow(t.deps, 0, async () => (++calls, 'contact-1'));
    expect(found).toBe('contact-1');
    expect(calls).toBe(1);
    expect(t.sleeps).toEqual([]);
  });

  test('repeats an empty lookup until the mark is a whole window old, then gives up', async () => {
    const t = fakeTime();
    let calls = 0;
    const found = await lookupThroughConsistencyWindow({ ...t.deps, consistencyWindowMs: 1_000 }, 0, async () => (calls++, undefined));
    expect(found).toBeUndefined();
    expect(t.elapsed()).toBe(1_000);
    // Every 250 ms, and once more at the end of the window.
    expect(t.sleeps).toEqual([250, 250, 250, 250]);
    expect(calls).toBe(5);
  });

  test('counts the window from the mark, not from now: an older mark waits less', async () => {
    const t = fakeTime();
    await lookupThroughConsistencyWindow({ ...t.deps, consistencyWindowMs: 1_000 }, 700, async () => undefined);
    expect(t.elapsed()).toBe(300);
    expect(t.sleeps).toEqual([250, 50]);
  });

  test('a mark older than the window gets one lookup and no wait', async () => {
    const t = fakeTime();
    let calls = 0;
    expect(await lookupThroughConsistencyWindow({ ...t.deps, consistencyWindowMs: 1_000 }, 5_000, async () => (calls++, undefined))).toBeUndefined();
    expect(calls).toBe(1);
    expect(t.sleeps).toEqual([]);
  });

  test('stops as soon as the resource appears', async () => {
    const t = fakeTime();
    let calls = 0;
    const found = await lookupThroughConsistencyWindow({ ...t.deps, consistencyWindowMs: 10_000 }, 0, async () => (++calls === 3 ? { id: 'm1' } : undefined));
    expect(found).toEqual({ id: 'm1' });
    expect(calls).toBe(3);
    expect(t.elapsed()).toBe(500);
  });

  test('uses the default window when none is given', async () => {
    const t = fakeTime();
    await lookupThroughConsistencyWindow(t.deps, 0, async () => undefined);
    expect(t.elapsed()).toBe(CONSISTENCY_WINDOW_MS);
  });

  test('a lookup that throws ends the wait with its error', async () => {
    const t = fakeTime();
    await expect(lookupThroughConsistencyWindow(t.deps, 0, async () => Promise.reject(new Error('search failed')))).rejects.toThrow('search failed');
    expect(t.sleeps).toEqual([]);
  });
});
