// A worker killed mid-job: its lease expires and another claim (the stack's sweep) finishes the job,
// with no duplicate matter or uploaded file in Smokeball.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectAsSuperuser, createClient, createDocument, createMatter, type Sql } from '../../helpers/db.ts';
import { jobsOfMatter, startFunctionProcess, waitForJob, waitForSimFiles } from '../../helpers/queue.ts';
import { createConnectedFirm, putDocumentObject, settledSimAccount, sim, type ConnectedFirm } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const LEASE_S = 3;

let sql: Sql;
let firm: ConnectedFirm;
let worker: Awaited<ReturnType<typeof startFunctionProcess>>;
beforeAll(async () => {
  sql = connectAsSuperuser();
  // Auto-sync off: the documents are approved without a job; the test queues the one job itself.
  firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
  worker = await startFunctionProcess('sync-worker', { SYNC_LEASE_SECONDS: String(LEASE_S) });
});
afterAll(async () => {
  await worker?.stop();
  await sql.end();
});

describe('a worker killed mid-job', () => {
  test('loses its lease; the sweep re-claims the job and finishes it with no duplicate in Smokeball', { timeout: 90_000 }, async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const docs = [];
    for (let i = 0; i < 2; i++) {
      const doc = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: `crash-${i}.pdf` });
      await putDocumentObject(doc.storagePath, 64 * 1024);
      docs.push(doc);
    }
    // Uploads of this account stall, so the job is mid-way (matter created, first file record created,
    // its bytes on the way) when the worker dies. Long enough to kill the worker in; short enough that
    // the simulator's pending timer is gone before the stack stops (it would hold the process open).
    const slow = await sim().addFault({ account: firm.username, pathPrefix: '/s3/', latencyMs: 10_000 });
    try {
      // Due a moment from now, and our worker is asked continuously from now on, so it claims the job
      // before the stack's 1 s sweep does (told apart by the lease length: ours is 3 s, the stack's 60 s).
      const [row] = await sql<{ id: string }[]>`
        insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
        values (${firm.id}, 'sync_matter', ${matter.id}, 'auto', now() + interval '300 milliseconds') returning id`;
      let asking = true;
      const asks: Promise<unknown>[] = [];
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
      expect(claimed.status).toBe('running');
      expect(claimed.leaseLeftMs, 'our 3 s-lease worker claimed the job, not the stack sweep').toBeLessThan(10_000);

      // Mid-way: the first document's file record exists in Smokeball, its bytes not yet.
      await waitFor(async () => (await sim().state(firm.username)).accounts[0].files.length > 0, { timeoutMs: 20_000, what: 'the first file record' });
      worker.kill();
      const killedAt = Date.now();
      await sim().removeFault(slow.id);

      const done = await waitForJob(sql, row.id, (j) => !['queued', 'running'].includes(j.status), 'the sweep to finish the job', 75_000);
      console.info(`[timing] worker killed → job ${done.status} by another claim after ${Date.now() - killedAt} ms`);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2, lastErrorCode: null });
      expect(await jobsOfMatter(sql, matter.id)).toHaveLength(1);

      const account = await settledSimAccount(firm.username);
      expect(account.matters).toHaveLength(1);
      expect(account.contacts).toHaveLength(1);
      const files = await waitForSimFiles(firm.username, docs.map((d) => d.id));
      // One record per document, uploaded: the record the killed worker created (bytes never arrived) is
      // found by its casehugDocumentId and uploaded to with a fresh URL, not created a second time.
      for (const doc of docs) {
        const records = files.get(doc.id)!;
        expect(records.map((f) => f.isUploaded), `file records of document ${doc.id}`).toEqual([true]);
        const [linked] = await sql`select smokeball_file_id from public.documents where id = ${doc.id}`;
        expect(linked.smokeball_file_id).toBe(records[0].id);
      }
      await Promise.allSettled(asks);
    } finally {
      await sim().removeFault(slow.id).catch(() => undefined);
    }
  });
});
