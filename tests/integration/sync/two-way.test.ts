// Two-way sync of linked clients and matters, over the real stack: an edit in CaseHug reaches Smokeball
// (a contact read-modify-written, a matter patched), an edit in Smokeball reaches CaseHug without a push
// back, edits on both sides are decided by each side's own time with the loser kept, and the webhook
// echoing our own write changes nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectAsSuperuser, createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { accountRequests, bookmark, requestSync, sim, withFault } from '../../helpers/sync.ts';
import { callInternal } from '../../helpers/queue.ts';
import { SyncMatterResult, WebhookAck } from '../../../shared/api/functions.ts';
import { expectAnswer, readHistoryAsMember } from '../../helpers/contract.ts';
import { deliver, signedDelivery, signerFor } from '../../helpers/webhooks.ts';
import { waitFor } from '../../helpers/wait.ts';
import { withVisibilityDelay } from '../smokeball-sim/helpers.ts';
import { functionEnv } from '../../helpers/queue.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { drainDeps } from '../../../shared/runtime/worker-deps.ts';
import { pushLinkedRecord } from '../../../shared/sync/push/push-record.ts';
import { dropRefusedFields, markFieldsSent } from '../../../shared/db/two-way.ts';

const sql = useSuperuserSql();
// Auto-sync off: only the edits of these tests queue work for the firm.
const firm = useConnectedFirm(sql, { autoSync: false });
let runtime: Runtime;
beforeAll(async () => {
  runtime = createRuntime(await functionEnv());
});
afterAll(() => runtime?.sql.end());

/** The firm's history as the app reads it, every row parsed with the contract's SyncRunRow. */
const historyOf = () => readHistoryAsMember(sql, firm.memberId, firm.id);

type Json = Record<string, any>;
const simContact = async (id: string): Promise<Json | undefined> =>
  (await sim().state(firm.username)).accounts[0].contacts.find((c: Json) => c.id === id) as Json | undefined;
const simMatter = async (id: string): Promise<Json | undefined> =>
  (await sim().state(firm.username)).accounts[0].matters.find((m: Json) => m.id === id) as Json | undefined;

/** A client and matter synced to Smokeball (both visible there), as the app would have them. */
async function linkedMatter(name: string) {
  const client = await createClient(sql, firm.id, { firstName: name, lastName: 'Original', email: `${name.toLowerCase()}-${crypto.randomUUID()}@example.com` });
  const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will', title: `${name} estate` });
  const run = await expectAnswer(requestSync(firm.memberToken, matter.id), SyncMatterResult, 200);
  await waitFor(async () => (await simContact(run.contact.id)) && (await simMatter(run.matter.id)), { what: 'the contact and matter to be visible' });
  return { clientId: client.id, matterId: matter.id, contactId: run.contact.id, smokeballMatterId: run.matter.id };
}

