// The product's flow end to end — connect through the consent page, sync a matter with approved
// documents, auto-sync on approval, a signed webhook applied — in both ways the stack runs functions:
// in the `integration` project from the checkout on the current Deno, and in the `edge` project each
// function from the files `supabase functions deploy --use-api` uploads, on the Edge Runtime's Deno
// (`npm start -- --edge`; vitest.config.ts, tests/global-setup.ts).
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ROOT } from '../../dev/db/migrate.ts';
import { DENO, DENO_EDGE } from '../../dev/deno-binaries.ts';
import { connectAsSuperuser, createClient, createDocument, createMatter, type Sql } from '../helpers/db.ts';
import { createConnectedFirm, putDocumentObject, requestSync, sim, type ConnectedFirm } from '../helpers/sync.ts';
import { waitFor } from '../helpers/wait.ts';

let sql: Sql;
let firm: ConnectedFirm;
beforeAll(async () => {
  sql = connectAsSuperuser();
  // Auto-sync off until the step that tests it, so the explicit sync is the only one touching the matter.
  firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
});
afterAll(() => sql.end());

/** The Smokeball file a document is linked to, once it is. */
const linkedFile = (documentId: string, timeoutMs = 20_000) =>
  waitFor(async () => {
    const [row] = await sql`select smokeball_file_id from public.documents where id = ${documentId}`;
    return row.smokeball_file_id as string | null;
  }, { timeoutMs, what: `document ${documentId} to be linked to a Smokeball file` });

describe(`the end-to-end flow (${inject('functionRuntime')} functions)`, () => {
  test('every function runs as the mode says: the deploy bundle on the Edge Runtime\'s Deno, or the checkout on the current one', () => {
    const edge = inject('functionRuntime') === 'edge';
    const bundles = join(dirname(inject('functionLogFile')), 'edge', 'bundles');
    const running = functionProcesses(inject('gatewayUrl'));
    expect(running.map((p) => p.fn).sort()).toEqual(expect.arrayContaining(FUNCTIONS));
    for (const p of running) {
      expect(p.exe).toBe(realpathSync(edge ? DENO_EDGE : DENO));
      expect(p.cwd).toBe(edge ? join(bundles, p.fn) : ROOT.replace(/\/$/, ''));
    }
  });

  test('connect, sync a matter with approved documents, auto-sync on approval, a signed webhook applied', async () => {
    // Connect (beforeAll): oauth-start, the consent page, the callback — and the webhook subscription.
    const [connection] = await sql`select account_id, status from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection).toMatchObject({ account_id: firm.accountId });
    expect((await sim().state(firm.username)).accounts[0].subscriptions).toHaveLength(1);

    // Sync a matter with two approved documents.
    const client = await createClient(sql, firm.id);
    const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will', title: 'Estate plan' });
    const documents = [];
    for (const name of ['will.pdf', 'id.pdf']) {
      const doc = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: name });
      documents.push({ ...doc, sha256: await putDocumentObject(doc.storagePath, 3000) });
    }
    const res = await requestSync(firm.memberToken, matter.id);
    expect([200, 202]).toContain(res.status);
    const run = (await res.json()) as { runId: string };
    expect(run.runId).toMatch(/^[0-9a-f-]{36}$/);
    const fileIds = await Promise.all(documents.map((d) => linkedFile(d.id)));
    const [synced] = await sql`select smokeball_matter_id from public.matters where id = ${matter.id}`;
    expect(synced.smokeball_matter_id).toBeTruthy();
    const files = await waitFor(async () => {
      const found = (await sim().state(firm.username)).accounts[0].files.filter((f) => fileIds.includes(f.id));
      return found.length === 2 && found;
    }, { what: 'both files in the simulator' });
    expect(files.map((f) => f.sha256).sort()).toEqual(documents.map((d) => d.sha256).sort());
    expect(files.every((f) => f.matterId === synced.smokeball_matter_id && f.isUploaded)).toBe(true);

    // Auto-sync: approving a third document uploads it with no request from the app.
    await sql`update public.smokeball_connections set auto_sync = true where firm_id = ${firm.id}`;
    const later = await createDocument(sql, firm.id, matter.id, { status: 'pending', fileName: 'signed.pdf' });
    const laterSha = await putDocumentObject(later.storagePath, 2000);
    await sql`update public.documents set status = 'approved', approved_at = now() where id = ${later.id}`;
    const laterFileId = await linkedFile(later.id);
    const autoRun = await waitFor(async () => {
      const rows = await sql`select status from public.sync_runs where matter_id = ${matter.id} and trigger = 'auto'`;
      return rows.find((r) => r.status === 'succeeded');
    }, { timeoutMs: 20_000, what: 'a succeeded automatic run' });
    expect(autoRun).toEqual({ status: 'succeeded' });
    const laterFile = await waitFor(async () => (await sim().state(firm.username)).accounts[0].files.find((f) => f.id === laterFileId), { what: 'the auto-synced file' });
    expect(laterFile).toMatchObject({ sha256: laterSha, isUploaded: true });

    // A signed webhook: the matter edited in Smokeball; the simulator signs and delivers it to the gateway.
    const [{ n: eventsBefore }] = await sql`select count(*)::int as n from public.webhook_events where firm_id = ${firm.id}`;
    await sim().editMatter(firm.username, synced.smokeball_matter_id, { status: 'Closed', description: 'Closed in Smokeball', number: 'SB-7' });
    const edited = await waitFor(async () => {
      const [m] = await sql`select status, title, case_number from public.matters where id = ${matter.id}`;
      return m.status === 'closed' && m;
    }, { timeoutMs: 20_000, what: 'the webhook to update the matter' });
    expect(edited).toEqual({ status: 'closed', title: 'Closed in Smokeball', case_number: 'SB-7' });
    const [{ n: eventsAfter }] = await sql`select count(*)::int as n from public.webhook_events where firm_id = ${firm.id}`;
    expect(eventsAfter).toBeGreaterThan(eventsBefore);
  }, 90_000);
});

const FUNCTIONS = [
  'disconnect', 'health', 'oauth-callback', 'oauth-start', 'on-document-approved', 'register-webhooks',
  'smokeball-matter-types', 'smokeball-matters', 'smokeball-webhook', 'sync-matter', 'sync-worker',
];

/** This stack's function processes: those given its gateway as SUPABASE_URL (other stacks may be running). */
function functionProcesses(gatewayUrl: string): { fn: string; exe: string; cwd: string }[] {
  const found = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SUPABASE_URL=${gatewayUrl}`)) continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const launcher = args.findIndex((a) => a.endsWith('/dev/deno/serve-function.ts'));
      if (launcher < 0) continue;
      found.push({ fn: args[launcher + 1], exe: readlinkSync(`/proc/${pid}/exe`), cwd: readlinkSync(`/proc/${pid}/cwd`) });
    } catch {
      // the process ended while being read, or is not ours to read
    }
  }
  return found;
}
