// `npm run gen:types`: migrates a throwaway embedded Postgres the way the stack does and writes
// shared/api/database.types.ts with Supabase's generator (dev/db/database-types.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net.ts';
import { DATABASE_TYPES_FILE, generateDatabaseTypes } from './database-types.ts';
import { applyMigrations, bootstrapDatabase } from './migrate.ts';
import { startPostgres } from './postgres.ts';

const dir = await mkdtemp(join(tmpdir(), 'casehug-types-'));
const db = await startPostgres({ dataDir: join(dir, 'postgres'), port: await freePort() });
try {
  await bootstrapDatabase(db.url);
  await applyMigrations(db.url);
  await writeFile(DATABASE_TYPES_FILE, await generateDatabaseTypes(db.url));
  console.log(`wrote ${DATABASE_TYPES_FILE}`);
} finally {
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
