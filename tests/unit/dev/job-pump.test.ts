// The local pump sweeps on production's schedule by default: the pg_cron schedule in the wake-ups
// migration is the one source, and the README's idle invocation count is computed from it.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { PRODUCTION_SWEEP_INTERVAL_MS } from '../../../dev/job-pump.ts';

const root = new URL('../../../', import.meta.url);

async function productionSweepSeconds(): Promise<number> {
  const migration = await readFile(new URL('supabase/migrations/20261126000800_sync_wakeups.sql', root), 'utf8');
  const schedule = /cron\.schedule\('casehug-sync-worker', '(\d+) seconds'/.exec(migration);
  expect(schedule, 'the sweep is scheduled in seconds').not.toBeNull();
  return Number(schedule![1]);
}

test('the pump’s default sweep interval is production’s pg_cron schedule, and it is at least 30 s', async () => {
  const seconds = await productionSweepSeconds();
  expect(PRODUCTION_SWEEP_INTERVAL_MS).toBe(seconds * 1000);
  expect(seconds).toBeGreaterThanOrEqual(30);
});

test('the README states the idle project’s monthly sweep invocations computed from that schedule', async () => {
  const perMonth = (30 * 24 * 3600) / (await productionSweepSeconds());
  expect(perMonth).toBeLessThan(500_000);
  const readme = await readFile(new URL('README.md', root), 'utf8');
  expect(readme).toContain(perMonth.toLocaleString('en-US'));
});
