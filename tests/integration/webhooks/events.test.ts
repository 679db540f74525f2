// `error` events fail the run that sent the request and clear a link that will never resolve;
// echoes of our own requests are recognised by RequestId and cost no re-fetch; `noop` and unknown event
// types are acknowledged and ignored.
import { beforeAll, describe, expect, test } from 'vitest';
import { helpFor } from '../../../shared/error-help.ts';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { runsOfMatter } from '../../helpers/queue.ts';
import { accountRequests, bookmark, requestSync, settledSimAccount, sim, withFault } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';
import { deliver, signedDelivery, signerFor, simApi, type DeliverySigner } from '../../helpers/webhooks.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });
let signer: DeliverySigner;
beforeAll(async () => {
  signer = await signerFor(sql, firm);
});

describe('error events', () => {
  test('an async failure of POST /matters fails the run with Smokeball’s message and clears the link, so a re-sync creates it', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const message = `Matter could not be created ${Date.now()}`;
    // Every POST /matters of this sync fails asynchronously: the first may be refused at once instead (its
    // client was created moments before and is not visible yet), and the one accepted must fail.
    const first = await withFault({ account: firm.username, endpoint: 'POST /matters', asyncFailure: { message } }, async () => {
      const res = await requestSync(firm.memberToken, matter.id);
      expect(res.status).toBe(200);
      return (await res.json()) as { runId: string; matter: { id: string } };
    });
    const run = await waitFor(async () => {
      const [r] = await sql`select status, error_code, error_message, help, request_ids from public.sync_runs where id = ${first.runId}`;
      return r.status === 'failed' && r;
    }, { what: 'the error event to fail the run' });
    expect(run).toMatchObject({ status: 'failed', error_code: 'smokeball_async_error', error_message: expect.stringContaining(message), help: helpFor('smokeball_async_error') });
    // The run is failed first, then the event is marked done (two statements): wait for the latter.
    const errorEvent = await waitFor(async () => {
      const [e] = await sql`select status, error_code from public.webhook_events where firm_id = ${firm.id} and event_type = 'error' and request_id = any(${run.request_ids})`;
      return e && e.status !== 'received' && e;
    }, { what: 'the error event to be processed' });
    expect(errorEvent).toEqual({ status: 'processed', error_code: 'run_failed' });
    const [afterError] = await sql`select smokeball_matter_id from public.matters where id = ${matter.id}`;
    expect(afterError.smokeball_matter_id).toBeNull();

    const again = await requestSync(firm.memberToken, matter.id);
    expect(again.status).toBe(200);
    const second = (await again.json()) as { status: string; matter: { id: string } };
    expect(second.status).toBe('succeeded');
    expect(second.matter.id).not.toBe(first.matter.id);
    const account = await settledSimAccount(firm.username);
    expect(account.matters.map((m) => m.id)).toContain(second.matter.id);
    expect(account.matters.map((m) => m.id)).not.toContain(first.matter.id);
    const runs = await runsOfMatter(sql, matter.id);
    expect(runs.map((r: { status: string }) => r.status).sort()).toEqual(['failed', 'succeeded']);
  });
});

describe('echoes of our own requests', () => {
  test('after a sync, the matter.created echo is ignored as own_request with no GET of the matter', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const mark = await bookmark(firm.accountId);
    const res = await requestSync(firm.memberToken, matter.id);
    const sync = (await res.json()) as { runId: string; matter: { id: string }; contact: { id: string } };
    const [run] = await sql`select request_ids from public.sync_runs where id = ${sync.runId}`;
    // Distinct rows: a duplicate the simulator sends late carries a later timestamp, so it is stored as an
    // event of its own (docs/smokeball.md §5: deliveries may be duplicated) and must be ignored the same way.
    const echoes = await waitFor(async () => {
      const rows = await sql`
        select distinct event_type, resource_id, status, error_code from public.webhook_events
        where firm_id = ${firm.id} and request_id = any(${run.request_ids}) order by event_type`;
      return rows.length >= 2 && rows.every((r) => r.status !== 'received') && rows;
    }, { what: 'the echoes of the sync to be processed' });
    expect(echoes).toEqual([
      { event_type: 'contact.created', resource_id: sync.contact.id, status: 'ignored', error_code: 'own_request' },
      { event_type: 'matter.created', resource_id: sync.matter.id, status: 'ignored', error_code: 'own_request' },
    ]);
    const gets = (await accountRequests(firm.accountId, mark)).filter((r) => r.method === 'GET' && (r.path.includes(sync.matter.id) || r.path.includes(sync.contact.id)));
    expect(gets).toEqual([]);
  });
});

