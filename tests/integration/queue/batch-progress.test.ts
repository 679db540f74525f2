// A bulk batch's progress as the app reads it (GET sync-matter?batchId=), from its jobs and each job's
// latest run, written here as the queue would have left them: succeeded, partial and failed add up with
// what remains to the total; a job superseded by a newer job of its matter (an approval's) follows that
// job and its run; items are paged in a stable order.
import { describe, expect, test } from 'vitest';
import * as api from '../../../shared/api/functions.ts';
import { expectAnswer } from '../../helpers/contract.ts';
import { createClient, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callFunction } from '../../helpers/stack.ts';

const sql = useSuperuserSql();
// Auto-sync off and jobs not due: nothing but this test touches the rows.
const firm = useConnectedFirm(sql, { autoSync: false });

async function job(matterId: string, batchId: string | null, status: string, at: string, errorCode: string | null = null): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger, batch_id, status, last_error_code, created_at, run_after)
    values (${firm.id}, 'sync_matter', ${matterId}, ${batchId ? 'bulk' : 'auto'}, ${batchId}, ${status}, ${errorCode},
            now() + ${at}::interval, now() + interval '1 hour')
    returning id`;
  return row.id;
}

async function run(matterId: string, jobId: string, status: 'running' | 'succeeded' | 'partial' | 'failed', errorCode: string | null = null): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_runs (firm_id, matter_id, job_id, trigger, status, error_code, finished_at)
    values (${firm.id}, ${matterId}, ${jobId}, 'bulk', ${status}, ${errorCode}, ${status === 'running' ? null : new Date()})
    returning id`;
  return row.id;
}

const progress = (batchId: string, query = '') =>
  expectAnswer(callFunction(`sync-matter?batchId=${batchId}${query}`, { method: 'GET', token: firm.memberToken }), api.BatchProgress);

describe('bulk progress', () => {
  test('succeeded, partial, failed, remaining and a superseded job that follows its matter', async () => {
    const client = await createClient(sql, firm.id);
    const matters = await Promise.all(Array.from({ length: 5 }, () => createMatter(sql, firm.id, client.id)));
    const [ok, partial, dead, queued, superseded] = matters.map((m) => m.id);
    const batchId = newId();
    const okRun = await run(ok, await job(ok, batchId, 'succeeded', '-5 minutes'), 'succeeded');
    const partialRun = await run(partial, await job(partial, batchId, 'succeeded', '-5 minutes'), 'partial', 'document_unavailable');
    const deadJob = await job(dead, batchId, 'dead', '-5 minutes', 'smokeball_bad_request');
    const deadRun = await run(dead, deadJob, 'failed', 'smokeball_bad_request');
    await job(queued, batchId, 'queued', '-5 minutes');
    // The batch's job was superseded by an approval's newer job of the same matter, which is running.
    await job(superseded, batchId, 'superseded', '-5 minutes', 'sync_in_progress');
    const newer = await job(superseded, null, 'running', '-1 minutes');
    const newerRun = await run(superseded, newer, 'running');

    const first = await progress(batchId);
    expect(first).toMatchObject({ batchId, total: 5, succeeded: 1, partial: 1, failed: 1, remaining: 2, finishedAt: null, offset: 0, limit: 100 });
    const items = new Map(first.items.map((i) => [i.matterId, i]));
    expect(items.get(ok)).toEqual({ matterId: ok, status: 'succeeded', runId: okRun, errorCode: null });
    expect(items.get(partial)).toEqual({ matterId: partial, status: 'partial', runId: partialRun, errorCode: 'document_unavailable' });
    expect(items.get(dead)).toEqual({ matterId: dead, status: 'failed', runId: deadRun, errorCode: 'smokeball_bad_request' });
    expect(items.get(queued)).toEqual({ matterId: queued, status: 'queued', runId: null, errorCode: null });
    expect(items.get(superseded)).toEqual({ matterId: superseded, status: 'running', runId: newerRun, errorCode: null });

    // The newer job ends: the superseded matter counts as succeeded, and the batch finishes once the last one does.
    await sql`update public.sync_runs set status = 'succeeded', finished_at = now() where id = ${newerRun}`;
    await sql`update public.sync_jobs set status = 'succeeded' where id = ${newer}`;
    await sql`update public.sync_jobs set status = 'succeeded' where firm_id = ${firm.id} and subject_id = ${queued}`;
    const done = await progress(batchId);
    expect(done).toMatchObject({ total: 5, succeeded: 3, partial: 1, failed: 1, remaining: 0, finishedAt: expect.any(String) });
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));

    // Paged in matter-id order: the pages together are the whole list, once each.
    const pages = [await progress(batchId, '&limit=2'), await progress(batchId, '&limit=2&offset=2'), await progress(batchId, '&limit=2&offset=4')];
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((i) => i.matterId))).toEqual([...matters.map((m) => m.id)].sort());
  });
});
