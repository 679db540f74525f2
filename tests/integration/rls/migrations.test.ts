// The migrations apply cleanly twice. The global setup applied them once (onto the stand-in of CaseHug's
// core tables, then the seed); applying again with the pinned CLI must find nothing to do, and the
// migration history must list every file. The seed is idempotent too. And the integration's migrations
// apply onto a database where the host's tables already exist — with columns, rows, helpers and names of
// their own — as `supabase db push` meets them in a real CaseHug project, change none of the host's
// objects, and apply nothing the second time.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ROOT, applyHostSchemaStandIn, applyMigrations, bootstrapDatabase, seedDatabase } from '../../../dev/db/migrate.ts';
import { type Sql, asActor, attempt } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

class Rollback extends Error {}

const SCHEMA_MIGRATIONS = ['20261126000100', '20261126000200', '20261126000300'];

const sql = useSuperuserSql({ max: 1 });

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

// ---------------------------------------------------------------------------------------------------
// Onto the host's existing tables
// ---------------------------------------------------------------------------------------------------

/**
 * Two hosts. `stand-in+`: the local stand-in of CaseHug's core tables plus columns, a trigger and rows
 * of the host's own. `minimal`: only the columns the integration reads, whole-table grants to
 * `authenticated`, no composite keys, and host objects with the names the integration once used
 * (`private.set_updated_at`, `private.user_firm_ids` with another shape).
 */
const MINIMAL_HOST = `
  create schema private;
  create function private.set_updated_at() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$;
  -- The host's own helper, with a shape unlike the integration's: it must survive untouched.
  create function private.user_firm_ids() returns uuid[] language sql stable as $$ select array[]::uuid[] $$;
  create table public.firms (id uuid primary key default gen_random_uuid(), name text not null, jurisdiction text not null,
    plan text not null default 'free', updated_at timestamptz not null default now());
  create table public.firm_members (firm_id uuid not null references public.firms (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade, role text not null, invited_by uuid null,
    primary key (firm_id, user_id));
  create table public.clients (id uuid primary key default gen_random_uuid(), firm_id uuid not null references public.firms (id),
    first_name text not null, last_name text not null, email text, phone text, intake_source text);
  create table public.matters (id uuid primary key default gen_random_uuid(), firm_id uuid not null references public.firms (id),
    client_id uuid not null references public.clients (id), case_type text not null, case_number text, title text not null,
    description text, status text not null default 'open', intake_score int);
  create table public.documents (id uuid primary key default gen_random_uuid(), firm_id uuid not null references public.firms (id),
    matter_id uuid not null references public.matters (id), status text not null default 'pending', file_name text not null,
    storage_bucket text not null default 'documents', storage_path text not null, size_bytes bigint not null,
    content_type text not null default 'application/pdf', sha256 text, approved_at timestamptz, ocr_text text);
  create trigger set_updated_at before update on public.firms for each row execute function private.set_updated_at();
  alter table public.firms enable row level security;
  alter table public.firm_members enable row level security;
  alter table public.clients enable row level security;
  alter table public.matters enable row level security;
  alter table public.documents enable row level security;
  create policy documents_all on public.documents for all to authenticated using (true) with check (true);
  grant select, insert, update, delete on public.firms, public.firm_members, public.clients, public.matters, public.documents to authenticated;
`;

const EXTRAS_ON_STAND_IN = `
  alter table public.clients add column intake_source text;
  alter table public.matters add column intake_score int;
  alter table public.documents add column ocr_text text;
  create function private.host_audit() returns trigger language plpgsql as $$ begin return new; end $$;
  create trigger documents_audit after update on public.documents for each row execute function private.host_audit();
`;

const HOST_ROWS = (ids: Record<'user' | 'firm' | 'client' | 'matter' | 'document', string>) => `
  insert into auth.users (id, email) values ('${ids.user}', 'host-${ids.user}@example.com');
  insert into public.firms (id, name, jurisdiction) values ('${ids.firm}', 'Host Firm', 'IL');
  insert into public.firm_members (firm_id, user_id, role) values ('${ids.firm}', '${ids.user}', 'admin');
  insert into public.clients (id, firm_id, first_name, last_name, email, intake_source)
    values ('${ids.client}', '${ids.firm}', 'Ada', 'Host', 'ada@example.com', 'web');
  insert into public.matters (id, firm_id, client_id, case_type, title, intake_score)
    values ('${ids.matter}', '${ids.firm}', '${ids.client}', 'will', 'Host matter', 7);
  insert into public.documents (id, firm_id, matter_id, status, file_name, storage_path, size_bytes, ocr_text)
    values ('${ids.document}', '${ids.firm}', '${ids.matter}', 'pending', 'a.pdf', '${ids.firm}/${ids.matter}/a.pdf', 10, 'text');
`;

