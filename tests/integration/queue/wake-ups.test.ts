// The queue's wake-ups, counted on real Postgres: a statement that queues jobs sends ONE wake-up (the
// NOTIFY the local pump listens to; in production the same function also calls sync-worker through
// pg_net), whatever the number of rows it approved; a statement that queues nothing sends none.
//
// Counting: the test LISTENs on the wake-up channel and keeps the wake-ups that name its own firm (other
// test files run statements meanwhile). After the statements under test it sends a sentinel NOTIFY;
// notifications arrive in commit order, so once the sentinel is in, every earlier wake-up is too.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { WAKE_CHANNEL, startJobPump } from '../../../dev/job-pump.ts';
import { createClient, createFirm, createMatter, newId } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
const listener = useSuperuserSql({ max: 1 });
const received: { firmIds?: string[]; sentinel?: string }[] = [];

beforeAll(async () => {
  await listener.listen(WAKE_CHANNEL, (payload) => {
    const body = JSON.parse(payload) as { firm_ids?: string[]; sentinel?: string };
    received.push({ firmIds: body.firm_ids, sentinel: body.sentinel });
  });
});

/** Runs `statements`, then returns the wake-ups that named `firmId`, each as its list of firm ids. */
async function wakeUpsOf(firmId: string, statements: () => Promise<unknown>): Promise<string[][]> {
  const from = received.length;
  await statements();
  const sentinel = randomUUID();
  await sql`select pg_notify(${WAKE_CHANNEL}, ${JSON.stringify({ sentinel })})`;
  await waitFor(async () => received.slice(from).some((n) => n.sentinel === sentinel), { what: 'the sentinel notification' });
  return received
    .slice(from)
    .filter((n) => n.firmIds?.includes(firmId))
    .map((n) => n.firmIds!);
}

/**
 * A firm whose connection waits for re-authorisation: approvals queue jobs (auto-sync is on) but no
 * worker claims them, so the queue's rows stay as the statements left them.
 */
async function firmWithParkedConnection(options: { autoSync: boolean }) {
  const firm = await createFirm(sql);
  await sql`
    insert into public.smokeball_connections (firm_id, region, status, auto_sync)
    values (${firm.id}, 'US', 'needs_reauth', ${options.autoSync})`;
  const client = await createClient(sql, firm.id);
  const matters = [];
  for (let i = 0; i < 3; i++) matters.push(await createMatter(sql, firm.id, client.id));
  return { firm, matters };
}

/** One INSERT statement of `count` documents spread over `matters`. */
function insertDocuments(firmId: string, matterIds: string[], count: number, status: 'approved' | 'pending') {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = newId();
    const matterId = matterIds[i % matterIds.length]!;
    return {
      id,
      firm_id: firmId,
      matter_id: matterId,
      status,
      file_name: `wake-${i}.pdf`,
      storage_bucket: 'documents',
      storage_path: `${firmId}/${matterId}/${id}.pdf`,
      size_bytes: 1024,
      content_type: 'application/pdf',
      approved_at: status === 'approved' ? new Date() : null,
    };
  });
  return sql`insert into public.documents ${sql(rows)} returning id`;
}

const queuedJobs = (firmId: string) =>
  sql<{ subjectId: string; trigger: string }[]>`
    select subject_id as "subjectId", trigger from public.sync_jobs where firm_id = ${firmId} and status = 'queued' order by subject_id`;

describe('wake-ups are sent once per statement that queued a job', () => {
  test('a multi-row insert approving 20 documents of 3 matters sends one wake-up and queues one job per matter', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
    const wakes = await wakeUpsOf(firm.id, async () => {
      expect(await insertDocuments(firm.id, matters.map((m) => m.id), 20, 'approved')).toHaveLength(20);
    });
    expect(wakes).toEqual([[firm.id]]);
    expect((await queuedJobs(firm.id)).map((j) => j.subjectId)).toEqual(matters.map((m) => m.id).sort());
  });

  test('one UPDATE approving 20 pending documents sends one wake-up; a second statement for another matter sends its own', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
    await insertDocuments(firm.id, [matters[0]!.id, matters[1]!.id], 20, 'pending');
    const first = await wakeUpsOf(firm.id, () =>
      sql`update public.documents set status = 'approved', approved_at = now() where firm_id = ${firm.id} and status = 'pending'`);
    expect(first).toEqual([[firm.id]]);

    const second = await wakeUpsOf(firm.id, () => insertDocuments(firm.id, [matters[2]!.id], 1, 'approved'));
    expect(second).toEqual([[firm.id]]);
    expect(await queuedJobs(firm.id)).toHaveLength(3);
  });

  test('two approving statements in one transaction send two wake-ups (one per statement, as pg_net calls)', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
    const wakes = await wakeUpsOf(firm.id, () =>
      sql.begin(async (tx) => {
        await tx`insert into public.documents ${tx([{ firm_id: firm.id, matter_id: matters[0]!.id, status: 'approved', file_name: 'a.pdf', storage_path: `${firm.id}/${matters[0]!.id}/a.pdf`, size_bytes: 1 }])}`;
        await tx`insert into public.documents ${tx([{ firm_id: firm.id, matter_id: matters[1]!.id, status: 'approved', file_name: 'b.pdf', storage_path: `${firm.id}/${matters[1]!.id}/b.pdf`, size_bytes: 1 }])}`;
      }));
    expect(wakes).toEqual([[firm.id], [firm.id]]);
  });

  test('jobs queued directly in one statement (a bulk sync) send one wake-up; a webhook event’s job or a job due later sends none', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: false });
    const bulk = await wakeUpsOf(firm.id, () => sql`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, batch_id)
      select ${firm.id}, 'sync_matter', m, 'bulk', ${newId()} from unnest(${matters.map((m) => m.id)}::uuid[]) m`);
    expect(bulk).toEqual([[firm.id]]);

    // The webhook intake drains its own queue right after answering Smokeball; a wake-up would only add a call.
    const webhook = await wakeUpsOf(firm.id, () => sql`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${firm.id}, 'process_webhook', ${newId()}, 'webhook')`);
    expect(webhook).toEqual([]);

    // A job due later is left to the sweep: waking a worker now would find nothing to claim.
    const later = await wakeUpsOf(firm.id, () => sql`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
      values (${firm.id}, 'sync_matter', ${newId()}, 'manual', now() + interval '1 hour')`);
    expect(later).toEqual([]);
  });
});

