// Webhook subscriptions (docs/smokeball.md §5 "Subscription management").
import { z } from 'zod';
import { DotNetTicks, OptionalText } from './common.ts';

export const WebhookTypes = z.object({ value: z.array(z.string()) });
export type WebhookTypes = z.infer<typeof WebhookTypes>;

export const WebhookSubscription = z.looseObject({
  id: z.string().min(1),
  accountId: OptionalText,
  name: OptionalText,
  eventTypes: z.array(z.string()).nullish(),
  // The field is `eventNotificationUrl`, not `url` (docs/smokeball.md §5).
  eventNotificationUrl: OptionalText,
  createdDateUtc: OptionalText,
  updatedDateUtc: OptionalText,
  lastUpdated: DotNetTicks.nullish(),
  // Whether `key` is echoed is UNCONFIRMED (docs/smokeball.md §5); never logged.
  key: OptionalText,
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

export const WebhookCreateInput = z.object({
  name: z.string().min(1),
  eventTypes: z.array(z.string().min(1)).min(1),
  eventNotificationUrl: z.string().url(),
  key: z.string().min(1).optional(),
});
export type WebhookCreateInput = z.infer<typeof WebhookCreateInput>;
