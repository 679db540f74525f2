// `anon` and `authenticated` get "permission denied" on everything in `private`,
// including through any function they can execute, and nothing in an exposed schema returns a token, key
// or state. Everything here is found by introspection, so a new table or function is covered on arrival.
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type Actor,
  asActor,
  attempt,
  createFirm,
  createMember,
} from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

/** Column names that would hold a secret: sealed values, tokens, keys, OAuth state and PKCE verifiers. */
const SECRET_COLUMN = /^(sealed_.*|.*secret.*|.*password.*|.*verifier.*|.*state_hash.*|.*webhook_key.*|(access_|refresh_)?token|api_key|private_key)$/;
/** The private tables whose contents are secrets; no function callable by the API roles may touch them. */
const SECRET_TABLES = /\b(smokeball_credentials|oauth_states)\b/;

/** Every function anon/authenticated may execute in these schemas must be reviewed and listed here. */
const EXECUTABLE_BY_AUTHENTICATED = [
  // The integration's (supabase/migrations).
  'private.smokeball_user_admin_firm_ids()',
  'private.smokeball_user_firm_ids()',
  // The host's own, from the stand-in of CaseHug's core tables (dev/db/casehug-core.sql).
  'private.user_admin_firm_ids()',
  'private.user_firm_ids()',
];
const EXPOSED_AND_PRIVATE = ['public', 'private'];

const sql = useSuperuserSql({ max: 1 });
let privateTables: { name: string; firstColumn: string }[];
let firmId: string;
let adminId: string;

