// Bulk sync: `sync-matter` with `{ all: true }` (admin) or `{ matterIds }` queues one job per
// matter under a batch id; the queue runs them through the shared rate limiter, so 100 matters of 3
// firms reach Smokeball with no 429; `GET sync-matter?batchId=` shows the progress to the firm only.
import { describe, expect, test } from 'vitest';
import * as api from '../../../shared/api/functions.ts';
import { createClient, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirms, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { conforming } from '../../helpers/contract.ts';
import { callFunction } from '../../helpers/stack.ts';
import { settledSimAccount, sim } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql({ max: 4 });
// Auto-sync off: only the bulk jobs touch these accounts.
const firms = useConnectedFirms(sql, 3, { autoSync: false });

type Progress = api.BatchProgress;

// Every answer is checked against the contract (a success's schema, or the error envelope).
const postSync = async (token: string, body: unknown) =>
  conforming(
    await callFunction('sync-matter', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    api.BulkSyncAccepted,
  );
const getBatch = async (token: string, batchId: string) => conforming(await callFunction(`sync-matter?batchId=${batchId}`, { method: 'GET', token }), api.BatchProgress);

async function createMatters(firmId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const client = await createClient(sql, firmId);
    ids.push((await createMatter(sql, firmId, client.id, { caseType: i % 2 ? 'will' : 'divorce_standard' })).id);
  }
  return ids;
}

async function waitForBatch(token: string, batchId: string, timeoutMs: number): Promise<Progress> {
  return waitFor(async () => {
    const res = await getBatch(token, batchId);
    if (res.status !== 200) throw new Error(`batch progress answered ${res.status}: ${await res.text()}`);
    const progress = api.BatchProgress.parse(await res.json());
    return progress.remaining === 0 && progress;
  }, { timeoutMs, intervalMs: 250, what: `batch ${batchId} to finish` });
}

describe('bulk sync', () => {
  test('100 matters across 3 firms complete with no 429 from Smokeball', { timeout: 240_000 }, async () => {
    const counts = [34, 33, 33];
    const matterIds = await Promise.all(firms.map((f, i) => createMatters(f.id, counts[i])));
    const throttledBefore = (await sim().stats()).throttled;

    const started = Date.now();
    const batches = await Promise.all(firms.map(async (firm, i) => {
      const res = await postSync(firm.adminToken, { all: true });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { batchId: string; queued: number; alreadyQueued: number };
      expect(api.BulkSyncAccepted.parse(body)).toEqual({ batchId: expect.any(String), queued: counts[i], alreadyQueued: 0, joined: 0, notFound: [] });
      return body.batchId;
    }));
    // Progress is readable while it runs, by any member of the firm.
    const early = (await (await getBatch(firms[0].memberToken, batches[0])).json()) as Progress;
    expect(early).toMatchObject({ batchId: batches[0], total: 34 });
    expect(early.succeeded + early.partial + early.failed + early.remaining).toBe(34);

    const finals = await Promise.all(firms.map((f, i) => waitForBatch(f.memberToken, batches[i], 220_000)));
    const wallMs = Date.now() - started;
    finals.forEach((p, i) => expect(p).toMatchObject({ batchId: batches[i], total: counts[i], succeeded: counts[i], partial: 0, failed: 0, remaining: 0, finishedAt: expect.any(String) }));

    const accounts = new Set(firms.map((f) => f.accountId));
    const ours = (await sim().requests()).filter((r) => r.accountId !== null && accounts.has(r.accountId));
    const throttled = ours.filter((r) => r.throttled || r.status === 429);
    const throttledAll = (await sim().stats()).throttled - throttledBefore;
    console.info(`[timing] bulk sync of 100 matters (3 firms): ${wallMs} ms wall, ${ours.length} Smokeball requests, ` +
      `${throttled.length} of ours throttled, ${throttledAll} throttled in the whole simulator meanwhile`);
    expect(throttled).toEqual([]);

    for (const [i, firm] of firms.entries()) {
      const account = await settledSimAccount(firm.username);
      expect(account.matters).toHaveLength(counts[i]);
      const [linked] = await sql`
        select count(*)::int as n from public.matters where firm_id = ${firm.id} and smokeball_matter_id is not null`;
      expect(linked.n).toBe(counts[i]);
    }
    // One job and one run per matter, all by the bulk trigger.
    const [jobs] = await sql`
      select count(*)::int as n, count(*) filter (where status = 'succeeded' and attempts = 1 and trigger = 'bulk')::int as ok
      from public.sync_jobs where subject_id = any(${matterIds.flat()}::uuid[])`;
    expect(jobs).toEqual({ n: 100, ok: 100 });
  });

  test('a member syncs the matters they name; unknown ids alone are 404', async () => {
    const firm = firms[0];
    const ids = await createMatters(firm.id, 2);
    const unknownId = newId();
    const res = await postSync(firm.memberToken, { matterIds: [ids[0], ids[1], ids[0], unknownId] });
    expect(res.status).toBe(202);
    const body = api.BulkSyncAccepted.parse(await res.json());
    expect(body).toEqual({ batchId: expect.any(String), queued: 2, alreadyQueued: 0, joined: 0, notFound: [unknownId] });
    expect(await waitForBatch(firm.memberToken, body.batchId!, 30_000)).toMatchObject({ total: 2, succeeded: 2, failed: 0 });

    const unknown = await postSync(firm.memberToken, { matterIds: [newId(), newId()] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // Another firm's matters are unknown here.
    const foreign = await createMatters(firms[1].id, 1);
    const other = await postSync(firm.memberToken, { matterIds: foreign });
    expect(other.status).toBe(404);
    expect(await sql`select 1 from public.sync_jobs where subject_id = ${foreign[0]}`).toHaveLength(0);
  });

  test('a member may not sync every matter (403), a malformed body is 400', async () => {
    const firm = firms[1];
    const all = await postSync(firm.memberToken, { all: true });
    expect(all.status).toBe(403);
    expect(((await all.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    for (const [body, code] of [
      ['{"all":', 'invalid_json'],
      [{ all: false }, 'invalid_body'],
      [{ matterIds: [] }, 'invalid_body'],
      [{ matterIds: ['not-a-uuid'] }, 'invalid_body'],
      [{ all: true, matterIds: [newId()] }, 'invalid_body'],
    ] as const) {
      const res = await postSync(firm.adminToken, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  test("a firm cannot read another firm's batch progress (404)", async () => {
    const [a, b] = [firms[2], firms[1]];
    const [matterId] = await createMatters(a.id, 1);
    const res = await postSync(a.adminToken, { matterIds: [matterId] });
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: string };
    expect((await getBatch(a.memberToken, batchId)).status).toBe(200);
    for (const token of [b.memberToken, b.adminToken]) {
      const other = await getBatch(token, batchId);
      expect(other.status).toBe(404);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    expect((await getBatch(a.memberToken, newId())).status).toBe(404);
    expect((await getBatch(a.memberToken, 'nope')).status).toBe(400);
    await waitForBatch(a.memberToken, batchId, 30_000);
  });
});
