// The settings page's one call (GET smokeball-status): connection state, account, who connected and
// when, refresh-token expiry, auto-sync, webhook registration and last delivery, the latest error, and
// the firm's job counts — as the contract's SmokeballStatusResponse.
import type { z } from 'zod';
import type { SmokeballStatusResponse } from '../../api/functions.ts';
import type { Sql } from '../../db/sql.ts';
import { helpFor } from '../../error-help.ts';
import { countJobsByState, readConnectionStatus, readLatestRunError, readWebhookStatus } from '../../db/smokeball-status.ts';

type Status = z.infer<typeof SmokeballStatusResponse>;

export async function readSmokeballStatus(deps: { sql: Sql; configured: boolean }, firmId: string): Promise<Status> {
  const [connection, webhooks, runError] = await Promise.all([
    readConnectionStatus(deps.sql, firmId),
    readWebhookStatus(deps.sql, firmId),
    readLatestRunError(deps.sql, firmId),
  ]);
  const jobs = await countJobsByState(deps.sql, firmId, connection?.status === 'connected');
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  const connectionError = connection?.lastErrorCode
    ? { code: connection.lastErrorCode, message: connection.lastErrorMessage ?? '', help: helpFor(connection.lastErrorCode), at: iso(connection.updatedAt)!, runId: null }
    : null;
  const lastRunError = runError
    ? { code: runError.code, message: runError.message, help: helpFor(runError.code), at: iso(runError.at)!, runId: runError.runId }
    : null;
  return {
    configured: deps.configured,
    state: connection?.status ?? 'not_connected',
    region: connection?.region ?? null,
    account: connection ? { id: connection.accountId, name: null } : null,
    connectedBy: connection ? { userId: connection.connectedBy, email: connection.connectedByEmail, at: iso(connection.connectedAt)! } : null,
    refreshTokenExpiresAt: iso(connection?.refreshTokenExpiresAt ?? null),
    autoSync: connection?.autoSync ?? false,
    webhooks: {
      registered: (webhooks.eventTypes ?? null) !== null && connection?.status !== 'disconnected',
      eventTypes: webhooks.eventTypes ?? [],
      lastDeliveryAt: iso(webhooks.lastDeliveryAt),
    },
    lastError: connectionError ?? lastRunError,
    jobs,
  };
}
