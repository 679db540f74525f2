// Disconnect and reconnect lose nothing: queued jobs survive a disconnect (parked), approvals while
// disconnected or waiting for re-authorisation are queued (parked), the auto_sync choice is kept, and a
// reconnect to the same account resumes every parked job and catches up every approved document without
// a Smokeball file — each document ending in Smokeball exactly once.
import { describe, expect, test } from 'vitest';
import { connectFirm } from '../../helpers/connect.ts';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { jobsOfMatter, simFilesByDocument, waitForJob, waitForSimFiles } from '../../helpers/queue.ts';
import { createConnectedFirm, createMatterWithDocuments, sim, type ConnectedFirm } from '../../helpers/sync.ts';
import { callFunction } from '../../helpers/stack.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
/** A second firm whose jobs prove that the queue's sweeps ran past the parked ones. */
const bystander = useConnectedFirm(sql, { autoSync: false });

async function disconnect(token: string) {
  const res = await callFunction('disconnect', { method: 'POST', token });
  expect(res.status).toBe(200);
  return (await res.json()) as { disconnected: boolean; jobsParked: number };
}

/** A matter of `firm` with `count` pending documents whose bytes are in Storage. */
async function matterWithPendingDocuments(firm: ConnectedFirm, count: number) {
  const { matter, documents } = await createMatterWithDocuments(sql, firm.id, count, { status: 'pending', caseType: 'will', fileName: (i) => `doc-${i}.pdf`, bytes: 512 });
  return { matter, docs: documents };
}

const approve = (documentId: string) => sql`update public.documents set status = 'approved', approved_at = now() where id = ${documentId}`;

/**
 * Two jobs of another firm, queued after this point, run to the end: at least one full sweep of the
 * queue happened after the caller's jobs were queued (the first may have been claimed by a sweep that
 * started before them).
 */
