// The one answer to "can this firm talk to Smokeball?". A connection is in one of four states: none (the
// firm never connected), `disconnected` (the row outlives a disconnect to keep auto_sync and the account
// id), `needs_reauth` (the refresh token was refused) and `connected`. Calling Smokeball needs
// `connected`; work that waits for a re-authorisation (queued jobs, stored webhook deliveries) may accept
// `needs_reauth`, because the token layer parks it until a reconnect. Every refusal is one of two errors,
// 409 not_connected or 409 smokeball_reauth_required, whoever asks.
import type { Sql } from '../../db/sql.ts';
import { readConnectionState, type ConnectionState, type ConnectionStatus } from '../../db/connections.ts';
import { notConnected, reauthRequired, type AppError } from '../../errors.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';

/** What the decision needs of a connection: any read of it carries at least these columns. */
type GateInput = { region: SmokeballRegion; status: ConnectionStatus; accountId: string | null };

/** A connection Smokeball may be called for (or work queued for, with `allowNeedsReauth`). */
export type UsableConnection<S extends GateInput = ConnectionState> = S & { status: 'connected' | 'needs_reauth' };

export type ConnectionNeed = {
  /** Accept `needs_reauth`: the caller queues or stores work that waits for a reconnect. */
  allowNeedsReauth?: boolean;
};

export type ConnectionDecision<S extends GateInput = ConnectionState> =
  | { usable: true; connection: UsableConnection<S> }
  | { usable: false; state: 'none' | 'disconnected' | 'needs_reauth'; error: AppError };

/** The decision as a value, from the connection's state (pure, unit-tested). */
export function decideConnection<S extends GateInput>(state: S | null | undefined, need: ConnectionNeed = {}): ConnectionDecision<S> {
  if (!state) return { usable: false, state: 'none', error: notConnected() };
  if (state.status === 'disconnected') return { usable: false, state: 'disconnected', error: notConnected() };
  if (state.status === 'needs_reauth' && !need.allowNeedsReauth) return { usable: false, state: 'needs_reauth', error: reauthRequired() };
  return { usable: true, connection: state as UsableConnection<S> };
}

/** Throws the decision's error, or gives the usable connection. */
export function usableOrThrow<S extends GateInput>(decision: ConnectionDecision<S>): UsableConnection<S> {
  if (!decision.usable) throw decision.error;
  return decision.connection;
}

/** Reads the firm's connection and decides. */
export async function checkConnection(sql: Sql, firmId: string, need: ConnectionNeed = {}): Promise<ConnectionDecision> {
  return decideConnection(await readConnectionState(sql, firmId), need);
}

/** The firm's usable connection, or the one error for its state. */
export async function requireConnection(sql: Sql, firmId: string, need: ConnectionNeed = {}): Promise<UsableConnection> {
  return usableOrThrow(await checkConnection(sql, firmId, need));
}
