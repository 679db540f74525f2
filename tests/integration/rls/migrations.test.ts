// Issue 4, acceptance 4: the migrations apply cleanly twice. The global setup applied them once (and the
// seed); applying again with the pinned CLI must find nothing to do, and the migration history must list
// this files. The seed is idempotent too.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { ROOT, applyMigrations, seedDatabase } from '../../../dev/db/migrate.ts';
import { type Sql, connectAsSuperuser } from '../../helpers/db.ts';

const SCHEMA_MIGRATIONS = ['20261126000100', '20261126000200', '20261126000300'];

let sql: Sql;

beforeAll(() => {
  sql = connectAsSuperuser({ max: 1 });
});

afterAll(async () => {
  await sql?.end();
});

test('a second `supabase migration up` applies nothing', async () => {
  const output = await applyMigrations(inject('dbUrl'));
  // The CLI prints "Local database is up to date." whether or not it applied anything, and one
  // "Applying migration <file>..." line per migration it applies.
  expect(output).toContain('Local database is up to date.');
  expect(output).not.toMatch(/Applying migration/);
});

test('the migration history lists every migration file, this issue’s included', async () => {
  const files = (await readdir(join(ROOT, 'supabase/migrations'))).filter((f) => f.endsWith('.sql')).sort();
  const rows = await sql<{ version: string; name: string }[]>`
    select version, name from supabase_migrations.schema_migrations order by version`;
  expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(files);
  expect(rows.map((r) => r.version)).toEqual(expect.arrayContaining(SCHEMA_MIGRATIONS));
});

test('the seed runs again without changing anything', async () => {
  // Other test files insert rows concurrently, so compare the seeded rows (ids and updated_at) exactly.
  const snapshot = () => sql`
    select string_agg(t.row, ',' order by t.row) as seeded
    from (
      select 'user ' || id || ' ' || updated_at as row from auth.users where email like '%@demo.casehug.test' or email like '%@other.casehug.test'
      union all select 'firm ' || id || ' ' || updated_at from public.firms where id::text like 'f0000000-0000-4000-8000-%'
      union all select 'client ' || id || ' ' || updated_at from public.clients where id::text like 'c0000000-0000-4000-8000-%'
      union all select 'matter ' || id || ' ' || updated_at from public.matters where id::text like 'd0000000-0000-4000-8000-%'
      union all select 'document ' || id || ' ' || updated_at from public.documents where id::text like 'e0000000-0000-4000-8000-%'
    ) t`;
  const [before] = await snapshot();
  await seedDatabase(inject('dbUrl'));
  const [after] = await snapshot();
  expect(after.seeded).toBe(before.seeded);
});

test('the seed has the demo firm, its users, every document status, and the storage list matches its rows', async () => {
  const firms = await sql`select name, jurisdiction from public.firms where id::text like 'f0000000-0000-4000-8000-%' order by id`;
  expect(firms).toEqual([
    { name: 'Demo Law Firm', jurisdiction: 'IL' },
    { name: 'Other Firm LLP', jurisdiction: 'CA' },
  ]);
  const members = await sql`
    select u.email, f.name as firm, m.role
    from public.firm_members m join auth.users u on u.id = m.user_id join public.firms f on f.id = m.firm_id
    where u.email like '%.casehug.test' and f.id::text like 'f0000000-0000-4000-8000-%'
    order by u.email`;
  expect(members).toEqual([
    { email: 'admin@demo.casehug.test', firm: 'Demo Law Firm', role: 'admin' },
    { email: 'admin@other.casehug.test', firm: 'Other Firm LLP', role: 'admin' },
    { email: 'member@demo.casehug.test', firm: 'Demo Law Firm', role: 'member' },
  ]);
  const statuses = await sql`
    select distinct status from public.documents where firm_id = 'f0000000-0000-4000-8000-000000000001' order by status`;
  expect(statuses.map((r) => r.status)).toEqual(['approved', 'pending', 'rejected']);

  const documents = await sql`
    select storage_bucket || ' ' || storage_path || ' ' || size_bytes || ' ' || content_type as line
    from public.documents where firm_id::text like 'f0000000-0000-4000-8000-%' order by storage_path`;
  const seed = await readFile(join(ROOT, 'supabase/seed.sql'), 'utf8');
  const listed = [...seed.matchAll(/^--\s+(documents \S+ \d+ \S+)$/gm)].map((m) => m[1]).sort();
  expect(listed).toEqual(documents.map((r) => r.line).sort());
});
