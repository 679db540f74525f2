// A matter with several documents to create asks Smokeball for all their files in one
// `POST …/documents/files/bulk` call, then streams each document to its own URL; exactly once still holds
// when that call fails ambiguously (reconciled by listing through the consistency window) and when the
// uploads after it are cut short (resumed on the files already created, with fresh URLs).
import { helpFor } from '../../../shared/error-help.ts';
import { beforeAll, describe, expect, test } from 'vitest';
import { createClient, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import {
  accountRequests,
  bookmark,
  createMatterWithDocuments,
  requestSync,
  runRequests,
  sim,
  simAccount,
  withFault,
} from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const BULK = 'POST /matters/{id}/documents/files/bulk';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });
beforeAll(async () => {
  // One sync first, so the firm's matter types are cached and the counts below are the matter's own.
  const client = await createClient(sql, firm.id);
  const warm = await requestSync(firm.memberToken, (await createMatter(sql, firm.id, client.id)).id);
  expect(warm.status).toBe(200);
});

const matterWithDocuments = (count: number) =>
  createMatterWithDocuments(sql, firm.id, count, { status: 'approved', fileName: (i) => `bulk-${i}-${newId().slice(0, 8)}.pdf`, bytes: (i) => 1000 + i * 317 });

/** The Smokeball matter's files once `count` are uploaded and no other file is there. */
async function settledFiles(smokeballMatterId: string, count: number) {
  return waitFor(async () => {
    const files = (await simAccount(firm.username)).files.filter((f) => f.matterId === smokeballMatterId);
    return files.length === count && files.every((f) => f.isUploaded) && files;
  }, { what: `${count} uploaded files and no other` });
}

/** Each document has exactly one file, carrying its id and its bytes' sha256. */
function expectOneFilePerDocument(files: Record<string, unknown>[], documents: { id: string; sha256: string }[]) {
  for (const doc of documents) {
    const mine = files.filter((f) => (f.additionalData as Record<string, string> | undefined)?.casehugDocumentId === doc.id);
    expect(mine).toEqual([expect.objectContaining({ isUploaded: true, sha256: doc.sha256 })]);
  }
}

async function documentRows(documents: { id: string }[]) {
  return sql<{ id: string; smokeball_file_id: string | null; marked: boolean }[]>`
    select id, smokeball_file_id, smokeball_create_started_at is not null as marked
    from public.documents where id in ${sql(documents.map((d) => d.id))}`;
}

