// Redeliveries are applied once, an older update never overwrites a newer one, and
// a replayed valid header set with a forged body leaves CaseHug equal to what Smokeball holds. The
// simulator's duplicate/reorder knobs are global, so this file replays deliveries itself: it deletes the
// firm's subscription at the simulator (our record stays, so the receiver still accepts the firm's
// signature) and delivers what it wants, in the order it wants.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { applyFromSmokeball } from '../../../shared/sync/push/apply-from-smokeball.ts';
import { matterSide } from '../../../shared/sync/push/smokeball-values.ts';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirms, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { accountRequests, bookmark, requestSync, settledSimAccount, sim, type ConnectedFirm } from '../../helpers/sync.ts';
import { deliver, expectedMatterFields, settledEventsOf, signedDelivery, signerFor, simApi, simMatter, type DeliverySigner } from '../../helpers/webhooks.ts';

const sql = useSuperuserSql();
const [firm, other] = useConnectedFirms(sql, 2, { autoSync: false });
let signer: DeliverySigner;
type Linked = { matterId: string; clientId: string; sbMatterId: string; sbContactId: string };
let m1: Linked;
let m2: Linked;
let otherMatter: Linked;

async function linkedMatter(f: ConnectedFirm, title: string): Promise<Linked> {
  const client = await createClient(sql, f.id);
  const matter = await createMatter(sql, f.id, client.id, { caseType: 'will', title });
  const res = await requestSync(f.memberToken, matter.id);
  if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
  const run = (await res.json()) as { matter: { id: string }; contact: { id: string } };
  return { matterId: matter.id, clientId: client.id, sbMatterId: run.matter.id, sbContactId: run.contact.id };
}

const matterRow = async (id: string) =>
  (await sql`select status, title, case_number, smokeball_version::text as smokeball_version, smokeball_matter_id from public.matters where id = ${id}`)[0];

beforeAll(async () => {
  signer = await signerFor(sql, firm);
  m1 = await linkedMatter(firm, 'First');
  m2 = await linkedMatter(firm, 'Second');
  otherMatter = await linkedMatter(other, 'Other firm');
  await Promise.all([settledSimAccount(firm.username), settledSimAccount(other.username)]);
  // From here on the simulator sends this firm nothing; every delivery is the test's own.
  const res = await simApi(sql, firm.id, 'DELETE', `/webhooks/${signer.subscriptionId}`);
  expect(res.status).toBe(200);
});

