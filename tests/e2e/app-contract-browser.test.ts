// The settings and matter pages' calls as the CaseHug app makes them: supabase-js (its browser bundle) in
// headless Chromium, on a page of another origin than the functions, signed in as a firm admin. Connect,
// read the status, sync a matter with one failing document, meet an unmapped case type, start a bulk with
// an unknown id — every answer read through the contract (shared/api), and the request id readable by the
// page (CORS exposes it). Realtime is checked in SQL: no local Realtime server runs here.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { z } from 'zod';
import * as api from '../../shared/api/index.ts';
import { helpFor } from '../../shared/error-help.ts';
import { freePort } from '../../dev/net.ts';
import { launchChromium } from '../helpers/browser.ts';
import { approveAt, followCallback, handleFrom } from '../helpers/connect.ts';
import { asActor, connectAsSuperuser, createClient, createDocument, createFirm, createMatter, createMember, newId, type Sql } from '../helpers/db.ts';
import { signToken } from '../helpers/stack.ts';
import { putDocumentObject } from '../helpers/sync.ts';

const SUPABASE_JS = fileURLToPath(new URL('../../node_modules/@supabase/supabase-js/dist/umd/supabase.js', import.meta.url));
const PAGE = '<!doctype html><html><head><script src="/supabase.js"></script></head><body>CaseHug settings</body></html>';

