// A running run shows its progress: each step is written to its sync_runs row as it happens (what the
// app's history and a Realtime subscriber see), not only when the run ends. Smokeball's file creation is
// slowed for this firm's account so the run is caught mid-way; the test polls the row, it does not time.
import { expect, test } from 'vitest';
import * as api from '../../../shared/api/index.ts';
import { expectAnswer } from '../../helpers/contract.ts';
import { createClient, createDocument, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { putDocumentObject, requestSync, sim } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

test('a running run has its contact, matter and first documents recorded before it ends', async () => {
  const client = await createClient(sql, firm.id);
  const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
  for (const name of ['a.pdf', 'b.pdf']) {
    const doc = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: name });
    await putDocumentObject(doc.storagePath);
  }
  // The files' create (one bulk call for both) waits, so the run is caught running after its contact and
  // matter steps.
  const fault = await sim().addFault({ account: firm.accountId, endpoint: 'POST /matters/{id}/documents/files/bulk', latencyMs: 4_000, count: 1 });
  try {
    const answer = expectAnswer(requestSync(firm.memberToken, matter.id), api.SyncMatterResult);
    const running = await waitFor(async () => {
      const [row] = await sql`select status, steps, api_calls from public.sync_runs where matter_id = ${matter.id} and status = 'running'`;
      const steps = row ? api.SyncRunRow.shape.steps.parse(row.steps) : [];
      return steps.some((s) => s.step === 'matter') && row.api_calls > 0 && { steps, apiCalls: row.api_calls as number };
    }, { timeoutMs: 20_000, intervalMs: 50, what: 'the running run to show its steps' });
    expect(running.steps.map((s) => s.step).slice(0, 3)).toEqual(['matter_type', 'contact', 'matter']);

    const run = await answer;
    expect(run).toMatchObject({ status: 'succeeded', counts: { uploaded: 2, skipped: 0, failed: 0 } });
    const [final] = await sql`select steps, api_calls from public.sync_runs where id = ${run.runId}`;
    expect(final.steps.length).toBeGreaterThan(running.steps.length);
    expect(final.api_calls).toBeGreaterThanOrEqual(running.apiCalls);
  } finally {
    await sim().removeFault(fault.id).catch(() => undefined);
  }
}, 60_000);
