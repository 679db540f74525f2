// withHeartbeat(): the beat runs on its timer while the work runs, a failed beat changes nothing, and no beat
// runs after the work has ended, whether it succeeded or failed. Time is vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { leaseRenewalMs, withHeartbeat } from '../../shared/heartbeat.ts';

beforeEach(() => {
  // Only the heartbeat's own timers are faked: setImmediate stays real, so a test can let Node report an
  // unhandled rejection before it looks.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Work that ends only when told to. */
function controlledWork<T>() {
  let finish!: (value: T) => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { work: () => done, finish, fail };
}

describe('withHeartbeat', () => {
  it('beats every period while the work runs and never after it has finished', async () => {
    const beat = vi.fn(async () => undefined);
    const { work, finish } = controlledWork<string>();
    const running = withHeartbeat(1_000, beat, work);
    await vi.advanceTimersByTimeAsync(3_500);
    expect(beat).toHaveBeenCalledTimes(3);
    finish('done');
    expect(await running).toBe('done');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(beat).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores a failed beat and keeps beating', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A plain function, not vi.fn(): a mock records how its promises settle, which handles their rejection.
      let beats = 0;
      const beat = async () => {
        beats++;
        throw new Error('database unavailable');
      };
      const { work, finish } = controlledWork<number>();
      const running = withHeartbeat(1_000, beat, work);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(beats).toBe(2);
      finish(7);
      expect(await running).toBe(7);
      // Node reports unhandled rejections once the microtasks have run: one real turn of the loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('passes the work’s failure on and stops beating', async () => {
    const beat = vi.fn(async () => undefined);
    const { work, fail } = controlledWork<never>();
    const running = withHeartbeat(1_000, beat, work);
    const settled = expect(running).rejects.toThrow('sync failed');
    await vi.advanceTimersByTimeAsync(1_000);
    fail(new Error('sync failed'));
    await settled;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(beat).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('leaseRenewalMs', () => {
  it('renews every third of the lease, but not more often than once a second', () => {
    expect(leaseRenewalMs(60_000)).toBe(20_000);
    expect(leaseRenewalMs(30_000)).toBe(10_000);
    expect(leaseRenewalMs(2_000)).toBe(1_000);
  });
});
