// What the stack scenarios share: the running stack with explicit URLs (no vitest `inject`), a superuser
// SQL connection, the simulator's controls, and the builders that make a firm connected to its own
// simulator account through the real connect flow (oauth-start → consent with auto-approve → callback).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Stack } from '../../dev/stack.ts';
import { signAccessToken } from '../../dev/keys.ts';
import { SimControl, type RequestLogEntry } from '../../dev/smokeball-sim/sim-client.ts';
import { putObject } from '../../dev/storage/server.ts';

export type Sql = postgres.Sql;

export type BenchContext = {
  stack: Stack;
  /** The stack's data folder (storage objects live under `<dataDir>/storage/<bucket>/<path>`). */
  dataDir: string;
  sql: Sql;
  sim: SimControl;
  quick: boolean;
  log(line: string): void;
};

export const functionUrl = (ctx: BenchContext, name: string) => `${ctx.stack.gatewayUrl}/functions/v1/${name}`;
export const storageRoot = (ctx: BenchContext) => join(ctx.dataDir, 'storage');

export type BenchFirm = { id: string; adminToken: string; username: string; accountId: string };

/** A firm with an admin, connected to a fresh simulator account the way an admin connects it. */
export async function createConnectedFirm(ctx: BenchContext, tag: string, options: { autoSync: boolean }): Promise<BenchFirm> {
  const firmId = randomUUID();
  const userId = randomUUID();
  const email = `admin-${userId}@bench.casehug.test`;
  await ctx.sql`insert into public.firms (id, name, jurisdiction) values (${firmId}, ${`Bench ${tag}`}, 'IL')`;
  await ctx.sql`insert into auth.users (id, email) values (${userId}, ${email})`;
  await ctx.sql`insert into public.firm_members (firm_id, user_id, role) values (${firmId}, ${userId}, 'admin')`;
  const adminToken = await signAccessToken(ctx.stack.keys.signingKey, ctx.stack.issuer, { sub: userId, email, expiresInS: 3600 });
  const username = `bench-${tag}-${firmId.slice(0, 8)}`;

  const start = await fetch(functionUrl(ctx, 'oauth-start'), {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (start.status !== 200) throw new Error(`oauth-start answered ${start.status}: ${await start.text()}`);
  const authorize = new URL(((await start.json()) as { url: string }).url);
  authorize.searchParams.set('auto', 'approve');
  authorize.searchParams.set('login_hint', username);
  const consent = await fetch(authorize, { redirect: 'manual' });
  await consent.body?.cancel();
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
  const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
  await callback.body?.cancel();
  const landed = new URL(callback.headers.get('location') ?? 'http://invalid/');
  const handle = landed.searchParams.get('connect');
  if (!handle) throw new Error(`connect failed: ${landed}`);
  // The app completes the connect in the admin's session.
  const complete = await fetch(functionUrl(ctx, 'oauth-complete'), {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ handle }),
  });
  if (complete.status !== 200) throw new Error(`oauth-complete answered ${complete.status}: ${await complete.text()}`);

  await ctx.sql`update public.smokeball_connections set auto_sync = ${options.autoSync} where firm_id = ${firmId}`;
  const account = (await ctx.sim.state(username)).accounts[0];
  if (!account) throw new Error(`no simulator account ${username}`);
  return { id: firmId, adminToken, username, accountId: account.accountId };
}

export type BenchDocument = { id: string; matterId: string; storagePath: string; sha256: string; sizeBytes: number };

/** A client and an open divorce matter (mapped in IL) for the firm; returns the matter id. */
export async function createMatter(ctx: BenchContext, firmId: string, n: number): Promise<{ matterId: string; clientId: string }> {
  const clientId = randomUUID();
  const matterId = randomUUID();
  await ctx.sql`
    insert into public.clients (id, firm_id, first_name, last_name, email)
    values (${clientId}, ${firmId}, 'Bench', ${`Client ${n}`}, ${`client-${clientId}@bench.example.com`})`;
  await ctx.sql`
    insert into public.matters (id, firm_id, client_id, case_type, title, status)
    values (${matterId}, ${firmId}, ${clientId}, 'divorce_standard', ${`Bench matter ${n}`}, 'open')`;
  return { matterId, clientId };
}

/** A document row whose object is already in Storage (small: random bytes written directly). */
export async function createDocument(
  ctx: BenchContext,
  firmId: string,
  matterId: string,
  options: { status: 'pending' | 'approved'; sizeBytes: number },
): Promise<BenchDocument> {
  const bytes = randomBytes(options.sizeBytes);
  const id = randomUUID();
  const fileName = `bench-${id.slice(0, 8)}.pdf`;
  const storagePath = `${firmId}/${matterId}/${fileName}`;
  await putObject(storageRoot(ctx), 'documents', storagePath, bytes, 'application/pdf');
  await insertDocumentRow(ctx, { id, firmId, matterId, fileName, storagePath, sizeBytes: bytes.byteLength, status: options.status });
  return { id, matterId, storagePath, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.byteLength };
}

export async function insertDocumentRow(
  ctx: BenchContext,
  d: { id: string; firmId: string; matterId: string; fileName: string; storagePath: string; sizeBytes: number; status: 'pending' | 'approved'; contentType?: string },
): Promise<void> {
  await ctx.sql`
    insert into public.documents (id, firm_id, matter_id, status, file_name, storage_bucket, storage_path, size_bytes,
                                  content_type, approved_at)
    values (${d.id}, ${d.firmId}, ${d.matterId}, ${d.status}, ${d.fileName}, 'documents', ${d.storagePath}, ${d.sizeBytes},
            ${d.contentType ?? 'application/pdf'}, ${d.status === 'approved' ? new Date() : null})`;
}

