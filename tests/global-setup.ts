// Starts one stack per test run on free ports and hands its coordinates to the tests via `inject`.
import type { TestProject } from 'vitest/node';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../dev/db/postgres.ts';
import { applyMigrations, bootstrapDatabase, seedDatabase } from '../dev/db/migrate.ts';
import { freePort } from '../dev/net.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'casehug-test-'));
  const db = await startPostgres({ dataDir: join(dir, 'postgres'), port: await freePort() });
  await bootstrapDatabase(db.url);
  await applyMigrations(db.url);
  await seedDatabase(db.url);
  project.provide('dbUrl', db.url);
  return async () => {
    await db.stop();
  };
}
