// Auto-sync on document approval: the trigger queues, the wake-up runs, the file lands in Smokeball.
import { describe, expect, test } from 'vitest';
import { createClient, createDocument, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { jobsOfMatter, runsOfMatter, waitForMatterJobsToEnd, waitForSimFiles } from '../../helpers/queue.ts';
import { createMatterWithDocuments, putDocumentObject, sim } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql);

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
    expect(Date.now() - approvedAt).toBeLessThan(3_000);
    // The file link is stored as the upload completes; the run is finished a moment later.
    const run = await waitFor(async () => {
      const [row] = await sql`select status, trigger, job_id from public.sync_runs where matter_id = ${matter.id}`;
      return row && row.status !== 'running' && row;
    }, { what: 'the automatic run to finish' });
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'auto' });
    expect(run.job_id).not.toBeNull();

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

  describe('bursts coalesce: 20 approvals of one matter', () => {
    /** A matter of the firm with `count` pending documents whose bytes are in Storage. */
    async function matterWithPendingDocuments(count: number) {
      const { matter, documents } = await createMatterWithDocuments(sql, firm.id, count, { status: 'pending', caseType: 'will', fileName: (i) => `burst-${i}.pdf`, bytes: 512 });
      return { matter, docs: documents };
    }

    /** Every document uploaded exactly once, by at most 2 jobs and 2 runs. */
    async function expectEveryFileOnceByAtMostTwoJobs(matterId: string, documentIds: string[], approvedAt: number) {
      await waitFor(async () => {
        const [row] = await sql`select count(*)::int as n from public.documents where matter_id = ${matterId} and smokeball_file_id is not null`;
        return row.n === documentIds.length;
      }, { timeoutMs: 20_000, what: 'every document to be linked to a Smokeball file' });
      const elapsedMs = Date.now() - approvedAt;
      const jobs = await waitForMatterJobsToEnd(sql, matterId);
      const ran = jobs.filter((j) => j.attempts > 0 || j.status === 'running' || j.status === 'succeeded');
      expect(ran.length).toBeGreaterThanOrEqual(1);
      expect(ran.length).toBeLessThanOrEqual(2);
      expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
      const runs = await runsOfMatter(sql, matterId);
      expect(runs.length).toBeLessThanOrEqual(2);
      expect(runs.every((r) => r.status === 'succeeded' && r.trigger === 'auto')).toBe(true);

      // A file record is readable a moment after its 202 (the simulator's write visibility delay).
      const files = await waitForSimFiles(firm.username, documentIds);
      for (const id of documentIds) expect(files.get(id), `files of document ${id}`).toEqual([expect.objectContaining({ isUploaded: true })]);
      return { elapsedMs, jobs: ran.length, runs: runs.length };
    }

    test('20 documents approved in one transaction arrive exactly once, by at most 2 jobs', async () => {
      const { matter, docs } = await matterWithPendingDocuments(20);
      const approvedAt = Date.now();
      await sql.begin((tx) => tx`update public.documents set status = 'approved', approved_at = now() where matter_id = ${matter.id}`);
      expect((await jobsOfMatter(sql, matter.id)).length).toBe(1);
      const result = await expectEveryFileOnceByAtMostTwoJobs(matter.id, docs.map((d) => d.id), approvedAt);
      console.info(`[timing] 20 approvals in one transaction → all uploaded in ${result.elapsedMs} ms (${result.jobs} job(s), ${result.runs} run(s))`);
    });

    test('20 documents approved in 20 quick transactions arrive exactly once, by at most 2 jobs', async () => {
      const { matter, docs } = await matterWithPendingDocuments(20);
      const approvedAt = Date.now();
      for (const doc of docs) await sql`update public.documents set status = 'approved', approved_at = now() where id = ${doc.id}`;
      const result = await expectEveryFileOnceByAtMostTwoJobs(matter.id, docs.map((d) => d.id), approvedAt);
      console.info(`[timing] 20 approvals in 20 transactions → all uploaded in ${result.elapsedMs} ms (${result.jobs} job(s), ${result.runs} run(s))`);
    });
  });
});
