// Outbound webhooks (docs/smokeball.md §5 "Delivery"): POST JSON to the subscription URL with `Timestamp` (.NET
// ticks), `RequestId` and, when the subscription has a key, `Signature`. Delivery never delays the API
// answer, times out after `webhooks.timeoutMs` (10 s, as Smokeball), and is logged. Smokeball warns that
// deliveries may be duplicated and arrive out of order; the `webhooks` options reproduce both: a share of
// deliveries is sent twice (`duplicateRate`), a share is held back a random time (`lateRate`, `lateMs`) so
// it arrives after later ones, and `reorderWindowMs` sends everything of a window newest first. Lenient
// mode sends each delivery once, at once.
import { ticksOf } from './clock.ts';
import { drawMs } from './options.ts';
import { signWebhook } from './signature.ts';
import type { Account, SubscriptionRecord } from './store.ts';
import { sweepExpiredGrants } from './tokens.ts';
import { later, type World } from './world.ts';

export type WebhookEvent = {
  type: string;
  source: 'API' | 'Smokeball';
  payload: unknown;
  /** The originating API call's RequestId, or a fresh GUID for changes made in Smokeball; null when the
   * delivery carries no RequestId header (`shapes.noRequestIdForSmokeballEdits`). */
  requestId: string | null;
  userId?: string;
};

type Delivery = { subscription: SubscriptionRecord; accountId: string; event: WebhookEvent; duplicate: boolean };

/** Reordering buffers, per subscription: flushed newest first when the window closes. */
const reorderBuffers = new WeakMap<World, Map<string, Delivery[]>>();

/**
 * Sends an event to every subscription of the account that lists its type (or to one subscription, for
 * `notify`). Returns the number of subscriptions addressed.
 */
export function emitEvent(world: World, account: Account, event: WebhookEvent, onlySubscriptionId?: string): number {
  sweepExpiredGrants(world);
  // Lost deliveries (a test control): nothing is sent, as when Smokeball's delivery never arrives.
  if (account.dropWebhooks && event.type !== 'noop') {
    world.stats.webhooksDropped++;
    return 0;
  }
  let addressed = 0;
  for (const subscription of account.subscriptions.values()) {
    const wanted = onlySubscriptionId ? subscription.id === onlySubscriptionId : subscription.eventTypes.includes(event.type);
    if (!wanted) continue;
    addressed++;
    const chaos = !world.options.lenient;
    const copies = chaos && Math.random() < world.options.webhooks.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delivery = { subscription, accountId: account.id, event, duplicate: i > 0 };
      if (chaos && Math.random() < world.options.webhooks.lateRate) later(world, drawMs(world.options.webhooks.lateMs), () => enqueue(world, delivery));
      else enqueue(world, delivery);
    }
  }
  return addressed;
}

function enqueue(world: World, delivery: Delivery): void {
  const windowMs = world.options.webhooks.reorderWindowMs;
  if (windowMs <= 0) {
    void send(world, delivery);
    return;
  }
  let buffers = reorderBuffers.get(world);
  if (!buffers) reorderBuffers.set(world, (buffers = new Map()));
  const key = delivery.subscription.id;
  const buffer = buffers.get(key);
  if (buffer) {
    buffer.push(delivery);
    return;
  }
  buffers.set(key, [delivery]);
  // Deterministic worst case: everything emitted within the window arrives in reverse order.
  later(world, windowMs, () => {
    const pending = buffers.get(key) ?? [];
    buffers.delete(key);
    for (const d of pending.reverse()) void send(world, d);
  });
}

async function send(world: World, { subscription, accountId, event, duplicate }: Delivery): Promise<void> {
  const nowMs = world.clock.nowMs();
  const timestamp = ticksOf(nowMs);
  const envelope = {
    accountId,
    ...(event.userId ? { userId: event.userId } : {}),
    subscriptionId: subscription.id,
    type: event.type,
    source: event.source,
    payload: event.payload,
    timestamp: '__TIMESTAMP__',
  };
  // `timestamp` is an int64 beyond 2^53: write its exact digits as a JSON number, as .NET does.
  const body = JSON.stringify(envelope).replace('"__TIMESTAMP__"', timestamp);
  const headers: Record<string, string> = { 'content-type': 'application/json', Timestamp: timestamp };
  if (event.requestId !== null) headers.RequestId = event.requestId;
  // Without a RequestId the signed message has an empty middle part (`Timestamp||ClientId`).
  if (subscription.key) headers.Signature = signWebhook(subscription.key, timestamp, event.requestId ?? '', subscription.clientId);

  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | undefined;
  try {
    const response = await fetch(subscription.eventNotificationUrl, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(world.options.webhooks.timeoutMs),
    });
    statusCode = response.status;
    await response.arrayBuffer().catch(() => undefined);
  } catch (cause) {
    error = cause instanceof Error && cause.name === 'TimeoutError' ? 'timeout' : cause instanceof Error ? cause.message : String(cause);
  }
  world.stats.webhookDeliveries++;
  if (statusCode === null || statusCode < 200 || statusCode >= 300) world.stats.webhookFailures++;
  world.deliveryLog.push({
    seq: ++world.seq.delivery,
    timeMs: nowMs,
    url: subscription.eventNotificationUrl,
    accountId,
    subscriptionId: subscription.id,
    type: event.type,
    source: event.source,
    requestId: event.requestId,
    timestamp,
    statusCode,
    ...(error ? { error } : {}),
    durationMs: Math.round(performance.now() - started),
    duplicate,
  });
  if (world.deliveryLog.length > world.options.maxDeliveryLog) world.deliveryLog.splice(0, world.deliveryLog.length - world.options.maxDeliveryLog);
}