/** The host's objects and rows as the host sees them (its own columns only). */
async function hostSnapshot(db: Sql) {
  const [snapshot] = await db`
    select
      (select json_agg(json_build_object('name', p.oid::regprocedure::text, 'def', pg_get_functiondef(p.oid)) order by p.oid::regprocedure::text)
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('public', 'private')) as functions,
      (select json_agg(t.relname || ' ' || c.conname order by 1)
         from pg_constraint c join pg_class t on t.oid = c.conrelid
         where t.relname in ('firms', 'firm_members', 'clients', 'matters', 'documents') and t.relnamespace = 'public'::regnamespace) as constraints,
      (select json_agg(t.relname || ' ' || tg.tgname order by 1)
         from pg_trigger tg join pg_class t on t.oid = tg.tgrelid
         where not tg.tgisinternal and t.relnamespace = 'public'::regnamespace) as triggers,
      (select json_agg(p.tablename || ' ' || p.policyname order by 1) from pg_policies p where p.schemaname = 'public') as policies,
      (select json_agg(d order by d.id) from (select id, status, file_name, ocr_text from public.documents) d) as documents,
      (select json_agg(m order by m.id) from (select id, title, intake_score from public.matters) m) as matters`;
  return snapshot as { functions: { name: string }[]; constraints: string[]; triggers: string[]; policies: string[]; documents: unknown; matters: unknown };
}

/**
 * A host whose matters and documents have REPLICA IDENTITY FULL: a publication column list cannot cover
 * that identity, and Postgres would then refuse every UPDATE and DELETE of the table.
 */
const REPLICA_IDENTITY_FULL = `${MINIMAL_HOST}
  alter table public.matters replica identity full;
  alter table public.documents replica identity full;
`;

