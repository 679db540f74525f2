// A document row names its storage bucket, and members write that column; the sync reads with the
// secret key, which opens every bucket. So only the document bucket(s) are read: a row pointing into
// another bucket fails that document (document_unavailable) without a byte leaving Storage or a file
// record at Smokeball, while the matter's other documents sync as usual.
import { describe, expect, inject, test } from 'vitest';
import { createClient, createDocument, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { simFilesByDocument } from '../../helpers/queue.ts';
import { putDocumentObject, requestSync, settledSimAccount } from '../../helpers/sync.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

describe('documents outside the document bucket', () => {
  test('are not read or uploaded; the rest of the matter syncs', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const good = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: 'good.pdf' });
    await putDocumentObject(good.storagePath);
    const elsewhere = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: 'elsewhere.pdf' });
    // The same object path in another bucket (one the service key could read: it exists in local Storage).
    await sql`update public.documents set storage_bucket = 'avatars' where id = ${elsewhere.id}`;
    const put = await fetch(`${inject('gatewayUrl')}/storage/v1/object/avatars/${elsewhere.storagePath}`, {
      method: 'POST',
      headers: { apikey: inject('secretKey'), 'content-type': 'application/pdf', 'x-upsert': 'true' },
      body: new Uint8Array(64),
    });
    expect(put.ok).toBe(true);

    const res = await requestSync(firm.memberToken, matter.id);
    const body = await res.json();
    expect(body.counts).toMatchObject({ uploaded: 1, failed: 1 });
    const [run] = await sql`select error_code, error_message from public.sync_runs where id = ${body.runId}`;
    expect(run.error_code).toBe('document_unavailable');
    expect(run.error_message).toContain('elsewhere.pdf');
    const rows = await sql`select id, smokeball_file_id from public.documents where matter_id = ${matter.id}`;
    const linked = Object.fromEntries(rows.map((r) => [r.id, r.smokeball_file_id !== null]));
    expect(linked).toEqual({ [good.id]: true, [elsewhere.id]: false });
    // Files are listed once Smokeball shows the accepted matter (the simulator's eventual consistency).
    await settledSimAccount(firm.username);
    const files = await simFilesByDocument(firm.username);
    expect([...files.keys()]).toEqual([good.id]);
  });
});
