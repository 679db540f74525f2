// Which Smokeball account an access token acts for. Smokeball has no "who am I" endpoint; a webhook
// subscription is the one resource that names its account (`accountId` in the create and list answers).
// The account's own subscriptions are listed first; an account with none is asked by creating a
// short-lived one (no key, `error` events only) and deleting it again.
import type { SmokeballClient } from '../../smokeball/client.ts';

const PROBE_NAME = 'CaseHug account check';

export async function identifySmokeballAccount(client: SmokeballClient, webhookUrl: string): Promise<string | undefined> {
  const listed = (await client.webhooks.list()).data.find((s) => s.accountId);
  if (listed?.accountId) return listed.accountId;
  const { data: probe } = await client.webhooks.create({ name: PROBE_NAME, eventTypes: ['error'], eventNotificationUrl: webhookUrl });
  // Best effort: a probe left behind carries no key we know, so its deliveries are refused as unverified.
  await client.webhooks.delete(probe.id).catch(() => undefined);
  return probe.accountId ?? undefined;
}
