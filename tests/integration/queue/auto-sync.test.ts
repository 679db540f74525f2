// Auto-sync on document approval: the trigger queues, the wake-up runs, the file lands in Smokeball.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectAsSuperuser, createClient, createDocument, createMatter, type Sql } from '../../helpers/db.ts';
import { createConnectedFirm, putDocumentObject, sim, type ConnectedFirm } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

let sql: Sql;
let firm: ConnectedFirm;
beforeAll(async () => {
  sql = connectAsSuperuser();
  firm = await createConnectedFirm(sql);
});
afterAll(() => sql.end());

describe('auto-sync', () => {
  test('approving a document uploads it to Smokeball and records an automatic run within 3 s', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const doc = await createDocument(sql, firm.id, matter.id, { status: 'pending' });
    const sha256 = await putDocumentObject(doc.storagePath);

    const approvedAt = Date.now();
    await sql`update public.documents set status = 'approved', approved_at = now() where id = ${doc.id}`;

    const fileId = await waitFor(async () => {
      const [row] = await sql`select smokeball_file_id from public.documents where id = ${doc.id}`;
      return row.smokeball_file_id as string | null;
    }, { timeoutMs: 3_000, what: 'the document to be linked to a Smokeball file' });
    const [run] = await sql`select status, trigger, job_id from public.sync_runs where matter_id = ${matter.id}`;
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'auto' });
    expect(run.job_id).not.toBeNull();
    expect(Date.now() - approvedAt).toBeLessThan(3_000);

    const file = await waitFor(async () => (await sim().state(firm.username)).accounts[0].files.find((f) => f.id === fileId), { what: 'the file in the simulator' });
    expect(file).toMatchObject({ sha256, isUploaded: true });
    const [job] = await sql`select status, attempts from public.sync_jobs where id = ${run.job_id}`;
    expect(job).toEqual({ status: 'succeeded', attempts: 1 });
  });

  test('with auto-sync off, an approval queues nothing', async () => {
    await sql`update public.smokeball_connections set auto_sync = false where firm_id = ${firm.id}`;
    try {
      const client = await createClient(sql, firm.id);
      const matter = await createMatter(sql, firm.id, client.id);
      await createDocument(sql, firm.id, matter.id, { status: 'approved' });
      expect(await sql`select 1 from public.sync_jobs where subject_id = ${matter.id}`).toHaveLength(0);
    } finally {
      await sql`update public.smokeball_connections set auto_sync = true where firm_id = ${firm.id}`;
    }
  });
});
