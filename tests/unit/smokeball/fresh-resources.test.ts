import { describe, expect, test } from 'vitest';
import {
  createFreshResources,
  VISIBILITY_MARGIN,
  VISIBILITY_MEMORY_MS,
  VISIBILITY_PRIOR_MS,
  VISIBILITY_WAIT_CEILING_MS,
} from '../../../shared/smokeball/fresh-resources.ts';

describe('createFreshResources()', () => {
  test('gives the age of the youngest recorded id among those asked, and nothing for unknown ids', () => {
    let now = 1_000;
    const fresh = createFreshResources(() => now, 15_000);
    fresh.record('contact');
    now += 400;
    fresh.record('matter');
    now += 100;
    expect(fresh.youngestAgeMs(['contact'])).toBe(500);
    expect(fresh.youngestAgeMs(['contact', 'matter', undefined])).toBe(100);
    expect(fresh.youngestAgeMs(['other'])).toBeUndefined();
    expect(fresh.youngestAgeMs([])).toBeUndefined();
  });

  test('an id older than the window is no longer fresh: a 404 for it is final', () => {
    let now = 0;
    const fresh = createFreshResources(() => now, 15_000);
    fresh.record('matter');
    now = 14_999;
    expect(fresh.youngestAgeMs(['matter'])).toBe(14_999);
    now = 15_000;
    expect(fresh.youngestAgeMs(['matter'])).toBeUndefined();
  });

  test('drops expired ids once it holds many (bounded memory under bulk syncs)', () => {
    let now = 0;
    const fresh = createFreshResources(() => now, 10);
    for (let i = 0; i < 1_000; i++) fresh.record(`old-${i}`);
    now = 100;
    expect(fresh.size()).toBe(1_000);
    fresh.record('new');
    expect(fresh.size()).toBe(1);
    expect(fresh.youngestAgeMs(['old-0'])).toBeUndefined();
    expect(fresh.youngestAgeMs(['new'])).toBe(0);
  });
});

describe('the learned visibility wait', () => {
  test('before anything is learned, a write naming a fresh resource waits until it is VISIBILITY_PRIOR_MS old', () => {
    const now = 0;
    const fresh = createFreshResources(() => now);
    expect(fresh.settleMs(0)).toBe(VISIBILITY_PRIOR_MS);
    expect(fresh.settleMs(200)).toBe(VISIBILITY_PRIOR_MS - 200);
    expect(fresh.settleMs(VISIBILITY_PRIOR_MS + 1)).toBe(0);
  });

  test('a resource that was visible only at 900 ms raises the wait above 900 ms (with a margin), for every later write', () => {
    let now = 0;
    const fresh = createFreshResources(() => now);
    fresh.learnVisibleAt(900);
    now += 1_000;
    expect(fresh.settleMs(0)).toBe(Math.ceil(900 * VISIBILITY_MARGIN));
    // A faster sample does not lower it: the slowest recent one decides.
    fresh.learnVisibleAt(300);
    expect(fresh.settleMs(0)).toBe(Math.ceil(900 * VISIBILITY_MARGIN));
  });

  test('the wait never exceeds VISIBILITY_WAIT_CEILING_MS, and falls back to the prior once its samples are older than VISIBILITY_MEMORY_MS', () => {
    let now = 0;
    const fresh = createFreshResources(() => now);
    fresh.learnVisibleAt(60_000);
    expect(fresh.settleMs(0)).toBe(VISIBILITY_WAIT_CEILING_MS);
    now += VISIBILITY_MEMORY_MS;
    expect(fresh.settleMs(0)).toBe(VISIBILITY_PRIOR_MS);
  });

  test('many samples keep only the slowest once the list is full (bounded memory)', () => {
    const now = 0;
    const fresh = createFreshResources(() => now);
    fresh.learnVisibleAt(1_500);
    for (let i = 0; i < 200; i++) fresh.learnVisibleAt(600);
    expect(fresh.settleMs(0)).toBe(Math.ceil(1_500 * VISIBILITY_MARGIN));
  });
});
