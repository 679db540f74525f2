// A worker killed mid-job: its lease expires and another claim (the stack's sweep) finishes the job,
// with no duplicate matter or uploaded file in Smokeball.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { jobsOfMatter, startFunctionProcess, waitForJob, waitForSimFiles } from '../../helpers/queue.ts';
import { createConnectedFirm, createMatterWithDocuments, settledSimAccount, sim, type ConnectedFirm } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const LEASE_S = 3;

const sql = useSuperuserSql();
let worker: Awaited<ReturnType<typeof startFunctionProcess>>;
beforeAll(async () => {
  worker = await startFunctionProcess('sync-worker', { SYNC_LEASE_SECONDS: String(LEASE_S) });
});
afterAll(() => worker?.stop());

type Claimed = { firm: ConnectedFirm; matterId: string; docIds: string[]; jobId: string; slowFaultId: number };

/**
 * Queues one job for a fresh firm's matter with 2 approved documents, whose uploads stall, and asks our
 * worker for it until it is claimed. The stack's own wake-up or 1 s sweep may claim it first on a loaded
 * machine (told apart by the lease length: ours is 3 s, the stack's 60 s); then that job is left to finish
 * and the scenario starts over with a fresh firm, a bounded number of times.
 */
async function claimedByOurWorker(): Promise<Claimed> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    // Auto-sync off: the documents are approved without a job; the test queues the one job itself.
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const { matter, documents } = await createMatterWithDocuments(sql, firm.id, 2, { status: 'approved', caseType: 'will', fileName: (i) => `crash-${i}.pdf`, bytes: 64 * 1024 });
    const docIds = documents.map((d) => d.id);
    // Uploads of this account stall, so the job is mid-way (matter created, first file record created,
    // its bytes on the way) when the worker dies. Long enough to kill the worker in; short enough that
    // the simulator's pending timer is gone before the stack stops (it would hold the process open).
    const slow = await sim().addFault({ account: firm.username, pathPrefix: '/s3/', latencyMs: 10_000 });
    // Due a moment from now, and our worker is asked continuously from now on.
    const [row] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
      values (${firm.id}, 'sync_matter', ${matter.id}, 'auto', now() + interval '300 milliseconds') returning id`;
    let asking = true;
    const ask = async () => {
      while (asking) {
        const call = fetch(worker.url, { method: 'POST', headers: { apikey: inject('secretKey'), 'content-type': 'application/json' }, body: '{}' })
          .then((r) => r.text())
          .catch(() => undefined);
        asks.push(call);
        // A call that claims hangs in the slow upload; one that finds nothing answers at once.
        await Promise.race([call, new Promise((r) => setTimeout(r, 100))]);
      }
    };
    const asking1 = ask();
    const claimed = await waitForJob(sql, row.id, (j) => j.status !== 'queued', 'the job to be claimed');
    asking = false;
    await asking1;
    if (claimed.status === 'running' && claimed.leaseLeftMs !== null && claimed.leaseLeftMs < 10_000) return { firm, matterId: matter.id, docIds, jobId: row.id, slowFaultId: slow.id };
    console.info(`[worker-crash] attempt ${attempt}: the stack claimed the job first; starting over`);
    await sim().removeFault(slow.id);
    await waitForJob(sql, row.id, (j) => !['queued', 'running'].includes(j.status), 'the stack to finish the job it claimed', 75_000);
  }
  throw new Error('the stack claimed the job before our worker in 5 attempts');
}

const asks: Promise<unknown>[] = [];

describe('a worker killed mid-job', () => {
  test('loses its lease; the sweep re-claims the job and finishes it with no duplicate in Smokeball', { timeout: 180_000 }, async () => {
    const { firm, matterId, docIds, jobId, slowFaultId } = await claimedByOurWorker();
    try {
      // Mid-way: the first document's file record exists in Smokeball, its bytes not yet.
      await waitFor(async () => (await sim().state(firm.username)).accounts[0].files.length > 0, { timeoutMs: 20_000, what: 'the first file record' });
      worker.kill();
      const killedAt = Date.now();
      await sim().removeFault(slowFaultId);

      const done = await waitForJob(sql, jobId, (j) => !['queued', 'running'].includes(j.status), 'the sweep to finish the job', 75_000);
      console.info(`[timing] worker killed → job ${done.status} by another claim after ${Date.now() - killedAt} ms`);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2, lastErrorCode: null });
      expect(await jobsOfMatter(sql, matterId)).toHaveLength(1);

      const account = await settledSimAccount(firm.username);
      expect(account.matters).toHaveLength(1);
      expect(account.contacts).toHaveLength(1);
      const files = await waitForSimFiles(firm.username, docIds);
      // One record per document, uploaded: the record the killed worker created (bytes never arrived) is
      // found by its casehugDocumentId and uploaded to with a fresh URL, not created a second time.
      for (const docId of docIds) {
        const records = files.get(docId)!;
        expect(records.map((f) => f.isUploaded), `file records of document ${docId}`).toEqual([true]);
        const [linked] = await sql`select smokeball_file_id from public.documents where id = ${docId}`;
        expect(linked.smokeball_file_id).toBe(records[0].id);
      }
      await Promise.allSettled(asks);
    } finally {
      await sim().removeFault(slowFaultId).catch(() => undefined);
    }
  });
});
