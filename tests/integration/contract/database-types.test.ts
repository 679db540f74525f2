// The committed database types (shared/api/database.types.ts, what the app types supabase-js with) are
// what Supabase's generator makes of the migrated schema: a migration that changes a table without
// `npm run gen:types` fails here.
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { DATABASE_TYPES_FILE, generateDatabaseTypes } from '../../../dev/db/database-types.ts';

describe('database types', () => {
  it('match what Supabase generates from the migrated test database', async () => {
    const generated = await generateDatabaseTypes(inject('dbUrl'));
    expect(generated).toContain('sync_runs: {');
    const committed = await readFile(DATABASE_TYPES_FILE, 'utf8');
    // On a mismatch, `npm run gen:types` rewrites the file; the diff shows what changed.
    expect(committed, 'shared/api/database.types.ts is stale: run `npm run gen:types`').toBe(generated);
  }, 120_000);
});
