// Every answer a test reads goes through the app's contract (shared/api): a success parses with the
// function's response schema, an error with the error envelope — so a shape the app would not expect
// fails the test that met it.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { z } from 'zod';
import { ErrorEnvelope } from '../../shared/api/errors.ts';
import * as api from '../../shared/api/functions.ts';
import { SyncRunRow } from '../../shared/api/sync-history.ts';
import { asActor, type Sql } from './db.ts';

export type Answer<S extends z.ZodType> =
  | { ok: true; status: number; body: z.infer<S>; headers: Headers }
  | { ok: false; status: number; body: ErrorEnvelope; headers: Headers };

/** Reads a fetch Response: 2xx through `schema`, anything else through the error envelope. Throws on either mismatch. */
export async function readAnswer<S extends z.ZodType>(res: Response, schema: S): Promise<Answer<S>> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${res.status} answer is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.ok) return { ok: true, status: res.status, body: parseOrExplain(schema, json, res.status), headers: res.headers };
  return { ok: false, status: res.status, body: parseOrExplain(ErrorEnvelope, json, res.status), headers: res.headers };
}

/** A success the contract describes (fails the test on an error or a mismatch). */
export async function expectAnswer<S extends z.ZodType>(res: Response | Promise<Response>, schema: S, status?: number): Promise<z.infer<S>> {
  const answer = await readAnswer(await res, schema);
  if (!answer.ok) throw new Error(`expected a success, got ${answer.status} ${JSON.stringify(answer.body.error)}`);
  if (status !== undefined && answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}`);
  return answer.body;
}

/** An error in the contract's envelope (fails the test on a success, another status or a mismatch). */
export async function expectError(res: Response | Promise<Response>, status?: number): Promise<ErrorEnvelope['error'] & { requestId: string }> {
  const r = await res;
  const text = await r.text();
  if (r.ok) throw new Error(`expected an error, got ${r.status}: ${text.slice(0, 200)}`);
  if (status !== undefined && r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text.slice(0, 200)}`);
  const envelope = parseOrExplain(ErrorEnvelope, JSON.parse(text), r.status);
  return { ...envelope.error, requestId: envelope.requestId };
}

/**
 * supabase-js `functions.invoke` as the app calls it, its answer read through the contract: supabase-js
 * hands an error's Response over as `error.context`.
 */
export async function invokeAnswer<S extends z.ZodType>(
  client: SupabaseClient,
  name: string,
  options: { method?: 'GET' | 'POST'; body?: Record<string, unknown>; query?: string },
  schema: S,
): Promise<Answer<S>> {
  const { data, error, response } = await client.functions.invoke(`${name}${options.query ?? ''}`, {
    method: options.method ?? 'POST',
    ...(options.body ? { body: options.body } : {}),
  });
  if (error) {
    const context = (error as { context?: unknown }).context;
    if (!(context instanceof Response)) throw error;
    return readAnswer(context, schema);
  }
  return { ok: true, status: response?.status ?? 200, body: parseOrExplain(schema, data, response?.status ?? 200), headers: response?.headers ?? new Headers() };
}

function parseOrExplain<S extends z.ZodType>(schema: S, json: unknown, status: number): z.infer<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Error(`${status} answer does not match the contract (${issues}): ${JSON.stringify(json).slice(0, 300)}`);
}

/**
 * Checks a Response against the contract (success schema or error envelope) and hands it back unread,
 * so helpers that return raw Responses still hold every answer to the contract.
 */
export async function conforming<S extends z.ZodType>(res: Response, schema: S): Promise<Response> {
  await readAnswer(res.clone(), schema);
  return res;
}

/**
 * The contract's schema for a function's success, by function name, method, status and (for the two
 * answers of one status) the body; undefined for a function the contract does not describe (a test's own).
 */
export function successSchema(name: string, method: string, status: number, url: URL, body: unknown): z.ZodType | undefined {
  switch (name) {
    case 'health':
      return api.HealthResponse;
    case 'oauth-start':
      return api.OAuthStartResponse;
    case 'oauth-complete':
      return api.OAuthCompleteResponse;
    case 'disconnect':
      return api.DisconnectResponse;
    case 'register-webhooks':
      return api.RegisterWebhooksResponse;
    case 'smokeball-status':
      return api.SmokeballStatusResponse;
    case 'smokeball-matters':
      return api.SmokeballMattersResponse;
    case 'smokeball-matter-types':
      return ['1', 'true'].includes(url.searchParams.get('preview') ?? '') ? api.MappingPreviewList : api.MatterTypeList;
    case 'sync-matter':
      if (method === 'GET') return api.BatchProgress;
      if (status === 200) return api.SyncMatterResult;
      return body !== null && typeof body === 'object' && 'batchId' in body ? api.BulkSyncAccepted : api.HandedOffSync;
    case 'import-smokeball-matters':
      return method === 'GET' ? api.ImportProgress : api.ImportMattersAccepted;
    case 'reconcile':
      if (method === 'GET') return api.ReconcileJob;
      return body !== null && typeof body === 'object' && 'firms' in body ? api.NightlyReconcileAccepted : api.ReconcileAccepted;
    case 'sync-worker':
      return api.DrainSummary;
    case 'on-document-approved':
      return api.DocumentApprovedResponse;
    case 'smokeball-webhook':
      return api.WebhookAck;
    default:
      return undefined;
  }
}

/**
 * Checks any function's answer against the contract and hands it back unread: a JSON success through its
 * function's schema, an error through the envelope (health's 503 is its own answer, not an error).
 * Preflights, redirects and empty answers have no body to check.
 */
export async function conformingAnswer(res: Response, url: URL, method: string): Promise<Response> {
  const name = url.pathname.split('/').pop() ?? '';
  if (method === 'OPTIONS' || method === 'HEAD' || res.status === 204 || (res.status >= 300 && res.status < 400)) return res;
  const text = await res.clone().text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${name} answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  const schema = res.ok || (name === 'health' && res.status === 503) ? successSchema(name, method, res.status, url, json) : ErrorEnvelope;
  if (schema) parseOrExplain(schema, json, res.status);
  return res;
}

/**
 * The firm's sync history as the app reads it under RLS (a member's role and claims, as PostgREST sets
 * them; timestamps as JSON renders them), every row parsed with the contract's SyncRunRow.
 */
export async function readHistoryAsMember(sql: Sql, memberId: string, firmId: string): Promise<SyncRunRow[]> {
  const rows = await asActor(sql, { role: 'authenticated', userId: memberId }, (tx) => tx`
    select id, firm_id, matter_id, job_id, trigger, status, steps, counts, api_calls, request_ids,
           to_json(started_at) #>> '{}' as started_at, to_json(finished_at) #>> '{}' as finished_at, duration_ms,
           error_code, error_message, help, to_json(updated_at) #>> '{}' as updated_at
    from public.sync_runs where firm_id = ${firmId} order by started_at, id`);
  return rows.map((row) => parseOrExplain(SyncRunRow, row, 200));
}