describe('a reconnect wakes the jobs that waited for it', () => {
  test('the connection becoming connected again sends one wake-up when the firm has due queued jobs, none otherwise', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
    await insertDocuments(firm.id, matters.map((m) => m.id), 6, 'approved');
    expect(await queuedJobs(firm.id)).toHaveLength(3);
    // Reconnected, and the jobs removed in the same transaction: the wake-up is sent (at commit), and
    // the worker it calls finds nothing of this firm's to run without credentials.
    const reconnect = await wakeUpsOf(firm.id, () =>
      sql.begin(async (tx) => {
        await tx`update public.smokeball_connections set status = 'connected' where firm_id = ${firm.id}`;
        await tx`delete from public.sync_jobs where firm_id = ${firm.id}`;
      }));
    expect(reconnect).toEqual([[firm.id]]);

    const nothingWaiting = await wakeUpsOf(firm.id, async () => {
      await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;
      await sql`update public.smokeball_connections set status = 'connected' where firm_id = ${firm.id}`;
    });
    expect(nothingWaiting).toEqual([]);
  });
});

describe('statements that queue nothing send no wake-up', () => {
  test('approvals in a firm with auto-sync off', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: false });
    const wakes = await wakeUpsOf(firm.id, async () => {
      await insertDocuments(firm.id, matters.map((m) => m.id), 20, 'approved');
      await insertDocuments(firm.id, [matters[0]!.id], 3, 'pending');
      await sql`update public.documents set status = 'approved' where firm_id = ${firm.id} and status = 'pending'`;
    });
    expect(wakes).toEqual([]);
    expect(await queuedJobs(firm.id)).toEqual([]);
  });

  test('pending documents, edits that do not approve, and approvals that fold into a matter’s queued job', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
    // The matter's job is queued by this first approval (one wake-up) …
    expect(await wakeUpsOf(firm.id, () => insertDocuments(firm.id, [matters[0]!.id], 1, 'approved'))).toHaveLength(1);
    const wakes = await wakeUpsOf(firm.id, async () => {
      // … and every statement after it queues nothing.
      await insertDocuments(firm.id, matters.map((m) => m.id), 6, 'pending');
      await sql`update public.documents set file_name = 'renamed.pdf' where firm_id = ${firm.id} and status = 'pending'`;
      await sql`update public.documents set status = 'rejected' where firm_id = ${firm.id} and matter_id = ${matters[1]!.id}`;
      await insertDocuments(firm.id, [matters[0]!.id], 5, 'approved');
      await sql`update public.documents set status = 'approved' where firm_id = ${firm.id} and matter_id = ${matters[0]!.id} and status = 'pending'`;
      // Already approved: re-saving the status is not a new approval.
      await sql`update public.documents set status = 'approved' where firm_id = ${firm.id} and matter_id = ${matters[0]!.id}`;
    });
    expect(wakes).toEqual([]);
    expect((await queuedJobs(firm.id)).map((j) => j.subjectId)).toEqual([matters[0]!.id]);
  });

  test('a statement rolled back sends nothing', async () => {
    const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
    const wakes = await wakeUpsOf(firm.id, () =>
      sql
        .begin(async (tx) => {
          await tx`insert into public.documents ${tx(
            [{ firm_id: firm.id, matter_id: matters[0]!.id, status: 'approved', file_name: 'x.pdf', storage_path: `${firm.id}/${matters[0]!.id}/x.pdf`, size_bytes: 1 }],
          )}`;
          throw new Error('roll back');
        })
        .catch(() => undefined));
    expect(wakes).toEqual([]);
    expect(await queuedJobs(firm.id)).toEqual([]);
  });
});

describe('the local pump wakes on the same signal', () => {
  test('a wake-up makes the pump call sync-worker with the secret key, without waiting for its sweep', async () => {
    // A stand-in for the functions that records what the pump calls; the pump's sweep is an hour away.
    const calls: { path: string; apikey: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        calls.push({ path: req.url ?? '', apikey: req.headers.apikey as string | undefined, body });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pump = await startJobPump({
      dbUrl: inject('dbUrl'),
      functionsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1`,
      secretKey: 'sb_secret_pump_test',
      sweepIntervalMs: 3_600_000,
    });
    try {
      const { firm, matters } = await firmWithParkedConnection({ autoSync: true });
      const before = calls.length;
      await insertDocuments(firm.id, [matters[0]!.id], 2, 'approved');
      const call = await waitFor(async () => calls.slice(before)[0], { what: 'the pump to call a function' });
      expect(call).toEqual({ path: '/functions/v1/sync-worker', apikey: 'sb_secret_pump_test', body: '{}' });
    } finally {
      await pump.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
