import { describe, expect, test } from 'vitest';
import { coalesced } from '../../../../shared/sync/queue/coalesce.ts';

/** Work whose runs are finished by hand, so the test decides what overlaps. */
function manualWork() {
  const runs: Array<{ finish: () => void; fail: (err: unknown) => void }> = [];
  const work = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({ finish: resolve, fail: reject });
    });
  return { work, runs };
}
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('coalesced()', () => {
  test('one call is one run', async () => {
    const { work, runs } = manualWork();
    const run = coalesced(work);
    const done = run();
    await settle();
    expect(runs).toHaveLength(1);
    runs[0].finish();
    await done;
    expect(runs).toHaveLength(1);
  });

  test('calls during a run share it and ask for exactly one more run after it', async () => {
    const { work, runs } = manualWork();
    const run = coalesced(work);
    const first = run();
    await settle();
    const during = [run(), run(), run()];
    await settle();
    expect(runs).toHaveLength(1);
    runs[0].finish();
    await settle();
    expect(runs).toHaveLength(2);
    let resolved = false;
    void Promise.all(during).then(() => (resolved = true));
    await settle();
    // The callers during the first run are answered only once the run that covers them is over.
    expect(resolved).toBe(false);
    runs[1].finish();
    await Promise.all([first, ...during]);
    expect(resolved).toBe(true);
    expect(runs).toHaveLength(2);
  });

  test('a call during the extra run asks for another', async () => {
    const { work, runs } = manualWork();
    const run = coalesced(work);
    const all = [run()];
    await settle();
    all.push(run());
    runs[0].finish();
    await settle();
    all.push(run());
    runs[1].finish();
    await settle();
    expect(runs).toHaveLength(3);
    runs[2].finish();
    await Promise.all(all);
  });

  test('after a run ends, the next call starts a new one', async () => {
    const { work, runs } = manualWork();
    const run = coalesced(work);
    const a = run();
    await settle();
    runs[0].finish();
    await a;
    const b = run();
    await settle();
    expect(runs).toHaveLength(2);
    runs[1].finish();
    await b;
  });

  test('a failing run neither rejects the callers nor stops the runs after it', async () => {
    const { work, runs } = manualWork();
    const run = coalesced(work);
    const a = run();
    await settle();
    const b = run();
    runs[0].fail(new Error('drain failed'));
    await settle();
    expect(runs).toHaveLength(2);
    runs[1].fail('again');
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    const c = run();
    await settle();
    expect(runs).toHaveLength(3);
    runs[2].finish();
    await c;
  });

  test('work that throws before returning its promise is a failed run too, and a run asked for meanwhile still happens', async () => {
    let calls = 0;
    const run = coalesced((() => {
      calls++;
      if (calls === 1) throw new Error('could not build the drain');
      return Promise.resolve();
    }) as () => Promise<void>);
    const first = run();
    const second = run();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    expect(calls).toBe(2);
  });
});
