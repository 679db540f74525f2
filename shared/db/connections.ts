// public.smokeball_connections and private.smokeball_credentials: a firm's link to its Smokeball
// account and its sealed tokens. Every statement is filtered by the verified firm id.
import type { Sql, Tx } from './sql.ts';

/** `disconnected`: the row outlives a disconnect (credentials gone) to keep auto_sync and the account id. */
export type ConnectionStatus = 'connected' | 'needs_reauth' | 'disconnected';

export type CredentialsRow = {
  region: 'US' | 'AU' | 'UK';
  status: ConnectionStatus;
  accountId: string | null;
  sealedAccessToken: string;
  sealedRefreshToken: string;
  sealedWebhookKey: string | null;
  accessTokenExpiresAt: Date;
};

export type SealedTokens = {
  sealedAccessToken: string;
  sealedRefreshToken: string;
  keyId: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date | null;
};

const CREDENTIALS_COLUMNS = (sql: Sql | Tx) => sql`
  c.region, c.status, c.account_id as "accountId", k.sealed_access_token as "sealedAccessToken",
  k.sealed_refresh_token as "sealedRefreshToken", k.sealed_webhook_key as "sealedWebhookKey",
  k.access_token_expires_at as "accessTokenExpiresAt"`;

export async function readCredentials(sql: Sql, firmId: string): Promise<CredentialsRow | undefined> {
  const [row] = await sql<CredentialsRow[]>`
    select ${CREDENTIALS_COLUMNS(sql)}
    from public.smokeball_connections c
    join private.smokeball_credentials k on k.firm_id = c.firm_id
    where c.firm_id = ${firmId}`;
  return row;
}

/**
 * The same row, locked until the surrounding transaction ends: one refresh at a time per firm. The lock
 * and the read are two statements on purpose: a `select … join … for update of k` that waited for the
 * lock re-checks only the locked credentials row and keeps the joined connection row as its snapshot
 * saw it, so a waiter would miss the `needs_reauth` the lock holder just committed and ask Smokeball
 * again. Read after the lock, in a statement of its own, it sees everything the holder committed.
 */
export async function lockCredentials(tx: Tx, firmId: string): Promise<CredentialsRow | undefined> {
  const locked = await tx`select 1 from private.smokeball_credentials where firm_id = ${firmId} for update`;
  if (locked.count === 0) return undefined;
  const [row] = await tx<CredentialsRow[]>`
    select ${CREDENTIALS_COLUMNS(tx)}
    from public.smokeball_connections c
    join private.smokeball_credentials k on k.firm_id = c.firm_id
    where c.firm_id = ${firmId}`;
  return row;
}

/**
 * After a successful code exchange: (re)connect the firm. A reconnect keeps `auto_sync` (the firm's
 * choice survives a disconnect) and the account id unless the approving account is known.
 */
export async function saveConnection(
  tx: Tx,
  input: { firmId: string; region: string; userId: string; accountId?: string; tokens: SealedTokens },
): Promise<void> {
  const t = input.tokens;
  await tx`
    insert into public.smokeball_connections as c
      (firm_id, region, status, account_id, connected_by, connected_at, access_token_expires_at, refresh_token_expires_at,
       last_refreshed_at, last_error_code, last_error_message, disconnected_at)
    values (${input.firmId}, ${input.region}, 'connected', ${input.accountId ?? null}, ${input.userId}, now(),
            ${t.accessTokenExpiresAt}, ${t.refreshTokenExpiresAt}, null, null, null, null)
    on conflict (firm_id) do update set
      region = excluded.region, status = 'connected', account_id = coalesce(excluded.account_id, c.account_id),
      connected_by = excluded.connected_by, connected_at = excluded.connected_at,
      access_token_expires_at = excluded.access_token_expires_at,
      refresh_token_expires_at = excluded.refresh_token_expires_at, last_refreshed_at = null,
      last_error_code = null, last_error_message = null, disconnected_at = null`;
  await tx`
    insert into private.smokeball_credentials as k
      (firm_id, sealed_access_token, sealed_refresh_token, key_id, access_token_expires_at, refresh_token_expires_at)
    values (${input.firmId}, ${t.sealedAccessToken}, ${t.sealedRefreshToken}, ${t.keyId}, ${t.accessTokenExpiresAt},
            ${t.refreshTokenExpiresAt})
    on conflict (firm_id) do update set
      sealed_access_token = excluded.sealed_access_token, sealed_refresh_token = excluded.sealed_refresh_token,
      key_id = excluded.key_id, access_token_expires_at = excluded.access_token_expires_at,
      refresh_token_expires_at = excluded.refresh_token_expires_at`;
}