describe('replays and ordering', () => {
  test('the same delivery five times is stored once, processed once and re-fetched once', async () => {
    const mark = await bookmark(firm.accountId);
    const d = signedDelivery(signer, { type: 'matter.updated', payload: { id: m1.sbMatterId } });
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(d)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(4);

    const [event] = await settledEventsOf(sql, firm.id, d.headers.RequestId);
    const jobs = await sql`select status from public.sync_jobs where kind = 'process_webhook' and subject_id = ${event.id}`;
    expect(jobs).toHaveLength(1);
    const fetches = (await accountRequests(firm.accountId, mark)).filter((r) => r.endpoint === 'GET /matters/{id}' && r.path.includes(m1.sbMatterId));
    expect(fetches).toHaveLength(1);
    // Delivered again after processing: still a duplicate, nothing re-queued.
    expect(await deliver(d)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(await sql`select 1 from public.webhook_events where request_id = ${d.headers.RequestId}`).toHaveLength(1);
  });

  test('two updates delivered newest first: CaseHug ends with the newer values and version', async () => {
    await sim().editMatter(firm.username, m1.sbMatterId, { status: 'Pending', description: 'First edit', number: 'SB-1' });
    const v1 = await simMatter(firm.username, m1.sbMatterId);
    await sim().editMatter(firm.username, m1.sbMatterId, { status: 'Closed', description: 'Second edit', number: 'SB-2' });
    const v2 = await simMatter(firm.username, m1.sbMatterId);
    expect(BigInt(String(v2.versionId))).toBeGreaterThan(BigInt(String(v1.versionId)));

    const now = Date.now();
    const older = signedDelivery(signer, { sentAtMs: now - 1_000, payload: { id: m1.sbMatterId, status: 'Pending', description: 'First edit', number: 'SB-1' } });
    const newer = signedDelivery(signer, { sentAtMs: now, payload: { id: m1.sbMatterId, status: 'Closed', description: 'Second edit', number: 'SB-2' } });
    expect((await deliver(newer)).status).toBe(200);
    const [newerEvent] = await settledEventsOf(sql, firm.id, newer.headers.RequestId);
    expect((await deliver(older)).status).toBe(200);
    const [olderEvent] = await settledEventsOf(sql, firm.id, older.headers.RequestId);

    expect({ newer: [newerEvent.status, newerEvent.error_code], older: [olderEvent.status, olderEvent.error_code] }).toEqual({
      newer: ['processed', 'applied'],
      older: ['ignored', 'stale'],
    });
    expect(await matterRow(m1.matterId)).toMatchObject({ status: 'closed', title: 'Second edit', case_number: 'SB-2', smokeball_version: String(v2.versionId) });
  });

  test('an older version never overwrites a newer one: the record is locked and its version compared', async () => {
    const client = await createClient(sql, firm.id);
    const sbId = `guard-${randomUUID()}`;
    const matter = await createMatter(sql, firm.id, client.id, { smokeballMatterId: sbId });
    const newer = matterSide({ versionId: '638000000000000002', status: 'Closed', number: 'NEW', description: 'Newer' });
    const older = matterSide({ versionId: '638000000000000001', status: 'Open', number: 'OLD', description: 'Older' });
    const apply = async (firmId: string, side: typeof newer) => (await applyFromSmokeball(sql as never, firmId, 'matter', { smokeballId: sbId }, side)).outcome;
    // Both at once, many times: whatever the interleaving, the newer wins.
    const outcomes = await Promise.all([...Array.from({ length: 5 }, () => apply(firm.id, older)), apply(firm.id, newer)]);
    expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThanOrEqual(1);
    expect(await apply(firm.id, older)).toBe('stale');
    expect(await apply(firm.id, newer)).toBe('stale');
    expect(await apply(other.id, newer)).toBe('not_linked');
    expect(await matterRow(matter.id)).toMatchObject({ status: 'closed', case_number: 'NEW', title: 'Newer', smokeball_version: '638000000000000002' });
  });

  test('a replayed valid header set with forged bodies leaves CaseHug equal to Smokeball, and another firm untouched', async () => {
    // Smokeball's real state for m2, changed without a delivery (the subscription is gone at the simulator).
    await sim().editMatter(firm.username, m2.sbMatterId, { status: 'Pending', description: 'Held by Smokeball', number: 'SB-M2' });
    await sim().editContact(firm.username, m1.sbContactId, { person: { lastName: 'Smokeball-Last' } });
    const otherBefore = await matterRow(otherMatter.matterId);
    const m1Before = await matterRow(m1.matterId);

    const genuine = signedDelivery(signer, { payload: { id: m1.sbMatterId } });
    expect((await deliver(genuine)).body).toEqual({ received: true, duplicate: false });
    const envelope = JSON.parse(genuine.body.replace(/"timestamp":(\d+)/, '"timestamp":"$1"')) as Record<string, unknown>;
    const forge = (fields: Record<string, unknown>) => ({
      headers: genuine.headers,
      body: JSON.stringify({ ...envelope, ...fields }).replace(/"timestamp":"(\d+)"/, '"timestamp":$1'),
    });
    const forgeries = [
      forge({ payload: { id: m1.sbMatterId, status: 'Closed', description: 'Forged title', number: 'FORGED' } }), // same fingerprint: a duplicate
      forge({ payload: { id: m2.sbMatterId, status: 'Closed', description: 'Forged title', number: 'FORGED' } }),
      forge({ payload: { id: otherMatter.sbMatterId, status: 'Closed', description: 'Forged title' } }),
      forge({ type: 'contact.updated', payload: { id: m1.sbContactId, person: { lastName: 'Forged' } } }),
      forge({ type: 'error', payload: { message: 'forged failure', resourceName: 'Matter', resourceId: m2.sbMatterId } }),
      forge({ accountId: other.accountId, payload: { id: otherMatter.sbMatterId } }), // another account: refused
    ];
    const answers = [];
    for (const f of forgeries) answers.push(await deliver(f));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 401]);
    expect(answers[0].body).toEqual({ received: true, duplicate: true });

    const events = await settledEventsOf(sql, firm.id, genuine.headers.RequestId, 5);
    expect(Object.fromEntries(events.map((e) => [`${e.event_type} ${e.resource_id}`, e.error_code]))).toEqual({
      [`matter.updated ${m1.sbMatterId}`]: expect.stringMatching(/^(applied|stale)$/),
      [`matter.updated ${m2.sbMatterId}`]: 'applied',
      [`matter.updated ${otherMatter.sbMatterId}`]: 'not_linked',
      [`contact.updated ${m1.sbContactId}`]: 'applied',
      [`error ${m2.sbMatterId}`]: 'no_run_for_request',
    });

    const simM1 = await simMatter(firm.username, m1.sbMatterId);
    const simM2 = await simMatter(firm.username, m2.sbMatterId);
    expect(await matterRow(m1.matterId)).toMatchObject({ ...expectedMatterFields(simM1), smokeball_matter_id: m1.sbMatterId });
    expect(await matterRow(m2.matterId)).toMatchObject({ ...expectedMatterFields(simM2), smokeball_matter_id: m2.sbMatterId });
    expect(m1Before.smokeball_matter_id).toBe(m1.sbMatterId);
    const [client] = await sql`select last_name from public.clients where id = ${m1.clientId}`;
    expect(client.last_name).toBe('Smokeball-Last');
    expect(await matterRow(otherMatter.matterId)).toEqual(otherBefore);
    expect(await sql`select 1 from public.webhook_events where firm_id = ${other.id} and request_id = ${genuine.headers.RequestId}`).toHaveLength(0);
  });
});
