// A sync refused before it starts still leaves its run in the sync history, with the error code, a message
// and the code's help — and the caller's error body carries the same help. One refusal kind per test:
// re-authorisation needed, disconnected, never connected, not configured, unmapped case type, unknown
// matter, a worker job for a matter that no longer exists, and a member's bulk over the cap (refused per
// request: one row for the whole request, no matter).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorEnvelope, isRetryableErrorCode } from '../../../shared/api/errors.ts';
import { helpFor } from '../../../shared/error-help.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { MAX_MEMBER_BULK_MATTER_IDS } from '../../../shared/sync/queue/bulk-sync.ts';
import { startUnconfiguredFunction } from '../../helpers/connect.ts';
import { createClient, createFirm, createMatter, createMember, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callFunction, signToken } from '../../helpers/stack.ts';
import { accountRequests, bookmark, createConnectedFirm, requestSync, sim } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

type RunRow = {
  id: string;
  matterId: string | null;
  jobId: string | null;
  trigger: string;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  help: string | null;
  apiCalls: number;
  finished: boolean;
  steps: { step: string; outcome: string; detail?: string }[];
};

const sql = useSuperuserSql();

const runsOf = (firmId: string) => sql<RunRow[]>`
  select id, matter_id as "matterId", job_id as "jobId", trigger, status, error_code as "errorCode",
         error_message as "errorMessage", help, api_calls as "apiCalls", finished_at is not null as finished, steps
  from public.sync_runs where firm_id = ${firmId} order by started_at, id`;

async function newMatter(firmId: string, caseType = 'will') {
  const client = await createClient(sql, firmId);
  return createMatter(sql, firmId, client.id, { caseType });
}

/** The error body and the one history row a refusal left, checked to agree with each other. */
async function expectRefusal(res: Response, firmId: string, expected: { status: number; code: ErrorCode }) {
  expect(res.status).toBe(expected.status);
  const body = ErrorEnvelope.parse(await res.json());
  // The body points at the history row that records the refusal.
  expect(body.error).toEqual({ code: expected.code, message: expect.any(String), help: helpFor(expected.code), retryable: isRetryableErrorCode(expected.code), runId: expect.any(String) });
  const runs = await runsOf(firmId);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({
    id: body.error.runId,
    status: 'failed',
    finished: true,
    errorCode: expected.code,
    errorMessage: body.error.message,
    help: helpFor(expected.code),
    apiCalls: 0,
  });
  return { body, run: runs[0] };
}

