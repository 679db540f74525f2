// Database types from Supabase's own generator without Docker. `supabase gen types typescript --db-url`
// runs postgres-meta in a container; the `@supabase/postgres-meta` npm package is that same program, and
// its server entry prints the types and exits when PG_META_GENERATE_TYPES is set (the way the CLI runs
// the image). `npm run gen:types` writes them from a freshly migrated database; a test regenerates them
// against the test database and fails on drift.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const POSTGRES_META = fileURLToPath(new URL('../../node_modules/@supabase/postgres-meta/dist/server/server.js', import.meta.url));

/** Where the committed types live; the app imports them through shared/api. */
export const DATABASE_TYPES_FILE = fileURLToPath(new URL('../../shared/api/database.types.ts', import.meta.url));

/** The schemas the app reads through PostgREST (supabase/config.toml `[api] schemas`). */
const SCHEMAS = ['public'];

export async function generateDatabaseTypes(dbUrl: string): Promise<string> {
  const { stdout } = await run(process.execPath, [POSTGRES_META], {
    env: {
      PATH: process.env.PATH ?? '',
      PG_META_DB_URL: dbUrl,
      PG_META_GENERATE_TYPES: 'typescript',
      PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: SCHEMAS.join(','),
      PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true',
    },
    maxBuffer: 32 << 20,
    timeout: 120_000,
  });
  return stdout;
}
