// Every function answers what the app's contract (shared/api) says, called as the app calls it
// (supabase-js `functions.invoke` with a user's session) and read through the contract: a firm connects,
// reads its status, syncs a matter with one failing document, meets an unmapped case type, previews its
// mappings, starts a bulk with an unknown id, and disconnects; the internal callers and the webhook too.
import { beforeAll, describe, expect, inject, test } from 'vitest';
import * as api from '../../../shared/api/index.ts';
import { helpFor } from '../../../shared/error-help.ts';
import { approveAt, followCallback, handleFrom } from '../../helpers/connect.ts';
import { expectAnswer, expectError, invokeAnswer, readAnswer } from '../../helpers/contract.ts';
import { asActor, createClient, createDocument, createFirm, createMatter, createMember, addMember, newId } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callInternal } from '../../helpers/queue.ts';
import { callFunction, functionUrl, signToken, supabaseAs } from '../../helpers/stack.ts';
import { putDocumentObject } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
let firm: { id: string };
let adminToken: string;
let memberToken: string;
let memberId: string;
beforeAll(async () => {
  firm = await createFirm(sql, { jurisdiction: 'IL' });
  const admin = await createMember(sql, firm.id, 'admin');
  const member = await createMember(sql, firm.id, 'member');
  adminToken = await signToken({ sub: admin.id, email: admin.email });
  memberToken = await signToken({ sub: member.id, email: member.email });
  memberId = member.id;
});

const get = (name: string, token: string, query = '') => fetch(`${functionUrl(name)}${query}`, { headers: { authorization: `Bearer ${token}` } });

