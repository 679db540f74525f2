// Webhook subscriptions (docs/smokeball.md §5 "Subscription management"): types, create/list/get/update/delete
// (200, not 202: these are synchronous), and `notify`, which sends a `noop` event to one subscription.
// The `key` is stored to sign deliveries and is not echoed (the OAS response schema has no `key`).
import { json, ReplyError, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { pagedEnvelope, pageOf } from './paging.ts';
import { notFoundProblem, problem, throwIfInvalid, type FieldError } from './problem.ts';
import type { JsonObject, SubscriptionRecord } from './store.ts';
import { sweepExpiredGrants } from './tokens.ts';
import { subscriptionView } from './views.ts';
import { emitEvent } from './webhook-delivery.ts';
import type { ApiCtx } from './world.ts';

/** Reference §5 "Event type names" (WH ∪ OLD-WH ∪ RN). */
export const WEBHOOK_TYPES = [
  'activitycode.created', 'activitycode.deleted', 'activitycode.updated', 'archive.updated', 'billingconfiguration.updated',
  'contact.created', 'contact.deleted', 'contact.restored', 'contact.updated', 'expense.created', 'expense.deleted',
  'expense.updated', 'event.created', 'event.updated', 'files.updated', 'fee.created', 'fee.deleted', 'fee.updated',
  'firm.updated', 'firmuser.updated', 'invoice.created', 'invoice.finalized', 'invoice.updated', 'layoutdesign.updated',
  'layoutmatter.created', 'layoutmatter.updated', 'mattertype.updated', 'matter.created', 'matter.updated', 'matter.closed',
  'matter.converted', 'matteritems.updated', 'matterstage.updated', 'memo.created', 'memo.updated', 'memo.deleted',
  'memo.restored', 'roles.updated', 'staff.created', 'staff.updated', 'stageset.created', 'stageset.updated', 'task.created',
  'task.updated', 'task.deleted', 'user.registered', 'user.unregistered', 'error',
];

type SubscriptionDto = Pick<SubscriptionRecord, 'name' | 'eventTypes' | 'eventNotificationUrl' | 'key'>;

function parseSubscription(ctx: ApiCtx, body: unknown): SubscriptionDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ReplyError(problem(400, ctx.path, 'The request body must be a JSON object.'));
  }
  const b = body as JsonObject;
  const errors: FieldError[] = [];
  let url: URL | undefined;
  try {
    url = new URL(String(b.eventNotificationUrl ?? ''));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    errors.push({ field: 'eventNotificationUrl', message: 'eventNotificationUrl must be an absolute http(s) URL.' });
  }
  const types = b.eventTypes;
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string')) {
    errors.push({ field: 'eventTypes', message: 'eventTypes must be a non-empty array of event type names.' });
  } else {
    for (const t of types as string[]) if (!WEBHOOK_TYPES.includes(t)) errors.push({ field: 'eventTypes', message: `'${t.slice(0, 60)}' is not an event type.` });
  }
  for (const field of ['name', 'key']) {
    if (b[field] !== undefined && b[field] !== null && typeof b[field] !== 'string') errors.push({ field, message: `${field} must be a string.` });
  }
  throwIfInvalid(ctx.path, errors);
  return {
    name: typeof b.name === 'string' ? b.name : '',
    eventTypes: types as string[],
    eventNotificationUrl: String(b.eventNotificationUrl),
    key: typeof b.key === 'string' && b.key !== '' ? b.key : undefined,
  };
}

function requireSubscription(ctx: ApiCtx): SubscriptionRecord {
  sweepExpiredGrants(ctx.world);
  const subscription = ctx.account.subscriptions.get(ctx.params.id);
  if (!subscription) throw notFoundProblem(ctx.path, 'Webhook subscription');
  return subscription;
}

export const listWebhookTypes = (): Reply => json(200, { value: WEBHOOK_TYPES });

export async function createSubscription(ctx: ApiCtx): Promise<Reply> {
  const dto = parseSubscription(ctx, await ctx.body());
  const now = ctx.world.clock.nowMs();
  const record: SubscriptionRecord = { id: newGuid(), accountId: ctx.account.id, clientId: ctx.clientId, ...dto, createdMs: now, updatedMs: now };
  ctx.account.subscriptions.set(record.id, record);
  return json(200, subscriptionView(ctx.world.baseUrl, record));
}

export function listSubscriptions(ctx: ApiCtx): Reply {
  sweepExpiredGrants(ctx.world);
  const page = pageOf(ctx.query, ctx.path);
  const baseUrl = ctx.world.baseUrl;
  return json(200, pagedEnvelope([...ctx.account.subscriptions.values()], page, ctx.url, baseUrl, (s) => subscriptionView(baseUrl, s)));
}

export const getSubscription = (ctx: ApiCtx): Reply => json(200, subscriptionView(ctx.world.baseUrl, requireSubscription(ctx)));

export async function updateSubscription(ctx: ApiCtx): Promise<Reply> {
  const current = requireSubscription(ctx);
  const dto = parseSubscription(ctx, await ctx.body());
  const record = { ...current, ...dto, updatedMs: Math.max(ctx.world.clock.nowMs(), current.updatedMs + 1) };
  ctx.account.subscriptions.set(record.id, record);
  return json(200, subscriptionView(ctx.world.baseUrl, record));
}

export function deleteSubscription(ctx: ApiCtx): Reply {
  ctx.account.subscriptions.delete(requireSubscription(ctx).id);
  return { status: 200 };
}

export function notifySubscription(ctx: ApiCtx): Reply {
  const subscription = requireSubscription(ctx);
  emitEvent(ctx.world, ctx.account, { type: 'noop', source: 'API', requestId: ctx.requestId, payload: {} }, subscription.id);
  return { status: 200 };
}
