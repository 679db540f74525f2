// sync-matter { matterId } answers within a bounded time (shared/sync/matter/sync-within.ts): a sync that is
// not done by then answers 202 with its run, and the matter's queued job continues that same run to the
// end — every document uploaded exactly once; a sync done in time answers 200 with its full result.
// The bounded case runs its own sync-matter process with a short SYNC_MATTER_ANSWER_WITHIN_MS, and the
// simulator takes this firm's matter creates slowly; the stack's job pump runs the queued job.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { jobsOfMatter, runsOfMatter, startFunctionProcess, waitForJob, waitForSimFiles } from '../../helpers/queue.ts';
import { accountRequests, bookmark, createMatterWithDocuments, requestSync, withFault } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const ANSWER_WITHIN_MS = 1_500;
/** Each matter create of this firm's account takes this long: the sync cannot finish within the bound, and
 * stops at its next checkpoint (before the bulk call for the documents). */
const MATTER_CREATE_LATENCY_MS = 2_500;
const DOCUMENTS = 5;

const sql = useSuperuserSql();
// Auto-sync off: approving the documents queues nothing; only the hand-off queues a job.
const firm = useConnectedFirm(sql, { autoSync: false });
let bounded: Awaited<ReturnType<typeof startFunctionProcess>>;
beforeAll(async () => {
  bounded = await startFunctionProcess('sync-matter', { SYNC_MATTER_ANSWER_WITHIN_MS: String(ANSWER_WITHIN_MS) });
});
afterAll(() => bounded?.stop());

const matterWithDocuments = (count: number) =>
  createMatterWithDocuments(sql, firm.id, count, { status: 'approved', caseType: 'will', fileName: (i) => `bounded-${i}.pdf`, bytes: 2048 });

function syncThroughBoundedFunction(matterId: string): Promise<Response> {
  return fetch(bounded.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${firm.memberToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ matterId }),
  });
}

type RunRow = { status: string; job_id: string | null; counts: Record<string, number>; steps: { step: string; outcome: string }[]; error_code: string | null };

describe('sync-matter answers within its bound', () => {
  test('a sync that cannot finish in time answers 202 with its run; the queued job finishes that run, each document uploaded once', { timeout: 90_000 }, async () => {
    const { matter, documents } = await matterWithDocuments(DOCUMENTS);
    const since = await bookmark(firm.accountId);

    const run = await withFault(
      { account: firm.accountId, endpoint: 'POST /matters', latencyMs: MATTER_CREATE_LATENCY_MS },
      async () => {
        const res = await syncThroughBoundedFunction(matter.id);
        expect(res.status).toBe(202);
        const answer = await res.json();
        expect(answer).toEqual({ runId: expect.any(String), jobId: expect.any(String), matterId: matter.id, status: 'running' });

        // The answer is backed by the database: the run is running and names the job that continues it.
        const [row] = await sql<RunRow[]>`select status, job_id from public.sync_runs where id = ${answer.runId}`;
        expect(row).toMatchObject({ status: 'running', job_id: answer.jobId });

        const finished = await waitFor(async () => {
          const [r] = await sql<RunRow[]>`select status, job_id, counts, steps, error_code from public.sync_runs where id = ${answer.runId}`;
          return r.status !== 'running' && r;
        }, { timeoutMs: 60_000, intervalMs: 100, what: 'the handed-off run to finish' });
        return { answer, finished };
      },
    );

    expect(run.finished).toMatchObject({ status: 'succeeded', error_code: null, counts: { uploaded: DOCUMENTS, skipped: 0, failed: 0 } });
    expect(run.finished.steps.some((s) => s.step === 'handoff')).toBe(true);
    // The job that continued it is the one the answer named, and it succeeded.
    expect(await waitForJob(sql, run.answer.jobId, (j) => j.status === 'succeeded', 'the continuing job to succeed')).toMatchObject({ trigger: 'manual' });
    // One run in the history for this matter, and one job: the continuation is not a second sync.
    expect((await runsOfMatter(sql, matter.id)).map((r) => r.id)).toEqual([run.answer.runId]);
    expect((await jobsOfMatter(sql, matter.id)).map((j) => j.id)).toEqual([run.answer.jobId]);

    // Exactly once in Smokeball: the five files asked for in one bulk call, whichever part of the run
    // uploaded them (the continuation uploads to the files already created), each with its bytes.
    const creates = (await accountRequests(firm.accountId, since)).filter((r) => r.endpoint.startsWith('POST /matters/{id}/documents/files') && r.status < 300);
    expect(creates.map((r) => r.endpoint)).toEqual(['POST /matters/{id}/documents/files/bulk']);
    const files = await waitForSimFiles(firm.username, documents.map((d) => d.id));
    for (const doc of documents) expect(files.get(doc.id)).toEqual([expect.objectContaining({ isUploaded: true })]);
    const links = await sql<{ smokeball_file_id: string | null }[]>`select smokeball_file_id from public.documents where matter_id = ${matter.id}`;
    expect(links.every((l) => l.smokeball_file_id !== null)).toBe(true);
  });

  test('a sync done in time answers 200 with its full result and queues nothing', async () => {
    const { matter } = await matterWithDocuments(1);
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      runId: expect.any(String),
      status: 'succeeded',
      contact: { id: expect.any(String), action: expect.any(String) },
      matter: { id: expect.any(String), action: 'created' },
      counts: { uploaded: 1, skipped: 0, failed: 0 },
      apiCalls: expect.any(Number),
    });
    expect(await jobsOfMatter(sql, matter.id)).toEqual([]);
    const [run] = await runsOfMatter(sql, matter.id);
    expect(run).toMatchObject({ status: 'succeeded', jobId: null });
  });
});