/** sync-matter `{ matterId }` as the firm admin: the run, synchronously. */
export async function syncMatterNow(ctx: BenchContext, firm: BenchFirm, matterId: string): Promise<Record<string, unknown>> {
  const res = await fetch(functionUrl(ctx, 'sync-matter'), {
    method: 'POST',
    headers: { authorization: `Bearer ${firm.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ matterId }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status === 202 && body.status === 'running') return finishHandedOffRun(ctx, String(body.runId));
  if (res.status !== 200 || body.status !== 'succeeded') throw new Error(`sync-matter answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/**
 * A sync that outlasted sync-matter's answer bound goes on as the matter's queued job: run the queue (as
 * pg_cron would; no pump runs here) until the run ends, and return its outcome in sync-matter's shape.
 */
async function finishHandedOffRun(ctx: BenchContext, runId: string): Promise<Record<string, unknown>> {
  const run = await waitFor(
    async () => {
      const res = await fetch(functionUrl(ctx, 'sync-worker'), {
        method: 'POST',
        headers: { apikey: ctx.stack.keys.secretKey, 'content-type': 'application/json' },
        body: '{}',
      });
      await res.body?.cancel();
      const [row] = await ctx.sql<{ status: string; counts: Record<string, number>; api_calls: number }[]>`
        select status, counts, api_calls from public.sync_runs where id = ${runId}`;
      return row && row.status !== 'running' && row;
    },
    { timeoutMs: 10 * 60_000, intervalMs: 500, what: `the handed-off run ${runId} to end` },
  );
  if (run.status !== 'succeeded') throw new Error(`the handed-off run ${runId} ended ${run.status}`);
  return { runId, status: run.status, counts: run.counts, apiCalls: run.api_calls };
}

/** Polls `check` until it returns a truthy value or the deadline passes (state polling, never a bare sleep). */
export async function waitFor<T>(check: () => Promise<T | false | undefined | null>, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * How long from `act` until `check` sees its effect (polled every `intervalMs`, so a figure may be late
 * by up to that much), in ms.
 */
export async function timeUntil(act: () => Promise<unknown>, check: () => Promise<unknown>, options: { timeoutMs: number; intervalMs: number; what: string }): Promise<number> {
  const started = performance.now();
  await act();
  await waitFor(async () => Boolean(await check()), options);
  return performance.now() - started;
}

/** A latency scenario's figures: p50, p95 and max of its samples, in whole ms. */
export function latencyFigures(latencies: number[]): { p50Ms: number; p95Ms: number; maxMs: number } {
  return { p50Ms: Math.round(percentile(latencies, 50)), p95Ms: Math.round(percentile(latencies, 95)), maxMs: Math.round(Math.max(...latencies)) };
}

/** Waits until the queue holds no queued or running job (so the next scenario starts on a quiet limiter). */
export async function waitForQueueIdle(ctx: BenchContext, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const [{ n }] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from public.sync_jobs where status in ('queued', 'running')`;
      return n === 0;
    },
    { timeoutMs, intervalMs: 200, what: 'the sync queue to be idle' },
  );
}

/** The simulator's last request-log sequence number (a bookmark: later requests have a higher one). */
export async function logMark(ctx: BenchContext): Promise<number> {
  const log = await ctx.sim.requests();
  return log.reduce((max, e) => Math.max(max, e.seq), 0);
}

/** Rate-limited API requests (not the auth server, not S3 uploads, not controls). */
export const isApiRequest = (e: RequestLogEntry) => !e.endpoint.includes('/s3/') && !e.path.startsWith('/oauth2/') && !e.path.startsWith('/__sim/');

/** Percentile (nearest rank) of an unsorted list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (value: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * Waits (polling the simulator's state, with a deadline) until every document has its file in the firm's
 * account, uploaded, with the document's sha256 — a file record becomes visible a moment after its 202.
 */
export async function waitForUploadedFiles(ctx: BenchContext, username: string, documents: { id: string; sha256: string }[], timeoutMs = 15_000): Promise<void> {
  let missing: string[] = [];
  try {
    await waitFor(
      async () => {
        const files = new Map<string, { sha256: string | null; isUploaded: boolean }>();
        for (const file of (await ctx.sim.state(username)).accounts[0].files) {
          const documentId = (file.additionalData as Record<string, string> | undefined)?.casehugDocumentId;
          if (documentId && file.isUploaded) files.set(documentId, file);
        }
        missing = documents.filter((d) => files.get(d.id)?.sha256 !== d.sha256).map((d) => d.id);
        return missing.length === 0;
      },
      { timeoutMs, intervalMs: 100, what: 'every file in the simulator' },
    );
  } catch {
    throw new Error(`${missing.length} of ${documents.length} documents are not in Smokeball with their sha256 (e.g. ${missing[0]})`);
  }
}

/** Waits until every write the account accepted is visible (the simulator applies a 202 a moment later). */
export async function waitForSettledAccount(ctx: BenchContext, username: string): Promise<void> {
  await waitFor(
    async () => {
      const account = (await ctx.sim.state(username)).accounts[0];
      return account.pendingContactIds.length === 0 && account.pendingMatterIds.length === 0;
    },
    { timeoutMs: 15_000, intervalMs: 50, what: 'every accepted write to be visible in the simulator' },
  );
}