describe.each([
  ['stand-in+', EXTRAS_ON_STAND_IN],
  ['minimal', MINIMAL_HOST],
  ['replica-identity-full', REPLICA_IDENTITY_FULL],
])('onto a host whose core tables already exist (%s)', (host, hostSql) => {
  const name = `host_${host.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  let url: string;
  let db: Sql;
  const ids = { user: randomUUID(), firm: randomUUID(), client: randomUUID(), matter: randomUUID(), document: randomUUID() };
  let before: Awaited<ReturnType<typeof hostSnapshot>>;
  let firstRun: string;

  beforeAll(async () => {
    await sql.unsafe(`create database ${name}`);
    const u = new URL(inject('dbUrl'));
    u.pathname = `/${name}`;
    url = u.toString();
    await bootstrapDatabase(url, { hostSchema: false });
    if (host === 'stand-in+') await applyHostSchemaStandIn(url);
    db = postgres(url, { max: 1, onnotice: () => undefined });
    await db.unsafe(hostSql);
    await db.unsafe(HOST_ROWS(ids));
    before = await hostSnapshot(db);
    firstRun = await applyMigrations(url);
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  });

  test('every migration applies, and a second `migration up` applies nothing', async () => {
    const files = (await readdir(join(ROOT, 'supabase/migrations'))).filter((f) => f.endsWith('.sql')).sort();
    expect(firstRun.match(/Applying migration/g)).toHaveLength(files.length);
    const rows = await db<{ version: string; name: string }[]>`select version, name from supabase_migrations.schema_migrations order by version`;
    expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(files);
    const again = await applyMigrations(url);
    expect(again).toContain('Local database is up to date.');
    expect(again).not.toMatch(/Applying migration/);
  });

  test('the host’s functions, constraints, triggers, policies and rows are as they were', async () => {
    const after = await hostSnapshot(db);
    // The host's own functions keep their definitions; everything the integration added is its own.
    expect(after.functions.filter((f) => before.functions.some((b) => b.name === f.name))).toEqual(before.functions);
    expect(after.constraints).toEqual(expect.arrayContaining(before.constraints));
    const addedConstraints = after.constraints.filter((c) => !before.constraints.includes(c));
    expect(addedConstraints.length).toBeGreaterThan(0);
    expect(addedConstraints.filter((c) => !/ smokeball_/.test(c))).toEqual([]);
    const onHostTables = (t: string) => /^(firms|firm_members|clients|matters|documents) /.test(t);
    const addedTriggers = after.triggers.filter((t) => onHostTables(t) && !before.triggers.includes(t));
    expect(addedTriggers.length).toBeGreaterThan(0);
    expect(addedTriggers.filter((t) => !/ smokeball_/.test(t))).toEqual([]);
    expect(after.triggers).toEqual(expect.arrayContaining(before.triggers));
    const hostTablePolicies = (p: string[]) => p.filter((x) => /^(firms|firm_members|clients|matters|documents) /.test(x));
    expect(hostTablePolicies(after.policies)).toEqual(hostTablePolicies(before.policies));
    expect({ documents: after.documents, matters: after.matters }).toEqual({ documents: before.documents, matters: before.matters });
  });

  test('the host’s rows gain the link columns, and an approval queues a sync', async () => {
    const [doc] = await db`select smokeball_file_id, smokeball_synced_at from public.documents where id = ${ids.document}`;
    expect(doc).toEqual({ smokeball_file_id: null, smokeball_synced_at: null });
    await db`insert into public.smokeball_connections (firm_id, region, status) values (${ids.firm}, 'US', 'needs_reauth')`;
    await db`update public.documents set status = 'approved', approved_at = now() where id = ${ids.document}`;
    expect(await db`select subject_id, trigger, status from public.sync_jobs where firm_id = ${ids.firm}`).toEqual([
      { subject_id: ids.matter, trigger: 'auto', status: 'queued' },
    ]);
  });

  test('the host’s matters and documents still take updates and deletes; only a covered table is published, by its link columns', async () => {
    const published = await db<{ table: string; columns: string[] }[]>`
      select tablename as table, attnames::text[] as columns from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename in ('matters', 'documents') order by tablename`;
    if (host === 'replica-identity-full') {
      expect(published).toEqual([]);
    } else {
      expect(published).toEqual([
        { table: 'documents', columns: ['id', 'firm_id', 'matter_id', 'smokeball_file_id', 'smokeball_synced_at'] },
        { table: 'matters', columns: ['id', 'firm_id', 'smokeball_matter_id', 'smokeball_synced_at'] },
      ]);
    }
    await db.begin(async (tx) => {
      expect(await tx`update public.matters set title = 'Renamed', smokeball_matter_id = ${randomUUID()} where id = ${ids.matter} returning id`).toHaveLength(1);
      const [client] = await tx<{ id: string }[]>`
        insert into public.clients (firm_id, first_name, last_name) values (${ids.firm}, 'Gone', 'Soon') returning id`;
      const [matter] = await tx<{ id: string }[]>`
        insert into public.matters (firm_id, client_id, case_type, title) values (${ids.firm}, ${client.id}, 'will', 'Gone soon') returning id`;
      expect(await tx`delete from public.matters where id = ${matter.id} returning id`).toHaveLength(1);
      // Undone: the host's rows stay as the other tests expect them.
      throw new Rollback();
    }).catch((err) => {
      if (!(err instanceof Rollback)) throw err;
    });
  });

  test('app users cannot write the link columns, even where the host grants them whole tables', async () => {
    const result = await attempt(() =>
      asActor(db, { role: 'authenticated', userId: ids.user }, (tx) =>
        tx`update public.documents set smokeball_file_id = 'forged' where id = ${ids.document}`));
    expect(result).toMatchObject({ ok: false, error: { code: '42501' } });
    // The host's own columns stay writable as the host decided (the minimal host grants them).
    if (host === 'minimal') {
      const own = await attempt(() =>
        asActor(db, { role: 'authenticated', userId: ids.user }, (tx) => tx`update public.documents set ocr_text = 'edited' where id = ${ids.document} returning id`));
      expect(own).toMatchObject({ ok: true, value: [{ id: ids.document }] });
    }
  });
});
