// sync-matter against the simulator: contacts, matter types, matters and documents — exactly once.
import { describe, expect, inject, test } from 'vitest';
import { newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { waitFor } from '../../helpers/wait.ts';
import { accountRequests, bookmark, createConnectedFirm, createMatterWithDocuments, isWrite, requestSync, runRequests, sim } from '../../helpers/sync.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

const matterWithDocuments = (count: number, fields: { email?: string | null; caseType?: string } = {}) =>
  createMatterWithDocuments(sql, firm.id, count, {
    status: 'approved',
    caseType: fields.caseType ?? 'divorce_standard',
    clientEmail: fields.email,
    fileName: (i) => `evidence-${i}-${newId().slice(0, 6)}.pdf`,
    bytes: (i) => 2048 + i,
  });

describe('sync-matter', () => {
  test('a new client with 3 approved documents: contact and matter created, files uploaded with their exact bytes', async () => {
    const { matter, documents } = await matterWithDocuments(3);
    // Warm the matter-type cache of the function instance with a first sync of another matter.
    await requestSync(firm.memberToken, (await matterWithDocuments(0)).matter.id);
    const since = await bookmark(firm.accountId);

    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({
      status: 'succeeded',
      contact: { action: 'created' },
      matter: { action: 'created' },
      counts: { uploaded: 3, skipped: 0, failed: 0 },
    });

    // Only the run's own requests (by RequestId): webhook processing may re-read what it wrote.
    const log = await runRequests(sql, run.runId, firm.accountId, since);
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual(log.filter(isWrite));
    expect(run.apiCalls).toBe(log.length);
    // A write naming the contact or matter created moments before may be refused until it is visible
    // (404, 403 or 400) and is then repeated: those are the only other requests.
    const accepted = log.filter((r) => r.status >= 200 && r.status < 300);
    const refused = log.filter((r) => !(r.status >= 200 && r.status < 300));
    for (const r of refused) {
      expect([400, 403, 404]).toContain(r.status);
      expect(['POST /matters', 'POST /matters/{id}/documents/files/bulk']).toContain(r.endpoint);
    }
    // The three files are asked for in one bulk call.
    expect(accepted.map((r) => r.endpoint)).toEqual(['GET /contacts', 'POST /contacts', 'POST /matters', 'POST /matters/{id}/documents/files/bulk']);
    // The uploads go to S3 (not an API call, no account on the request): their keys name the account.
    const uploads = (await sim().requests({ since })).filter((r) => r.endpoint.startsWith('PUT /s3') && r.path.includes(`/${run.matter.id}/`));
    expect(uploads.map((u) => u.status)).toEqual([200, 200, 200]);

    // File records become visible a moment after their 202, like every Smokeball write.
    const files = await waitFor(async () => {
      const found = (await sim().state(firm.username)).accounts[0].files.filter((f) => f.matterId === run.matter.id);
      return found.length === 3 && found;
    }, { what: 'three files in the matter' });
    expect(files.map((f) => f.sha256).sort()).toEqual(documents.map((d) => d.sha256).sort());
    expect(files.every((f) => f.isUploaded)).toBe(true);

    const [row] = await sql`select smokeball_matter_id, smokeball_create_started_at from public.matters where id = ${matter.id}`;
    expect(row).toEqual({ smokeball_matter_id: run.matter.id, smokeball_create_started_at: null });
    const [history] = await sql`select status, trigger, api_calls, array_length(request_ids, 1) as ids, error_code from public.sync_runs where id = ${run.runId}`;
    expect(history).toEqual({ status: 'succeeded', trigger: 'manual', api_calls: run.apiCalls, ids: run.apiCalls, error_code: null });
  });

  test('a re-sync with nothing new sends no write request to Smokeball', async () => {
    const { matter } = await matterWithDocuments(2);
    expect((await requestSync(firm.memberToken, matter.id)).status).toBe(200);
    const since = await bookmark(firm.accountId);
    const again = await (await requestSync(firm.memberToken, matter.id)).json();
    expect(again).toMatchObject({ status: 'succeeded', contact: { action: 'existing' }, matter: { action: 'existing' }, counts: { uploaded: 0, skipped: 2, failed: 0 }, apiCalls: 0 });
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);
  });

  test('a client whose email already exists in Smokeball is linked, with no new contact', async () => {
    const email = `Existing-${newId()}@Example.com`;
    // The firm's own Smokeball user created the contact there (through the API, as the firm's account).
    const { accessToken } = await sim().createAccount(firm.username);
    const created = await fetch(`${inject('simUrl')}/contacts`, {
      method: 'POST',
      headers: { 'x-api-key': 'casehug-local-api-key', authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ person: { firstName: 'Jane', lastName: 'Existing', email } }),
    });
    const { id: existingId } = await created.json();
    await waitFor(async () => (await sim().state(firm.username)).accounts[0].contacts.some((c) => c.id === existingId), { what: 'the contact to be visible' });

    const { matter } = await matterWithDocuments(0, { email: email.toLowerCase() });
    const since = await bookmark(firm.accountId);
    const run = await (await requestSync(firm.memberToken, matter.id)).json();
    expect(run.contact).toEqual({ id: existingId, action: 'linked' });
    expect((await accountRequests(firm.accountId, since)).filter((r) => r.endpoint === 'POST /contacts')).toEqual([]);
  });

  test('two CaseHug clients with one email share one contact, even before Smokeball shows it to a search', async () => {
    const email = `twice-${newId()}@example.com`;
    const first = await matterWithDocuments(0, { email });
    const created = await (await requestSync(firm.memberToken, first.matter.id)).json();
    expect(created.contact.action).toBe('created');
    const second = await matterWithDocuments(0, { email: email.toUpperCase() });
    const linked = await (await requestSync(firm.memberToken, second.matter.id)).json();
    expect(linked.contact).toEqual({ id: created.contact.id, action: 'linked' });
    const state = await waitFor(async () => {
      const account = (await sim().state(firm.username)).accounts[0];
      return account.pendingContactIds.length === 0 && account;
    }, { what: 'every contact to be visible' });
    expect(state.contacts.filter((c) => JSON.stringify(c).toLowerCase().includes(email))).toHaveLength(1);
  });

  test('an unmapped case type fails with 422 matter_type_unmapped naming it, and creates nothing in Smokeball', async () => {
    const { matter } = await matterWithDocuments(1, { caseType: 'maritime_salvage' });
    const since = await bookmark(firm.accountId);
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe('matter_type_unmapped');
    expect(body.error.message).toContain('maritime_salvage');
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);
    const [run] = await sql`select status, error_code from public.sync_runs where matter_id = ${matter.id}`;
    expect(run).toEqual({ status: 'failed', error_code: 'matter_type_unmapped' });
  });

  test('bad input: malformed body 400, another firm\'s or unknown matter 404, no token 401', async () => {
    const bad = await requestSync(firm.memberToken, 'not-a-uuid');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_body');
    const unknown = await requestSync(firm.memberToken, newId());
    expect(unknown.status).toBe(404);
    const other = await createConnectedFirm(sql);
    const theirs = await matterWithDocuments(0);
    const cross = await requestSync(other.memberToken, theirs.matter.id);
    expect(cross.status).toBe(404);
  });
});
