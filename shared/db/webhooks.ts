// Webhook subscriptions and the inbox (public.webhook_subscriptions, public.webhook_events) and the
// sealed per-firm webhook key (private.smokeball_credentials.sealed_webhook_key).
import type { Sql } from './sql.ts';

export type DeliveryTarget = {
  firmId: string;
  subscriptionId: string;
  accountId: string | null;
  sealedWebhookKey: string | null;
};

/** The firm a delivery claims to be for, found by Smokeball's subscription id; only connected firms. */
export async function findDeliveryTarget(sql: Sql, smokeballSubscriptionId: string): Promise<DeliveryTarget | undefined> {
  const [row] = await sql<DeliveryTarget[]>`
    select s.firm_id as "firmId", s.id as "subscriptionId", c.account_id as "accountId", k.sealed_webhook_key as "sealedWebhookKey"
    from public.webhook_subscriptions s
    join public.smokeball_connections c on c.firm_id = s.firm_id
    join private.smokeball_credentials k on k.firm_id = s.firm_id
    where s.smokeball_subscription_id = ${smokeballSubscriptionId}`;
  return row;
}

export type StoredEvent = {
  firmId: string;
  fingerprint: string;
  subscriptionId: string;
  smokeballSubscriptionId: string;
  eventType: string;
  requestId: string | null;
  resourceId: string | null;
  timestampTicks: string;
  payload: unknown;
};

/**
 * Stores verified deliveries, each once (unique fingerprint), and queues each new one's processing, all in
 * ONE statement: the intake sends the deliveries that arrived while its previous statement ran as one
 * round trip (shared/sync/webhooks/event-writer.ts). A duplicate stores and queues nothing. Nothing is
 * stored either for a delivery whose subscription is no longer the firm's (removed since the caller looked
 * it up): its `subscribed` is then false. Answers in the order given. The fingerprints must be distinct
 * (a repeated one in the same statement would be answered as new twice).
 */
export async function storeWebhookEvents(sql: Sql, events: StoredEvent[]): Promise<{ eventId: string | null; subscribed: boolean }[]> {
  if (events.length === 0) return [];
  // Ticks exceed 2^53: they travel as digit strings and Postgres reads them as bigint.
  const input = events.map((e, n) => ({
    n,
    firm_id: e.firmId,
    fingerprint: e.fingerprint,
    subscription_id: e.subscriptionId,
    smokeball_subscription_id: e.smokeballSubscriptionId,
    event_type: e.eventType,
    request_id: e.requestId,
    resource_id: e.resourceId,
    timestamp_ticks: e.timestampTicks,
    payload: e.payload,
  }));
  const rows = await sql<{ n: number; eventId: string | null; subscribed: boolean }[]>`
    with input as (
      select * from jsonb_to_recordset(${sql.json(input as never)}) as r(
        n integer, firm_id uuid, fingerprint text, subscription_id uuid, smokeball_subscription_id text,
        event_type text, request_id text, resource_id text, timestamp_ticks bigint, payload jsonb)
    ), subscribed as (
      select r.* from input r
      where exists (select 1 from public.webhook_subscriptions s where s.firm_id = r.firm_id and s.id = r.subscription_id)
    ), inserted as (
      insert into public.webhook_events (firm_id, fingerprint, subscription_id, smokeball_subscription_id, event_type,
                                         request_id, resource_id, timestamp_ticks, payload)
      select firm_id, fingerprint, subscription_id, smokeball_subscription_id, event_type,
             request_id, resource_id, timestamp_ticks, payload
      from subscribed order by n
      on conflict (fingerprint) do nothing
      returning id, firm_id, fingerprint
    ), job as (
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger)
      select firm_id, 'process_webhook', id, 'webhook' from inserted
      returning id
    )
    select r.n, i.id as "eventId", (s.n is not null) as subscribed, (select count(*) from job) as jobs
    from input r
    left join subscribed s on s.n = r.n
    left join inserted i on i.fingerprint = r.fingerprint
    order by r.n`;
  return rows.map((r) => ({ eventId: r.eventId ?? null, subscribed: r.subscribed }));
}

