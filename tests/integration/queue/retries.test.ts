// Failed jobs: retried with backoff until they succeed, `dead` at once when retrying cannot help or
// when the budget is spent (the error kept, readable by the firm), parked while the connection needs
// re-authorisation.
import { describe, expect, test } from 'vitest';
import { connectFirm } from '../../helpers/connect.ts';
import { asActor, createClient, createMatter } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { jobsOfMatter, runsOfMatter, waitForJob, waitForSimFiles } from '../../helpers/queue.ts';
import { accountRequests, bookmark, createConnectedFirm, createMatterWithDocuments, settledSimAccount, sim, withFault, type ConnectedFirm } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();

/** A matter with one pending document of `firm` whose bytes are in Storage. */
async function matterWithPendingDocument(firm: ConnectedFirm) {
  const { matter, documents } = await createMatterWithDocuments(sql, firm.id, 1, { status: 'pending', caseType: 'will', bytes: 1024 });
  return { matter, doc: documents[0] };
}

const approve = (documentId: string) => sql`update public.documents set status = 'approved', approved_at = now() where id = ${documentId}`;

async function theMatterJob(matterId: string) {
  return waitFor(async () => (await jobsOfMatter(sql, matterId))[0], { what: 'the matter to have a job' });
}

describe('job retries', () => {
  test('a job whose first 3 attempts get 503 from Smokeball succeeds on a retry, with no duplicate matter', { timeout: 120_000 }, async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, doc } = await matterWithPendingDocument(firm);
    const since = await bookmark(firm.accountId);
    const started = Date.now();
    const job = await withFault({ account: firm.username, endpoint: 'POST /matters', status: 503, count: 3 }, async () => {
      await approve(doc.id);
      const queued = await theMatterJob(matter.id);
      return waitForJob(sql, queued.id, (j) => j.status === 'succeeded' || j.status === 'dead', 'the job to end', 110_000);
    });
    const tookMs = Date.now() - started;
    console.info(`[timing] 3×503 on POST /matters → job ${job.status} after ${job.attempts} attempts in ${tookMs} ms`);

    expect(job).toMatchObject({ status: 'succeeded', attempts: 4, lastErrorCode: null });
    const creates = (await accountRequests(firm.accountId, since)).filter((r) => r.endpoint === 'POST /matters');
    expect(creates.map((r) => r.status)).toEqual([503, 503, 503, 202]);
    const runs = await runsOfMatter(sql, matter.id);
    expect(runs.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'succeeded']);
    expect(runs.slice(0, 3).every((r) => r.errorCode === 'smokeball_unavailable')).toBe(true);

    const account = await settledSimAccount(firm.username);
    expect(account.matters).toHaveLength(1);
    expect((await waitForSimFiles(firm.username, [doc.id])).get(doc.id)).toEqual([expect.objectContaining({ isUploaded: true })]);
  });

  test('a job Smokeball refuses with 400 ends dead at once, its error readable by a member of the firm', async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, doc } = await matterWithPendingDocument(firm);
    const job = await withFault({ account: firm.username, endpoint: 'POST /matters', status: 400, count: 1 }, async () => {
      await approve(doc.id);
      const queued = await theMatterJob(matter.id);
      return waitForJob(sql, queued.id, (j) => !['queued', 'running'].includes(j.status), 'the job to end');
    });
    expect(job).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'smokeball_bad_request' });
    expect(job.lastErrorMessage).toMatch(/Smokeball rejected the request \(status 400\) \(POST \/matters\)/);

    const seen = await asActor(sql, { role: 'authenticated', userId: firm.memberId }, (tx) => tx`
      select id, status, last_error_code, last_error_message from public.sync_jobs where subject_id = ${matter.id}`);
    expect(seen).toEqual([{ id: job.id, status: 'dead', last_error_code: 'smokeball_bad_request', last_error_message: job.lastErrorMessage }]);
    const runsSeen = await asActor(sql, { role: 'authenticated', userId: firm.memberId }, (tx) => tx`
      select status, error_code from public.sync_runs where job_id = ${job.id}`);
    expect(runsSeen).toEqual([{ status: 'failed', error_code: 'smokeball_bad_request' }]);

    // Another firm's member sees none of it.
    const other = await createConnectedFirm(sql);
    const hidden = await asActor(sql, { role: 'authenticated', userId: other.memberId }, (tx) => tx`
      select id from public.sync_jobs where subject_id = ${matter.id}`);
    expect(hidden).toEqual([]);
  });

  test('a job past its budget ends dead with its error', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const job = await withFault({ account: firm.username, endpoint: 'POST /matters', status: 503, count: 1 }, async () => {
      // One attempt in all: the retryable 503 spends the budget.
      const [row] = await sql<{ id: string }[]>`
        insert into public.sync_jobs (firm_id, kind, subject_id, trigger, max_attempts)
        values (${firm.id}, 'sync_matter', ${matter.id}, 'auto', 1) returning id`;
      return waitForJob(sql, row.id, (j) => !['queued', 'running'].includes(j.status), 'the job to end');
    });
    expect(job).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'smokeball_unavailable' });
    expect(job.lastErrorMessage).toMatch(/Smokeball is unavailable \(status 503\)/);
  });

  test('a job whose worker died with no attempts left ends dead as interrupted, not claimed again', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const [row] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, status, attempts, max_attempts, locked_by, locked_until)
      values (${firm.id}, 'sync_matter', ${matter.id}, 'auto', 'running', 3, 3, 'sync-worker:gone', now() - interval '1 second')
      returning id`;
    const job = await waitForJob(sql, row.id, (j) => j.status !== 'running', 'the sweep to end the interrupted job');
    expect(job).toMatchObject({ status: 'dead', attempts: 3, lastErrorCode: 'sync_interrupted', lockedBy: null });
    expect(await runsOfMatter(sql, matter.id)).toEqual([]);
  });
});

describe('a connection that needs re-authorisation', () => {
  test('parks the job without burning attempts; it runs after the firm reconnects', { timeout: 60_000 }, async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, doc } = await matterWithPendingDocument(firm);
    // Smokeball revokes the grant: the job's first call gets 401, the refresh gets invalid_grant.
    await sim().revoke(firm.username);
    await approve(doc.id);
    const queued = await theMatterJob(matter.id);
    const parked = await waitForJob(sql, queued.id, (j) => j.status === 'queued' && j.lastErrorCode === 'smokeball_reauth_required', 'the job to be parked');
    expect(parked.attempts).toBe(0);
    const [connection] = await sql`select status from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection.status).toBe('needs_reauth');

    // While the connection waits, later sweeps leave the job alone: a job of another firm queued after it
    // runs to the end, and the parked one is still queued with no attempt spent.
    const other = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const otherClient = await createClient(sql, other.id);
    const otherMatter = await createMatter(sql, other.id, otherClient.id, { caseType: 'will' });
    const [probe] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${other.id}, 'sync_matter', ${otherMatter.id}, 'auto') returning id`;
    await waitForJob(sql, probe.id, (j) => j.status === 'succeeded', 'a later job of another firm to succeed');
    // And one more sweep after that one (the first may have claimed before the probe was due).
    const [probe2] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${other.id}, 'sync_matter', ${otherMatter.id}, 'auto') returning id`;
    await waitForJob(sql, probe2.id, (j) => j.status === 'succeeded', 'a second later job of another firm to succeed');
    expect(await jobsOfMatter(sql, matter.id)).toEqual([expect.objectContaining({ id: queued.id, status: 'queued', attempts: 0 })]);

    // The admin connects Smokeball again: the connection is `connected` and the job runs.
    await connectFirm(firm.adminToken, firm.username);
    const done = await waitForJob(sql, queued.id, (j) => j.status === 'succeeded', 'the parked job to run after the reconnect');
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, lastErrorCode: null });
    const [linked] = await sql`select smokeball_file_id from public.documents where id = ${doc.id}`;
    expect(linked.smokeball_file_id).not.toBeNull();
  });
});
