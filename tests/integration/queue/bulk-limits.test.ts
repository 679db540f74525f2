// Who may queue how much: every firm shares Smokeball's 5 requests/s, so a plain member's bulk sync names
// at most 50 matters; more is an admin's call (as `{ all: true }` is). The firm's connection waits for
// re-authorisation here, so the queued jobs stay parked and spend none of the shared limit.
import type { ErrorEnvelope } from '../../../shared/api/errors.ts';
import { BulkSyncAccepted } from '../../../shared/api/functions.ts';
import { readAnswer } from '../../helpers/contract.ts';
import { beforeAll, describe, expect, test } from 'vitest';
import { helpFor } from '../../../shared/error-help.ts';
import { MAX_MEMBER_BULK_MATTER_IDS } from '../../../shared/sync/queue/bulk-sync.ts';
import { createClient, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callFunction } from '../../helpers/stack.ts';
import { sim } from '../../helpers/sync.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });
let matterIds: string[];
beforeAll(async () => {
  await sim().revoke(firm.username);
  await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;
  const client = await createClient(sql, firm.id);
  matterIds = Array.from({ length: MAX_MEMBER_BULK_MATTER_IDS + 1 }, () => newId());
  await sql`
    insert into public.matters (id, firm_id, client_id, case_type, title)
    select id, ${firm.id}, ${client.id}, 'will', 'Bulk ' || id from unnest(${matterIds}::uuid[]) as id`;
});

const postSync = async (token: string, body: unknown) => {
  const res = await callFunction('sync-matter', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Read through the contract: a 202 as BulkSyncAccepted, an error as the envelope.
  const answer = await readAnswer(res, BulkSyncAccepted);
  return { status: answer.status, body: answer.body as BulkSyncAccepted & ErrorEnvelope };
};

describe('bulk sync limits', () => {
  test('a member may name 50 matters, not 51 (403, nothing queued); an admin may name 51', async () => {
    expect(MAX_MEMBER_BULK_MATTER_IDS).toBe(50);
    const tooMany = await postSync(firm.memberToken, { matterIds });
    expect(tooMany.status).toBe(403);
    // The refusal is in the sync history, and the error points at its row.
    expect(tooMany.body.error).toEqual({ code: 'forbidden', message: expect.stringContaining('50'), help: helpFor('forbidden'), retryable: false, runId: expect.any(String) });
    expect(await sql`select 1 from public.sync_jobs where firm_id = ${firm.id}`).toHaveLength(0);

    // Duplicates do not count twice.
    const fifty = matterIds.slice(0, 50);
    const member = await postSync(firm.memberToken, { matterIds: [...fifty, fifty[0]] });
    expect(member.status).toBe(202);
    expect(member.body).toMatchObject({ queued: 50 });

    const admin = await postSync(firm.adminToken, { matterIds });
    expect(admin.status).toBe(202);
    expect(admin.body).toMatchObject({ queued: 1, alreadyQueued: 50 });
  });
});
