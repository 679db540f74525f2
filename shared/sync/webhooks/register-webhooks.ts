// register-webhooks: one subscription per firm for matter.*, contact.* and error (docs/smokeball.md §5:
// keep one per firm, list before creating), signed with a random per-firm key kept sealed. Idempotent:
// a subscription we recorded and Smokeball still has is kept; one Smokeball lost (it deletes them when a
// refresh token expires or access is revoked) is created again; one at our URL that we did not record
// (an interrupted earlier attempt — its key unknown to us) is replaced. Runs after every reconnect too.
import { randomToken } from '../../crypto/random.ts';
import type { Sealer } from '../../crypto/seal.ts';
import type { Sql } from '../../db/sql.ts';
import {
  deleteSubscriptionRows,
  insertSubscription,
  listSubscriptions,
  readSealedWebhookKey,
  saveAccountId,
  saveSealedWebhookKey,
  subscriptionsOfOtherFirms,
} from '../../db/webhooks.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import { requireConnection } from '../connection/require-connection.ts';
import { webhookKeyContext } from '../connection/tokens.ts';
import { HANDLED_EVENT } from './receive-delivery.ts';

/** Used when `GET /webhooks/types` cannot be read: the documented matter.*, contact.* and error types. */
export const FALLBACK_EVENT_TYPES = [
  'contact.created', 'contact.deleted', 'contact.restored', 'contact.updated',
  'error', 'matter.created', 'matter.updated',
];
const SUBSCRIPTION_NAME = 'CaseHug';

export type RegisterDeps = {
  sql: Sql;
  sealer: Sealer;
  /** A client for the firm in its connection's region. */
  clientFor(region: SmokeballRegion): Promise<SmokeballClient>;
  webhookUrl: string;
  log(event: string, fields?: LogFields): void };

export type RegisterResult = { subscriptionId: string; created: boolean; removed: number; eventTypes: string[] };

export async function registerWebhooks(deps: RegisterDeps, firmId: string): Promise<RegisterResult> {
  const { region } = await requireConnection(deps.sql, firmId);
  const client = await deps.clientFor(region);

  const eventTypes = await wantedEventTypes(client);
  const recorded = await listSubscriptions(deps.sql, firmId);
  const atSmokeball = (await client.webhooks.list()).data.filter((s) => s.eventNotificationUrl === deps.webhookUrl);
  const recordedIds = new Set(recorded.map((r) => r.smokeballSubscriptionId));

  const keep = atSmokeball.find((s) => recordedIds.has(s.id) && eventTypes.every((t) => s.eventTypes?.includes(t)));
  // Another CaseHug firm may share this Smokeball account (two offices, one account): its subscription
  // is recorded under that firm and is not ours to delete.
  const othersIds = await subscriptionsOfOtherFirms(deps.sql, firmId, atSmokeball.map((s) => s.id));
  const stale = atSmokeball.filter((s) => s !== keep && !othersIds.has(s.id));
  for (const s of stale) await client.webhooks.delete(s.id);
  await deleteSubscriptionRows(deps.sql, firmId, recorded.map((r) => r.smokeballSubscriptionId).filter((id) => id !== keep?.id));
  if (keep) {
    if (keep.accountId) await saveAccountId(deps.sql, firmId, keep.accountId);
    return { subscriptionId: keep.id, created: false, removed: stale.length, eventTypes };
  }

  const key = await webhookKey(deps, firmId);
  const { data: created } = await client.webhooks.create({ name: SUBSCRIPTION_NAME, eventTypes, eventNotificationUrl: deps.webhookUrl, key });
  await insertSubscription(deps.sql, { firmId, smokeballSubscriptionId: created.id, eventTypes, url: deps.webhookUrl });
  if (created.accountId) await saveAccountId(deps.sql, firmId, created.accountId);
  deps.log('webhooks_registered', { firmId, removed: stale.length, eventTypes: eventTypes.length });
  return { subscriptionId: created.id, created: true, removed: stale.length, eventTypes };
}

async function wantedEventTypes(client: SmokeballClient): Promise<string[]> {
  try {
    const { data } = await client.webhooks.types();
    const wanted = data.filter((t) => HANDLED_EVENT.test(t)).sort();
    return wanted.length > 0 ? wanted : FALLBACK_EVENT_TYPES;
  } catch {
    return FALLBACK_EVENT_TYPES;
  }
}

/** The firm's signing key: kept across re-registrations (sealed), created the first time. */
async function webhookKey(deps: RegisterDeps, firmId: string): Promise<string> {
  const sealed = await readSealedWebhookKey(deps.sql, firmId);
  if (sealed) return deps.sealer.open(sealed, webhookKeyContext(firmId));
  const key = randomToken(24);
  await saveSealedWebhookKey(deps.sql, firmId, await deps.sealer.seal(key, webhookKeyContext(firmId)));
  return key;
}
