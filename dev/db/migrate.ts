// Brings a database to the project's schema the way production does: the Supabase bootstrap (plain
// Postgres only) and the stand-in of CaseHug's own tables (they exist before the integration arrives in
// a real CaseHug project), then `supabase migration up` with the pinned CLI, then the seed.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SUPABASE_BIN = fileURLToPath(new URL('../../node_modules/.bin/supabase', import.meta.url));

/**
 * What exists before the integration's migrations: what Supabase provides (bootstrap.sql) and, unless
 * `hostSchema` is false, CaseHug's core tables (casehug-core.sql, a stand-in for local runs and tests).
 */
export async function bootstrapDatabase(url: string, options: { hostSchema?: boolean } = {}): Promise<void> {
  await runSqlFile(url, new URL('./bootstrap.sql', import.meta.url));
  if (options.hostSchema !== false) await applyHostSchemaStandIn(url);
}

/**
 * Creates the stand-in of CaseHug's core tables once: on a database that has no `public.firms` yet (a
 * database that has one is the host's, or was set up before). Never part of `supabase db push`.
 */
export async function applyHostSchemaStandIn(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [{ exists }] = await sql<{ exists: boolean }[]>`select to_regclass('public.firms') is not null as exists`;
    if (exists) return;
    const text = await readFile(new URL('./casehug-core.sql', import.meta.url), 'utf8');
    await sql.begin((tx) => tx.unsafe(text));
  } finally {
    await sql.end();
  }
}

/** Applies pending migrations with the Supabase CLI; returns the CLI's output. */
export async function applyMigrations(url: string): Promise<string> {
  const dbUrl = withSslDisabled(url);
  const { stdout, stderr } = await run(
    SUPABASE_BIN,
    ['migration', 'up', '--db-url', dbUrl, '--include-all', '--workdir', ROOT],
    { cwd: ROOT, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }, maxBuffer: 16 << 20 },
  );
  return `${stdout}${stderr}`;
}

export async function seedDatabase(url: string): Promise<void> {
  await runSqlFile(url, new URL('../../supabase/seed.sql', import.meta.url));
}

async function runSqlFile(url: string, file: URL): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(await readFile(file, 'utf8'));
  } finally {
    await sql.end();
  }
}

function withSslDisabled(url: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
}