/** An edit the way the app makes it: committed by a firm member under RLS (PostgREST's role and claims). */
async function editAsMember(table: 'clients' | 'matters', id: string, set: Record<string, string>): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: firm.memberId, role: 'authenticated', aud: 'authenticated' })}, true)`;
    await tx.unsafe('set local role authenticated');
    const rows = table === 'clients'
      ? await tx`update public.clients set ${tx(set)} where id = ${id} returning id`
      : await tx`update public.matters set ${tx(set)} where id = ${id} returning id`;
    expect(rows).toHaveLength(1);
  });
}

const jobsOf = (subjectId: string) =>
  sql<{ id: string; kind: string; status: string }[]>`select id, kind, status from public.sync_jobs where subject_id = ${subjectId} order by created_at`;
const pushesDone = (subjectId: string) =>
  waitFor(async () => {
    const jobs = await jobsOf(subjectId);
    return jobs.length > 0 && jobs.every((j) => ['succeeded', 'superseded', 'dead'].includes(j.status)) && jobs;
  }, { timeoutMs: 15_000, what: 'the push jobs to end' });
const pendingOf = async (recordId: string) =>
  (await sql`select fields from private.smokeball_pending_pushes where record_id = ${recordId}`)[0]?.fields ?? null;
const conflictsOf = (recordId: string) =>
  sql<Json[]>`select field, winner, casehug_value, smokeball_value, casehug_changed_at, smokeball_changed_at
              from public.smokeball_sync_conflicts where record_id = ${recordId} order by detected_at`;

/**
 * Holds the firm's queue while both sides are edited, so neither edit is synced before the other exists:
 * the claim only takes jobs of a `connected` firm, and a delivery that arrives meanwhile is stored and
 * queued. Releasing is the reconnect's wake-up.
 */
async function withQueueHeld(fn: () => Promise<void>): Promise<void> {
  await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;
  try {
    await fn();
  } finally {
    await sql`update public.smokeball_connections set status = 'connected' where firm_id = ${firm.id}`;
  }
}
const storedDelivery = (resourceId: string, since: Date, type = 'contact.updated') =>
  waitFor(async () => {
    const [e] = await sql`select id from public.webhook_events where firm_id = ${firm.id} and resource_id = ${resourceId}
                          and event_type = ${type} and received_at >= ${since}`;
    return e;
  }, { what: 'the Smokeball edit to be delivered' });

describe('two-way sync', () => {
  test('an email edited in CaseHug reaches the Smokeball contact, and the fields the firm set in Smokeball survive the PUT', async () => {
    const { clientId, contactId } = await linkedMatter('Ada');
    // The firm adds what CaseHug does not own; the webhook of that edit changes nothing CaseHug owns.
    const address = { addressLine1: '1 Main St', city: 'Chicago', state: 'IL', zipCode: '60601' };
    await sim().editContact(firm.username, contactId, { person: { residentialAddress: address, cell: { areaCode: '312', number: '555 0199' }, notes: 'Prefers email' } });

    const email = `ada.new-${crypto.randomUUID()}@example.com`;
    await editAsMember('clients', clientId, { email });
    const contact = await waitFor(async () => {
      const c = await simContact(contactId);
      return c?.person.email === email && c;
    }, { timeoutMs: 10_000, what: 'the email to reach Smokeball' });
    expect(contact.person).toMatchObject({ firstName: 'Ada', lastName: 'Original', email, residentialAddress: address, cell: { areaCode: '312', number: '555 0199' }, notes: 'Prefers email' });

    const [job] = await pushesDone(clientId);
    expect(job).toMatchObject({ kind: 'push_contact', status: 'succeeded' });
    // The push's history row as the app reads it (the contract's SyncRunRow).
    const run = (await historyOf()).find((r) => r.job_id === job.id)!;
    // Three requests: the read of the whole contact, the read right before the PUT, and the PUT.
    expect(run).toMatchObject({ trigger: 'auto', status: 'succeeded', counts: { pushed: 1, applied: 0, conflicts: 0 }, api_calls: 3 });
    expect(run.steps.map((s: Json) => [s.step, s.outcome, s.detail])).toContainEqual(['push_contact', 'pushed', 'email']);
    // One read and one PUT of the whole contact, each with a RequestId the run kept.
    const sent = (await sim().requests({ endpoint: 'PUT /contacts/{id}' })).filter((r) => run.request_ids.includes(r.requestId));
    expect(sent).toHaveLength(1);
    // The edit stayed pending as sent until the webhook echoing the PUT said it landed.
    await waitFor(async () => (await pendingOf(clientId)) === null, { what: 'the echo of the PUT to settle the edit' });
    // The app's own row is as the member left it.
    const [row] = await sql`select email, first_name from public.clients where id = ${clientId}`;
    expect(row).toEqual({ email, first_name: 'Ada' });
  });

  test('a matter edited in CaseHug is patched in Smokeball with only the changed fields', async () => {
    const { matterId, smokeballMatterId } = await linkedMatter('Bea');
    await editAsMember('matters', matterId, { title: 'Bea estate (revised)', status: 'pending' });
    const matter = await waitFor(async () => {
      const m = await simMatter(smokeballMatterId);
      return m?.description === 'Bea estate (revised)' && m;
    }, { timeoutMs: 10_000, what: 'the matter edit to reach Smokeball' });
    expect(matter.status).toBe('Pending');
    const jobs = await pushesDone(matterId);
    const push = jobs.find((j) => j.kind === 'push_matter')!;
    const [run] = await sql<Json[]>`select api_calls, request_ids from public.sync_runs where job_id = ${push.id}`;
    expect(run.api_calls).toBe(2);
    const patches = (await sim().requests({ endpoint: 'PATCH /matters/{id}' })).filter((r) => run.request_ids.includes(r.requestId));
    expect(patches).toHaveLength(1);
  });

  test('a burst of CaseHug edits of one client is one queued push, sending the last values once; an unlinked client queues nothing', async () => {
    const { clientId, contactId } = await linkedMatter('Hal');
    const [{ email: original }] = await sql`select email from public.clients where id = ${clientId}`;
    const last = `hal.3-${crypto.randomUUID()}@example.com`;
    await withQueueHeld(async () => {
      await editAsMember('clients', clientId, { email: `hal.1-${crypto.randomUUID()}@example.com` });
      await editAsMember('clients', clientId, { email: `hal.2-${crypto.randomUUID()}@example.com`, phone: '(312) 555-0142' });
      await editAsMember('clients', clientId, { email: last });
      expect((await jobsOf(clientId)).map((j) => [j.kind, j.status])).toEqual([['push_contact', 'queued']]);
      // The first edit's base is kept: it is what Smokeball held when CaseHug started changing the field.
      expect(await pendingOf(clientId)).toMatchObject({ email: { value: last, base: original }, phone: { value: '(312) 555-0142', base: null } });
    });
    await waitFor(async () => (await simContact(contactId))?.person.email === last, { timeoutMs: 10_000, what: 'the last email to reach Smokeball' });
    const [job] = await pushesDone(clientId);
    const [run] = await sql<{ request_ids: string[] }[]>`select request_ids from public.sync_runs where job_id = ${job.id}`;
    expect((await sim().requests({ endpoint: 'PUT /contacts/{id}' })).filter((r) => run.request_ids.includes(r.requestId))).toHaveLength(1);
    expect((await simContact(contactId))?.person.phone).toMatchObject({ areaCode: '312', number: '555-0142' });

    const unlinked = await createClient(sql, firm.id, { firstName: 'Ivy' });
    await editAsMember('clients', unlinked.id, { email: `ivy-${crypto.randomUUID()}@example.com` });
    expect(await jobsOf(unlinked.id)).toEqual([]);
    expect(await pendingOf(unlinked.id)).toBeNull();
  });

  test('a PUT Smokeball refuses fails its run with Smokeball\'s message and leaves pending, so the next edit\'s push is sent alone', async () => {
    const { clientId, contactId } = await linkedMatter('Jo');
    const [{ email: original }] = await sql`select email from public.clients where id = ${clientId}`;
    const refused = `jo.1-${crypto.randomUUID()}@example.com`;
    await withFault({ account: firm.accountId, method: 'PUT', endpoint: 'PUT /contacts/{id}', status: 400, count: 1 }, async () => {
      await editAsMember('clients', clientId, { email: refused });
      const [job] = await waitFor(async () => {
        const jobs = await jobsOf(clientId);
        return jobs.length === 1 && jobs[0].status === 'dead' && jobs;
      }, { timeoutMs: 15_000, what: 'the refused push to end' });
      const run = (await historyOf()).find((r) => r.job_id === job.id)!;
      expect(run).toMatchObject({ status: 'failed', error_code: 'smokeball_bad_request', counts: { pushed: 0, applied: 0, conflicts: 0 } });
      expect(run.error_message).toMatch(/Smokeball rejected the request \(status 400\)/);
      expect(run.steps.map((s) => [s.step, s.outcome, s.detail])).toEqual([['push_contact', 'refused', 'email']]);
    });
    // Nothing left to merge the next edit into.
    expect(await pendingOf(clientId)).toBeNull();
    await editAsMember('clients', clientId, { first_name: 'Joanna' });
    const contact = await waitFor(async () => {
      const c = await simContact(contactId);
      return c?.person.firstName === 'Joanna' && c;
    }, { timeoutMs: 10_000, what: 'the next push' });
    expect(contact.person.email).toBe(original);
    const jobs = await pushesDone(clientId);
    expect(jobs.map((j) => j.status)).toEqual(['dead', 'succeeded']);
  });

  test('a push that fails for a while (503) is retried and keeps its edit until it is sent', async () => {
    const { clientId, contactId } = await linkedMatter('Ola');
    const email = `ola.new-${crypto.randomUUID()}@example.com`;
    const mark = await bookmark(firm.accountId);
    await withFault({ account: firm.accountId, method: 'PUT', endpoint: 'PUT /contacts/{id}', status: 503, count: 2 }, async () => {
      await editAsMember('clients', clientId, { email });
      await waitFor(async () => (await simContact(contactId))?.person.email === email, { timeoutMs: 20_000, what: 'the retried push' });
    });
    expect((await jobsOf(clientId)).some((j) => j.status === 'dead')).toBe(false);
    // Retried: the two refused PUTs of this contact, then the one that was accepted.
    const puts = (await accountRequests(firm.accountId, mark)).filter((r) => r.endpoint === 'PUT /contacts/{id}' && r.path.includes(contactId));
    expect(puts.map((r) => r.status >= 200 && r.status < 300 ? 'accepted' : r.status)).toEqual([503, 503, 'accepted']);
  });

  test('a contact edited in Smokeball reaches CaseHug and queues no push back', async () => {
    const { clientId, contactId } = await linkedMatter('Cy');
    const email = `cy.sb-${crypto.randomUUID()}@example.com`;
    await sim().editContact(firm.username, contactId, { person: { email } });
    await waitFor(async () => {
      const [c] = await sql`select email from public.clients where id = ${clientId}`;
      return c.email === email;
    }, { timeoutMs: 5_000, what: 'the Smokeball edit to reach CaseHug' });
    // The webhook's write is the integration's own: no job, nothing pending.
    const [event] = await sql`select status from public.webhook_events where resource_id = ${contactId} and status = 'processed'`;
    expect(event).toBeDefined();
    expect(await jobsOf(clientId)).toEqual([]);
    expect(await pendingOf(clientId)).toBeNull();
  });

  test('edits on both sides within a second: Smokeball\'s later edit wins on both sides and CaseHug\'s is kept as a conflict', async () => {
    const { clientId, contactId } = await linkedMatter('Dee');
    const ours = `dee.casehug-${crypto.randomUUID()}@example.com`;
    const theirs = `dee.smokeball-${crypto.randomUUID()}@example.com`;
    const since = new Date();
    await withQueueHeld(async () => {
      await editAsMember('clients', clientId, { email: ours });
      await sim().editContact(firm.username, contactId, { person: { email: theirs } });
      await storedDelivery(contactId, since);
    });
    await waitFor(async () => {
      const [c] = await sql`select email from public.clients where id = ${clientId}`;
      return c.email === theirs && (await simContact(contactId))?.person.email === theirs;
    }, { timeoutMs: 15_000, what: 'both sides to hold the Smokeball edit' });
    await pushesDone(clientId);
    expect((await simContact(contactId))?.person.email).toBe(theirs);
    const conflicts = await conflictsOf(clientId);
    expect(conflicts.map((c) => [c.field, c.winner, c.casehug_value, c.smokeball_value])).toEqual([['email', 'smokeball', ours, theirs]]);
    expect(conflicts[0].smokeball_changed_at.getTime()).toBeGreaterThanOrEqual(conflicts[0].casehug_changed_at.getTime());
    expect(await pendingOf(clientId)).toBeNull();
  });

  test('edits on both sides within a second: CaseHug\'s later edit wins on both sides and Smokeball\'s is kept as a conflict', async () => {
    const { clientId, contactId } = await linkedMatter('Eve');
    const ours = `eve.casehug-${crypto.randomUUID()}@example.com`;
    const theirs = `eve.smokeball-${crypto.randomUUID()}@example.com`;
    const since = new Date();
    await withQueueHeld(async () => {
      await sim().editContact(firm.username, contactId, { person: { email: theirs } });
      await storedDelivery(contactId, since);
      await editAsMember('clients', clientId, { email: ours });
    });
    await waitFor(async () => (await simContact(contactId))?.person.email === ours, { timeoutMs: 15_000, what: 'the CaseHug edit to reach Smokeball' });
    await pushesDone(clientId);
    const [c] = await sql`select email from public.clients where id = ${clientId}`;
    expect(c.email).toBe(ours);
    const conflicts = await conflictsOf(clientId);
    expect(conflicts.map((x) => [x.field, x.winner, x.casehug_value, x.smokeball_value])).toEqual([['email', 'casehug', ours, theirs]]);
    expect(conflicts[0].casehug_changed_at.getTime()).toBeGreaterThan(conflicts[0].smokeball_changed_at.getTime());
    await waitFor(async () => (await pendingOf(clientId)) === null, { what: 'the echo of the PUT to settle the edit' });
  });

  test('matters: both sides change the status within a second, Smokeball later; a CaseHug title edit beside it still reaches Smokeball', async () => {
    const { matterId, smokeballMatterId } = await linkedMatter('Lou');
    const since = new Date();
    await withQueueHeld(async () => {
      await editAsMember('matters', matterId, { status: 'pending', title: 'Lou estate (revised)' });
      await sim().editMatter(firm.username, smokeballMatterId, { status: 'Closed' });
      await storedDelivery(smokeballMatterId, since, 'matter.updated');
    });
    await waitFor(async () => (await simMatter(smokeballMatterId))?.description === 'Lou estate (revised)', { timeoutMs: 15_000, what: 'the title to reach Smokeball' });
    await pushesDone(matterId);
    expect((await simMatter(smokeballMatterId))?.status).toBe('Closed');
    const [m] = await sql`select status, title from public.matters where id = ${matterId}`;
    expect(m).toEqual({ status: 'closed', title: 'Lou estate (revised)' });
    const conflicts = await conflictsOf(matterId);
    expect(conflicts.map((c) => [c.field, c.winner, c.casehug_value, c.smokeball_value])).toEqual([['status', 'smokeball', 'pending', 'closed']]);
  });

  test('a Smokeball edit arriving while a push of the record runs waits for the push, then applies', async () => {
    const { clientId, contactId } = await linkedMatter('Kit');
    // A push of this client that a worker holds under a live lease (its read done, its write to come).
    const [held] = await sql`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, status, attempts, locked_by, locked_until)
      values (${firm.id}, 'push_contact', ${clientId}, 'auto', 'running', 1, 'test-holder', now() + interval '1 minute')
      returning id`;
    const since = new Date();
    await sim().editContact(firm.username, contactId, { person: { lastName: 'Later' } });
    const waiting = await waitFor(async () => {
      const [j] = await sql`
        select j.status, j.last_error_code from public.sync_jobs j join public.webhook_events e on e.id = j.subject_id
        where e.resource_id = ${contactId} and e.received_at >= ${since} and j.last_error_code is not null`;
      return j;
    }, { what: 'the webhook to wait for the push' });
    expect(waiting).toEqual({ status: 'queued', last_error_code: 'sync_in_progress' });
    expect((await sql`select last_name from public.clients where id = ${clientId}`)[0].last_name).toBe('Original');

    await sql`update public.sync_jobs set status = 'succeeded', locked_until = null, locked_by = null where id = ${held.id}`;
    // The parked delivery is due shortly; the worker runs it (the sweep would, a little later).
    await waitFor(async () => {
      await callInternal('sync-worker', {});
      const [c] = await sql`select last_name from public.clients where id = ${clientId}`;
      return c.last_name === 'Later';
    }, { timeoutMs: 15_000, intervalMs: 500, what: 'the waiting webhook to apply' });
  });

  test('a webhook echoing our own write changes nothing and queues nothing', async () => {
    const { clientId, contactId } = await linkedMatter('Fay');
    const email = `fay.new-${crypto.randomUUID()}@example.com`;
    await editAsMember('clients', clientId, { email });
    await waitFor(async () => (await simContact(contactId))?.person.email === email, { timeoutMs: 10_000, what: 'the push' });
    const [job] = await pushesDone(clientId);
    const [run] = await sql<{ request_ids: string[] }[]>`select request_ids from public.sync_runs where job_id = ${job.id}`;
    const [put] = (await sim().requests({ endpoint: 'PUT /contacts/{id}' })).filter((r) => run.request_ids.includes(r.requestId));
    // Whatever the simulator's own echo did meanwhile, the row is settled now; then a signed echo of the PUT.
    const [before] = await sql`select email, phone, first_name, last_name, updated_at, smokeball_version::text from public.clients where id = ${clientId}`;
    const signer = await signerFor(sql, firm);
    const res = await deliver(signedDelivery(signer, { type: 'contact.updated', requestId: put.requestId, payload: { id: contactId } }));
    expect(res.status).toBe(200);
    expect(WebhookAck.parse(res.body)).toMatchObject({ received: true });
    const event = await waitFor(async () => {
      const [e] = await sql`select status, error_code from public.webhook_events where firm_id = ${firm.id} and request_id = ${put.requestId}
                            and status <> 'received' order by received_at desc limit 1`;
      return e;
    }, { what: 'the echo to be processed' });
    expect(event).toEqual({ status: 'ignored', error_code: 'own_request' });
    const [after] = await sql`select email, phone, first_name, last_name, updated_at, smokeball_version::text from public.clients where id = ${clientId}`;
    expect(after).toEqual(before);
    expect((await jobsOf(clientId)).map((j) => j.id)).toEqual([job.id]);
  });

  test('a Smokeball edit of another field, read before our accepted PATCH is visible, does not undo the CaseHug edit', async () => {
    const { matterId, smokeballMatterId } = await linkedMatter('Max');
    const title = 'Max estate (revised)';
    // Our PATCH is accepted at once and visible only a minute later: every read below is taken before.
    await withVisibilityDelay({ control: sim() }, 60_000, async () => {
      await editAsMember('matters', matterId, { title });
      const [job] = await pushesDone(matterId);
      expect(job.status).toBe('succeeded');
      // The firm closes the matter in Smokeball; its webhook re-fetches the matter: Closed, newer, old title.
      const since = new Date();
      await sim().editMatter(firm.username, smokeballMatterId, { status: 'Closed' });
      // The firm's edit, not a late (re)delivery of an echo of our own earlier writes to this matter, which
      // the simulator may send at any time and which is ignored as own_request. The edit itself may come
      // twice (a copy with a later timestamp, so a row of its own): the copy processed first applies it,
      // the other reads the same version and is stale; every copy stored so far is waited for.
      const events = await waitFor(async () => {
        const rows = await sql`select status, error_code from public.webhook_events where resource_id = ${smokeballMatterId}
                               and received_at >= ${since} and error_code is distinct from 'own_request'`;
        return rows.length > 0 && rows.every((r) => r.status !== 'received') && rows;
      }, { timeoutMs: 10_000, what: 'the Smokeball edit to be processed' });
      const applied = { status: 'processed', error_code: 'applied' };
      expect(events.filter((e) => e.error_code === 'applied')).toEqual([applied]);
      expect(events.filter((e) => e.error_code !== 'applied')).toEqual(events.slice(1).map(() => ({ status: 'ignored', error_code: 'stale' })));
      expect((await simMatter(smokeballMatterId))?.description).toBe('Max estate');
      const [m] = await sql`select title, status from public.matters where id = ${matterId}`;
      expect(m).toEqual({ title, status: 'closed' });
      expect(await pendingOf(matterId)).toMatchObject({ title: { value: title, sent: { value: title } } });
    });
  });

  test('a Smokeball read that shows the sent value settles it; a later CaseHug edit of the field is sent again', async () => {
    const { matterId, smokeballMatterId } = await linkedMatter('Ned');
    await editAsMember('matters', matterId, { case_number: 'N-1' });
    await waitFor(async () => (await simMatter(smokeballMatterId))?.number === 'N-1', { timeoutMs: 10_000, what: 'the first push' });
    await waitFor(async () => (await pendingOf(matterId)) === null, { what: 'the first edit to settle' });
    await editAsMember('matters', matterId, { case_number: 'N-2' });
    await waitFor(async () => (await simMatter(smokeballMatterId))?.number === 'N-2', { timeoutMs: 10_000, what: 'the second push' });
    await pushesDone(matterId);
    expect(await conflictsOf(matterId)).toEqual([]);
  });

  test('marking a push sent and dropping a refused one lock the client row before its pending row, as an edit does', async () => {
    const { clientId } = await linkedMatter('Pia');
    const email = `pia.new-${crypto.randomUUID()}@example.com`;
    let changedAt = '';
    await withQueueHeld(async () => {
      await editAsMember('clients', clientId, { email });
      changedAt = (await pendingOf(clientId)).email.changedAt;
      // The queued push is the test's, so the stack's worker leaves the pending row alone.
      await sql`update public.sync_jobs set status = 'running', locked_by = 'test-worker', locked_until = now() + interval '10 minutes'
                where subject_id = ${clientId} and status = 'queued'`;
    });
    const record = { kind: 'contact' as const, id: clientId };
    for (const write of [
      () => markFieldsSent(runtime.sql, firm.id, record, { email }, Date.now(), crypto.randomUUID()),
      () => dropRefusedFields(runtime.sql, firm.id, record, { email: changedAt }),
    ]) {
      // A member's edit in progress holds the client row (its trigger takes the pending row next).
      const connections = connectAsSuperuser({ max: 2 });
      const editor = await connections.reserve();
      const probe = await connections.reserve();
      let writing: Promise<void> | undefined;
      try {
        await editor`begin`;
        await editor`select 1 from public.clients where id = ${clientId} for update`;
        writing = write();
        await waitFor(async () => {
          const [w] = await sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%public.clients%' and query ilike '%for update%' and pid <> pg_backend_pid()`;
          return w;
        }, { what: 'the write to wait for the client row' });
        // Waiting for the client row, it holds no lock on the pending row the editor's trigger needs next.
        await probe`begin`;
        const rows = await probe`select 1 from private.smokeball_pending_pushes where record_id = ${clientId} for update nowait`;
        expect(rows).toHaveLength(1);
      } finally {
        await probe`rollback`.catch(() => undefined);
        probe.release();
        await editor`rollback`.catch(() => undefined);
        editor.release();
        await writing;
        await connections.end();
      }
    }
    expect(await pendingOf(clientId)).toBeNull();
    await sql`update public.sync_jobs set status = 'succeeded', locked_by = null, locked_until = null where subject_id = ${clientId} and status = 'running'`;
  });

  test('a Smokeball edit landing between the push\'s read and its PUT is read again before the PUT and survives it', async () => {
    const { clientId, contactId } = await linkedMatter('Rex');
    const email = `rex.new-${crypto.randomUUID()}@example.com`;
    let jobId = '';
    await withQueueHeld(async () => {
      await editAsMember('clients', clientId, { email });
      [{ id: jobId }] = await sql`update public.sync_jobs set status = 'running', locked_by = 'test-worker', locked_until = now() + interval '10 minutes'
                                  where subject_id = ${clientId} and status = 'queued' returning id`;
    });
    // The push of the stack's worker, run in this process so the firm's edit in Smokeball lands right after its first read.
    const base = drainDeps(runtime, () => undefined);
    let reads = 0;
    const deps = {
      ...base,
      clientFor: async (...args: Parameters<typeof base.clientFor>) => {
        const client = await base.clientFor(...args);
        const get = client.updates.getContactForUpdate.bind(client.updates);
        client.updates.getContactForUpdate = async (id) => {
          const result = await get(id);
          if (++reads === 1) await sim().editContact(firm.username, contactId, { person: { notes: 'Set in Smokeball meanwhile', lastName: 'Smokeball' } });
          return result;
        };
        return client;
      },
    };
    try {
      const outcome = await pushLinkedRecord(deps, { firmId: firm.id, kind: 'push_contact', recordId: clientId, jobId });
      expect(outcome).toMatchObject({ status: 'pushed', pushed: ['email'], applied: ['last_name'] });
    } finally {
      await sql`update public.sync_jobs set status = 'succeeded', locked_by = null, locked_until = null where id = ${jobId}`;
    }
    const contact = await waitFor(async () => {
      const c = await simContact(contactId);
      return c?.person.email === email && c;
    }, { timeoutMs: 10_000, what: 'the PUT to land' });
    expect(contact.person).toMatchObject({ email, lastName: 'Smokeball', notes: 'Set in Smokeball meanwhile' });
    const [run] = await sql<Json[]>`select steps, api_calls from public.sync_runs where job_id = ${jobId}`;
    expect(run.api_calls).toBe(3);
    expect(run.steps.map((st: Json) => [st.step, st.outcome])).toEqual([['push_contact', 'reread'], ['push_contact', 'pushed']]);
    const [c] = await sql`select email, last_name from public.clients where id = ${clientId}`;
    expect(c).toEqual({ email, last_name: 'Smokeball' });
  });

  test('the queue\'s kinds keep every earlier kind and stay one literal each, for the next migration to extend', async () => {
    const [{ def }] = await sql`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'sync_jobs_kind_check'`;
    for (const kind of ['sync_matter', 'process_webhook', 'push_contact', 'push_matter']) expect(def).toContain(`'${kind}'::text`);
  });

  test('with pushing switched off, a CaseHug edit queues nothing; with applying switched off, a Smokeball edit changes nothing', async () => {
    const { clientId, contactId } = await linkedMatter('Gus');
    await sql`update public.smokeball_connections set push_to_smokeball = false, apply_from_smokeball = false where firm_id = ${firm.id}`;
    try {
      await editAsMember('clients', clientId, { first_name: 'Gustav' });
      expect(await jobsOf(clientId)).toEqual([]);
      expect(await pendingOf(clientId)).toBeNull();
      const since = new Date();
      await sim().editContact(firm.username, contactId, { person: { lastName: 'Smokeball' } });
      const event = await waitFor(async () => {
        // The firm's edit, not a late echo of our own earlier writes (ignored as own_request).
        const [e] = await sql`select status, error_code from public.webhook_events where resource_id = ${contactId}
                              and received_at >= ${since} and status <> 'received' and error_code is distinct from 'own_request'`;
        return e;
      }, { what: 'the Smokeball edit to be processed' });
      expect(event).toEqual({ status: 'ignored', error_code: 'apply_disabled' });
      const [c] = await sql`select first_name, last_name from public.clients where id = ${clientId}`;
      expect(c).toEqual({ first_name: 'Gustav', last_name: 'Original' });
    } finally {
      await sql`update public.smokeball_connections set push_to_smokeball = true, apply_from_smokeball = true where firm_id = ${firm.id}`;
    }
  });

  test('every run the pushes, syncs and conflicts of this firm wrote reads as the contract\'s history row', async () => {
    const history = await historyOf();
    const pushes = history.filter((r) => r.steps.some((st) => st.step === 'push_contact' || st.step === 'push_matter'));
    expect(pushes.length).toBeGreaterThan(0);
    for (const run of pushes) expect(run.trigger).toBe('auto');
    // The pushes that met a change Smokeball made later recorded it as a step beside their counts.
    const withConflicts = pushes.filter((r) => r.steps.some((st) => st.step === 'conflicts'));
    for (const run of withConflicts) expect(run.counts).toMatchObject({ conflicts: expect.any(Number) });
  });
});