describe('refused syncs in the history', () => {
  test('re-authorisation needed: 409, and a manual run with the reconnect advice', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    await sim().revoke(firm.username);
    await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;
    const matter = await newMatter(firm.id);
    const { run } = await expectRefusal(await requestSync(firm.memberToken, matter.id), firm.id, { status: 409, code: 'smokeball_reauth_required' });
    expect(run).toMatchObject({ matterId: matter.id, trigger: 'manual', jobId: null });
    expect(run.steps).toEqual([expect.objectContaining({ step: 'refused', outcome: 'smokeball_reauth_required' })]);
    expect(run.help).toContain('Settings → Integrations → Smokeball');
  });

  test('disconnected: 409 not_connected with the connect advice, and nothing sent to Smokeball', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const matter = await newMatter(firm.id);
    const disconnected = await callFunction('disconnect', { method: 'POST', token: firm.adminToken });
    expect(disconnected.status).toBe(200);
    const since = await bookmark(firm.accountId);
    const { run } = await expectRefusal(await requestSync(firm.memberToken, matter.id), firm.id, { status: 409, code: 'not_connected' });
    expect(run).toMatchObject({ matterId: matter.id, trigger: 'manual' });
    expect(await accountRequests(firm.accountId, since)).toEqual([]);
  });

  test('never connected: 409 not_connected, a run all the same', async () => {
    const firm = await createFirm(sql);
    const member = await createMember(sql, firm.id, 'member');
    const token = await signToken({ sub: member.id, email: member.email });
    const matter = await newMatter(firm.id);
    const { run } = await expectRefusal(await requestSync(token, matter.id), firm.id, { status: 409, code: 'not_connected' });
    expect(run.matterId).toBe(matter.id);
  });

  test('an unknown matter: 404, a run without a matter that names the id asked for', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const unknownId = newId();
    const { run } = await expectRefusal(await requestSync(firm.memberToken, unknownId), firm.id, { status: 404, code: 'not_found' });
    expect(run).toMatchObject({ matterId: null, trigger: 'manual' });
    expect(run.steps[0]).toMatchObject({ step: 'refused', detail: unknownId });
  });

  test('an unmapped case type: 422, the run names the case type and says to add its mapping', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const matter = await newMatter(firm.id, 'maritime_salvage');
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toEqual({
      code: 'matter_type_unmapped',
      message: expect.stringContaining('maritime_salvage'),
      help: helpFor('matter_type_unmapped'),
      retryable: false,
      details: { caseType: 'maritime_salvage' },
      runId: expect.any(String),
    });
    const [run] = await runsOf(firm.id);
    expect(run).toMatchObject({ id: body.error.runId, matterId: matter.id, status: 'failed', errorCode: 'matter_type_unmapped', help: helpFor('matter_type_unmapped') });
    expect(run.errorMessage).toContain('maritime_salvage');
    expect(run.help).toMatch(/adds a mapping for that case type/);
    expect(run.steps).toContainEqual(expect.objectContaining({ step: 'matter_type', outcome: 'unmapped', detail: expect.stringContaining('maritime_salvage') }));
  });

  test("a member's bulk over the cap: 403, one bulk run for the request (no matter), nothing queued", async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const matterIds = Array.from({ length: MAX_MEMBER_BULK_MATTER_IDS + 1 }, () => newId());
    const res = await callFunction('sync-matter', {
      method: 'POST',
      token: firm.memberToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matterIds }),
    });
    const { run } = await expectRefusal(res, firm.id, { status: 403, code: 'forbidden' });
    expect(run).toMatchObject({ matterId: null, jobId: null, trigger: 'bulk' });
    expect(run.steps[0]).toMatchObject({ step: 'refused', outcome: 'forbidden', detail: `${MAX_MEMBER_BULK_MATTER_IDS + 1} matters` });
    expect(await sql`select 1 from public.sync_jobs where firm_id = ${firm.id}`).toHaveLength(0);
  });

  test('a worker job for a matter that no longer exists: an auto run naming its job and the matter id', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const goneId = newId();
    // Queued as an approval would queue it; the stack's job pump runs it.
    const [job] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${firm.id}, 'sync_matter', ${goneId}, 'auto') returning id`;
    const run = await waitFor(async () => (await runsOf(firm.id)).find((r) => r.jobId === job.id), { what: 'the job to record its run', timeoutMs: 30_000 });
    expect(run).toMatchObject({ matterId: null, trigger: 'auto', status: 'failed', errorCode: 'not_found', help: helpFor('not_found'), apiCalls: 0 });
    expect(run.steps[0]).toMatchObject({ step: 'refused', detail: goneId });
  });
});

describe('refused syncs in the history, without Smokeball credentials', () => {
  let fn: Awaited<ReturnType<typeof startUnconfiguredFunction>>;
  beforeAll(async () => {
    fn = await startUnconfiguredFunction('sync-matter');
  });
  afterAll(() => fn?.stop());
  const firm = useConnectedFirm(sql, { autoSync: false });

  const post = (body: unknown) =>
    fetch(fn.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${firm.memberToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a manual sync: 503 smokeball_not_configured, a run saying to contact support; then a bulk: a bulk run', async () => {
    const matter = await newMatter(firm.id);
    const { run } = await expectRefusal(await post({ matterId: matter.id }), firm.id, { status: 503, code: 'smokeball_not_configured' });
    // The FAQ's words, naming the support address (SUPPORT_EMAIL).
    expect(run).toMatchObject({ matterId: matter.id, trigger: 'manual', errorMessage: expect.stringMatching(/^Smokeball integration is not configured: .*Contact \S+@\S+ /) });
    expect(run.help).toMatch(/API credentials have not been set up.*contact support/);

    const bulk = await post({ matterIds: [matter.id] });
    expect(bulk.status).toBe(503);
    const bulkError = ErrorEnvelope.parse(await bulk.json()).error;
    expect(bulkError).toEqual({ code: 'smokeball_not_configured', message: run.errorMessage, help: helpFor('smokeball_not_configured'), retryable: false, runId: expect.any(String) });
    const runs = await runsOf(firm.id);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ id: bulkError.runId, matterId: null, trigger: 'bulk', errorCode: 'smokeball_not_configured', help: helpFor('smokeball_not_configured') });
    expect(await sql`select 1 from public.sync_jobs where firm_id = ${firm.id}`).toHaveLength(0);
  });
});