beforeAll(async () => {
  privateTables = await sql<{ name: string; firstColumn: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name,
           (select a.attname from pg_catalog.pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum limit 1) as "firstColumn"
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'private' and c.relkind in ('r', 'p', 'v', 'm', 'f')
    order by 1`;
  const firm = await createFirm(sql);
  firmId = firm.id;
  adminId = (await createMember(sql, firm.id, 'admin')).id;
});

test('the private schema has the secret tables', () => {
  expect(privateTables.map((t) => t.name)).toEqual(expect.arrayContaining(['private.oauth_states', 'private.smokeball_credentials']));
});

describe('every private table refuses anon and authenticated, for every statement', () => {
  const actors: [string, () => Actor][] = [
    ['anon', () => ({ role: 'anon' })],
    ['authenticated (a firm admin)', () => ({ role: 'authenticated', userId: adminId })],
  ];
  const statements: [string, (t: { name: string; firstColumn: string }) => string][] = [
    ['select', (t) => `select * from ${t.name} limit 1`],
    ['insert', (t) => `insert into ${t.name} default values`],
    ['update', (t) => `update ${t.name} set ${t.firstColumn} = ${t.firstColumn}`],
    ['delete', (t) => `delete from ${t.name}`],
    ['truncate', (t) => `truncate ${t.name}`],
  ];
  test.each(actors.flatMap(([actorName, actor]) => statements.map(([op, statement]) => ({ actorName, actor, op, statement }))))(
    '$op as $actorName → permission denied',
    async ({ actor, statement }) => {
      expect(privateTables.length).toBeGreaterThan(0);
      for (const table of privateTables) {
        const result = await attempt(() => asActor(sql, actor(), (tx) => tx.unsafe(statement(table))));
        expect([table.name, result.ok ? 'allowed' : result.error.code, result.ok ? '' : result.error.message]).toEqual([
          table.name,
          '42501',
          expect.stringMatching(/^permission denied for (table|schema)/),
        ]);
      }
    },
  );
});

test('anon has no usage on the private schema; authenticated has usage but no privilege on any private table or column', async () => {
  const rows = await sql`
    select r.role,
           has_schema_privilege(r.role, 'private', 'usage') as usage,
           array(
             select format('%I.%I', n.nspname, c.relname)
             from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'private' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
               and (has_table_privilege(r.role, c.oid, 'select, insert, update, delete, truncate, references, trigger')
                    or has_any_column_privilege(r.role, c.oid, 'select, insert, update, references'))
           ) as privileged
    from (values ('anon'), ('authenticated')) as r(role)
    order by r.role`;
  expect(rows).toEqual([
    { role: 'anon', usage: false, privileged: [] },
    { role: 'authenticated', usage: true, privileged: [] },
  ]);
});

test('anon can execute no function in public or private; authenticated exactly the reviewed policy helpers', async () => {
  const rows = await sql<{ role: string; functions: string[] }[]>`
    select r.role,
           array(
             select p.oid::regprocedure::text
             from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
             where n.nspname = any(${EXPOSED_AND_PRIVATE}) and has_function_privilege(r.role, p.oid, 'execute')
               -- Extension functions (pgcrypto sits in public on the local stack) run with the caller's
               -- rights, so they reach nothing the caller could not; security-definer ones stay checked.
               and not (not p.prosecdef and exists (select 1 from pg_catalog.pg_depend d
                                                   where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'))
             order by 1
           ) as functions
    from (values ('anon'), ('authenticated')) as r(role)
    order by r.role`;
  expect(rows).toEqual([
    { role: 'anon', functions: [] },
    { role: 'authenticated', functions: EXECUTABLE_BY_AUTHENTICATED },
  ]);
});

test('no function anon or authenticated can execute returns a secret column or reads a secret table', async () => {
  const functions = await sql`
    select p.oid::regprocedure::text as name,
           p.prosecdef as "securityDefiner",
           pg_catalog.format_type(p.prorettype, null) as "returns",
           rt.typrelid <> 0 as "returnsRow",
           coalesce(rn.nspname, '') as "returnsRowOfSchema",
           coalesce((select array_agg(a.attname::text) from pg_catalog.pg_attribute a
                     where a.attrelid = rt.typrelid and a.attnum > 0 and not a.attisdropped), '{}') as "rowColumns",
           coalesce((select array_agg(name) from unnest(p.proargnames, p.proargmodes) as x(name, mode)
                     where x.mode in ('o', 'b', 't')), '{}') as "outColumns",
           p.prosrc as body
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    join pg_catalog.pg_type rt on rt.oid = p.prorettype
    left join pg_catalog.pg_class rc on rc.oid = rt.typrelid
    left join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
    where n.nspname = any(${EXPOSED_AND_PRIVATE})
      and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
      and not (not p.prosecdef and exists (select 1 from pg_catalog.pg_depend d
                                                   where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'))`;
  expect(functions.length).toBeGreaterThan(0);
  for (const f of functions) {
    const leaks = [
      ...(f.returnsRowOfSchema === 'private' ? [`returns a row of a private table (${f.returns})`] : []),
      ...[...f.rowColumns, ...f.outColumns].filter((c: string) => SECRET_COLUMN.test(c)).map((c: string) => `returns column ${c}`),
      ...(SECRET_TABLES.test(f.body) ? ['reads a secret table'] : []),
      ...(/sealed_/.test(f.body) ? ['mentions a sealed column'] : []),
    ];
    expect([f.name, leaks]).toEqual([f.name, []]);
    // What the helpers do return: ids and booleans only.
    expect([f.name, f.returns]).toEqual([f.name, expect.stringMatching(/^(uuid|boolean)$/)]);
  }
});

test('the integration’s policy helpers answer for the caller only, with ids', async () => {
  const member = await createMember(sql, firmId, 'member');
  const ask = (userId: string) =>
    asActor(sql, { role: 'authenticated', userId }, (tx) => tx`
      select array(select private.smokeball_user_firm_ids()) as firms,
             array(select private.smokeball_user_admin_firm_ids()) as "adminFirms"`);
  expect((await ask(adminId))[0]).toEqual({ firms: [firmId], adminFirms: [firmId] });
  expect((await ask(member.id))[0]).toEqual({ firms: [firmId], adminFirms: [] });
});

test('no table or view in the public schema has a column that could hold a secret', async () => {
  const rows = await sql<{ name: string }[]>`
    select format('%I.%I', c.relname, a.attname) as name
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped`;
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.map((r) => r.name).filter((name) => SECRET_COLUMN.test(name.split('.')[1]!))).toEqual([]);
});

test('every view in the public schema runs with the caller’s rights (security_invoker)', async () => {
  const rows = await sql`
    select c.relname as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('v', 'm')
      and not coalesce(c.reloptions @> array['security_invoker=true'] or c.reloptions @> array['security_invoker=on'], false)`;
  expect(rows).toEqual([]);
});
