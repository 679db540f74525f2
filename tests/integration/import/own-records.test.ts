// Importing what CaseHug's own sync created in Smokeball: a matter or contact whose externalSystemId names a
// row of the importing firm (`casehug:<matter id>`, `casehug:client:<client id>`) links that row instead of
// creating a second. A sync interrupted between Smokeball's create and storing the link leaves exactly
// that: its retry must then find the matter linked, not fail on the link's unique key. An externalSystemId
// naming another firm's row is foreign: the import creates as usual and never touches the other firm.
import { describe, expect, test } from 'vitest';
import * as api from '../../../shared/api/functions.ts';
import { expectAnswer } from '../../helpers/contract.ts';
import { createClient, createFirm, createMatter } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { postImport, seedSmokeballMatter, waitForImportBatch } from '../../helpers/import-matters.ts';
import { jobsOfMatter } from '../../helpers/queue.ts';
import { createConnectedFirm, failLinkStore, requestSync, settledSimAccount, sim } from '../../helpers/sync.ts';

const sql = useSuperuserSql({ max: 4 });

const waitForBatch = (token: string, batchId: string) => waitForImportBatch(token, batchId, 60_000);

describe('import meets what CaseHug created', () => {
  test('a matter a sync created but did not link is linked by an import of all matters, and the sync\'s retry then succeeds', { timeout: 120_000 }, async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id);

    // The sync creates the matter in Smokeball and dies before storing the link.
    const fault = await failLinkStore(sql, 'matters', matter.id);
    try {
      expect((await requestSync(firm.memberToken, matter.id)).status).toBe(500);
    } finally {
      await fault.remove();
    }
    // A sync answered in the request leaves no queued job: its retry is the next sync of the matter.
    expect(await jobsOfMatter(sql, matter.id)).toEqual([]);
    const account = await settledSimAccount(firm.username);
    const created = account.matters.filter((m) => m.externalSystemId === `casehug:${matter.id}`);
    expect(created).toHaveLength(1);
    const [before] = await sql`select smokeball_matter_id, smokeball_create_started_at from public.matters where id = ${matter.id}`;
    expect(before.smokeball_matter_id).toBeNull();
    expect(before.smokeball_create_started_at).not.toBeNull();

    const accepted = await expectAnswer(postImport(firm.adminToken, { all: true }), api.ImportMattersAccepted, 202);
    expect(accepted).toMatchObject({ queued: 1, alreadyLinked: 0 });
    expect(await waitForBatch(firm.adminToken, accepted.batchId!)).toMatchObject({ total: 1, done: 1, failed: 0, imported: 0, linked: 1 });

    // No second CaseHug matter: the sync's own matter holds the link, and its client stays the one.
    const matters = await sql`select id, client_id, smokeball_matter_id, smokeball_create_started_at from public.matters where firm_id = ${firm.id}`;
    expect(matters).toEqual([{ id: matter.id, client_id: client.id, smokeball_matter_id: created[0].id, smokeball_create_started_at: null }]);
    const clients = await sql`select id from public.clients where firm_id = ${firm.id}`;
    expect(clients).toEqual([{ id: client.id }]);

    // The interrupted sync's retry succeeds on the linked matter (before the fix: a second CaseHug matter
    // held the link, and storing it failed on the link's unique key).
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'succeeded', matter: { action: 'existing', id: created[0].id } });
  });

  test("a contact naming this firm's client links it; a matter or contact naming another firm's row is foreign and created anew", { timeout: 120_000 }, async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const own = await createClient(sql, firm.id);
    // Another firm's client and matter, never synced: their ids appear in this firm's Smokeball account.
    const other = await createFirm(sql, { jurisdiction: 'IL' });
    const otherClient = await createClient(sql, other.id);
    const otherMatter = await createMatter(sql, other.id, otherClient.id);

    const seeded = await seedSmokeballMatter(firm.username, {
      matterTypeName: 'Divorce',
      location: 'IL',
      number: 'OWN-1',
      clients: [{ firstName: 'Own', lastName: 'Client' }, { firstName: 'Foreign', lastName: 'Client' }],
    });
    await sim().editContact(firm.username, seeded.clientIds[0], { externalSystemId: `casehug:client:${own.id}` });
    await sim().editContact(firm.username, seeded.clientIds[1], { externalSystemId: `casehug:client:${otherClient.id}` });
    await sim().editMatter(firm.username, seeded.id, { externalSystemId: `casehug:${otherMatter.id}` });

    const accepted = await expectAnswer(postImport(firm.adminToken, { smokeballMatterIds: [seeded.id] }), api.ImportMattersAccepted, 202);
    expect(await waitForBatch(firm.adminToken, accepted.batchId!)).toMatchObject({ total: 1, done: 1, failed: 0, imported: 1, linked: 0 });

    // The firm's own client holds the link to its contact; the foreign contact became a new client.
    const clients = await sql<{ id: string; smokeball_contact_id: string }[]>`
      select id, smokeball_contact_id from public.clients where firm_id = ${firm.id} order by smokeball_contact_id = ${seeded.clientIds[0]} desc`;
    expect(clients).toHaveLength(2);
    expect(clients[0]).toEqual({ id: own.id, smokeball_contact_id: seeded.clientIds[0] });
    expect(clients[1]).toMatchObject({ smokeball_contact_id: seeded.clientIds[1] });
    expect(clients[1].id).not.toBe(otherClient.id);
    // A new matter, linked, whose client is the firm's own.
    const matters = await sql`select id, client_id, smokeball_matter_id from public.matters where firm_id = ${firm.id}`;
    expect(matters).toHaveLength(1);
    expect(matters[0]).toMatchObject({ client_id: own.id, smokeball_matter_id: seeded.id });
    expect(matters[0].id).not.toBe(otherMatter.id);
    // The other firm is untouched.
    expect(await sql`select smokeball_contact_id from public.clients where id = ${otherClient.id}`).toEqual([{ smokeball_contact_id: null }]);
    expect(await sql`select smokeball_matter_id, firm_id from public.matters where id = ${otherMatter.id}`).toEqual([{ smokeball_matter_id: null, firm_id: other.id }]);
  });
});