async function sweepsRanPast() {
  const client = await createClient(sql, bystander.id);
  const matter = await createMatter(sql, bystander.id, client.id, { caseType: 'will' });
  for (let i = 0; i < 2; i++) {
    const [probe] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${bystander.id}, 'sync_matter', ${matter.id}, 'auto') returning id`;
    await waitForJob(sql, probe.id, (j) => j.status === 'succeeded', 'a later job of another firm to succeed');
  }
}

/** Waits until every document has its Smokeball file id; then each must have exactly one file in Smokeball. */
async function expectEachInSmokeballOnce(firm: ConnectedFirm, documentIds: string[]) {
  await waitFor(async () => {
    const [row] = await sql`select count(*)::int as n from public.documents where id = any(${documentIds}::uuid[]) and smokeball_file_id is not null`;
    return row.n === documentIds.length;
  }, { timeoutMs: 30_000, what: 'every document to be linked to a Smokeball file' });
  const byDocument = await waitForSimFiles(firm.username, documentIds);
  for (const id of documentIds) expect(byDocument.get(id)).toEqual([expect.objectContaining({ isUploaded: true })]);
  // And nothing else was uploaded to the account.
  const account = (await sim().state(firm.username)).accounts[0];
  expect(account.files).toHaveLength(documentIds.length);
}

describe('disconnect and reconnect lose nothing', () => {
  test('disconnect, approve 5 documents, reconnect: all 5 are in Smokeball, exactly once (and the one synced before stays single)', { timeout: 90_000 }, async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, docs } = await matterWithPendingDocuments(firm, 6);
    // One document synced while connected.
    await approve(docs[0].id);
    await expectEachInSmokeballOnce(firm, [docs[0].id]);

    expect((await disconnect(firm.adminToken)).disconnected).toBe(true);
    for (const doc of docs.slice(1)) await approve(doc.id);
    // Queued (one job for the matter: bursts coalesce), parked, and left alone by the sweeps.
    const waiting = (await jobsOfMatter(sql, matter.id)).filter((j) => j.status === 'queued');
    expect(waiting).toEqual([expect.objectContaining({ trigger: 'auto', attempts: 0, lastErrorCode: 'disconnected' })]);
    await sweepsRanPast();
    expect((await jobsOfMatter(sql, matter.id)).filter((j) => j.status === 'queued')).toEqual([expect.objectContaining({ id: waiting[0].id, attempts: 0 })]);
    expect(await sql`select 1 from public.documents where matter_id = ${matter.id} and smokeball_file_id is not null`).toHaveLength(1);

    await connectFirm(firm.adminToken, firm.username);
    await waitForJob(sql, waiting[0].id, (j) => j.status === 'succeeded', 'the parked job to run after the reconnect', 30_000);
    await expectEachInSmokeballOnce(firm, docs.map((d) => d.id));
    const account = (await sim().state(firm.username)).accounts[0];
    expect(account.matters).toHaveLength(1);
  });

  test('approvals while re-authorisation is needed are queued (parked) and synced exactly once after the reconnect', { timeout: 90_000 }, async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, docs } = await matterWithPendingDocuments(firm, 3);
    await sim().revoke(firm.username);
    await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;

    for (const doc of docs) await approve(doc.id);
    const waiting = (await jobsOfMatter(sql, matter.id)).filter((j) => j.status === 'queued');
    expect(waiting).toEqual([expect.objectContaining({ attempts: 0, lastErrorCode: 'smokeball_reauth_required' })]);
    await sweepsRanPast();
    expect((await jobsOfMatter(sql, matter.id)).filter((j) => j.status === 'queued')).toHaveLength(1);

    await connectFirm(firm.adminToken, firm.username);
    await expectEachInSmokeballOnce(firm, docs.map((d) => d.id));
  });

  test('a job queued before the disconnect survives it (parked) and runs after the reconnect; auto_sync off stays off', { timeout: 90_000 }, async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const { matter, docs } = await matterWithPendingDocuments(firm, 2);
    for (const doc of docs) await approve(doc.id);
    // A manual sync queued for later (e.g. a bulk sync still waiting its turn).
    const [job] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
      values (${firm.id}, 'sync_matter', ${matter.id}, 'bulk', now() + interval '1 hour') returning id`;

    expect(await disconnect(firm.adminToken)).toEqual(expect.objectContaining({ disconnected: true, jobsParked: 1 }));
    expect((await jobsOfMatter(sql, matter.id)).map((j) => [j.status, j.lastErrorCode])).toEqual([['queued', 'disconnected']]);

    await connectFirm(firm.adminToken, firm.username);
    const [connection] = await sql`select status, auto_sync from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection).toEqual({ status: 'connected', auto_sync: false });
    // Resumed now, not in an hour; auto-sync off, so no catch-up job beside it.
    const done = await waitForJob(sql, job.id, (j) => j.status === 'succeeded', 'the resumed job to run', 30_000);
    expect(done).toMatchObject({ attempts: 1, lastErrorCode: null });
    expect(await jobsOfMatter(sql, matter.id)).toHaveLength(1);
    await expectEachInSmokeballOnce(firm, docs.map((d) => d.id));
  });

  test('a reconnect catches up an approved document without a Smokeball file even when no job is left for it', { timeout: 90_000 }, async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, docs } = await matterWithPendingDocuments(firm, 1);
    await disconnect(firm.adminToken);
    await approve(docs[0].id);
    // Lost before this change (a disconnect deleted queued jobs): nothing in the queue for the matter.
    await sql`delete from public.sync_jobs where subject_id = ${matter.id}`;

    await connectFirm(firm.adminToken, firm.username);
    const jobs = await jobsOfMatter(sql, matter.id);
    expect(jobs).toEqual([expect.objectContaining({ trigger: 'auto' })]);
    await expectEachInSmokeballOnce(firm, [docs[0].id]);
  });

  test('a reconnect to a different Smokeball account (switchAccount) creates the records in the new account; the old one is left as it was', { timeout: 90_000 }, async () => {
    const firm = await createConnectedFirm(sql);
    const { matter, docs } = await matterWithPendingDocuments(firm, 2);
    await approve(docs[0].id);
    await expectEachInSmokeballOnce(firm, [docs[0].id]);
    const oldAccount = (await sim().state(firm.username)).accounts[0];

    await disconnect(firm.adminToken);
    await approve(docs[1].id);
    const newUsername = `new-${firm.id}`;
    await connectFirm(firm.adminToken, newUsername, { switchAccount: true });
    const switched: ConnectedFirm = { ...firm, username: newUsername, accountId: (await sim().state(newUsername)).accounts[0].accountId };

    // Both documents — the one linked in the old account too — end in the new account once each, under a
    // new matter and contact; the old links are in the history.
    await expectEachInSmokeballOnce(switched, docs.map((d) => d.id));
    const account = (await sim().state(newUsername)).accounts[0];
    expect(account.matters).toHaveLength(1);
    const [linked] = await sql`select smokeball_matter_id from public.matters where id = ${matter.id}`;
    expect(linked.smokeball_matter_id).toBe(account.matters[0].id);
    const history = await sql`select kind from public.smokeball_link_history where firm_id = ${firm.id} order by kind`;
    expect(history.map((h) => h.kind)).toEqual(['contact', 'document', 'matter']);
    const oldNow = (await sim().state(firm.username)).accounts[0];
    expect(oldNow.files.map((f) => f.id)).toEqual(oldAccount.files.map((f) => f.id));
    expect(oldNow.matters.map((m) => m.id)).toEqual(oldAccount.matters.map((m) => m.id));
  });

  test('a disconnected firm: sync-matter and bulk sync answer 409 not_connected', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const { matter } = await matterWithPendingDocuments(firm, 1);
    await disconnect(firm.adminToken);
    for (const body of [{ matterId: matter.id }, { matterIds: [matter.id] }]) {
      const res = await callFunction('sync-matter', {
        method: 'POST',
        token: firm.adminToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe('not_connected');
    }
  });
});