describe('the contract, function by function', () => {
  test('health and the status of a firm that never connected', async () => {
    expect(await expectAnswer(get('health', memberToken), api.HealthResponse)).toMatchObject({ ok: true, database: 'ok' });
    const status = await expectAnswer(get('smokeball-status', memberToken), api.SmokeballStatusResponse);
    expect(status).toMatchObject({ state: 'not_connected', account: null, webhooks: { registered: false }, jobs: { queued: 0, parked: 0, dead: 0 } });
  });

  test('connect through supabase-js: oauth-start, the redirect back to the app, oauth-complete; then the status', async () => {
    const admin = supabaseAs(adminToken);
    const start = await invokeAnswer(admin, 'oauth-start', { body: { returnTo: '/settings/integrations', firmId: firm.id } }, api.OAuthStartResponse);
    expect(start.ok).toBe(true);
    if (!start.ok) return;
    const { location } = await followCallback(await approveAt(start.body.url, `contract-${firm.id}`));
    const back = api.OAuthRedirectQuery.parse(Object.fromEntries(location!.searchParams));
    expect('connect' in back).toBe(true);
    const complete = await invokeAnswer(admin, 'oauth-complete', { body: { handle: handleFrom(location) } }, api.OAuthCompleteResponse);
    expect(complete).toMatchObject({ ok: true, body: { connected: true } });

    const status = await invokeAnswer(supabaseAs(memberToken), 'smokeball-status', { method: 'GET' }, api.SmokeballStatusResponse);
    expect(status.ok).toBe(true);
    if (!status.ok) return;
    expect(status.body).toMatchObject({ state: 'connected', region: 'US', autoSync: true, webhooks: { registered: true } });
    expect(status.body.account?.id).toEqual(expect.any(String));
    expect(status.body.connectedBy?.email).toContain('@');
    expect(Date.parse(status.body.refreshTokenExpiresAt!)).toBeGreaterThan(Date.now());
    // The settings page's webhook button, again: the subscription exists, nothing new is created.
    const again = await invokeAnswer(admin, 'register-webhooks', {}, api.RegisterWebhooksResponse);
    expect(again).toMatchObject({ ok: true, body: { created: false } });
  });

  test("a sync with one failing document answers that document's error beside the counts; the run recorded its steps", async () => {
    await sql`update public.smokeball_connections set auto_sync = false where firm_id = ${firm.id}`;
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const good = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: 'signed-will.pdf' });
    await putDocumentObject(good.storagePath);
    const missing = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: 'missing-scan.pdf' });

    const answer = await invokeAnswer(supabaseAs(memberToken), 'sync-matter', { body: { matterId: matter.id } }, api.SyncMatterResult);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const run = answer.body;
    expect(run).toMatchObject({ status: 'partial', counts: { uploaded: 1, skipped: 0, failed: 1 } });
    const byId = new Map(run.documents.map((d) => [d.documentId, d]));
    expect(byId.get(good.id)).toMatchObject({ fileName: 'signed-will.pdf', status: 'uploaded', smokeballFileId: expect.any(String) });
    expect(byId.get(missing.id)).toMatchObject({ fileName: 'missing-scan.pdf', status: 'failed', smokeballFileId: null, error: { code: 'document_unavailable', help: helpFor('document_unavailable') } });

    // The history as the app reads it under RLS (the member's role and claims, as PostgREST sets them).
    const [data] = await asActor(sql, { role: 'authenticated', userId: memberId }, (tx) => tx`
      select id, firm_id, matter_id, job_id, trigger, status, steps, counts, api_calls, request_ids,
             to_json(started_at) #>> '{}' as started_at, to_json(finished_at) #>> '{}' as finished_at, duration_ms,
             error_code, error_message, help, to_json(updated_at) #>> '{}' as updated_at
      from public.sync_runs where id = ${run.runId}`);
    const row = api.SyncRunRow.parse(data);
    expect(row.steps.map((s) => s.step)).toEqual(['matter_type', 'contact', 'matter', 'document', 'document']);
    expect(row.counts).toEqual({ uploaded: 1, skipped: 0, failed: 1 });
    expect(row).toMatchObject({ status: 'partial', error_code: 'document_unavailable', help: helpFor('document_unavailable') });

    // A second sync sends nothing new: the sent document is skipped, the missing one fails again.
    const again = await expectAnswer(callFunction('sync-matter', { method: 'POST', token: memberToken, body: JSON.stringify({ matterId: matter.id }) }), api.SyncMatterResult);
    expect(again.documents.find((d) => d.documentId === good.id)).toMatchObject({ status: 'skipped', smokeballFileId: byId.get(good.id)!.smokeballFileId });
  });

  test('an unmapped case type: 422 with the case type in details and the run id; the preview lists it with its matter count', async () => {
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'maritime_salvage' });
    const error = await expectError(callFunction('sync-matter', { method: 'POST', token: memberToken, body: JSON.stringify({ matterId: matter.id }) }), 422);
    expect(error).toMatchObject({ code: 'matter_type_unmapped', retryable: false, details: { caseType: 'maritime_salvage' }, runId: expect.any(String) });
    const [run] = await sql`select status, error_code from public.sync_runs where id = ${error.runId!}`;
    expect(run).toEqual({ status: 'failed', error_code: 'matter_type_unmapped' });

    const preview = await expectAnswer(get('smokeball-matter-types', memberToken, '?preview=1'), api.MappingPreviewList);
    expect(preview.mappings.find((m) => m.caseType === 'maritime_salvage')).toMatchObject({ how: 'unmapped', matterType: null, matterCount: 1 });
    expect(preview.mappings.find((m) => m.caseType === 'will')).toMatchObject({ matterCount: 1 });
    expect(preview.mappings.find((m) => m.caseType === 'divorce_standard')).toMatchObject({ matterCount: 0 });
    const picker = await expectAnswer(get('smokeball-matter-types', memberToken), api.MatterTypeList);
    expect(picker.categories.length).toBeGreaterThan(0);
  });

  test('a bulk with an unknown id reports it in notFound; a matter already queued joins the batch; the progress adds up, page by page', async () => {
    const client = await createClient(sql, firm.id);
    const fresh = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    const waiting = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
    // A job queued before the bulk (as an approval queues one), not yet due so nothing claims it meanwhile.
    const [job] = await sql`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
      values (${firm.id}, 'sync_matter', ${waiting.id}, 'auto', now() + interval '1 hour') returning id`;
    const unknown = newId();
    const bulk = await invokeAnswer(supabaseAs(memberToken), 'sync-matter', { body: { matterIds: [fresh.id, waiting.id, unknown] } }, api.BulkSyncAccepted);
    expect(bulk).toMatchObject({ ok: true, status: 202, body: { queued: 1, alreadyQueued: 1, joined: 1, notFound: [unknown] } });
    if (!bulk.ok) return;
    const batchId = bulk.body.batchId!;
    await sql`update public.sync_jobs set run_after = now() where id = ${job.id}`;

    const progress = (query = '') => expectAnswer(get('sync-matter', memberToken, `?batchId=${batchId}${query}`), api.BatchProgress);
    const done = await waitFor(async () => {
      const p = await progress();
      return p.remaining === 0 && p;
    }, { timeoutMs: 30_000, intervalMs: 200, what: 'the batch to finish' });
    expect(done).toMatchObject({ total: 2, succeeded: 2, partial: 0, failed: 0, remaining: 0, finishedAt: expect.any(String) });
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    expect(done.items.map((i) => i.matterId).sort()).toEqual([fresh.id, waiting.id].sort());
    for (const item of done.items) expect(item).toMatchObject({ status: 'succeeded', runId: expect.any(String), errorCode: null });
    const [first, second] = [await progress('&limit=1'), await progress('&limit=1&offset=1')];
    expect([first.items.length, second.items.length]).toEqual([1, 1]);
    expect(new Set([first.items[0].matterId, second.items[0].matterId])).toEqual(new Set([fresh.id, waiting.id]));

    const matters = await expectAnswer(get('smokeball-matters', memberToken, '?limit=10'), api.SmokeballMattersResponse);
    expect(matters).toMatchObject({ offset: 0, limit: 10 });
  });

  test('bad input: invalid_body names its fields; a user of several firms gets firm_required, and names the firm in the body', async () => {
    const bad = await expectError(callFunction('sync-matter', { method: 'POST', token: memberToken, body: JSON.stringify({ matterId: 'nope' }) }), 400);
    expect(bad).toMatchObject({ code: 'invalid_body', retryable: false, details: { fields: ['matterId'] } });

    const other = await createFirm(sql);
    const both = await createMember(sql, other.id, 'admin');
    await addMember(sql, firm.id, both.id, 'member');
    const token = await signToken({ sub: both.id, email: both.email });
    expect(await expectError(get('smokeball-status', token), 400)).toMatchObject({ code: 'firm_required', retryable: false });
    expect(await expectAnswer(get('smokeball-status', token, `?firmId=${firm.id}`), api.SmokeballStatusResponse)).toMatchObject({ state: 'connected' });
    const unknownMatter = newId();
    const viaBody = await expectError(callFunction('sync-matter', { method: 'POST', token, body: JSON.stringify({ matterId: unknownMatter, firmId: firm.id }) }), 404);
    expect(viaBody.code).toBe('not_found');
  });

  test('browsers can read the request id of answers and errors; the preflight allows it', async () => {
    const origin = 'https://app.casehug.example';
    const preflight = await fetch(functionUrl('smokeball-status'), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, x-client-info, apikey' },
    });
    expect(preflight.status).toBeLessThan(300);
    const ok = await get('smokeball-status', memberToken);
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(ok.headers.get('x-request-id')).toBeTruthy();
    const error = await callFunction('sync-matter', { method: 'POST', token: memberToken, body: '{' });
    expect(error.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(await expectError(error, 400)).toMatchObject({ code: 'invalid_json' });
  });

  test('internal callers and Smokeball get answers of the contract too', async () => {
    expect(await expectAnswer(callInternal('sync-worker', {}), api.DrainSummary)).toMatchObject({ claimed: expect.any(Number) });
    const ignored = await expectAnswer(
      callInternal('on-document-approved', { type: 'DELETE', table: 'documents', schema: 'public', record: null, old_record: { status: 'approved' } }),
      api.DocumentApprovedResponse,
    );
    expect(ignored).toMatchObject({ ignored: true });
    expect(await expectError(callInternal('sync-worker', { extra: 1 }), 400)).toMatchObject({ code: 'invalid_body', details: { fields: ['body'] } });
    expect(await expectError(fetch(functionUrl('smokeball-webhook'), { method: 'POST', body: '{}' }), 400)).toMatchObject({ code: 'invalid_webhook' });
  });

  test('disconnect answers the contract, and the status shows it', async () => {
    const answer = await invokeAnswer(supabaseAs(adminToken), 'disconnect', { body: {} }, api.DisconnectResponse);
    expect(answer).toMatchObject({ ok: true, body: { disconnected: true } });
    const status = await expectAnswer(get('smokeball-status', memberToken), api.SmokeballStatusResponse);
    expect(status).toMatchObject({ state: 'disconnected', webhooks: { registered: false } });
  });
});

test('the gateway answers an unknown function in the envelope', async () => {
  const res = await fetch(`${inject('gatewayUrl')}/functions/v1/no-such-function`, { method: 'POST' });
  const answer = await readAnswer(res, api.HealthResponse);
  expect(answer).toMatchObject({ ok: false, status: 404, body: { error: { code: 'function_not_found' } } });
});