let sql: Sql;
let browser: Browser;
let server: Server;
let pageOrigin: string;
beforeAll(async () => {
  sql = connectAsSuperuser();
  const bundle = await readFile(SUPABASE_JS);
  server = createServer((req, res) => {
    if (req.url === '/supabase.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await sql?.end();
});

type PageAnswer = { ok: boolean; status: number; body: unknown; requestId: string | null };

/** supabase-js `functions.invoke` inside the page; an error's body is read from `error.context`, as the app does. */
function invokeInPage(page: Page, token: string, name: string, options: { method?: 'GET' | 'POST'; body?: object } = {}): Promise<PageAnswer> {
  return page.evaluate(
    async (a) => {
      const { createClient } = (window as unknown as { supabase: { createClient: Function } }).supabase;
      const client = createClient(a.url, a.key, { accessToken: async () => a.token, auth: { persistSession: false, autoRefreshToken: false } });
      const { data, error, response } = await client.functions.invoke(a.name, { method: a.method, ...(a.body ? { body: a.body } : {}) });
      if (error) {
        const res = error.context as Response;
        return { ok: false, status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') };
      }
      return { ok: true, status: response.status, body: data, requestId: response.headers.get('x-request-id') };
    },
    { url: inject('gatewayUrl'), key: inject('publishableKey'), token, name, method: options.method ?? 'POST', body: options.body },
  );
}

function success<S extends z.ZodType>(answer: PageAnswer, schema: S): z.infer<S> {
  expect(answer.ok, JSON.stringify(answer.body)).toBe(true);
  expect(answer.requestId).toEqual(expect.any(String));
  return schema.parse(answer.body);
}

describe('the app in a browser, on another origin', () => {
  test('connect, status, a sync with a failing document, an unmapped case type, a bulk with an unknown id', async () => {
    const firm = await createFirm(sql, { jurisdiction: 'IL' });
    const admin = await createMember(sql, firm.id, 'admin');
    const token = await signToken({ sub: admin.id, email: admin.email });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(pageOrigin);

      // Settings → Connect: the consent page is Smokeball's (approved here over HTTP), the completion the app's.
      const start = success(await invokeInPage(page, token, 'oauth-start', { body: { returnTo: '/settings/integrations' } }), api.OAuthStartResponse);
      const { location } = await followCallback(await approveAt(start.url, `browser-${firm.id}`));
      const completed = success(await invokeInPage(page, token, 'oauth-complete', { body: { handle: handleFrom(location) } }), api.OAuthCompleteResponse);
      expect(completed.connected).toBe(true);
      await sql`update public.smokeball_connections set auto_sync = false where firm_id = ${firm.id}`;

      const status = success(await invokeInPage(page, token, 'smokeball-status', { method: 'GET' }), api.SmokeballStatusResponse);
      expect(status).toMatchObject({ state: 'connected', account: { id: completed.accountId }, autoSync: false, webhooks: { registered: true } });

      // The matter page: one document syncs, one is missing from Storage and says why.
      const client = await createClient(sql, firm.id);
      const matter = await createMatter(sql, firm.id, client.id, { caseType: 'will' });
      const good = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: 'engagement.pdf' });
      await putDocumentObject(good.storagePath);
      const missing = await createDocument(sql, firm.id, matter.id, { status: 'approved', fileName: 'lost-scan.pdf' });
      const run = success(await invokeInPage(page, token, 'sync-matter', { body: { matterId: matter.id } }), api.SyncMatterResult);
      expect(run).toMatchObject({ status: 'partial', counts: { uploaded: 1, failed: 1 } });
      const failed = run.documents.find((d) => d.documentId === missing.id)!;
      expect(failed).toMatchObject({
        fileName: 'lost-scan.pdf',
        status: 'failed',
        smokeballFileId: null,
        error: { code: 'document_unavailable', message: expect.any(String), help: helpFor('document_unavailable') },
      });
      expect(failed.error!.message.length).toBeGreaterThan(10);
      expect(run.documents.find((d) => d.documentId === good.id)).toMatchObject({ status: 'uploaded', smokeballFileId: expect.any(String) });

      // Live progress: no Realtime server runs locally, so what it would send is checked where it is
      // decided. The run's table is in the supabase_realtime publication, and RLS (which Realtime applies
      // per subscriber) shows the run to this firm's admin and to no one of another firm.
      const [published] = await sql`
        select count(*)::int as n from pg_catalog.pg_publication_tables
        where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'sync_runs'`;
      expect(published.n).toBe(1);
      const stranger = await createMember(sql, (await createFirm(sql)).id, 'admin');
      const seen = (userId: string) =>
        asActor(sql, { role: 'authenticated', userId }, (tx) => tx`select status, counts from public.sync_runs where id = ${run.runId}`);
      expect(await seen(admin.id)).toEqual([{ status: 'partial', counts: { uploaded: 1, skipped: 0, failed: 1 } }]);
      expect(await seen(stranger.id)).toEqual([]);

      // An unmapped case type: the error's envelope, its case type and run, and the request id, all readable.
      const salvage = await createMatter(sql, firm.id, client.id, { caseType: 'maritime_salvage' });
      const refused = await invokeInPage(page, token, 'sync-matter', { body: { matterId: salvage.id } });
      expect(refused).toMatchObject({ ok: false, status: 422, requestId: expect.any(String) });
      const envelope = api.ErrorEnvelope.parse(refused.body);
      expect(envelope.error).toMatchObject({
        code: 'matter_type_unmapped',
        help: helpFor('matter_type_unmapped'),
        retryable: false,
        details: { caseType: 'maritime_salvage' },
        runId: expect.any(String),
      });
      expect(envelope.requestId).toBe(refused.requestId);

      // Bulk: the unknown id comes back in notFound; the batch's progress is readable from the page.
      const unknown = newId();
      const bulk = success(await invokeInPage(page, token, 'sync-matter', { body: { matterIds: [matter.id, unknown] } }), api.BulkSyncAccepted);
      expect(bulk).toMatchObject({ queued: 1, alreadyQueued: 0, notFound: [unknown] });
      const progress = success(await invokeInPage(page, token, `sync-matter?batchId=${bulk.batchId}`, { method: 'GET' }), api.BatchProgress);
      expect(progress).toMatchObject({ batchId: bulk.batchId, total: 1 });
    } finally {
      await context.close();
    }
  });
});
