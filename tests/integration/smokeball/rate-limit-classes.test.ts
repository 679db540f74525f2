// Priority classes and the fair share in the shared limiter (migration 20261201180200_rate_limit_classes.sql):
// background work never holds more than a fraction of a second of future slots, so an interactive call is
// served within about a second while bulk saturates the bucket; a higher class goes before a lower one;
// firms of one class share it. Measured in slot positions (how many other grants come first), not time.
import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { createPostgresRateLimiter } from '../../../shared/smokeball/postgres-rate-limiter.ts';
import { gcraParameters, type RequestPriority } from '../../../shared/smokeball/rate-limiter.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql({ max: 8 });

// Smokeball's own limit: 5 rps, burst 5 (the limiter's defaults for these).
const LIMIT = { rps: 5, burst: 5 };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lanes acquiring slots of one bucket in a loop; every grant is logged in the order the slots resolve. */
function harness() {
  const bucket = `classes:${randomUUID()}`;
  const limiter = createPostgresRateLimiter(sql, { ...LIMIT, sleep: realSleep });
  const grants: string[] = [];
  let stopped = false;
  const lane = async (label: string, priority: RequestPriority, firmId: string, count = Infinity) => {
    for (let i = 0; i < count && !stopped; i++) {
      await limiter.acquire(bucket, { priority, firmId });
      grants.push(label);
    }
  };
  /** One acquire; answers how many grants of others resolved between the ask and this grant. */
  const positionOf = async (label: string, priority: RequestPriority, firmId: string) => {
    const before = grants.length;
    await limiter.acquire(bucket, { priority, firmId });
    const ahead = grants.length - before;
    grants.push(label);
    return ahead;
  };
  return { bucket, grants, lane, positionOf, stop: () => void (stopped = true) };
}

test('while bulk saturates the bucket, only a few slots are reserved ahead, and an interactive call gets one of the next few', { timeout: 60_000 }, async () => {
  const h = harness();
  const firmA = randomUUID();
  // 20 concurrent requests (4 workers with parallel lanes): without classes they would hold 20 slots,
  // 4 s, ahead of any click.
  const lanes = Array.from({ length: 20 }, (_, n) => h.lane(`bulk${n}`, 'bulk', firmA));
  // Saturated: bulk has been granted a steady stream for a while.
  await waitFor(async () => h.grants.length >= 10 || undefined, { what: 'bulk to saturate the bucket', timeoutMs: 30_000 });

  // The bucket's reservations reach at most the burst tolerance (400 ms at 5 rps, burst 5) plus one
  // interval beyond now: about three slots, not the 4 s that 20 unclassed requests would reserve.
  const [{ ahead_ms }] = await sql`
    select extract(epoch from tat - clock_timestamp()) * 1000 as ahead_ms from private.smokeball_rate_limits where bucket = ${h.bucket}`;
  expect(Number(ahead_ms)).toBeLessThanOrEqual(1_000);

  const positions = [];
  for (let i = 0; i < 3; i++) positions.push(await h.positionOf(`click${i}`, 'interactive', randomUUID()));
  h.stop();
  await Promise.all(lanes);
  // Each click waits behind the slots bulk had already reserved (≤ 4 at 200 ms each), never behind the
  // bulk work still to come.
  for (const ahead of positions) expect(ahead).toBeLessThanOrEqual(4);
});

test('a higher background class goes before bulk, and one firm with many lanes shares its class with a firm with one', { timeout: 60_000 }, async () => {
  const h = harness();
  const firmA = randomUUID();
  const firmB = randomUUID();
  const firmC = randomUUID();
  const bulkA = [1, 2, 3, 4].map(() => h.lane('A', 'bulk', firmA));
  const bulkB = h.lane('B', 'bulk', firmB);
  await waitFor(async () => h.grants.length >= 6 || undefined, { what: 'bulk to saturate the bucket', timeoutMs: 30_000 });

  // Auto-sync of firm C: each of its requests waits behind the few slots bulk has reserved, no more.
  const autoPositions = [];
  for (let i = 0; i < 4; i++) autoPositions.push(await h.positionOf('C', 'auto', firmC));
  for (const ahead of autoPositions) expect(ahead).toBeLessThanOrEqual(5);

  const from = h.grants.length;
  await waitFor(async () => h.grants.length >= from + 30 || undefined, { what: '30 more bulk grants', timeoutMs: 30_000 });
  h.stop();
  await Promise.all([...bulkA, bulkB]);
  const window = h.grants.slice(from, from + 30);
  const ofB = window.filter((g) => g === 'B').length;
  // First come, first served would give B's one lane about a fifth (4 lanes of A against 1); the fair
  // share gives it about half.
  expect(ofB).toBeGreaterThanOrEqual(11);
  expect(ofB).toBeLessThanOrEqual(19);
});

test('while only bulk holds the bucket, an auto-sync request is granted at its first ask: it never polls against bulk lanes', { timeout: 60_000 }, async () => {
  // A higher class must not depend on coming back in time (a loaded host wakes its processes late):
  // its horizon covers the furthest bulk can push the next slot, so a single ask is enough.
  const h = harness();
  const firmA = randomUUID();
  const firmC = randomUUID();
  const { intervalMs, toleranceMs } = gcraParameters(LIMIT);
  const lanes = Array.from({ length: 8 }, (_, n) => h.lane(`bulk${n}`, 'bulk', firmA));
  await waitFor(async () => h.grants.length >= 10 || undefined, { what: 'bulk to saturate the bucket', timeoutMs: 30_000 });
  const answers = [];
  for (let i = 0; i < 5; i++) {
    // Bulk has taken slots since this class's last one: the bucket is as bulk leaves it.
    const from = h.grants.length;
    await waitFor(async () => h.grants.length >= from + 3 || undefined, { what: 'three more bulk grants', timeoutMs: 30_000 });
    const [row] = await sql<{ wait_ms: number | null; retry_ms: number | null }[]>`
      select wait_ms, retry_ms from private.smokeball_rate_limit_acquire(${h.bucket}, ${intervalMs}, ${toleranceMs}, 30000, 'auto', ${firmC})`;
    answers.push(row.wait_ms === null ? 'deferred' : 'granted');
  }
  h.stop();
  await Promise.all(lanes);
  expect(answers).toEqual(['granted', 'granted', 'granted', 'granted', 'granted']);
});

test('the SQL function refuses an unknown class', async () => {
  await expect(sql`select * from private.smokeball_rate_limit_acquire('x', 200, 0, 1000, 'urgent', null)`).rejects.toThrow(/class must be/);
});
