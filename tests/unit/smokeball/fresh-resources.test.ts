import { describe, expect, test } from 'vitest';
import { createFreshResources } from '../../../shared/smokeball/fresh-resources.ts';

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
