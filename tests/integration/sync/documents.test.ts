// sync-matter's documents (docs/architecture.md §5): bytes arrive exactly as stored, streamed (a 5 MB document too), one
// document that cannot be read leaves the others done and the run `partial` with a message a firm admin
// can act on, and a re-sync sends only what is missing. The sync history row says what happened.
import { describe, expect, test } from 'vitest';
import { createClient, createDocument, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { waitFor } from '../../helpers/wait.ts';
import { accountRequests, bookmark, putDocumentObject, requestSync, runRequests, simAccount } from '../../helpers/sync.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

async function newMatter() {
  const client = await createClient(sql, firm.id);
  return createMatter(sql, firm.id, client.id);
}

async function approvedDocument(matterId: string, size: number, options: { stored?: boolean } = {}) {
  const doc = await createDocument(sql, firm.id, matterId, { status: 'approved', fileName: `doc-${newId().slice(0, 8)}.pdf`, sizeBytes: size });
  const sha256 = options.stored === false ? null : await putDocumentObject(doc.storagePath, size);
  return { ...doc, size, sha256 };
}

/** The files of a Smokeball matter once `count` of them are uploaded. */
async function uploadedFiles(smokeballMatterId: string, count: number) {
  return waitFor(async () => {
    const files = (await simAccount(firm.username)).files.filter((f) => f.matterId === smokeballMatterId && f.isUploaded);
    return files.length === count && files;
  }, { what: `${count} uploaded files` });
}

const byDocument = <F extends Record<string, unknown>>(files: F[], documentId: string) =>
  files.filter((f) => (f.additionalData as Record<string, string> | undefined)?.casehugDocumentId === documentId);

describe('sync-matter documents', () => {
  test('a 5 MB document arrives in Smokeball with the sha256 and size of its Storage object, beside a small one', async () => {
    const matter = await newMatter();
    const large = await approvedDocument(matter.id, 5 * 1024 * 1024 + 17);
    const small = await approvedDocument(matter.id, 1);

    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({ status: 'succeeded', counts: { uploaded: 2, skipped: 0, failed: 0 } });

    const files = await uploadedFiles(run.matter.id, 2);
    for (const doc of [large, small]) {
      const [file] = byDocument(files, doc.id);
      expect(file).toMatchObject({ sha256: doc.sha256, sizeBytes: doc.size });
    }
  });

  test('a document missing from Storage fails alone: the others are uploaded, the run is partial and names it; a re-sync sends only it', async () => {
    const matter = await newMatter();
    const first = await approvedDocument(matter.id, 1500);
    const missing = await approvedDocument(matter.id, 2500, { stored: false });
    const last = await approvedDocument(matter.id, 3500);

    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({ status: 'partial', matter: { action: 'created' }, counts: { uploaded: 2, skipped: 0, failed: 1 } });
    const files = await uploadedFiles(run.matter.id, 2);
    expect(files.map((f) => f.sha256).sort()).toEqual([first.sha256, last.sha256].sort());

    const [history] = await sql`
      select status, error_code, error_message, counts, steps from public.sync_runs where id = ${run.runId}`;
    expect(history).toMatchObject({ status: 'partial', error_code: 'document_unavailable', counts: { uploaded: 2, skipped: 0, failed: 1 } });
    // Which document, out of how many, and why: enough for an admin to re-upload it.
    expect(history.error_message).toBe(`1 of 3 approved documents were not sent to Smokeball ('${missing.storagePath.split('/').at(-1)}'): The document file is missing from storage`);
    // Every document is opened before the bulk call, so the unreadable one fails first and is not in it.
    expect(history.steps.filter((s: { step: string }) => s.step === 'document')).toEqual([
      expect.objectContaining({ outcome: 'failed', detail: `${missing.id}: document_unavailable` }),
      expect.objectContaining({ outcome: 'uploaded', detail: first.id }),
      expect.objectContaining({ outcome: 'uploaded', detail: last.id }),
    ]);
    expect(history.steps.filter((s: { step: string }) => s.step === 'documents')).toEqual([
      expect.objectContaining({ outcome: 'bulk_created', detail: '2 files' }),
    ]);
    const [unsent] = await sql`select smokeball_file_id, smokeball_create_started_at from public.documents where id = ${missing.id}`;
    // It never reached Smokeball, so no create-started mark: the re-sync creates it without waiting.
    expect(unsent).toEqual({ smokeball_file_id: null, smokeball_create_started_at: null });

    const sha256 = await putDocumentObject(missing.storagePath, 2500);
    const since = await bookmark(firm.accountId);
    const again = await (await requestSync(firm.memberToken, matter.id)).json();
    expect(again).toMatchObject({ status: 'succeeded', matter: { action: 'existing' }, counts: { uploaded: 1, skipped: 2, failed: 0 } });
    expect((await runRequests(sql, again.runId, firm.accountId, since)).map((r) => r.endpoint)).toEqual(['POST /matters/{id}/documents/files']);
    expect(again.apiCalls).toBe(1);
    const all = await uploadedFiles(run.matter.id, 3);
    expect(byDocument(all, missing.id)).toEqual([expect.objectContaining({ sha256 })]);
    const [resynced] = await sql`select status, error_code, error_message from public.sync_runs where id = ${again.runId}`;
    expect(resynced).toEqual({ status: 'succeeded', error_code: null, error_message: null });
  });

  test('the sync history row: trigger manual, a duration, counts, API calls with their RequestIds, and each step in order', async () => {
    const matter = await newMatter();
    const doc = await approvedDocument(matter.id, 800);
    await createDocument(sql, firm.id, matter.id, { status: 'pending', fileName: `pending-${newId().slice(0, 8)}.pdf` });
    const since = await bookmark(firm.accountId);
    const run = await (await requestSync(firm.memberToken, matter.id)).json();

    const [row] = await sql`
      select firm_id, matter_id, trigger, status, counts, api_calls, request_ids, duration_ms, started_at, finished_at, error_code, steps
      from public.sync_runs where id = ${run.runId}`;
    expect(row).toMatchObject({
      firm_id: firm.id,
      matter_id: matter.id,
      trigger: 'manual',
      status: 'succeeded',
      counts: { uploaded: 1, skipped: 0, failed: 0 },
      api_calls: run.apiCalls,
      error_code: null,
    });
    // One RequestId per API call, each one Smokeball saw, in the order sent.
    expect(row.request_ids).toHaveLength(run.apiCalls);
    expect((await runRequests(sql, run.runId, firm.accountId, since)).map((r) => r.requestId)).toEqual(row.request_ids);
    expect(row.duration_ms).toBeGreaterThanOrEqual(0);
    expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.steps.map((s: { step: string; outcome: string }) => `${s.step}:${s.outcome}`)).toEqual([
      'matter_type:built-in',
      'contact:created',
      'matter:created',
      'document:uploaded',
    ]);
    expect(row.steps.at(-1).detail).toBe(doc.id);
    expect(row.steps.every((s: { at: string }) => !Number.isNaN(Date.parse(s.at)))).toBe(true);
    // Only approved documents are sent: one accepted file create in the log (a create on the just-created
    // matter may first be refused until Smokeball shows it), one file in the matter.
    expect((await accountRequests(firm.accountId, since)).filter((r) => r.endpoint === 'POST /matters/{id}/documents/files' && r.status === 202)).toHaveLength(1);
    expect(byDocument(await uploadedFiles(run.matter.id, 1), doc.id)).toHaveLength(1);
  });
});
