// The periodic sweep alone completes every job (none sends a wake-up of its own), and the two internal
// functions refuse what they must: no or wrong secret key, a malformed body; a non-approval event is
// acknowledged.
import { describe, expect, test } from 'vitest';
import { createClient, createDocument, createMatter, newId } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { callInternal, jobsOfMatter, waitForJob, waitForSimFiles } from '../../helpers/queue.ts';
import { createConnectedFirm, createMatterWithDocuments, putDocumentObject } from '../../helpers/sync.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();
// Auto-sync off: approving a document queues nothing and notifies no one; the tests queue jobs themselves.
const firm = useConnectedFirm(sql, { autoSync: false });

async function matterWithApprovedDocument() {
  const { matter, documents } = await createMatterWithDocuments(sql, firm.id, 1, { status: 'approved', caseType: 'will', bytes: 1024 });
  return { matter, doc: documents[0] };
}

/**
 * A job that sends no wake-up of its own: due a moment after it is inserted, so the queue's per-statement
 * wake-up (sent only for jobs due at once) leaves it to the sweep's next sync-worker call.
 */
async function insertJob(matterId: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
    values (${firm.id}, 'sync_matter', ${matterId}, 'auto', now() + interval '50 milliseconds') returning id`;
  return row.id;
}

const SUMMARY_KEYS = ['claimed', 'dead', 'lost', 'parked', 'retried', 'succeeded', 'superseded'];

describe('without wake-ups', () => {
  test('the periodic sweep alone completes every job', async () => {
    const subjects = await Promise.all(Array.from({ length: 5 }, () => matterWithApprovedDocument()));
    expect(await sql`select 1 from public.sync_jobs where subject_id = any(${subjects.map((s) => s.matter.id)}::uuid[])`).toHaveLength(0);
    const jobIds = await Promise.all(subjects.map((s) => insertJob(s.matter.id)));
    for (const id of jobIds) {
      expect(await waitForJob(sql, id, (j) => !['queued', 'running'].includes(j.status), 'the sweep to run the job')).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
    }
    const files = await waitForSimFiles(firm.username, subjects.map((s) => s.doc.id));
    for (const { doc } of subjects) expect(files.get(doc.id)).toEqual([expect.objectContaining({ isUploaded: true })]);
  });

  test('sync-worker called directly with the secret key answers its JSON summary', async () => {
    const { matter } = await matterWithApprovedDocument();
    const jobId = await insertJob(matter.id);
    const res = await callInternal('sync-worker', {});
    expect(res.status).toBe(200);
    const summary = (await res.json()) as Record<string, number>;
    expect(Object.keys(summary).sort()).toEqual(SUMMARY_KEYS);
    for (const key of SUMMARY_KEYS) expect(Number.isInteger(summary[key])).toBe(true);
    expect(summary.claimed).toBe(summary.succeeded + summary.retried + summary.dead + summary.parked + summary.superseded + summary.lost);
    // This call or the stack's own sweep (they race for it) ran the job.
    expect(await waitForJob(sql, jobId, (j) => j.status === 'succeeded', 'the job to succeed')).toMatchObject({ attempts: 1 });
    // An empty body is the same as `{}` (pg_cron may send none).
    const empty = await callInternal('sync-worker', undefined);
    expect(empty.status).toBe(200);
    expect(Object.keys(await empty.json()).sort()).toEqual(SUMMARY_KEYS);
  });
});

describe('the internal functions refuse bad calls', () => {
  const approval = () => ({
    type: 'UPDATE',
    table: 'documents',
    schema: 'public',
    record: { id: newId(), firm_id: firm.id, matter_id: newId(), status: 'approved' },
    old_record: { status: 'pending' },
  });

  for (const name of ['sync-worker', 'on-document-approved']) {
    test(`${name} refuses a missing or wrong secret key with 401 JSON`, async () => {
      const body = name === 'sync-worker' ? {} : approval();
      for (const key of [null, 'sb_secret_wrong', '']) {
        const res = await callInternal(name, body, key);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
        expect(await res.json()).toMatchObject({ error: { code: 'unauthorized', message: 'A valid secret key is required' } });
      }
    });

    test(`${name} refuses a malformed body with 400`, async () => {
      const notJson = await callInternal(name, '{"type":');
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      const wrongShape = await callInternal(name, { type: 'UPDATE', table: 'matters', schema: 'public', record: null, extra: 1 });
      expect(wrongShape.status).toBe(400);
      expect(((await wrongShape.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    });
  }

  test('on-document-approved acknowledges and ignores an event that is not an approval', async () => {
    const base = approval();
    const cases: [unknown, string][] = [
      [{ ...base, type: 'DELETE', record: null, old_record: { status: 'approved' } }, 'not_an_approval'],
      [{ ...base, record: { ...base.record, status: 'pending' } }, 'not_an_approval'],
      [{ ...base, record: { ...base.record, status: 'rejected' } }, 'not_an_approval'],
      [{ ...base, old_record: { status: 'approved' } }, 'already_approved'],
      // The firm has auto-sync off.
      [base, 'auto_sync_off'],
    ];
    for (const [event, reason] of cases) {
      const res = await callInternal('on-document-approved', event as object);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ignored: true, reason });
    }
  });

  test('on-document-approved ignores an approval of a document that is not an approved document of that matter', async () => {
    const autoFirm = await createConnectedFirm(sql);
    const client = await createClient(sql, autoFirm.id);
    const matter = await createMatter(sql, autoFirm.id, client.id, { caseType: 'will' });
    const doc = await createDocument(sql, autoFirm.id, matter.id, { status: 'pending' });
    for (const record of [
      { id: newId(), firm_id: autoFirm.id, matter_id: matter.id, status: 'approved' },
      // The body says approved; the row says pending (the body is only a hint).
      { id: doc.id, firm_id: autoFirm.id, matter_id: matter.id, status: 'approved' },
      // The right document under another matter id.
      { id: doc.id, firm_id: autoFirm.id, matter_id: newId(), status: 'approved' },
    ]) {
      const res = await callInternal('on-document-approved', { type: 'UPDATE', table: 'documents', schema: 'public', record, old_record: { status: 'pending' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ignored: true, reason: 'no_such_approved_document' });
    }
    expect(await jobsOfMatter(sql, matter.id)).toEqual([]);
  });

  test('on-document-approved runs the queued job of the approved document and answers the summary', async () => {
    const autoFirm = await createConnectedFirm(sql);
    const client = await createClient(sql, autoFirm.id);
    const matter = await createMatter(sql, autoFirm.id, client.id, { caseType: 'will' });
    const doc = await createDocument(sql, autoFirm.id, matter.id, { status: 'pending' });
    await putDocumentObject(doc.storagePath, 1024);
    await sql`update public.documents set status = 'approved', approved_at = now() where id = ${doc.id}`;
    // The stack's pump calls it too; whichever call claims first runs the job, the other finds nothing.
    const res = await callInternal('on-document-approved', {
      type: 'UPDATE', table: 'documents', schema: 'public',
      record: { id: doc.id, firm_id: autoFirm.id, matter_id: matter.id, status: 'approved' }, old_record: { status: 'pending' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ignored: false });
    expect(Object.keys(body).filter((k) => k !== 'ignored').sort()).toEqual(SUMMARY_KEYS);
    const [job] = await waitFor(async () => {
      const jobs = await jobsOfMatter(sql, matter.id);
      return jobs.length === 1 && jobs[0].status === 'succeeded' && jobs;
    }, { what: 'the job to succeed' });
    expect(job.attempts).toBe(1);
  });
});