export type WebhookEventRow = {
  id: string;
  eventType: string;
  requestId: string | null;
  resourceId: string | null;
  status: 'received' | 'processed' | 'ignored' | 'failed';
  payload: Record<string, unknown>;
};

export async function loadWebhookEvent(sql: Sql, firmId: string, eventId: string): Promise<WebhookEventRow | undefined> {
  const [row] = await sql<WebhookEventRow[]>`
    select id, event_type as "eventType", request_id as "requestId", resource_id as "resourceId", status, payload
    from public.webhook_events where firm_id = ${firmId} and id = ${eventId}`;
  return row;
}

export async function finishWebhookEvent(
  sql: Sql,
  firmId: string,
  eventId: string,
  outcome: { status: 'processed' | 'ignored' | 'failed'; code?: string; message?: string },
): Promise<void> {
  await sql`
    update public.webhook_events
    set status = ${outcome.status}, processed_at = now(), error_code = ${outcome.code ?? null}, error_message = ${outcome.message ?? null}
    where firm_id = ${firmId} and id = ${eventId}`;
}

/** Whether one of this firm's sync runs sent the request (an echo of our own write). */
export async function isOwnRequest(sql: Sql, firmId: string, requestId: string): Promise<boolean> {
  const rows = await sql`select 1 from public.sync_runs where firm_id = ${firmId} and request_ids @> array[${requestId}]::text[] limit 1`;
  return rows.length > 0;
}

// ---- subscriptions --------------------------------------------------------------------------------

export type SubscriptionRow = { id: string; smokeballSubscriptionId: string; eventTypes: string[] };

export async function listSubscriptions(sql: Sql, firmId: string): Promise<SubscriptionRow[]> {
  return sql<SubscriptionRow[]>`
    select id, smokeball_subscription_id as "smokeballSubscriptionId", event_types as "eventTypes"
    from public.webhook_subscriptions where firm_id = ${firmId} order by created_at`;
}

/** Which of these Smokeball subscription ids another firm has recorded. */
export async function subscriptionsOfOtherFirms(sql: Sql, firmId: string, smokeballSubscriptionIds: string[]): Promise<Set<string>> {
  if (smokeballSubscriptionIds.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select smokeball_subscription_id as id from public.webhook_subscriptions
    where firm_id <> ${firmId} and smokeball_subscription_id = any(${smokeballSubscriptionIds})`;
  return new Set(rows.map((r) => r.id));
}

export async function insertSubscription(
  sql: Sql,
  s: { firmId: string; smokeballSubscriptionId: string; eventTypes: string[]; url: string },
): Promise<void> {
  await sql`
    insert into public.webhook_subscriptions (firm_id, smokeball_subscription_id, event_types, event_notification_url)
    values (${s.firmId}, ${s.smokeballSubscriptionId}, ${s.eventTypes}, ${s.url})
    on conflict (smokeball_subscription_id) do nothing`;
}

export async function deleteSubscriptionRows(sql: Sql, firmId: string, smokeballSubscriptionIds: string[]): Promise<void> {
  if (smokeballSubscriptionIds.length === 0) return;
  await sql`delete from public.webhook_subscriptions where firm_id = ${firmId} and smokeball_subscription_id = any(${smokeballSubscriptionIds})`;
}

export async function readSealedWebhookKey(sql: Sql, firmId: string): Promise<string | null | undefined> {
  const [row] = await sql<{ key: string | null }[]>`select sealed_webhook_key as key from private.smokeball_credentials where firm_id = ${firmId}`;
  return row ? row.key : undefined;
}

export async function saveSealedWebhookKey(sql: Sql, firmId: string, sealed: string): Promise<void> {
  await sql`update private.smokeball_credentials set sealed_webhook_key = ${sealed} where firm_id = ${firmId}`;
}

export async function saveAccountId(sql: Sql, firmId: string, accountId: string): Promise<void> {
  await sql`update public.smokeball_connections set account_id = ${accountId} where firm_id = ${firmId} and account_id is distinct from ${accountId}`;
}
