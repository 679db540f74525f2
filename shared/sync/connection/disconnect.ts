// Disconnect: delete the account's webhook subscriptions at Smokeball (best effort, bounded time), then
// the credentials and pending connects. Nothing the firm did is lost: the connection row stays as
// `disconnected` with its auto_sync choice and account id, queued jobs stay (parked with reason
// `disconnected`) until a reconnect resumes them, and every link id on clients, matters and documents
// stays. A second call finds nothing to disconnect and says so.
import type { Sql } from '../../db/sql.ts';
import { markDisconnected } from '../../db/connections.ts';
import { listSubscriptions } from '../../db/webhooks.ts';
import { parkJobsForDisconnect } from '../../db/reconnect.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import { within } from '../../within.ts';
import { checkConnection } from './require-connection.ts';

/** Smokeball answers a delete in well under a second; a hung call must not hold the admin's click. */
export const WEBHOOK_CLEANUP_BUDGET_MS = 5_000;

export type DisconnectDeps = {
  sql: Sql;
  /** A client for the firm in its connection's region, or undefined when Smokeball is not configured. */
  clientFor?(region: SmokeballRegion): Promise<SmokeballClient>;
  log(event: string, fields?: LogFields): void;
};

export type DisconnectResult = {
  disconnected: boolean;
  webhooks: { deleted: number; failed: number };
  /** Queued jobs kept, parked until a reconnect. */
  jobsParked: number;
};

export async function disconnectSmokeball(deps: DisconnectDeps, firmId: string): Promise<DisconnectResult> {
  // A firm that needs re-authorisation can still disconnect; its webhook deletes will fail and be counted.
  const decision = await checkConnection(deps.sql, firmId, { allowNeedsReauth: true });
  if (!decision.usable) return { disconnected: false, webhooks: { deleted: 0, failed: 0 }, jobsParked: 0 };

  const subscriptions = await listSubscriptions(deps.sql, firmId);
  const client = await deps.clientFor?.(decision.connection.region);
  const webhooks = await deleteSubscriptionsBestEffort(client, deps, firmId, subscriptions.map((s) => s.smokeballSubscriptionId));
  const jobsParked = await deps.sql.begin(async (tx) => {
    await markDisconnected(tx, firmId);
    return parkJobsForDisconnect(tx, firmId);
  });
  deps.log('smokeball_disconnected', { firmId, webhooksDeleted: webhooks.deleted, webhooksFailed: webhooks.failed, jobsParked });
  return { disconnected: true, webhooks, jobsParked };
}

async function deleteSubscriptionsBestEffort(client: SmokeballClient | undefined, deps: DisconnectDeps, firmId: string, ids: string[]) {
  if (!client || ids.length === 0) return { deleted: 0, failed: ids.length };
  let deleted = 0;
  const work = Promise.allSettled(ids.map((id) => client.webhooks.delete(id).then(() => void deleted++)));
  const outcome = await within(work, WEBHOOK_CLEANUP_BUDGET_MS, () => 'timeout' as const);
  if (outcome === 'timeout') deps.log('webhook_cleanup_timed_out', { firmId });
  return { deleted, failed: ids.length - deleted };
}
