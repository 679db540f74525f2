// Inbound webhooks: a matter or contact edited "in Smokeball" reaches CaseHug; forged deliveries don't.
import { describe, expect, inject, test } from 'vitest';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callFunction } from '../../helpers/stack.ts';
import { requestSync, sim } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';
import { conformingAnswer } from '../../helpers/contract.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql);

describe('inbound webhooks', () => {
  test('connecting registered one subscription at Smokeball, and register-webhooks again creates no duplicate', async () => {
    const before = (await sim().state(firm.username)).accounts[0].subscriptions;
    expect(before).toHaveLength(1);
    const res = await callFunction('register-webhooks', { method: 'POST', token: firm.adminToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: false, removed: 0 });
    expect((await sim().state(firm.username)).accounts[0].subscriptions.map((s) => s.id)).toEqual(before.map((s) => s.id));
    const [connection] = await sql`select account_id from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection.account_id).toBe(firm.accountId);
  });

  test('a matter edited in Smokeball updates the linked CaseHug matter (how soon: `npm run bench -- --only edit-latency`)', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will', title: 'Original title' });
    const run = await (await requestSync(firm.memberToken, matter.id)).json();
    await waitFor(async () => (await sim().state(firm.username)).accounts[0].matters.some((m) => m.id === run.matter.id), { what: 'the matter to be visible' });

    await sim().editMatter(firm.username, run.matter.id, { status: 'Closed', description: 'Edited in Smokeball', number: 'SB-42' });
    const row = await waitFor(async () => {
      const [m] = await sql`select status, title, case_number from public.matters where id = ${matter.id}`;
      return m.status === 'closed' && m;
    }, { timeoutMs: 15_000, what: 'the matter edit to arrive' });
    expect(row).toEqual({ status: 'closed', title: 'Edited in Smokeball', case_number: 'SB-42' });
  });

  test('a contact edited in Smokeball updates the linked client', async () => {
    const client = await createClient(sql, firm.id, { firstName: 'Ann', lastName: 'Before' });
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const run = await (await requestSync(firm.memberToken, matter.id)).json();
    await waitFor(async () => (await sim().state(firm.username)).accounts[0].contacts.some((c) => c.id === run.contact.id), { what: 'the contact to be visible' });
    await sim().editContact(firm.username, run.contact.id, { person: { lastName: 'After', email: 'ann.after@example.com' } });
    const row = await waitFor(async () => {
      const [c] = await sql`select first_name, last_name, email from public.clients where id = ${client.id}`;
      return c.last_name === 'After' && c;
    }, { timeoutMs: 3_000, what: 'the contact edit to arrive' });
    expect(row).toEqual({ first_name: 'Ann', last_name: 'After', email: 'ann.after@example.com' });
  });

  test('forged and malformed deliveries are refused with no row written', async () => {
    const url = `${inject('gatewayUrl')}/functions/v1/smokeball-webhook`;
    const subscriptionId = (await sim().state(firm.username)).accounts[0].subscriptions[0].id;
    const ticks = (BigInt(Date.now()) * 10_000n + 621_355_968_000_000_000n).toString();
    const body = JSON.stringify({ accountId: firm.accountId, subscriptionId, type: 'matter.updated', source: 'Smokeball', payload: { id: 'x' }, timestamp: ticks });
    const headers = { 'content-type': 'application/json', timestamp: ticks, requestid: crypto.randomUUID(), signature: 'a'.repeat(64) };
    const cases: [string, RequestInit, number][] = [
      ['bad signature', { headers, body }, 401],
      ['missing headers', { headers: { 'content-type': 'application/json' }, body }, 400],
      ['invalid JSON', { headers, body: '{not json' }, 400],
      ['oversized', { headers, body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) }, 413],
      ['stale timestamp', { headers: { ...headers, timestamp: (BigInt(ticks) - 10n * 60n * 10_000_000n).toString() }, body }, 401],
    ];
    for (const [name, init, status] of cases) {
      const res = await conformingAnswer(await fetch(url, { method: 'POST', ...init }), new URL(url), 'POST');
      expect({ name, status: res.status }).toEqual({ name, status });
      expect((await res.json()).error.code).toMatch(/^[a-z_]+$/);
    }
    // Only rows of these deliveries count: the simulator's own deliveries of earlier tests may still
    // arrive late (it holds some back by default).
    const [{ count }] = await sql`
      select count(*)::int as count from public.webhook_events
      where firm_id = ${firm.id} and (request_id = ${headers.requestid} or resource_id = 'x')`;
    expect(count).toBe(0);
  });
});
