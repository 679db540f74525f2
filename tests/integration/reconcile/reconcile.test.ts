// Reconciliation: with Smokeball's webhooks lost and a file deleted in Smokeball, one `reconcile` run (an
// admin's, on demand) repairs everything: the deleted subscription registered again, a matter and a
// contact changed in Smokeball applied, a matter and a contact deleted in Smokeball marked, and the document whose file
// is gone unlinked and uploaded again by the matter's queued sync. A second run finds nothing to repair
// and spends only a few calls. Each run is one sync_runs row (trigger 'reconcile') with its counts.
import { afterAll, describe, expect, test } from 'vitest';
import * as api from '../../../shared/api/functions.ts';
import { expectAnswer, expectError, readHistoryAsMember } from '../../helpers/contract.ts';
import { callInternal } from '../../helpers/queue.ts';
import { createClient, createDocument, createMatter } from '../../helpers/db.ts';
import { useConnectedFirms, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callFunction } from '../../helpers/stack.ts';
import { putDocumentObject, requestSync, settledSimAccount, sim, simAccount } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql({ max: 4 });
const [firm, other] = useConnectedFirms(sql, 2, { autoSync: false });
afterAll(() => sim().dropWebhooks(firm.username, false));

const postReconcile = (token: string, body = '{}') =>
  callFunction('reconcile', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body });

const getReconcile = (token: string, jobId: string) => callFunction(`reconcile?jobId=${jobId}`, { method: 'GET', token });

async function reconcileNow(token: string): Promise<NonNullable<api.ReconcileJob['run']>> {
  const { jobId } = await expectAnswer(postReconcile(token), api.ReconcileAccepted, 202);
  const view = await waitFor(async () => {
    const v = await expectAnswer(getReconcile(token, jobId), api.ReconcileJob, 200);
    return v.status !== 'queued' && v.status !== 'running' && v.run && v.run.status !== 'running' && v;
  }, { timeoutMs: 60_000, intervalMs: 250, what: 'the reconciliation to finish' });
  expect(view.status).toBe('succeeded');
  return view.run!;
}

/** A CaseHug matter with a client and an approved document, synced to Smokeball. */
async function syncedMatter(i: number) {
  const client = await createClient(sql, firm.id, { firstName: 'Recon', lastName: `Client ${i}` });
  const matter = await createMatter(sql, firm.id, client.id, { caseType: 'divorce_standard', title: `Matter ${i}` });
  const doc = await createDocument(sql, firm.id, matter.id, { status: 'approved' });
  await putDocumentObject(doc.storagePath);
  const res = await requestSync(firm.adminToken, matter.id);
  expect(res.status).toBe(200);
  const [row] = await sql<{ contactId: string; matterId: string; fileId: string }[]>`
    select c.smokeball_contact_id as "contactId", m.smokeball_matter_id as "matterId", d.smokeball_file_id as "fileId"
    from public.matters m join public.clients c on c.id = m.client_id join public.documents d on d.matter_id = m.id
    where m.id = ${matter.id}`;
  return { clientId: client.id, matterId: matter.id, documentId: doc.id, sb: row };
}