describe('deletions', () => {
  test('a contact.deleted that Smokeball confirms marks the link; one it does not confirm changes nothing', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const sync = (await (await requestSync(firm.memberToken, matter.id)).json()) as { contact: { id: string } };
    await settledSimAccount(firm.username);
    const outcomeOf = async (requestId: string) =>
      waitFor(async () => {
        const [row] = await sql`select status, error_code from public.webhook_events where firm_id = ${firm.id} and request_id = ${requestId}`;
        return row && row.status !== 'received' && row;
      }, { what: `the ${requestId} event to be processed` });
    const contactMarked = async () => (await sql`select smokeball_deleted_at is not null as deleted from public.clients where id = ${client.id}`)[0].deleted;

    // Still held in Smokeball: a forged or mistaken deletion event is not believed.
    const early = signedDelivery(signer, { type: 'contact.deleted', payload: { id: sync.contact.id } });
    expect((await deliver(early)).status).toBe(200);
    expect((await outcomeOf(early.headers.RequestId)).error_code).not.toBe('deleted_in_smokeball');
    expect(await contactMarked()).toBe(false);

    // A firm user deletes it in Smokeball, which sends its own contact.deleted; ours is the same event.
    await sim().deleteContact(firm.username, sync.contact.id);
    await waitFor(async () => {
      const res = await simApi(sql, firm.id, 'GET', `/contacts/${sync.contact.id}`);
      return res.status === 404 || ((await res.json()) as { isDeleted?: boolean }).isDeleted === true;
    }, { what: 'the deletion to show in Smokeball' });
    const gone = signedDelivery(signer, { type: 'contact.deleted', payload: { id: sync.contact.id } });
    expect((await deliver(gone)).status).toBe(200);
    expect(await outcomeOf(gone.headers.RequestId)).toMatchObject({ status: 'processed', error_code: 'deleted_in_smokeball' });
    expect(await contactMarked()).toBe(true);
  });
});

describe('events we do not act on', () => {
  // What a delivery stored is looked up by its own RequestId and type, not by counting the firm's rows: a
  // delivery of an earlier test that the simulator held back or sent twice (its copy has a later timestamp,
  // so a row of its own) may be stored while these tests run.
  test('a noop sent by Smokeball’s notify is acknowledged (200) and stores nothing', async () => {
    const mark = (await sim().deliveries()).reduce((max, d) => Math.max(max, d.seq), 0);
    const res = await simApi(sql, firm.id, 'POST', `/webhooks/${signer.subscriptionId}/notify`);
    expect(res.status).toBe(200);
    const delivery = await waitFor(async () => (await sim().deliveries(mark)).find((d) => d.subscriptionId === signer.subscriptionId && d.type === 'noop'), { what: 'the noop delivery' });
    expect(delivery.statusCode).toBe(200);
    expect(delivery.requestId).toEqual(expect.any(String));
    expect(await sql`select 1 from public.webhook_events where firm_id = ${firm.id} and (request_id = ${delivery.requestId} or event_type = 'noop')`).toHaveLength(0);
  });

  test.each([
    { type: 'noop', ignored: 'noop' },
    { type: 'task.created', ignored: 'unhandled_type' },
    { type: 'mattertype.updated', ignored: 'unhandled_type' },
    { type: 'files.updated', ignored: 'unhandled_type' },
    { type: 'Matter.Updated', ignored: 'unhandled_type' },
  ])('a signed $type is acknowledged and ignored', async ({ type, ignored }) => {
    const d = signedDelivery(signer, { type, payload: { id: 'x' } });
    const res = await deliver(d);
    expect(res).toEqual({ status: 200, body: { received: true, ignored } });
    expect(await sql`select 1 from public.webhook_events where firm_id = ${firm.id} and (request_id = ${d.headers.RequestId} or event_type = ${type})`).toHaveLength(0);
  });
});
