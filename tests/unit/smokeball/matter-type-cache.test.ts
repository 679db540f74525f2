import { describe, expect, test } from 'vitest';
import { createMatterTypeCache, MATTER_TYPE_CACHE_TTL_MS } from '../../../shared/smokeball/matter-type-cache.ts';
import type { MatterTypeInfo } from '../../../shared/smokeball/schemas/matter-type.ts';
import { fakeClock } from './fakes.ts';

const type = (name: string) => ({ id: `${name}_IL`, name, isDeleted: false }) as MatterTypeInfo;

describe('createMatterTypeCache()', () => {
  test('serves a location from memory until the TTL passes, then loads again', async () => {
    const clock = fakeClock(0);
    const cache = createMatterTypeCache({ now: clock.now });
    let loads = 0;
    const load = async () => [type(`v${++loads}`)];
    expect(await cache.getOrLoad({ accountId: 'a', location: 'IL' }, load)).toEqual([type('v1')]);
    clock.advance(MATTER_TYPE_CACHE_TTL_MS - 1);
    expect(await cache.getOrLoad({ accountId: 'a', location: 'il' }, load)).toEqual([type('v1')]);
    clock.advance(1);
    expect(await cache.getOrLoad({ accountId: 'a', location: 'IL' }, load)).toEqual([type('v2')]);
  });

  test('keys by account and location', async () => {
    const cache = createMatterTypeCache({ now: () => 0 });
    let loads = 0;
    const load = async () => [type(`v${++loads}`)];
    await cache.getOrLoad({ accountId: 'a', location: 'IL' }, load);
    await cache.getOrLoad({ accountId: 'b', location: 'IL' }, load);
    await cache.getOrLoad({ accountId: 'a', location: 'NY' }, load);
    expect(loads).toBe(3);
  });

  test('concurrent misses share one load; failures are not cached', async () => {
    const cache = createMatterTypeCache({ now: () => 0 });
    let loads = 0;
    const failing = async () => {
      loads++;
      throw new Error('smokeball down');
    };
    await Promise.all([1, 2, 3].map(() => cache.getOrLoad({ accountId: 'a', location: 'IL' }, failing).catch(() => undefined)));
    expect(loads).toBe(1);
    await expect(cache.getOrLoad({ accountId: 'a', location: 'IL' }, async () => [type('ok')])).resolves.toEqual([type('ok')]);
  });

  test('invalidate() drops one account only', async () => {
    const cache = createMatterTypeCache({ now: () => 0 });
    let loads = 0;
    const load = async () => [type(`v${++loads}`)];
    await cache.getOrLoad({ accountId: 'a', location: 'IL' }, load);
    await cache.getOrLoad({ accountId: 'b', location: 'IL' }, load);
    cache.invalidate('a');
    await cache.getOrLoad({ accountId: 'a', location: 'IL' }, load);
    await cache.getOrLoad({ accountId: 'b', location: 'IL' }, load);
    expect(loads).toBe(3);
  });
});
