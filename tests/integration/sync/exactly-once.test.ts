// sync-matter creates each contact, matter and file in Smokeball exactly once (docs/architecture.md §5): when an attempt
// dies after Smokeball accepted a create but before the link was stored, when Smokeball answers a create
// with a 5xx, and when two syncs run at once. Failures are injected in the database (a trigger that makes
// storing one row's link fail) and in the simulator (fault rules scoped to this file's own accounts).
import { describe, expect, test } from 'vitest';
import { createClient, createDocument, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import {
  accountRequests,
  bookmark,
  failLinkStore,
  isWrite,
  putDocumentObject,
  requestSync,
  settledSimAccount,
  sim,
  withFault,
} from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

async function newMatter(fields: { email?: string } = {}) {
  const client = await createClient(sql, firm.id, { email: fields.email });
  const matter = await createMatter(sql, firm.id, client.id);
  return { client, matter };
}

async function addApprovedDocument(matterId: string) {
  const doc = await createDocument(sql, firm.id, matterId, { status: 'approved', fileName: `proof-${newId().slice(0, 8)}.pdf` });
  return { ...doc, sha256: await putDocumentObject(doc.storagePath, 3000) };
}

const ours = (matterId: string) => (m: Record<string, unknown>) => m.externalSystemId === `casehug:${matterId}`;

async function runRow(runId: string) {
  const [row] = await sql`
    select status, error_code, error_message, api_calls, array_length(request_ids, 1) as request_ids, counts
    from public.sync_runs where id = ${runId}`;
  return row;
}

async function latestRun(matterId: string) {
  const [row] = await sql`
    select id, status, error_code, error_message, api_calls, array_length(request_ids, 1) as request_ids
    from public.sync_runs where matter_id = ${matterId} order by started_at desc limit 1`;
  return row;
}

describe('sync-matter exactly once', () => {
  test('a matter accepted by Smokeball whose link was not stored is found and linked by the next sync, not created twice', async () => {
    const { matter } = await newMatter();
    const fault = await failLinkStore(sql, 'matters', matter.id);
    let failed: Response;
    try {
      failed = await requestSync(firm.memberToken, matter.id);
    } finally {
      await fault.remove();
    }
    expect(failed.status).toBe(500);
    expect((await failed.json()).error).toMatchObject({ code: 'internal_error' });
    const firstRun = await latestRun(matter.id);
    expect(firstRun).toMatchObject({ status: 'failed', error_code: 'internal_error' });
    const [marked] = await sql`select smokeball_matter_id, smokeball_create_started_at from public.matters where id = ${matter.id}`;
    expect(marked.smokeball_matter_id).toBeNull();
    expect(marked.smokeball_create_started_at).not.toBeNull();

    const since = await bookmark(firm.accountId);
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({ status: 'succeeded', contact: { action: 'existing' }, matter: { action: 'linked' } });
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);

    const account = await settledSimAccount(firm.username);
    const matters = account.matters.filter(ours(matter.id));
    expect(matters.map((m) => m.id)).toEqual([run.matter.id]);
    const [row] = await sql`select smokeball_matter_id, smokeball_create_started_at from public.matters where id = ${matter.id}`;
    expect(row).toEqual({ smokeball_matter_id: run.matter.id, smokeball_create_started_at: null });
  });

  test('a file uploaded to Smokeball whose link was not stored is found by its casehugDocumentId, not uploaded again', async () => {
    const { matter } = await newMatter();
    const doc = await addApprovedDocument(matter.id);
    const fault = await failLinkStore(sql, 'documents', doc.id);
    let first;
    try {
      const res = await requestSync(firm.memberToken, matter.id);
      // One document failing does not fail the matter: the run is partial and says which step failed.
      expect(res.status).toBe(200);
      first = await res.json();
    } finally {
      await fault.remove();
    }
    expect(first).toMatchObject({ status: 'partial', matter: { action: 'created' }, counts: { uploaded: 0, skipped: 0, failed: 1 } });
    expect(await runRow(first.runId)).toMatchObject({ status: 'partial', error_code: 'internal_error' });

    const since = await bookmark(firm.accountId);
    // Uploads carry no account in the log; bookmark the whole log to see they stopped.
    const simSince = (await sim().requests()).at(-1)?.seq ?? 0;
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({ status: 'succeeded', matter: { action: 'existing' }, counts: { uploaded: 1, skipped: 0, failed: 0 } });
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);

    const files = await waitFor(async () => {
      const found = (await settledSimAccount(firm.username)).files.filter((f) => f.matterId === first.matter.id);
      return found.length > 0 && found;
    }, { what: 'the file in the simulator' });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ isUploaded: true, sha256: doc.sha256, additionalData: { casehugDocumentId: doc.id } });
    const [row] = await sql`select smokeball_file_id, smokeball_create_started_at from public.documents where id = ${doc.id}`;
    expect(row).toEqual({ smokeball_file_id: files[0].id, smokeball_create_started_at: null });
    // The bytes went up once: one PUT to the upload URL in all, none after the first sync.
    const uploads = (await sim().requests()).filter((r) => r.endpoint.startsWith('PUT /s3') && r.path.includes(`/${first.matter.id}/`));
    expect(uploads).toHaveLength(1);
    expect(uploads[0].seq).toBeLessThanOrEqual(simSince);
  });

  test('a contact accepted by Smokeball whose link was not stored is found again by email, not created twice', async () => {
    const email = `once-${newId()}@example.com`;
    const { client, matter } = await newMatter({ email });
    const fault = await failLinkStore(sql, 'clients', client.id);
    let failed: Response;
    try {
      failed = await requestSync(firm.memberToken, matter.id);
    } finally {
      await fault.remove();
    }
    expect(failed.status).toBe(500);
    expect(await latestRun(matter.id)).toMatchObject({ status: 'failed', error_code: 'internal_error' });

    const since = await bookmark(firm.accountId);
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({ status: 'succeeded', contact: { action: 'linked' }, matter: { action: 'created' } });
    expect((await accountRequests(firm.accountId, since)).filter((r) => r.endpoint === 'POST /contacts')).toEqual([]);

    const account = await settledSimAccount(firm.username);
    const contacts = account.contacts.filter((c) => (c.person as { email?: string } | undefined)?.email === email);
    expect(contacts.map((c) => c.id)).toEqual([run.contact.id]);
    const [row] = await sql`select smokeball_contact_id, smokeball_create_started_at from public.clients where id = ${client.id}`;
    expect(row).toEqual({ smokeball_contact_id: run.contact.id, smokeball_create_started_at: null });
  });

  test('a client without email whose contact link was not stored is found again by name and externalSystemId', async () => {
    const client = await createClient(sql, firm.id, { email: null, firstName: 'Noemail', lastName: `Person ${newId().slice(0, 8)}` });
    const matter = await createMatter(sql, firm.id, client.id);
    const fault = await failLinkStore(sql, 'clients', client.id);
    try {
      expect((await requestSync(firm.memberToken, matter.id)).status).toBe(500);
    } finally {
      await fault.remove();
    }
    const since = await bookmark(firm.accountId);
    const run = await (await requestSync(firm.memberToken, matter.id)).json();
    expect(run).toMatchObject({ status: 'succeeded', contact: { action: 'linked' }, matter: { action: 'created' } });
    expect((await accountRequests(firm.accountId, since)).filter((r) => r.endpoint === 'POST /contacts')).toEqual([]);
    const account = await settledSimAccount(firm.username);
    expect(account.contacts.filter((c) => c.externalSystemId === `casehug:client:${client.id}`).map((c) => c.id)).toEqual([run.contact.id]);
  });

  test('two concurrent syncs of one matter both answer 200 (the second waits for the lease) and create one matter', async () => {
    const { matter } = await newMatter();
    const doc = await addApprovedDocument(matter.id);
    const [a, b] = await Promise.all([requestSync(firm.memberToken, matter.id), requestSync(firm.memberToken, matter.id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const runs = [await a.json(), await b.json()];
    expect(runs.map((r) => r.matter.action).sort()).toEqual(['created', 'existing']);
    expect(runs.map((r) => r.contact.action).sort()).toEqual(['created', 'existing']);
    expect(runs.map((r) => r.counts.uploaded).sort()).toEqual([0, 1]);
    expect(runs[0].matter.id).toBe(runs[1].matter.id);

    const account = await settledSimAccount(firm.username);
    expect(account.matters.filter(ours(matter.id))).toHaveLength(1);
    // File records become visible a moment after their 202, apart from matters and contacts.
    const files = await waitFor(async () => {
      const found = (await settledSimAccount(firm.username)).files.filter((f) => (f.additionalData as Record<string, string> | undefined)?.casehugDocumentId === doc.id);
      return found.length > 0 && found;
    }, { what: 'the file in the simulator' });
    expect(files).toHaveLength(1);
  });

  test('two matters of one new client synced at once share one contact', async () => {
    const email = `shared-${newId()}@example.com`;
    const client = await createClient(sql, firm.id, { email });
    const first = await createMatter(sql, firm.id, client.id);
    const second = await createMatter(sql, firm.id, client.id, { caseType: 'child_support' });
    const [a, b] = await Promise.all([requestSync(firm.memberToken, first.id), requestSync(firm.memberToken, second.id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const runs = [await a.json(), await b.json()];
    expect(runs[0].contact.id).toBe(runs[1].contact.id);

    const account = await settledSimAccount(firm.username);
    const contacts = account.contacts.filter((c) => (c.person as { email?: string } | undefined)?.email === email);
    expect(contacts).toHaveLength(1);
    const matters = account.matters.filter((m) => m.externalSystemId === `casehug:${first.id}` || m.externalSystemId === `casehug:${second.id}`);
    expect(matters.flatMap((m) => (m.clients as { id: string }[]).map((c) => c.id))).toEqual([contacts[0].id, contacts[0].id]);
  });

  test('two clients with one email whose matters sync at once share one contact', async () => {
    const email = `same-person-${newId()}@example.com`;
    const one = await newMatter({ email });
    const other = await newMatter({ email: email.toUpperCase() });
    const [a, b] = await Promise.all([requestSync(firm.memberToken, one.matter.id), requestSync(firm.memberToken, other.matter.id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const runs = [await a.json(), await b.json()];
    expect(runs[0].contact.id).toBe(runs[1].contact.id);
    expect(runs.map((r) => r.contact.action).sort()).toEqual(['created', 'linked']);
    const account = await settledSimAccount(firm.username);
    expect(account.contacts.filter((c) => (c.person as { email?: string } | undefined)?.email?.toLowerCase() === email)).toHaveLength(1);
  });

  test.each([
    // 503: Smokeball's gateway accepted nothing, so the mark is dropped and the next sync creates at once.
    { status: 503, code: 'smokeball_unavailable', looksFirst: false },
    // 502: the write may have been accepted behind the gateway, so the next sync looks for it first and
    // creates only once the mark is older than the consistency window.
    { status: 502, code: 'smokeball_error', looksFirst: true },
  ])('a $status on POST /matters fails the run; the next sync creates exactly one matter (looks first: $looksFirst)', { timeout: 60_000 }, async ({ status, looksFirst }) => {
    const { matter } = await newMatter();
    const res = await withFault({ account: firm.accountId, endpoint: 'POST /matters', status, count: 10 }, () =>
      requestSync(firm.memberToken, matter.id),
    );
    expect(res.status).toBeGreaterThanOrEqual(502);
    const { error } = await res.json();
    expect(error.code).toMatch(/^smokeball_/);
    expect(error.message).toContain('POST /matters');
    const failed = await latestRun(matter.id);
    expect(failed).toMatchObject({ status: 'failed', error_code: error.code, error_message: error.message });
    // A 5xx on a create is not retried (it may have been applied): GET /contacts, POST /contacts, POST /matters.
    expect(failed.api_calls).toBe(3);
    expect(failed.request_ids).toBe(3);
    const [mark] = await sql`select smokeball_create_started_at is not null as marked from public.matters where id = ${matter.id}`;
    expect(mark.marked).toBe(looksFirst);

    const since = await bookmark(firm.accountId);
    const started = Date.now();
    const again = await requestSync(firm.memberToken, matter.id);
    const elapsedMs = Date.now() - started;
    expect(again.status).toBe(200);
    const run = await again.json();
    expect(run).toMatchObject({ status: 'succeeded', contact: { action: 'existing' }, matter: { action: 'created' } });
    const log = await accountRequests(firm.accountId, since);
    expect(log.filter((r) => r.endpoint === 'GET /matters').length > 0).toBe(looksFirst);
    // One accepted create (one naming the contact created moments before may first be refused until it shows).
    expect(log.filter((r) => r.endpoint === 'POST /matters' && r.status === 202)).toHaveLength(1);
    const account = await settledSimAccount(firm.username);
    expect(account.matters.filter(ours(matter.id)).map((m) => m.id)).toEqual([run.matter.id]);
    // Documented cost of exactly-once after an ambiguous failure: up to the 15 s window.
    expect(elapsedMs).toBeLessThan(looksFirst ? 30_000 : 5_000);
  });
});
