// Signed deliveries built the way Smokeball builds them (docs/smokeball.md §5 "Delivery", "Signature"), with the
// firm's own webhook key opened from private.smokeball_credentials: tests replay, reorder and forge
// deliveries themselves instead of turning on the shared simulator's global duplicate/reorder knobs.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { signWebhook } from '../../dev/smokeball-sim/signature.ts';
import { accessTokenContext, webhookKeyContext } from '../../shared/sync/connection/tokens.ts';
import { unixMsToTicks } from '../../shared/sync/webhooks/verify-delivery.ts';
import { stackSealer } from './connect.ts';
import type { Sql } from './db.ts';
import { SIM_APP } from './smokeball-client.ts';
import { sim } from './sync.ts';
import { waitFor } from './wait.ts';
import { conformingAnswer } from './contract.ts';

export const webhookUrl = () => `${inject('gatewayUrl')}/functions/v1/smokeball-webhook`;

export type WebhookFirm = { id: string; username: string; accountId: string };

/** What a test needs to sign deliveries for a firm: its key, its subscription and account at Smokeball. */
export type DeliverySigner = { key: string; subscriptionId: string; accountId: string; firmId: string };

export async function signerFor(sql: Sql, firm: WebhookFirm): Promise<DeliverySigner> {
  const [row] = await sql<{ sealed: string | null }[]>`
    select sealed_webhook_key as sealed from private.smokeball_credentials where firm_id = ${firm.id}`;
  if (!row?.sealed) throw new Error(`firm ${firm.id} has no webhook key`);
  const key = await (await stackSealer()).open(row.sealed, webhookKeyContext(firm.id));
  const subscriptions = (await sim().state(firm.username)).accounts[0].subscriptions;
  if (subscriptions.length !== 1) throw new Error(`expected one subscription, found ${subscriptions.length}`);
  return { key, subscriptionId: subscriptions[0].id, accountId: firm.accountId, firmId: firm.id };
}

export type DeliveryParts = {
  type?: string;
  payload?: Record<string, unknown>;
  requestId?: string;
  /** When the delivery is "sent" (Unix ms); default now. */
  sentAtMs?: number;
  /** Overrides of the envelope (a forged body), merged last. */
  envelope?: Record<string, unknown>;
};

export type Delivery = { headers: Record<string, string>; body: string };

/** A delivery signed with the signer's key; body `timestamp` equals the `Timestamp` header, as Smokeball sends. */
export function signedDelivery(signer: DeliverySigner, parts: DeliveryParts = {}): Delivery {
  const timestamp = unixMsToTicks(parts.sentAtMs ?? Date.now());
  const requestId = parts.requestId ?? randomUUID();
  const envelope = {
    accountId: signer.accountId,
    subscriptionId: signer.subscriptionId,
    type: parts.type ?? 'matter.updated',
    source: 'Smokeball',
    payload: parts.payload ?? { id: randomUUID() },
    timestamp: '__TIMESTAMP__',
    ...parts.envelope,
  };
  // An int64 beyond 2^53, written as a JSON number like .NET does (dev/smokeball-sim/webhook-delivery.ts).
  const body = JSON.stringify(envelope).replace('"__TIMESTAMP__"', timestamp);
  return {
    headers: {
      'content-type': 'application/json',
      Timestamp: timestamp,
      RequestId: requestId,
      Signature: signWebhook(signer.key, timestamp, requestId, SIM_APP.clientId),
    },
    body,
  };
}

export async function deliver(d: Delivery): Promise<{ status: number; body: Record<string, unknown> }> {
  // Every answer held to the app's contract (WebhookAck or the error envelope), as callFunction's are.
  const res = await conformingAnswer(await fetch(webhookUrl(), { method: 'POST', headers: d.headers, body: d.body }), new URL(webhookUrl()), 'POST');
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text.slice(0, 200) };
  }
  return { status: res.status, body };
}

export type EventRow = {
  id: string;
  fingerprint: string;
  event_type: string;
  request_id: string | null;
  resource_id: string | null;
  status: string;
  error_code: string | null;
};

export async function eventsOf(sql: Sql, firmId: string): Promise<EventRow[]> {
  return sql<EventRow[]>`
    select id, fingerprint, event_type, request_id, resource_id, status, error_code
    from public.webhook_events where firm_id = ${firmId} order by received_at, id`;
}

export async function countEvents(sql: Sql, firmId?: string): Promise<number> {
  const [{ count }] = firmId
    ? await sql<{ count: number }[]>`select count(*)::int as count from public.webhook_events where firm_id = ${firmId}`
    : await sql<{ count: number }[]>`select count(*)::int as count from public.webhook_events`;
  return count;
}

/** The firm's matter in the simulator (raw, as `/__sim/state` shows it). */
export async function simMatter(username: string, matterId: string): Promise<Record<string, unknown>> {
  const matter = (await sim().state(username)).accounts[0].matters.find((m) => m.id === matterId);
  if (!matter) throw new Error(`no simulator matter ${matterId}`);
  return matter;
}

/** The firm's current access token (opened from private.smokeball_credentials), for direct API calls. */
export async function firmAccessToken(sql: Sql, firmId: string): Promise<string> {
  const [row] = await sql<{ sealed: string }[]>`select sealed_access_token as sealed from private.smokeball_credentials where firm_id = ${firmId}`;
  if (!row) throw new Error(`firm ${firmId} has no credentials`);
  return (await stackSealer()).open(row.sealed, accessTokenContext(firmId));
}

/** Calls the simulator's API as the firm's app would (API key + the firm's token). */
export async function simApi(sql: Sql, firmId: string, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'x-api-key': SIM_APP.apiKey, authorization: `Bearer ${await firmAccessToken(sql, firmId)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${inject('simUrl')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    // The simulator's limiter is shared by every test file: wait out a 429 instead of failing.
    if (res.status !== 429 || attempt >= 20) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until every event stored for this RequestId is processed (or ignored) and returns them. */
export async function settledEventsOf(sql: Sql, firmId: string, requestId: string, expected = 1, timeoutMs = 10_000): Promise<EventRow[]> {
  return waitFor(async () => {
    const rows = await sql<EventRow[]>`
      select id, fingerprint, event_type, request_id, resource_id, status, error_code
      from public.webhook_events where firm_id = ${firmId} and request_id = ${requestId} order by received_at, id`;
    return rows.length === expected && rows.every((r) => r.status !== 'received') && rows;
  }, { timeoutMs, what: `${expected} event(s) of request ${requestId} to be processed` });
}

/** The CaseHug fields a matter.* event writes, as Smokeball's matter says they should be (process-event.ts). */
export function expectedMatterFields(m: Record<string, unknown>) {
  const status = String(m.status ?? '').toLowerCase();
  return {
    status: ({ open: 'open', pending: 'pending', closed: 'closed', deleted: 'closed', cancelled: 'closed' } as Record<string, string>)[status],
    title: m.description as string,
    case_number: (m.number as string) || null,
    smokeball_version: String(m.versionId),
  };
}
