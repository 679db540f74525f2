// Realtime: no Realtime server runs locally, so what it would send is checked where it is decided — in
// SQL. The tables the app watches are in `supabase_realtime` (documents and matters with their link
// columns only; the import's progress and the two-way sync's conflicts whole); RLS is on for each, so Realtime's per-subscriber SELECT check lets a member see their own
// firm's changes and nothing of another firm's; and deletes, which Realtime sends without that check,
// carry only the primary key (replica identity default, never full).
import { describe, expect, test } from 'vitest';
import { asActor, createClient, createDocument, createFirm, createMatter, createMember, newId, type Tx } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql();

const WATCHED = ['documents', 'matters', 'smokeball_connections', 'smokeball_imports', 'smokeball_sync_conflicts', 'sync_jobs', 'sync_runs'];

describe('supabase_realtime', () => {
  test('publishes the tables the app watches; documents and matters with their link columns only', async () => {
    const rows = await sql<{ tablename: string; attnames: string[] }[]>`
      select tablename, attnames from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' order by tablename`;
    expect(rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(WATCHED));
    const columns = new Map(rows.map((r) => [r.tablename, [...r.attnames].sort()]));
    expect(columns.get('documents')).toEqual(['firm_id', 'id', 'matter_id', 'smokeball_file_id', 'smokeball_synced_at']);
    expect(columns.get('matters')).toEqual(['firm_id', 'id', 'smokeball_matter_id', 'smokeball_synced_at']);
    expect(columns.get('sync_runs')).toEqual(expect.arrayContaining(['steps', 'counts', 'status', 'api_calls']));
  });

  test('every watched table has RLS on and a delete carries only the primary key', async () => {
    const rows = await sql<{ relname: string; relrowsecurity: boolean; relreplident: string }[]>`
      select relname, relrowsecurity, relreplident from pg_catalog.pg_class
      where relnamespace = 'public'::regnamespace and relname = any(${WATCHED}) order by relname`;
    expect(rows).toEqual(WATCHED.map((relname) => ({ relname, relrowsecurity: true, relreplident: 'd' })));
  });

  test("a member reads (and so is sent) their own firm's changes only", async () => {
    const [a, b] = [await createFirm(sql), await createFirm(sql)];
    const memberA = await createMember(sql, a.id, 'member');
    const memberB = await createMember(sql, b.id, 'member');
    const runId = newId();
    const jobId = newId();
    const seed = async (tx: Tx) => {
      const client = await createClient(tx, a.id);
      const matter = await createMatter(tx, a.id, client.id, { smokeballMatterId: `sb-${runId}` });
      await createDocument(tx, a.id, matter.id, { status: 'approved', smokeballFileId: `file-${runId}` });
      await tx`insert into public.smokeball_connections (firm_id, region) values (${a.id}, 'US')`;
      await tx`insert into public.sync_jobs (id, firm_id, kind, subject_id, trigger) values (${jobId}, ${a.id}, 'sync_matter', ${matter.id}, 'manual')`;
      await tx`insert into public.sync_runs (id, firm_id, matter_id, trigger) values (${runId}, ${a.id}, ${matter.id}, 'manual')`;
      // Import progress and two-way conflicts, the way the import job and the push write them.
      await tx`insert into public.smokeball_imports (firm_id, batch_id, smokeball_matter_id, status, matter_id)
               values (${a.id}, ${newId()}, ${`sb-${runId}`}, 'imported', ${matter.id})`;
      await tx`insert into public.smokeball_sync_conflicts (firm_id, record_kind, record_id, smokeball_id, field, winner,
                 casehug_value, smokeball_value, casehug_changed_at, smokeball_changed_at, smokeball_version)
               values (${a.id}, 'matter', ${matter.id}, ${`sb-${runId}`}, 'title', 'smokeball', 'Ours', 'Theirs', now(), now(), '1')`;
    };
    const visible = (userId: string) =>
      asActor(sql, { role: 'authenticated', userId }, async (tx) => {
        const counts: Record<string, number> = {};
        for (const table of WATCHED) {
          const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from ${tx('public.' + table)} where firm_id = ${a.id}`;
          counts[table] = n;
        }
        return counts;
      }, seed);
    expect(await visible(memberA.id)).toEqual({ documents: 1, matters: 1, smokeball_connections: 1, smokeball_imports: 1, smokeball_sync_conflicts: 1, sync_jobs: 1, sync_runs: 1 });
    expect(await visible(memberB.id)).toEqual({ documents: 0, matters: 0, smokeball_connections: 0, smokeball_imports: 0, smokeball_sync_conflicts: 0, sync_jobs: 0, sync_runs: 0 });
  });
});