/**
 * After a refresh: every sealed value of the row under the current key (`keyId`); the refresh token's
 * expiry changes only when given (Smokeball rotated the token).
 */
export async function saveRefreshedTokens(
  tx: Tx,
  firmId: string,
  t: {
    sealedAccessToken: string;
    sealedRefreshToken: string;
    sealedWebhookKey?: string;
    keyId: string;
    accessTokenExpiresAt: Date;
    refreshTokenExpiresAt?: Date;
  },
): Promise<void> {
  await tx`
    update private.smokeball_credentials set
      sealed_access_token = ${t.sealedAccessToken},
      sealed_refresh_token = ${t.sealedRefreshToken},
      sealed_webhook_key = coalesce(${t.sealedWebhookKey ?? null}, sealed_webhook_key),
      key_id = ${t.keyId},
      access_token_expires_at = ${t.accessTokenExpiresAt},
      refresh_token_expires_at = coalesce(${t.refreshTokenExpiresAt ?? null}::timestamptz, refresh_token_expires_at)
    where firm_id = ${firmId}`;
  await tx`
    update public.smokeball_connections set
      access_token_expires_at = ${t.accessTokenExpiresAt},
      refresh_token_expires_at = coalesce(${t.refreshTokenExpiresAt ?? null}::timestamptz, refresh_token_expires_at),
      last_refreshed_at = now(), last_error_code = null, last_error_message = null
    where firm_id = ${firmId}`;
}

export async function markNeedsReauth(sql: Sql | Tx, firmId: string, code: string, message: string): Promise<void> {
  await sql`
    update public.smokeball_connections
    set status = 'needs_reauth', last_error_code = ${code}, last_error_message = ${message}
    where firm_id = ${firmId}`;
}

/**
 * Disconnect: the credentials and pending connects go; the connection row stays as `disconnected` (its
 * `auto_sync` and `account_id` are the firm's, and a reconnect checks the account against them); the
 * link ids on clients, matters and documents stay, so a reconnect links to the same Smokeball records.
 */
export async function markDisconnected(tx: Tx, firmId: string): Promise<boolean> {
  const updated = await tx`
    update public.smokeball_connections
    set status = 'disconnected', disconnected_at = now(), access_token_expires_at = null, refresh_token_expires_at = null,
        last_error_code = null, last_error_message = null
    where firm_id = ${firmId} and status <> 'disconnected'`;
  await tx`delete from private.smokeball_credentials where firm_id = ${firmId}`;
  await tx`delete from private.oauth_states where firm_id = ${firmId}`;
  await tx`delete from public.webhook_subscriptions where firm_id = ${firmId}`;
  return updated.count > 0;
}

/** The connection's public columns only: no sealed token is read. Undefined when the firm never connected. */
export type ConnectionState = {
  region: 'US' | 'AU' | 'UK';
  status: ConnectionStatus;
  accountId: string | null;
  autoSync: boolean;
  /** Whether the firm takes Smokeball's edits into CaseHug (two-way sync). */
  applyFromSmokeball: boolean;
};

export async function readConnectionState(sql: Sql, firmId: string): Promise<ConnectionState | undefined> {
  const [row] = await sql<ConnectionState[]>`
    select region, status, account_id as "accountId", auto_sync as "autoSync", apply_from_smokeball as "applyFromSmokeball"
    from public.smokeball_connections where firm_id = ${firmId}`;
  return row;
}
