// The shared limiter's horizon: a slot further away than the cap is refused and not reserved, so one
// caller's flood cannot push every firm's next slot minutes ahead (migration 20261126000500).
import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { createPostgresRateLimiter } from '../../../shared/smokeball/postgres-rate-limiter.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql();

const reserve = async (bucket: string, maxWaitMs: number | null) =>
  Number((await sql`select private.smokeball_rate_limit_reserve(${bucket}, 200, 0, ${maxWaitMs}) as wait`)[0].wait);

test('a slot beyond the horizon is refused with -1 and reserves nothing', async () => {
  const bucket = `horizon:${randomUUID()}`;
  const waits = [];
  for (let i = 0; i < 5; i++) waits.push(await reserve(bucket, 500));
  // 0, ~200, ~400 fit; the 4th (~600 ms away) and 5th are refused.
  expect(waits.slice(0, 3).every((w) => w >= 0 && w <= 500)).toBe(true);
  expect(waits.slice(3)).toEqual([-1, -1]);
  const [{ ahead }] = await sql`
    select extract(epoch from tat - clock_timestamp()) * 1000 as ahead from private.smokeball_rate_limits where bucket = ${bucket}`;
  // Three reservations advanced the bucket by three intervals, the refused ones by nothing.
  expect(Number(ahead)).toBeLessThanOrEqual(600);
  expect(Number(ahead)).toBeGreaterThan(300);
  // Without a horizon the function reserves as before.
  expect(await reserve(bucket, null)).toBeGreaterThan(500);
});

test('the limiter turns a refused slot into 503 smokeball_rate_limited, and sleeps for the ones it got', async () => {
  const slept: number[] = [];
  const limiter = createPostgresRateLimiter(sql, { rps: 5, burst: 1, maxWaitMs: 500, sleep: async (ms) => void slept.push(ms) });
  const bucket = `horizon:${randomUUID()}`;
  const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => limiter.acquire(bucket)));
  const refused = outcomes.filter((o) => o.status === 'rejected');
  expect(outcomes.length - refused.length).toBeGreaterThanOrEqual(3);
  expect(refused.length).toBeGreaterThanOrEqual(1);
  for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'smokeball_rate_limited', status: 503 });
  expect(slept.every((ms) => ms <= 500)).toBe(true);
});
