// What the queue tests repeat: reading a matter's jobs and runs, waiting on job states, calling the
// internal (secret-key) functions, and a worker function in its own Deno process that a test may kill.
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { FunctionProcess } from '../../dev/gateway/function-process.ts';
import { publicJwks } from '../../dev/keys.ts';
import { stackKeys } from './connect.ts';
import { conformingAnswer } from './contract.ts';
import type { Sql } from './db.ts';
import { functionUrl } from './stack.ts';
import { sim } from './sync.ts';
import { waitFor } from './wait.ts';

export type JobRow = {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'superseded' | 'dead';
  trigger: string;
  attempts: number;
  maxAttempts: number;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lockedBy: string | null;
  leaseLeftMs: number | null;
  createdAt: Date;
  updatedAt: Date;
};

export async function jobsOfMatter(sql: Sql, matterId: string): Promise<JobRow[]> {
  return sql<JobRow[]>`
    select id, status, trigger, attempts, max_attempts as "maxAttempts", last_error_code as "lastErrorCode",
           last_error_message as "lastErrorMessage", locked_by as "lockedBy",
           (extract(epoch from locked_until - now()) * 1000)::float8 as "leaseLeftMs", created_at as "createdAt",
           updated_at as "updatedAt"
    from public.sync_jobs where subject_id = ${matterId} order by created_at, id`;
}

export async function runsOfMatter(sql: Sql, matterId: string) {
  return sql<{ id: string; status: string; trigger: string; jobId: string | null; errorCode: string | null }[]>`
    select id, status, trigger, job_id as "jobId", error_code as "errorCode"
    from public.sync_runs where matter_id = ${matterId} order by started_at, id`;
}

const FINAL = new Set(['succeeded', 'superseded', 'dead']);

/** Waits until every job of the matter has ended (and there is at least one); returns them. */
export async function waitForMatterJobsToEnd(sql: Sql, matterId: string, timeoutMs = 20_000): Promise<JobRow[]> {
  return waitFor(async () => {
    const jobs = await jobsOfMatter(sql, matterId);
    return jobs.length > 0 && jobs.every((j) => FINAL.has(j.status)) && jobs;
  }, { timeoutMs, intervalMs: 50, what: `the jobs of matter ${matterId} to end` });
}

export async function waitForJob(sql: Sql, jobId: string, done: (job: JobRow) => boolean, what: string, timeoutMs = 20_000): Promise<JobRow> {
  return waitFor(async () => {
    const [job] = await sql<JobRow[]>`
      select id, status, trigger, attempts, max_attempts as "maxAttempts", last_error_code as "lastErrorCode",
             last_error_message as "lastErrorMessage", locked_by as "lockedBy",
             (extract(epoch from locked_until - now()) * 1000)::float8 as "leaseLeftMs", created_at as "createdAt",
             updated_at as "updatedAt"
      from public.sync_jobs where id = ${jobId}`;
    return job && done(job) && job;
  }, { timeoutMs, intervalMs: 50, what });
}

/** POST to a secret-key function through the gateway. `apikey: null` sends none. */
export async function callInternal(name: string, body: string | object | undefined, apikey: string | null = inject('secretKey')): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apikey !== null) headers.apikey = apikey;
  const url = new URL(functionUrl(name));
  // Held to the app's contract like every other answer (tests/helpers/contract.ts).
  return conformingAnswer(await fetch(url, { method: 'POST', headers, body: typeof body === 'object' ? JSON.stringify(body) : body }), url, 'POST');
}

/** Files of the firm's simulator account per CaseHug document id (the casehugDocumentId they carry). */
export async function simFilesByDocument(username: string): Promise<Map<string, { id: string; isUploaded: boolean }[]>> {
  const account = (await sim().state(username)).accounts[0];
  const byDocument = new Map<string, { id: string; isUploaded: boolean }[]>();
  for (const file of account.files) {
    const documentId = (file.additionalData as Record<string, string> | undefined)?.casehugDocumentId ?? '?';
    byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), { id: file.id, isUploaded: file.isUploaded }]);
  }
  return byDocument;
}

/**
 * A function in its own Deno process, configured like the shared stack's functions (same database,
 * simulator, keys) plus `extraEnv` — e.g. a sync-worker with a short `SYNC_LEASE_SECONDS` that a test
 * kills mid-job. The global setup does not hand tests the functions' environment, so it is rebuilt from
 * what it does provide (as tests/helpers/connect.ts does for its unconfigured function).
 */
export async function startFunctionProcess(name: string, extraEnv: Record<string, string> = {}) {
  const env = await functionEnv(extraEnv);
  const lines: string[] = [];
  const fn = new FunctionProcess({ name, root: fileURLToPath(new URL('../..', import.meta.url)), env, onLine: (_fn, line) => lines.push(line) });
  const port = await fn.port();
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    lines,
    kill: () => fn.kill('SIGKILL'),
    stop: () => fn.stop(),
  };
}

/** The environment the shared stack's functions get (plus `extraEnv`), for a function run by a test. */
export async function functionEnv(extraEnv: Record<string, string> = {}): Promise<Record<string, string>> {
  const keys = await stackKeys();
  const gatewayUrl = inject('gatewayUrl');
  const simUrl = inject('simUrl');
  const env: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => /^(PATH|HOME|DENO_DIR|TMPDIR)$/.test(e[0]) && e[1] !== undefined),
    ),
    // The simulator's local app registration (dev/smokeball-sim/README.md defaults), as dev/stack.ts sets it.
    SMOKEBALL_CLIENT_ID: 'casehug-local',
    SMOKEBALL_CLIENT_SECRET: 'casehug-local-secret',
    SMOKEBALL_API_KEY: 'casehug-local-api-key',
    SMOKEBALL_API_URL: simUrl,
    SMOKEBALL_AUTH_URL: simUrl,
    SUPABASE_URL: gatewayUrl,
    SUPABASE_DB_URL: inject('dbUrl'),
    SUPABASE_JWKS: JSON.stringify(publicJwks(JSON.parse(inject('signingKey')))),
    SUPABASE_SECRET_KEY: inject('secretKey'),
    SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'),
    TOKEN_ENCRYPTION_KEYS: keys.tokenEncryptionKeys,
    APP_URL: `${gatewayUrl}/app`,
    ...extraEnv,
  };
  return env;
}

/**
 * The simulator's files of these documents, once each has at least one (a file record is readable a
 * moment after its 202: the simulator's write visibility delay). Assert the exact count on the result.
 */
export async function waitForSimFiles(username: string, documentIds: string[]) {
  return waitFor(async () => {
    const byDocument = await simFilesByDocument(username);
    return documentIds.every((id) => byDocument.has(id)) && byDocument;
  }, { what: 'every document to have its file in the simulator' });
}