describe('sync-matter: several documents, one bulk call', () => {
  test('a fresh matter with 5 documents costs 4 requests (search, contact, matter, one bulk), then 5 uploads', async () => {
    const { matter, documents } = await matterWithDocuments(5);
    const since = await bookmark(firm.accountId);

    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({
      status: 'succeeded',
      contact: { action: 'created' },
      matter: { action: 'created' },
      counts: { uploaded: 5, skipped: 0, failed: 0 },
    });
    // Each document's own result, with the file id its bulk call gave it.
    const byId = (a: { documentId: string }, b: { documentId: string }) => a.documentId.localeCompare(b.documentId);
    expect([...run.documents].sort(byId)).toEqual(
      documents.map((d) => ({ documentId: d.id, fileName: d.storagePath.split('/').at(-1), status: 'uploaded', smokeballFileId: expect.any(String) })).sort(byId),
    );
    const log = await runRequests(sql, run.runId, firm.accountId, since);
    expect(run.apiCalls).toBe(log.length);
    // Four requests were accepted. A write naming the contact or matter created moments before may first be
    // refused while Smokeball does not show it yet (the simulator's visibility delay) and is then repeated:
    // those refusals are the only other requests.
    const accepted = log.filter((r) => r.status >= 200 && r.status < 300);
    expect(accepted.map((r) => r.endpoint)).toEqual(['GET /contacts', 'POST /contacts', 'POST /matters', BULK]);
    expect(accepted.map((r) => r.status)).toEqual([200, 202, 202, 202]);
    for (const r of log.filter((r) => !(r.status >= 200 && r.status < 300))) {
      expect([400, 403, 404]).toContain(r.status);
      expect(['POST /matters', BULK]).toContain(r.endpoint);
    }
    // Nothing else of this account's went to the API meanwhile that the run did not record: one accepted
    // file-creating call for five documents.
    const fileCalls = (await accountRequests(firm.accountId, since)).filter((r) => r.endpoint === BULK || r.endpoint.includes('/documents/files'));
    expect(fileCalls.filter((r) => r.status >= 200 && r.status < 300)).toHaveLength(1);

    const uploads = (await sim().requests({ since })).filter((r) => r.endpoint.startsWith('PUT /s3') && r.path.includes(`/${run.matter.id}/`));
    expect(uploads.map((u) => u.status)).toEqual([200, 200, 200, 200, 200]);
    expectOneFilePerDocument(await settledFiles(run.matter.id, 5), documents);
    const rows = await documentRows(documents);
    expect(rows.every((r) => r.smokeball_file_id !== null && !r.marked)).toBe(true);

    // A re-sync with nothing new sends nothing.
    const again = await (await requestSync(firm.memberToken, matter.id)).json();
    expect(again).toMatchObject({ status: 'succeeded', counts: { uploaded: 0, skipped: 5, failed: 0 }, apiCalls: 0 });
  });

  test('a 502 on the bulk call: the next sync lists the files through the consistency window, then creates each once', { timeout: 60_000 }, async () => {
    const { matter, documents } = await matterWithDocuments(5);
    const res = await withFault({ account: firm.accountId, endpoint: BULK, status: 502, count: 1 }, () => requestSync(firm.memberToken, matter.id));
    expect(res.status).toBe(200);
    const first = await res.json();
    expect(first).toMatchObject({ status: 'partial', matter: { action: 'created' }, counts: { uploaded: 0, skipped: 0, failed: 5 } });
    // A 502 may come after Smokeball accepted the files: every document keeps its mark.
    expect((await documentRows(documents)).map((r) => r.marked)).toEqual([true, true, true, true, true]);

    const since = await bookmark(firm.accountId);
    const res2 = await requestSync(firm.memberToken, matter.id);
    expect(res2.status).toBe(200);
    const run = await res2.json();
    expect(run).toMatchObject({ status: 'succeeded', counts: { uploaded: 5, skipped: 0, failed: 0 } });
    const endpoints = (await runRequests(sql, run.runId, firm.accountId, since)).map((r) => r.endpoint);
    // Looked first (one listing per poll, never one per document), then one bulk call.
    expect(endpoints.at(-1)).toBe(BULK);
    expect(endpoints.slice(0, -1).length).toBeGreaterThan(0);
    expect(new Set(endpoints.slice(0, -1))).toEqual(new Set(['GET /matters/{id}/documents/files']));
    expectOneFilePerDocument(await settledFiles(first.matter.id, 5), documents);
  });

  test('uploads cut short after the bulk call: the next sync resumes on the files already created, with fresh URLs', async () => {
    const { matter, documents } = await matterWithDocuments(5);
    const res = await withFault({ account: firm.accountId, endpoint: 'PUT /s3/{key}', status: 500, count: 2 }, () =>
      requestSync(firm.memberToken, matter.id),
    );
    expect(res.status).toBe(200);
    const first = await res.json();
    expect(first).toMatchObject({ status: 'partial', counts: { uploaded: 3, skipped: 0, failed: 2 } });
    // The two failed uploads are named with their error and its help; the three others carry their file ids.
    const failedItems = first.documents.filter((d: { status: string }) => d.status === 'failed');
    expect(failedItems).toHaveLength(2);
    for (const item of failedItems) {
      expect(item).toEqual({ documentId: expect.any(String), fileName: expect.any(String), status: 'failed', smokeballFileId: null, error: { code: 'smokeball_upload_failed', message: expect.any(String), help: helpFor('smokeball_upload_failed') } });
    }
    expect(first.documents.filter((d: { status: string; smokeballFileId: string | null }) => d.status === 'uploaded' && d.smokeballFileId)).toHaveLength(3);
    const unsent = (await documentRows(documents)).filter((r) => r.smokeball_file_id === null);
    expect(unsent.map((r) => r.marked)).toEqual([true, true]);

    const since = await bookmark(firm.accountId);
    const run = await (await requestSync(firm.memberToken, matter.id)).json();
    expect(run).toMatchObject({ status: 'succeeded', counts: { uploaded: 2, skipped: 3, failed: 0 } });
    const endpoints = (await runRequests(sql, run.runId, firm.accountId, since)).map((r) => r.endpoint);
    // A listing finds both files (repeated only while Smokeball does not show the new matter yet), then a
    // fresh upload URL for each; nothing is created again.
    const listings = endpoints.filter((e) => e === 'GET /matters/{id}/documents/files');
    expect(listings.length).toBeGreaterThanOrEqual(1);
    expect(endpoints).toEqual([...listings, 'GET /matters/{id}/documents/files/{id}/upload', 'GET /matters/{id}/documents/files/{id}/upload']);
    expectOneFilePerDocument(await settledFiles(first.matter.id, 5), documents);
  });
});
