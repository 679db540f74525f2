// sync-matter when Smokeball or the connection is not fine (docs/architecture.md §5 "Rate limit", "Tokens"): a 429
// storm is absorbed by retries, a firm that is not connected or must re-authorise gets a clear 409 and
// nothing is sent, and a grant revoked in Smokeball turns into smokeball_reauth_required on the first call.
// Faults are rules scoped to this file's own simulator accounts and removed afterwards.
import { describe, expect, test } from 'vitest';
import { helpFor } from '../../../shared/error-help.ts';
import { createClient, createFirm, createMatter, createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { signToken } from '../../helpers/stack.ts';
import {
  accountRequests,
  bookmark,
  createConnectedFirm,
  isWrite,
  requestSync,
  runRequests,
  settledSimAccount,
  sim,
  withFault,
  type ConnectedFirm,
} from '../../helpers/sync.ts';

const sql = useSuperuserSql();

async function newMatter(firm: { id: string }) {
  const client = await createClient(sql, firm.id);
  return createMatter(sql, firm.id, client.id);
}

describe('sync-matter failures', () => {
  test('a storm of 429s on every create is absorbed by retries: the run succeeds with one contact and one matter', async () => {
    const firm: ConnectedFirm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const matter = await newMatter(firm);
    const since = await bookmark(firm.accountId);
    const res = await withFault({ account: firm.accountId, endpoint: 'POST /contacts', status: 429, count: 2 }, () =>
      withFault({ account: firm.accountId, endpoint: 'POST /matters', status: 429, count: 3 }, () => requestSync(firm.memberToken, matter.id)),
    );
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({ status: 'succeeded', contact: { action: 'created' }, matter: { action: 'created' } });

    const log = await runRequests(sql, run.runId, firm.accountId, since);
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual(log.filter(isWrite));
    const statuses = (endpoint: string) => log.filter((r) => r.endpoint === endpoint).map((r) => r.status);
    expect(statuses('POST /contacts')).toEqual([429, 429, 202]);
    expect(statuses('POST /matters')).toEqual([429, 429, 429, 202]);
    // Every attempt is an API call of the run, with its own RequestId that Smokeball saw.
    const [row] = await sql`select status, api_calls, request_ids from public.sync_runs where id = ${run.runId}`;
    expect(row.status).toBe('succeeded');
    expect(row.api_calls).toBe(row.request_ids.length);
    expect(log.map((r) => r.requestId)).toEqual(row.request_ids);
    const account = await settledSimAccount(firm.username);
    expect(account.matters.filter((m) => m.externalSystemId === `casehug:${matter.id}`)).toHaveLength(1);
    expect(account.contacts).toHaveLength(1);
  });

  test('a firm that never connected Smokeball gets 409 not_connected, and the refusal is in the sync history', async () => {
    const firm = await createFirm(sql);
    const member = await createMember(sql, firm.id, 'member');
    const token = await signToken({ sub: member.id, email: member.email });
    const matter = await newMatter(firm);
    const res = await requestSync(token, matter.id);
    expect(res.status).toBe(409);
    const { error } = await res.json();
    expect(error).toEqual({ code: 'not_connected', message: expect.stringContaining('not connected'), help: helpFor('not_connected'), retryable: false, runId: expect.any(String) });
    expect(await sql`select id, status, error_code, error_message, help, api_calls from public.sync_runs where matter_id = ${matter.id}`).toEqual([
      { id: error.runId, status: 'failed', error_code: 'not_connected', error_message: error.message, help: helpFor('not_connected'), api_calls: 0 },
    ]);
  });

  test('a connection marked needs_reauth gets 409 smokeball_reauth_required and sends nothing to Smokeball', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;
    const matter = await newMatter(firm);
    const since = await bookmark(firm.accountId);
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toEqual({
      code: 'smokeball_reauth_required',
      message: expect.stringContaining('connect Smokeball again'),
      help: helpFor('smokeball_reauth_required'),
      retryable: false,
      runId: expect.any(String),
    });
    expect(await accountRequests(firm.accountId, since)).toEqual([]);
  });

  test('a grant revoked in Smokeball: 409 smokeball_reauth_required, the connection needs_reauth, the run failed, nothing written', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const matter = await newMatter(firm);
    await sim().revoke(firm.accountId);
    const since = await bookmark(firm.accountId);
    const res = await requestSync(firm.memberToken, matter.id);
    expect(res.status).toBe(409);
    const { error } = await res.json();
    expect(error.code).toBe('smokeball_reauth_required');
    expect((await accountRequests(firm.accountId, since)).filter(isWrite)).toEqual([]);
    const [connection] = await sql`select status from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection.status).toBe('needs_reauth');
    const [run] = await sql`select status, error_code, error_message, help, api_calls from public.sync_runs where matter_id = ${matter.id}`;
    expect(run).toMatchObject({ status: 'failed', error_code: 'smokeball_reauth_required', error_message: error.message, help: helpFor('smokeball_reauth_required') });
    expect(run.api_calls).toBeGreaterThan(0);
  });
});