describe('reconcile', () => {
  test('with webhooks lost and a file deleted in Smokeball, one run repairs both, and the next finds nothing', { timeout: 180_000 }, async () => {
    const synced: Awaited<ReturnType<typeof syncedMatter>>[] = [];
    for (let i = 0; i < 4; i++) synced.push(await syncedMatter(i));
    await settledSimAccount(firm.username);
    // The links were made some time ago (reconciliation leaves links made moments ago alone).
    for (const table of ['clients', 'matters', 'documents'] as const) {
      await sql`update ${sql('public.' + table)} set smokeball_synced_at = now() - interval '10 minutes' where firm_id = ${firm.id}`;
    }

    // In Smokeball, with every webhook lost: edits, a deleted file, a deleted matter, and the subscription gone.
    const droppedBefore = (await sim().stats()).webhooksDropped;
    await sim().dropWebhooks(firm.username, true);
    await sim().editMatter(firm.username, synced[0].sb.matterId, { description: 'Renamed in Smokeball', status: 'Pending' });
    const newEmail = `changed-${firm.id}@example.com`;
    await sim().editContact(firm.username, synced[1].sb.contactId, { person: { email: newEmail } });
    await sim().deleteFile(firm.username, synced[2].sb.fileId);
    await sim().deleteMatter(firm.username, synced[3].sb.matterId);
    await sim().deleteContact(firm.username, synced[3].sb.contactId);
    const [subscription] = (await simAccount(firm.username)).subscriptions;
    await sim().deleteSubscription(firm.username, subscription.id);
    expect((await sim().stats()).webhooksDropped - droppedBefore).toBeGreaterThanOrEqual(2);
    const [before] = await sql<{ title: string }[]>`select title from public.matters where id = ${synced[0].matterId}`;
    expect(before.title).toBe('Matter 0');

    const run = await reconcileNow(firm.adminToken);
    expect(run.counts).toMatchObject({
      subscriptionsRepaired: 1,
      mattersUpdated: 1,
      mattersDeleted: 1,
      contactsUpdated: 1,
      contactsDeleted: 1,
      documentsRequeued: 1,
      repaired: 6,
    });
    expect(run.counts.mattersChecked).toBe(4);
    expect(run.counts.contactsChecked).toBe(4);

    // The history row, and what it repaired.
    const [history] = await sql<{ trigger: string; matterId: string | null }[]>`select trigger, matter_id as "matterId" from public.sync_runs where id = ${run.id}`;
    expect(history).toEqual({ trigger: 'reconcile', matterId: null });
    const [renamed] = await sql<{ title: string; status: string }[]>`select title, status from public.matters where id = ${synced[0].matterId}`;
    expect(renamed).toEqual({ title: 'Renamed in Smokeball', status: 'pending' });
    const [client] = await sql<{ email: string }[]>`select email from public.clients where id = ${synced[1].clientId}`;
    expect(client.email).toBe(newEmail);
    const marks = await sql<{ id: string }[]>`select id from public.matters where firm_id = ${firm.id} and smokeball_deleted_at is not null`;
    expect(marks.map((m) => m.id)).toEqual([synced[3].matterId]);
    const clientMarks = await sql<{ id: string }[]>`select id from public.clients where firm_id = ${firm.id} and smokeball_deleted_at is not null`;
    expect(clientMarks.map((c) => c.id)).toEqual([synced[3].clientId]);
    const account = await simAccount(firm.username);
    expect(account.subscriptions).toHaveLength(1);
    const [recorded] = await sql<{ id: string }[]>`select smokeball_subscription_id as id from public.webhook_subscriptions where firm_id = ${firm.id}`;
    expect(recorded.id).toBe(account.subscriptions[0].id);

    // The document whose file was deleted is uploaded again by the matter's queued sync.
    const reuploaded = await waitFor(async () => {
      const [doc] = await sql<{ fileId: string | null }[]>`select smokeball_file_id as "fileId" from public.documents where id = ${synced[2].documentId}`;
      return doc.fileId && doc.fileId !== synced[2].sb.fileId && doc.fileId;
    }, { timeoutMs: 60_000, what: 'the document to be uploaded again' });
    const file = await waitFor(async () => (await simAccount(firm.username)).files.find((f) => f.id === reuploaded && f.isUploaded), { what: 'the new file to be uploaded' });
    expect(file.matterId).toBe(synced[2].sb.matterId);

    // Nothing left to repair: a second run repairs nothing and reads little (subscriptions, one matters
    // page, one contacts batch, and the files of the matters whose documents are not brand new).
    const second = await reconcileNow(firm.adminToken);
    expect(second.counts.repaired).toBe(0);
    expect(second.apiCalls).toBeLessThanOrEqual(5);
  });

  test('the reconciliation\'s history row reads as the contract says', async () => {
    const runs = (await readHistoryAsMember(sql, firm.memberId, firm.id)).filter((r) => r.trigger === 'reconcile');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) {
      expect(run.steps.map((s) => s.step)).toEqual(['subscription', 'matters', 'contacts', 'files']);
      expect(run.counts).toHaveProperty('repaired');
    }
  });

  test('bad input answers the contract\'s envelope: a member may not start one, and another firm\'s reconciliation is not found', async () => {
    expect(await expectError(postReconcile(firm.memberToken), 403)).toMatchObject({ code: 'forbidden' });
    expect(await expectError(postReconcile(firm.adminToken, '{"now":'), 400)).toMatchObject({ code: 'invalid_json' });
    expect(await expectError(postReconcile(firm.adminToken, '{"now":true}'), 400)).toMatchObject({ code: 'invalid_body', details: { fields: ['body'] } });
    expect(await expectError(postReconcile(firm.adminToken, JSON.stringify({ firmId: 'nope' })), 400)).toMatchObject({ code: 'invalid_body', details: { fields: ['firmId'] } });
    // firmId in the body names the firm; one the admin is not a member of is forbidden.
    expect(await expectError(postReconcile(firm.adminToken, JSON.stringify({ firmId: other.id })), 403)).toMatchObject({ code: 'forbidden' });
    expect(await expectError(callFunction('reconcile', { method: 'PUT', token: firm.adminToken, body: '{}' }), 405)).toMatchObject({ code: 'method_not_allowed' });
    expect(await expectError(getReconcile(firm.memberToken, 'nope'), 400)).toMatchObject({ code: 'invalid_query', details: { fields: ['jobId'] } });
    expect(await expectError(callFunction(`reconcile?jobId=${crypto.randomUUID()}`, { method: 'GET' }), 401)).toMatchObject({ code: 'invalid_jwt' });
    // The nightly call: the secret key, `{}` or nothing; anything else is refused.
    expect(await expectError(callInternal('reconcile', { firmId: firm.id }), 400)).toMatchObject({ code: 'invalid_body', details: { fields: ['body'] } });

    const { jobId } = await expectAnswer(postReconcile(other.adminToken, JSON.stringify({ firmId: other.id })), api.ReconcileAccepted, 202);
    expect(await expectError(getReconcile(firm.adminToken, jobId), 404)).toMatchObject({ code: 'not_found' });
    expect(await expectAnswer(getReconcile(other.memberToken, jobId), api.ReconcileJob, 200)).toMatchObject({ jobId });
  });

});
