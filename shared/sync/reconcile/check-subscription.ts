// Is the firm's webhook subscription still there? Smokeball deletes subscriptions when a refresh token
// expires or access is revoked (docs/smokeball.md §5), and then every change goes unheard. One list call
// when it is; when it is not, the registration (register-webhooks.ts: list, types, create) puts it back.
import { listSubscriptions } from '../../db/webhooks.ts';
import type { Sql } from '../../db/sql.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { ReconcileCounts } from './counts.ts';

export async function checkSubscription(
  deps: { sql: Sql; webhookUrl: string; registerWebhooks(): Promise<unknown> },
  client: SmokeballClient,
  firmId: string,
  counts: ReconcileCounts,
): Promise<void> {
  const recorded = new Set((await listSubscriptions(deps.sql, firmId)).map((s) => s.smokeballSubscriptionId));
  const { data } = await client.webhooks.list();
  counts.subscriptionsChecked++;
  const present = data.some((s) => recorded.has(s.id) && s.eventNotificationUrl === deps.webhookUrl);
  if (present) return;
  await deps.registerWebhooks();
  counts.subscriptionsRepaired++;
}
