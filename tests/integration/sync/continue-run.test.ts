// A job's sync that stops at a checkpoint (a worker's budget is spent) leaves its run `running`, handed to
// the job, and the job's next attempt continues that same run: the documents sent before the stop are not
// sent again, and the run's counts cover both attempts. Runs syncMatter in this process against the
// stack's database, Storage and simulator; the job row is held under a long lease by a worker id of the
// test's own, so the stack's job pump leaves it alone.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { syncMatter } from '../../../shared/sync/matter/sync-matter.ts';
import { drainDeps } from '../../../shared/runtime/worker-deps.ts';
import { createClient, createDocument, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { functionEnv, runsOfMatter, waitForSimFiles } from '../../helpers/queue.ts';
import { accountRequests, bookmark, createMatterWithDocuments, putDocumentObject } from '../../helpers/sync.ts';

const DOCUMENTS = 4;

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });
let runtime: Runtime;
beforeAll(async () => {
  runtime = createRuntime(await functionEnv());
});
afterAll(() => runtime?.sql.end());

describe('a job whose sync stopped at a checkpoint', () => {
  test('continues the same run on its next attempt, sending only what was left', { timeout: 60_000 }, async () => {
    const { matter, documents } = await createMatterWithDocuments(sql, firm.id, DOCUMENTS, { status: 'approved', caseType: 'will', fileName: (i) => `segment-${i}.pdf`, bytes: 1024 });
    const [job] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, status, attempts, locked_by, locked_until)
      values (${firm.id}, 'sync_matter', ${matter.id}, 'auto', 'running', 1, 'test-worker', now() + interval '10 minutes')
      returning id`;
    const since = await bookmark(firm.accountId);
    // Small documents after a bulk call are normally uploaded before a stop; 0 lets it stop between any two.
    const deps = { ...drainDeps(runtime, () => undefined), holder: `test-worker:${job.id}`, finishChunkMaxBytes: 0 };
    const input = { firmId: firm.id, matterId: matter.id, trigger: 'auto' as const, jobId: job.id };

    try {
      // Checkpoints: before anything, before the matter, before the bulk call that creates the files, then
      // before each document's upload. Stop before the third upload.
      let checks = 0;
      const first = await syncMatter(deps, { ...input, control: { shouldYield: () => ++checks > 5 } });
      expect(first).toMatchObject({ status: 'running', counts: { uploaded: 2, skipped: 0, failed: 0 } });
      const [stopped] = await sql<{ status: string; job_id: string; counts: Record<string, number>; steps: { step: string; detail?: string }[] }[]>`
        select status, job_id, counts, steps from public.sync_runs where id = ${first.runId}`;
      expect(stopped).toMatchObject({ status: 'running', job_id: job.id, counts: { uploaded: 2, skipped: 0, failed: 0 } });
      expect(stopped.steps.at(-1)).toMatchObject({ step: 'handoff', detail: job.id });

      const second = await syncMatter(deps, input);
      expect(second).toMatchObject({ runId: first.runId, status: 'succeeded', counts: { uploaded: DOCUMENTS, skipped: 0, failed: 0 } });
      expect((await runsOfMatter(sql, matter.id)).map((r) => [r.id, r.status])).toEqual([[first.runId, 'succeeded']]);
      const [finished] = await sql<{ counts: Record<string, number>; request_ids: string[] }[]>`
        select counts, request_ids from public.sync_runs where id = ${first.runId}`;
      expect(finished.counts).toEqual({ uploaded: DOCUMENTS, skipped: 0, failed: 0 });

      // Each document's file created once, across both attempts (all four in the first attempt's bulk
      // call; the second uploads to the two not yet sent); the run recorded every request it sent.
      const log = await accountRequests(firm.accountId, since);
      const fileCreates = log.filter((r) => r.endpoint.startsWith('POST /matters/{id}/documents/files') && r.status < 300);
      expect(fileCreates.map((r) => r.endpoint)).toEqual(['POST /matters/{id}/documents/files/bulk']);
      expect(log.filter((r) => r.endpoint === 'GET /matters/{id}/documents/files/{id}/upload' && r.status < 300)).toHaveLength(2);
      expect(log.filter((r) => r.endpoint === 'POST /matters' && r.status < 300)).toHaveLength(1);
      const files = await waitForSimFiles(firm.username, documents.map((d) => d.id));
      for (const doc of documents) expect(files.get(doc.id)).toEqual([expect.objectContaining({ isUploaded: true })]);
      const creates = ['POST /contacts', 'POST /matters', 'POST /matters/{id}/documents/files/bulk'];
      for (const r of log.filter((entry) => creates.includes(entry.endpoint))) {
        expect(finished.request_ids).toContain(r.requestId);
      }
    } finally {
      await sql`update public.sync_jobs set status = 'succeeded', locked_by = null, locked_until = null where id = ${job.id}`;
    }
  });

  test('a stop asked for during a bulk call\'s small uploads comes after them: no file is left for a continuation to resume', { timeout: 60_000 }, async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    for (let i = 0; i < DOCUMENTS; i++) {
      const doc = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: `whole-${i}.pdf` });
      await putDocumentObject(doc.storagePath, 1024);
    }
    const [job] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, status, attempts, locked_by, locked_until)
      values (${firm.id}, 'sync_matter', ${matter.id}, 'auto', 'running', 1, 'test-worker', now() + interval '10 minutes')
      returning id`;
    const since = await bookmark(firm.accountId);
    const deps = { ...drainDeps(runtime, () => undefined), holder: `test-worker:${job.id}` };
    try {
      // Every checkpoint after the bulk call says stop: the chunk's uploads are finished all the same.
      let checks = 0;
      const result = await syncMatter(deps, { firmId: firm.id, matterId: matter.id, trigger: 'auto', jobId: job.id, control: { shouldYield: () => ++checks > 3 } });
      expect(result).toMatchObject({ status: 'succeeded', counts: { uploaded: DOCUMENTS, skipped: 0, failed: 0 } });
      const log = await accountRequests(firm.accountId, since);
      expect(log.filter((r) => r.endpoint.startsWith('GET /matters/{id}/documents/files'))).toEqual([]);
    } finally {
      await sql`update public.sync_jobs set status = 'succeeded', locked_by = null, locked_until = null where id = ${job.id}`;
    }
  });
});
