// Schema-wide tenant-isolation invariants, checked on the catalog so they hold for tables added later: RLS on
// every exposed table, nothing for anon, policies through wrapped security-definer helpers, safe
// search_path, indexes under every policy column and foreign key, a check on every status-like column,
// `updated_at` maintained by a trigger. Plus the two queue/history indexes features rely on.
import { expect, test } from 'vitest';
import { asActor, createClient, createFirm, createMatter, newId } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql({ max: 1 });

test('row-level security is enabled on every table in the public schema', async () => {
  const rows = await sql`
    select c.relname as name, c.relrowsecurity as rls
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by 1`;
  expect(rows.length).toBeGreaterThanOrEqual(11);
  expect(rows.filter((r) => !r.rls)).toEqual([]);
});

test('every table in the public schema has a select policy for authenticated', async () => {
  const rows = await sql`
    select c.relname as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and not exists (
        select 1 from pg_catalog.pg_policies p
        where p.schemaname = 'public' and p.tablename = c.relname and p.cmd in ('SELECT', 'ALL')
          and 'authenticated' = any(p.roles)
      )`;
  expect(rows).toEqual([]);
});

test('anon has no privilege on any table, column, sequence or function in the public schema', async () => {
  const rows = await sql`
    select c.relname as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
      and (has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
           or (c.relkind <> 'S' and has_any_column_privilege('anon', c.oid, 'select, insert, update, references'))
           or (c.relkind = 'S' and has_sequence_privilege('anon', c.oid, 'usage, select, update')))
    union all
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'execute')
      -- Extension functions (pgcrypto in public on the local stack) run with the caller's rights.
      and not (not p.prosecdef and exists (select 1 from pg_catalog.pg_depend d
                                                   where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'))`;
  expect(rows).toEqual([]);
});

test('policies are for authenticated only and reach auth.uid() only through wrapped private helpers', async () => {
  const policies = await sql`
    select tablename || '.' || policyname as name, roles::text[] as roles,
           coalesce(qual, '') || ' ' || coalesce(with_check, '') as expr
    from pg_catalog.pg_policies
    where schemaname in ('public', 'private')`;
  expect(policies.length).toBeGreaterThan(0);
  for (const p of policies) {
    const helperCalls = (p.expr.match(/private\.\w+\(/g) ?? []).length;
    const wrappedCalls = (p.expr.match(/\(\s*SELECT private\.\w+\(/g) ?? []).length;
    expect({ name: p.name, roles: p.roles, bareAuthCall: /auth\.\w+\(\)/.test(p.expr), helperCalls: helperCalls > 0, unwrapped: helperCalls - wrappedCalls }).toEqual({
      name: p.name,
      roles: ['authenticated'],
      bareAuthCall: false,
      helperCalls: true,
      unwrapped: 0,
    });
  }
});

test('every security-definer function in public and private pins search_path to empty', async () => {
  const rows = await sql`
    select p.oid::regprocedure::text as name, p.proconfig as config
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef`;
  expect(rows.length).toBeGreaterThanOrEqual(4);
  for (const r of rows) expect([r.name, r.config]).toEqual([r.name, expect.arrayContaining(['search_path=""'])]);
});

test('every foreign key is covered by an index that leads with its columns', async () => {
  const rows = await sql`
    select con.conname as name
    from pg_catalog.pg_constraint con
    join pg_catalog.pg_namespace n on n.oid = con.connamespace
    where con.contype = 'f' and n.nspname in ('public', 'private')
      and not exists (
        select 1 from pg_catalog.pg_index i
        where i.indrelid = con.conrelid
          and (select array_agg(k order by k) from unnest((i.indkey::int2[])[0:array_length(con.conkey, 1) - 1]) k)
              = (select array_agg(k order by k) from unnest(con.conkey) k)
      )`;
  expect(rows).toEqual([]);
});

test('every firm_id column (the policies’ filter) leads an index', async () => {
  const rows = await sql`
    select c.relname as name
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and a.attname = 'firm_id'
      and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indkey[0] = a.attnum)`;
  expect(rows).toEqual([]);
});

test('every status-like column has a check constraint', async () => {
  const rows = await sql`
    select c.relname || '.' || a.attname as name
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind in ('r', 'p')
      and a.attname in ('status', 'role', 'kind', 'trigger', 'region', 'jurisdiction')
      and not exists (
        select 1 from pg_catalog.pg_constraint con
        where con.conrelid = c.oid and con.contype = 'c' and a.attnum = any(con.conkey)
      )`;
  expect(rows).toEqual([]);
});

test('every table with updated_at maintains it with a set_updated_at trigger (the host’s or the integration’s)', async () => {
  const rows = await sql`
    select n.nspname || '.' || c.relname as name
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and a.attname = 'updated_at'
      and not exists (
        select 1 from pg_catalog.pg_trigger t
        where t.tgrelid = c.oid and not t.tgisinternal
          and t.tgfoid in ('private.set_updated_at()'::regprocedure, 'private.smokeball_set_updated_at()'::regprocedure)
      )`;
  expect(rows).toEqual([]);
});

test('an update moves updated_at forward', async () => {
  const firm = await createFirm(sql);
  await sql`update public.firms set updated_at = '2020-01-01' where id = ${firm.id}`;
  await sql`update public.firms set name = 'Renamed' where id = ${firm.id}`;
  const [row] = await sql`select updated_at > '2020-01-02'::timestamptz as moved from public.firms where id = ${firm.id}`;
  expect(row).toEqual({ moved: true });
});

test('bursts coalesce: one queued sync_matter job per matter, a new one once it is running', async () => {
  const firm = await createFirm(sql);
  const matter = await createMatter(sql, firm.id, (await createClient(sql, firm.id)).id);
  const enqueue = () => sql`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${firm.id}, 'sync_matter', ${matter.id}, 'auto')
    on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing`;
  expect([(await enqueue()).count, (await enqueue()).count]).toEqual([1, 0]);
  await sql`update public.sync_jobs set status = 'running', locked_until = now() + interval '1 minute' where subject_id = ${matter.id}`;
  expect((await enqueue()).count).toBe(1);
  const rows = await sql`select status from public.sync_jobs where firm_id = ${firm.id} order by status`;
  expect(rows.map((r) => r.status)).toEqual(['queued', 'running']);
});

test('an error webhook finds its run by RequestId through the GIN index', async () => {
  const firm = await createFirm(sql);
  const requestId = `req-${newId()}`;
  const [run] = await sql`
    insert into public.sync_runs (firm_id, trigger, request_ids) values (${firm.id}, 'manual', ${[`req-${newId()}`, requestId]}) returning id`;
  const { found, plan } = await asActor(sql, { role: 'service_role' }, async (tx) => {
    await tx`set local enable_seqscan = off`;
    const found = await tx`select id from public.sync_runs where request_ids @> array[${requestId}]::text[]`;
    const plan = await tx`explain select id from public.sync_runs where request_ids @> array[${requestId}]::text[]`;
    return { found, plan: plan.map((r) => r['QUERY PLAN']).join('\n') };
  });
  expect(found).toEqual([{ id: run.id }]);
  expect(plan).toContain('sync_runs_request_ids_idx');
});
