// Fair claiming (migration 20261201180100_fair_claims.sql): jobs are claimed round-robin across firms, so
// one firm's thousands of queued jobs do not put another firm's single job behind them.
import { expect, test } from 'vitest';
import { newId, type Tx } from '../../helpers/db.ts';
import { useConnectedFirms, useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql();
// Auto-sync off: nothing but this test's own jobs exists for these firms.
const [firmA, firmB] = useConnectedFirms(sql, 2, { autoSync: false });

class Rollback extends Error {}

/** Runs `fn` in a transaction that is rolled back: the stack's workers never see these jobs. */
async function rolledBack(fn: (tx: Tx) => Promise<void>) {
  await sql.begin(async (tx) => {
    await fn(tx);
    throw new Rollback();
  }).catch((error) => {
    if (!(error instanceof Rollback)) throw error;
  });
}

const insertJobs = (tx: Tx, firmId: string, count: number, trigger: string, createdSecondsAgo: number) => tx`
  insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after, created_at)
  select ${firmId}, 'sync_matter', gen_random_uuid(), ${trigger}, now() - make_interval(secs => ${createdSecondsAgo} - g),
         now() - make_interval(secs => ${createdSecondsAgo} - g)
  from generate_series(1, ${count}) g`;

/**
 * The next `count` claims of this test's firms, one claim at a time: jobs other test files queue at the
 * same time are not ours, and each such claim is left out (the transaction is rolled back anyway).
 * Round-robin ranks each firm's jobs on their own, so the order between our two firms does not depend
 * on how many other firms have due jobs.
 */
async function claimOurs(tx: Tx, count: number, firmIds: string[]): Promise<{ id: string; firm_id: string }[]> {
  const ours: { id: string; firm_id: string }[] = [];
  for (let attempt = 0; ours.length < count && attempt < count + 500; attempt++) {
    const [job] = await tx<{ id: string; firm_id: string }[]>`select id, firm_id from private.claim_sync_jobs(${`fair-${newId()}`}, 1, 60)`;
    if (!job) break;
    if (firmIds.includes(job.firm_id)) ours.push(job);
  }
  return ours;
}

test("100 queued jobs of firm A and 1 of firm B: B's job is among the next claims", async () => {
  await rolledBack(async (tx) => {
    // A's 100 jobs are all older than B's one.
    await insertJobs(tx, firmA.id, 100, 'bulk', 1000);
    await insertJobs(tx, firmB.id, 1, 'bulk', 10);
    // One job a claim, as each sync-worker lane claims: with FIFO B's job would need 101 claims; taking
    // turns, B's job is the second (A's oldest job goes first, then the firm that has not had a turn).
    const first = await claimOurs(tx, 10, [firmA.id, firmB.id]);
    expect(first.slice(0, 2).map((j) => j.firm_id)).toEqual([firmA.id, firmB.id]);
    const [{ queued }] = await tx`select count(*)::int as queued from public.sync_jobs where firm_id = ${firmA.id} and status = 'queued'`;
    expect(queued).toBeGreaterThanOrEqual(90);
  });
});

test('one claim at a time, firms of one class take turns whatever the age of their jobs', async () => {
  await rolledBack(async (tx) => {
    await insertJobs(tx, firmA.id, 20, 'bulk', 1000);
    await insertJobs(tx, firmB.id, 3, 'bulk', 10);
    const claimed = await claimOurs(tx, 8, [firmA.id, firmB.id]);
    const a = firmA.id;
    const b = firmB.id;
    expect(claimed.map((j) => j.firm_id)).toEqual([a, b, a, b, a, b, a, a]);
  });
});

test('claims alternate between firms, and within a firm a manual sync goes before bulk and auto', async () => {
  await rolledBack(async (tx) => {
    await insertJobs(tx, firmA.id, 20, 'bulk', 1000);
    await insertJobs(tx, firmA.id, 1, 'manual', 5);
    await insertJobs(tx, firmB.id, 3, 'auto', 500);
    const claimed = await claimOurs(tx, 6, [firmA.id, firmB.id]);
    // Each firm gets every other turn while both have jobs: B's 3 are claimed within the first 6.
    expect(claimed.filter((j) => j.firm_id === firmB.id)).toHaveLength(3);
    const [{ manual }] = await tx`
      select status as manual from public.sync_jobs where firm_id = ${firmA.id} and trigger = 'manual'`;
    // A's manual job was A's first turn though it is its newest.
    expect(manual).toBe('running');
  });
});

test('a job claimed by one worker is not claimed again by a concurrent one', async () => {
  const firm = firmA;
  const jobIds = (await sql<{ id: string }[]>`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
    select ${firm.id}, 'sync_matter', gen_random_uuid(), 'bulk', now() + interval '1 hour'
    from generate_series(1, 10) returning id`).map((r) => r.id);
  try {
    await sql`update public.sync_jobs set run_after = now() - interval '1 second' where id = any(${jobIds}::uuid[])`;
    const worker = (n: number) => sql.begin((tx) => tx<{ id: string }[]>`select id from private.claim_sync_jobs(${`w${n}`}, 5, 60, ${firm.id})`);
    const claims = (await Promise.all([1, 2, 3, 4].map(worker))).flat().map((r) => r.id);
    expect(new Set(claims).size).toBe(claims.length);
  } finally {
    await sql`delete from public.sync_jobs where id = any(${jobIds}::uuid[])`;
  }
});
