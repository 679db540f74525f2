// Database types from Supabase's own generator without Docker. `supabase gen types typescript --db-url`
// runs postgres-meta in a container; postgres-meta's introspection and TypeScript generator are the npm
// package `@supabase/postgrest-typegen` (postgres-meta calls it for the CLI), which takes any driver whose
// `query(sql)` resolves to `{ rows }`: here postgres.js, the driver the project already has. The options
// are the ones the CLI's postgres-meta run uses (included schema `public`, one-to-one detection on).
// `npm run gen:types` writes the types from a freshly migrated database; a test regenerates them against
// the test database and fails on drift.
import { fileURLToPath } from 'node:url';
import { generateTypescript, introspect, sortGeneratorMetadata } from '@supabase/postgrest-typegen';
import postgres from 'postgres';

/** Where the committed types live; the app imports them through shared/api. */
export const DATABASE_TYPES_FILE = fileURLToPath(new URL('../../shared/api/database.types.ts', import.meta.url));

/** The schemas the app reads through PostgREST (supabase/config.toml `[api] schemas`). */
const SCHEMAS = ['public'];

export async function generateDatabaseTypes(dbUrl: string): Promise<string> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => undefined });
  try {
    const queryable = { query: async (text: string) => ({ rows: [...(await sql.unsafe(text))] }) };
    // The generators emit objects in metadata order: sorted first, as postgres-meta does.
    const metadata = sortGeneratorMetadata(await introspect(queryable, { includedSchemas: SCHEMAS }));
    // postgres-meta prints the types with console.log: the same text and a final newline.
    return `${await generateTypescript(metadata, { detectOneToOneRelationships: true, defaultSchema: 'public' })}\n`;
  } finally {
    await sql.end();
  }
}
