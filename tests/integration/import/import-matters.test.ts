// Importing Smokeball matters: `import-smokeball-matters` queues one job per Smokeball matter; each job
// creates the CaseHug matter and its client(s), linked to the Smokeball records — exactly once, however
// many imports of the same matters run at the same time — maps the matter type back to a case type only
// when the mapping is unambiguous, and `smokeball-matters` then shows the matters as linked.
import { describe, expect, test } from 'vitest';
import * as api from '../../../shared/api/functions.ts';
import { expectAnswer, expectError, readHistoryAsMember } from '../../helpers/contract.ts';
import { useConnectedFirms, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { getImportBatch, postImport, seedSmokeballMatter, waitForImportBatch } from '../../helpers/import-matters.ts';
import { callFunction } from '../../helpers/stack.ts';
import { sim } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql({ max: 4 });
const [firm, other] = useConnectedFirms(sql, 2, { autoSync: false });

const waitForBatch = (token: string, batchId: string) => waitForImportBatch(token, batchId, 150_000);

describe('import-smokeball-matters', () => {
  test('importing 50 Smokeball matters twice at once creates 50 linked CaseHug matters and each client once', { timeout: 200_000 }, async () => {
    // 40 matters with a client of their own; 10 more whose client is one of those (a client with two matters).
    const first = await sim().seed(firm.username, {
      matters: Array.from({ length: 40 }, (_, i) => ({
        // Divorce maps back to exactly one case type; the area's general type to none.
        ...(i % 4 === 3 ? { matterTypeName: 'Family Law - General' } : { matterTypeName: 'Divorce' }),
        location: 'IL',
        number: `IMP-${i}`,
        description: `Imported matter ${i}`,
        clients: [{ firstName: 'Imported', lastName: `Client ${i}`, email: `imported-${i}-${firm.id}@example.com` }],
      })),
    });
    const second = await sim().seed(firm.username, {
      matters: Array.from({ length: 10 }, (_, i) => ({
        matterTypeName: 'Divorce',
        location: 'IL',
        number: `IMP-${40 + i}`,
        description: `Imported matter ${40 + i}`,
        clients: [{ id: first.matters[i].clientIds[0] }],
      })),
    });
    const seeded = [...first.matters, ...second.matters];
    const smokeballMatterIds = seeded.map((m) => m.id);
    const contactIds = new Set(seeded.flatMap((m) => m.clientIds));
    expect(contactIds.size).toBe(40);

    // The same 50 matters, twice, at the same time.
    const answers = await Promise.all([postImport(firm.adminToken, { smokeballMatterIds }), postImport(firm.adminToken, { smokeballMatterIds })]);
    const batches = await Promise.all(answers.map(async (res) => {
      const body = await expectAnswer(res, api.ImportMattersAccepted, 202);
      expect(body.queued + body.alreadyLinked).toBe(50);
      return body;
    }));
    const finals = await Promise.all(batches.filter((b) => b.batchId).map((b) => waitForBatch(firm.memberToken, b.batchId!)));
    for (const [i, p] of finals.entries()) expect(p).toMatchObject({ total: batches[i].queued, done: batches[i].queued, failed: 0, remaining: 0 });
    // Across both batches every matter was imported once; the other import of it found it linked.
    expect(finals.reduce((n, p) => n + p.imported, 0)).toBe(50);

    const matters = await sql<{ id: string; smokeballMatterId: string; caseType: string | null; caseNumber: string; title: string; clientId: string }[]>`
      select id, smokeball_matter_id as "smokeballMatterId", case_type as "caseType", case_number as "caseNumber", title, client_id as "clientId"
      from public.matters where firm_id = ${firm.id}`;
    expect(matters).toHaveLength(50);
    expect(new Set(matters.map((m) => m.smokeballMatterId))).toEqual(new Set(smokeballMatterIds));
    const clients = await sql<{ id: string; smokeballContactId: string; lastName: string; email: string | null }[]>`
      select id, smokeball_contact_id as "smokeballContactId", last_name as "lastName", email from public.clients where firm_id = ${firm.id}`;
    expect(clients).toHaveLength(40);
    expect(new Set(clients.map((c) => c.smokeballContactId))).toEqual(contactIds);

    // Each matter's client is the CaseHug client linked to its Smokeball client; the case type only when unambiguous.
    const clientBySmokeball = new Map(clients.map((c) => [c.smokeballContactId, c.id]));
    for (const [i, s] of seeded.entries()) {
      const m = matters.find((x) => x.smokeballMatterId === s.id)!;
      expect(m).toMatchObject({ caseNumber: `IMP-${i}`, title: `Imported matter ${i}`, clientId: clientBySmokeball.get(s.clientIds[0]) });
      expect(m.caseType).toBe(i < 40 && i % 4 === 3 ? null : 'divorce_standard');
    }
    const emptied = await sql<{ note: string }[]>`
      select note from public.smokeball_imports where firm_id = ${firm.id} and status = 'imported' and case_type is null`;
    expect(emptied).toHaveLength(10);
    for (const row of emptied) expect(row.note).toMatch(/Case type left empty: no case type maps to the Smokeball matter type "Family Law - General"/);

    // One history row per import attempt that ran, each naming its matter.
    const runs = await sql<{ n: number; failed: number }[]>`
      select count(*)::int as n, count(*) filter (where status <> 'succeeded')::int as failed
      from public.sync_runs where firm_id = ${firm.id} and trigger = 'import'`;
    expect(runs[0].failed).toBe(0);
    expect(runs[0].n).toBeGreaterThanOrEqual(50);

    // smokeball-matters shows every imported matter as linked to its CaseHug matter.
    const shown = (await expectAnswer(callFunction('smokeball-matters?limit=500', { method: 'GET', token: firm.memberToken }), api.SmokeballMattersResponse, 200)).matters;
    expect(shown).toHaveLength(50);
    for (const row of shown) expect(row).toMatchObject({ linked: true, casehugMatterId: matters.find((m) => m.smokeballMatterId === row.id)!.id });

    // Asked again: all linked already, nothing queued.
    expect(await expectAnswer(postImport(firm.adminToken, { all: true }), api.ImportMattersAccepted, 202)).toEqual({ batchId: null, queued: 0, alreadyLinked: 50 });
  });

  test('an import job that runs again after it succeeded creates nothing new (at least once, exactly once in effect)', { timeout: 60_000 }, async () => {
    const seeded = await seedSmokeballMatter(firm.username, { matterTypeName: 'Probate', location: 'IL', number: 'RETRY-1', clients: [{ firstName: 'Re', lastName: 'Try' }] });
    const { batchId } = await expectAnswer(postImport(firm.adminToken, { smokeballMatterIds: [seeded.id] }), api.ImportMattersAccepted, 202);
    expect(await waitForBatch(firm.adminToken, batchId!)).toMatchObject({ done: 1, imported: 1 });
    const [row] = await sql<{ id: string; matterId: string }[]>`
      select id, matter_id as "matterId" from public.smokeball_imports where firm_id = ${firm.id} and batch_id = ${batchId}`;

    // The same import queued once more, as a worker that died after the commit would leave it.
    await sql`update public.smokeball_imports set status = 'queued' where id = ${row.id}`;
    const [job] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, batch_id) values (${firm.id}, 'import_matter', ${row.id}, 'bulk', ${batchId}) returning id`;
    await waitFor(async () => {
      const [j] = await sql<{ status: string }[]>`select status from public.sync_jobs where id = ${job.id}`;
      return j.status === 'succeeded';
    }, { timeoutMs: 30_000, what: 'the repeated import job to finish' });
    const [after] = await sql<{ status: string; matterId: string }[]>`select status, matter_id as "matterId" from public.smokeball_imports where id = ${row.id}`;
    expect(after).toEqual({ status: 'linked', matterId: row.matterId });
    const matters = await sql`select id from public.matters where firm_id = ${firm.id} and smokeball_matter_id = ${seeded.id}`;
    expect(matters).toHaveLength(1);
    const clients = await sql`select id from public.clients where firm_id = ${firm.id} and smokeball_contact_id = ${seeded.clientIds[0]}`;
    expect(clients).toHaveLength(1);
  });

  test('bad requests are refused with the contract\'s error envelope', async () => {
    const invalid = (body: unknown) => expectError(postImport(firm.adminToken, body), 400);
    expect(await invalid({ smokeballMatterIds: ['x'], all: true })).toMatchObject({ code: 'invalid_body', retryable: false });
    // Ids are Smokeball's GUIDs: `..` would walk `GET matters/{id}` up the API's path.
    for (const bad of ['..', '.', 'x', `${firm.id}/..`]) {
      expect(await invalid({ smokeballMatterIds: [bad] })).toMatchObject({ code: 'invalid_body', details: { fields: [expect.stringMatching(/^smokeballMatterIds/)] } });
    }
    expect(await invalid({ smokeballMatterIds: Array.from({ length: 501 }, (_, i) => `m-${i}`) }))
      .toMatchObject({ code: 'invalid_body', details: { fields: ['smokeballMatterIds'] } });
    // An unknown key is not echoed back: the body is named.
    expect(await invalid({ all: true, extra: 1 })).toMatchObject({ code: 'invalid_body', details: { fields: ['body'] } });
    expect(await invalid({ all: true, firmId: 'not-a-uuid' })).toMatchObject({ code: 'invalid_body', details: { fields: ['firmId'] } });

    const malformed = callFunction('import-smokeball-matters', { method: 'POST', token: firm.adminToken, headers: { 'content-type': 'application/json' }, body: '{"all":' });
    expect(await expectError(malformed, 400)).toMatchObject({ code: 'invalid_json' });
    expect(await expectError(postImport(firm.memberToken, { all: true }), 403)).toMatchObject({ code: 'forbidden' });
    // firmId in the body names the firm like ?firmId=; a firm the admin is not a member of is forbidden.
    expect(await expectError(postImport(firm.adminToken, { all: true, firmId: other.id }), 403)).toMatchObject({ code: 'forbidden' });
    expect(await expectError(callFunction('import-smokeball-matters', { method: 'PUT', token: firm.adminToken, body: '{}' }), 405))
      .toMatchObject({ code: 'method_not_allowed' });
    expect(await expectError(callFunction('import-smokeball-matters?batchId=nope', { method: 'GET', token: firm.memberToken }), 400))
      .toMatchObject({ code: 'invalid_query', details: { fields: ['batchId'] } });
  });

  test('an import and its history row read through the contract; firmId in the body names the firm', { timeout: 60_000 }, async () => {
    const seeded = await seedSmokeballMatter(firm.username, { matterTypeName: 'Divorce', location: 'IL', number: 'HIST-1', clients: [{ firstName: 'His', lastName: 'Tory' }] });
    const accepted = await expectAnswer(postImport(firm.adminToken, { smokeballMatterIds: [seeded.id], firmId: firm.id }), api.ImportMattersAccepted, 202);
    expect(accepted).toMatchObject({ queued: 1, alreadyLinked: 0 });
    expect(await waitForBatch(firm.memberToken, accepted.batchId!)).toMatchObject({ total: 1, done: 1, imported: 1 });
    const [job] = await sql<{ id: string }[]>`select id from public.sync_jobs where firm_id = ${firm.id} and batch_id = ${accepted.batchId}`;
    const run = (await readHistoryAsMember(sql, firm.memberId, firm.id)).find((r) => r.job_id === job.id)!;
    expect(run).toMatchObject({ trigger: 'import', status: 'succeeded', counts: { mattersCreated: 1, clientsCreated: 1, clientsLinked: 0 } });
    expect(run.steps.map((s) => [s.step, s.outcome])).toEqual([['case_type', 'mapped'], ['matter', 'imported']]);
  });

  test("another firm's batch id is not found, and its matters are not imported into this firm", async () => {
    const seeded = await seedSmokeballMatter(other.username, { matterTypeName: 'Divorce', location: 'IL', clients: [{ firstName: 'Other', lastName: 'Firm' }] });
    const { batchId } = await expectAnswer(postImport(other.adminToken, { smokeballMatterIds: [seeded.id] }), api.ImportMattersAccepted, 202);
    await waitForBatch(other.adminToken, batchId!);

    expect(await expectError(getImportBatch(firm.adminToken, batchId!), 404)).toMatchObject({ code: 'not_found' });

    // A Smokeball matter of another account, named by id: the job fails (Smokeball refuses it), nothing is created.
    const { batchId: stolenBatch } = await expectAnswer(postImport(firm.adminToken, { smokeballMatterIds: [seeded.id] }), api.ImportMattersAccepted, 202);
    const progress = await waitForBatch(firm.adminToken, stolenBatch!);
    expect(progress).toMatchObject({ total: 1, done: 0, failed: 1, imported: 0 });
    const [row] = await sql<{ status: string; note: string }[]>`
      select status, note from public.smokeball_imports where firm_id = ${firm.id} and batch_id = ${stolenBatch}`;
    expect(row.status).toBe('failed');
    const linked = await sql`select 1 from public.matters where firm_id = ${firm.id} and smokeball_matter_id = ${seeded.id}`;
    expect(linked).toHaveLength(0);

    // Every import run of the firm so far, the failed one too, reads as the contract's history row.
    const history = (await readHistoryAsMember(sql, firm.memberId, firm.id)).filter((r) => r.trigger === 'import');
    // Smokeball refuses another account's matter (403 or 404); either way the run failed having counted nothing.
    expect(history.filter((r) => r.status === 'failed').map((r) => [r.error_code, r.counts])).toEqual([[expect.stringMatching(/^smokeball_(forbidden|not_found)$/), {}]]);
  });
});
