// Documents a sync cannot stream fail alone, by name, before any Smokeball call for them: one above the
// configured size limit (SYNC_MAX_DOCUMENT_MIB, which keeps a document's stream within an Edge Function's
// CPU and wall-clock limits) and one Storage serves without a Content-Length. The rest of the matter's
// documents still go, and the run is partial and names the one left out.
import { truncate, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { DEFAULT_MAX_DOCUMENT_MIB } from '../../../shared/config.ts';
import { createClient, createDocument, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { waitFor } from '../../helpers/wait.ts';
import { bookmark, putDocumentObject, requestSync, runRequests } from '../../helpers/sync.ts';

/** The limit the test stack's functions run with (the stack passes SYNC_* variables through). */
const LIMIT_BYTES = Math.floor(Number(process.env.SYNC_MAX_DOCUMENT_MIB ?? DEFAULT_MAX_DOCUMENT_MIB) * 2 ** 20);

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

async function approvedDocument(matterId: string) {
  return createDocument(sql, firm.id, matterId, { status: 'approved', fileName: `doc-${newId().slice(0, 8)}.pdf`, sizeBytes: 2048 });
}

/**
 * Places a Storage object of `size` bytes as a sparse file (no disk used, no bytes written), with the
 * metadata sidecar the local Storage serves it by: the Content-Length says `size`.
 */
async function putSparseObject(storagePath: string, size: number) {
  const file = join(inject('storageRoot'), 'documents', ...storagePath.split('/'));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, '');
  await truncate(file, size);
  await writeFile(`${file}.meta.json`, JSON.stringify({ contentType: 'application/pdf', size, sha256: 'sparse', updatedAt: new Date().toISOString() }));
}

/** Starts a sync and waits for its run to finish (whatever the answer's shape while it runs). */
async function syncToEnd(matterId: string) {
  const since = await bookmark(firm.accountId);
  const res = await requestSync(firm.memberToken, matterId);
  expect(res.status).toBeLessThan(300);
  const { runId } = (await res.json()) as { runId: string };
  const run = await waitFor(async () => {
    const [row] = await sql`select status, error_code, error_message, counts from public.sync_runs where id = ${runId}`;
    return row && row.status !== 'running' && row;
  }, { what: 'the sync run to finish', timeoutMs: 20_000 });
  return { run, requests: await runRequests(sql, runId, firm.accountId, since) };
}

/** File-creating calls Smokeball accepted: the single call (one file) or the bulk call (several); a call on a
 * just-created matter may first be refused until the matter is visible. */
const fileCreates = (requests: { endpoint: string; status: number }[]) =>
  requests
    .filter((r) => (r.endpoint === 'POST /matters/{id}/documents/files' || r.endpoint === 'POST /matters/{id}/documents/files/bulk') && r.status >= 200 && r.status < 300)
    .map((r) => r.endpoint);
const nameOf = (doc: { storagePath: string }) => doc.storagePath.split('/').at(-1);

describe('documents a sync cannot stream', () => {
  test('a document above SYNC_MAX_DOCUMENT_MIB fails with document_too_large before any Smokeball call for it; the others go', async () => {
    const matter = await createMatter(sql, firm.id, (await createClient(sql, firm.id)).id);
    const before = await approvedDocument(matter.id);
    const large = await approvedDocument(matter.id);
    const after = await approvedDocument(matter.id);
    await putDocumentObject(before.storagePath, 2048);
    await putSparseObject(large.storagePath, LIMIT_BYTES + 1);
    await putDocumentObject(after.storagePath, 2048);

    const { run, requests } = await syncToEnd(matter.id);
    expect(run).toMatchObject({ status: 'partial', error_code: 'document_too_large', counts: { uploaded: 2, failed: 1 } });
    expect(run.error_message).toMatch(
      new RegExp(`^1 of 3 approved documents were not sent to Smokeball \\('${nameOf(large)}'\\): The document is .+ MiB, above the .+ MiB a sync can stream`),
    );
    // Two file records, for the two others, in one bulk call; nothing at all for the large one.
    expect(fileCreates(requests)).toEqual(['POST /matters/{id}/documents/files/bulk']);
    expect(run.counts).toMatchObject({ uploaded: 2 });
    const [row] = await sql`select smokeball_file_id, smokeball_create_started_at from public.documents where id = ${large.id}`;
    expect(row).toEqual({ smokeball_file_id: null, smokeball_create_started_at: null });
  });

  test('a document Storage serves without a Content-Length fails with document_size_unknown before any Smokeball call for it', async () => {
    const matter = await createMatter(sql, firm.id, (await createClient(sql, firm.id)).id);
    const unsized = await approvedDocument(matter.id);
    const other = await approvedDocument(matter.id);
    const res = await fetch(`${inject('gatewayUrl')}/storage/v1/object/documents/${unsized.storagePath}`, {
      method: 'POST',
      headers: { apikey: inject('secretKey'), 'content-type': 'application/pdf', 'x-local-fault': 'no-content-length' },
      body: new Uint8Array(3000),
    });
    expect(res.ok).toBe(true);
    await putDocumentObject(other.storagePath, 2048);

    const { run, requests } = await syncToEnd(matter.id);
    expect(run).toMatchObject({ status: 'partial', error_code: 'document_size_unknown', counts: { uploaded: 1, failed: 1 } });
    expect(run.error_message).toBe(
      `1 of 2 approved documents were not sent to Smokeball ('${nameOf(unsized)}'): Storage did not give the exact size of the document (no usable Content-Length), so it cannot be uploaded`,
    );
    // The one readable document is sent on its own, with the single call.
    expect(fileCreates(requests)).toEqual(['POST /matters/{id}/documents/files']);
  });
});
