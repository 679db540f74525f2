// What the settings page shows about a firm's Smokeball integration, in one round trip of four small
// queries: the connection, its webhook subscription and last delivery, the latest error, the job counts.
import type { ErrorCode } from '../errors.ts';
import type { Sql } from './sql.ts';

export type ConnectionStatusRow = {
  status: 'connected' | 'needs_reauth' | 'disconnected';
  region: 'US' | 'AU' | 'UK';
  accountId: string | null;
  connectedBy: string | null;
  connectedByEmail: string | null;
  connectedAt: Date;
  refreshTokenExpiresAt: Date | null;
  autoSync: boolean;
  lastErrorCode: ErrorCode | null;
  lastErrorMessage: string | null;
  updatedAt: Date;
};

export async function readConnectionStatus(sql: Sql, firmId: string): Promise<ConnectionStatusRow | undefined> {
  const [row] = await sql<ConnectionStatusRow[]>`
    select c.status, c.region, c.account_id as "accountId", c.connected_by as "connectedBy", u.email as "connectedByEmail",
           c.connected_at as "connectedAt", c.refresh_token_expires_at as "refreshTokenExpiresAt", c.auto_sync as "autoSync",
           c.last_error_code as "lastErrorCode", c.last_error_message as "lastErrorMessage", c.updated_at as "updatedAt"
    from public.smokeball_connections c
    left join auth.users u on u.id = c.connected_by
    where c.firm_id = ${firmId}`;
  return row;
}

export async function readWebhookStatus(sql: Sql, firmId: string): Promise<{ eventTypes: string[] | null; lastDeliveryAt: Date | null }> {
  const [row] = await sql<{ eventTypes: string[] | null; lastDeliveryAt: Date | null }[]>`
    select (select event_types from public.webhook_subscriptions where firm_id = ${firmId} order by created_at desc limit 1) as "eventTypes",
           (select max(received_at) from public.webhook_events where firm_id = ${firmId}) as "lastDeliveryAt"`;
  return row;
}

export async function readLatestRunError(
  sql: Sql,
  firmId: string,
): Promise<{ runId: string; code: ErrorCode; message: string; at: Date } | undefined> {
  const [row] = await sql<{ runId: string; code: ErrorCode; message: string; at: Date }[]>`
    select id as "runId", error_code as code, coalesce(error_message, '') as message, coalesce(finished_at, started_at) as at
    from public.sync_runs
    where firm_id = ${firmId} and status in ('failed', 'partial') and error_code is not null
    order by started_at desc limit 1`;
  return row;
}

/** Queued jobs of a firm that can sync, queued jobs of one that cannot (parked), and dead ones. */
export async function countJobsByState(sql: Sql, firmId: string, canSync: boolean): Promise<{ queued: number; parked: number; dead: number }> {
  const [row] = await sql<{ waiting: number; dead: number }[]>`
    select count(*) filter (where status in ('queued', 'running'))::int as waiting,
           count(*) filter (where status = 'dead')::int as dead
    from public.sync_jobs where firm_id = ${firmId}`;
  return canSync ? { queued: row.waiting, parked: 0, dead: row.dead } : { queued: 0, parked: row.waiting, dead: row.dead };
}
