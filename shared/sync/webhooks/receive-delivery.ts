// The webhook receiver (docs/architecture.md §5 "Webhooks in"): fast and strict. Body size, JSON, headers,
// timestamp window, the subscription of a connected firm, the signature with that firm's key (constant
// time), the account — then the delivery is stored once under its fingerprint with its processing job,
// and acknowledged. Processing (a re-fetch from Smokeball) happens after the answer, from the queue.
// Every refusal of a delivery that claims a subscription says the same thing, so an attacker learns
// nothing about which check failed.
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { importHmacKey, sha256Hex } from '../../crypto/hash.ts';
import { randomToken } from '../../crypto/random.ts';
import type { Sealer } from '../../crypto/seal.ts';
import type { Sql } from '../../db/sql.ts';
import { findDeliveryTarget, type DeliveryTarget } from '../../db/webhooks.ts';
import type { LogFields } from '../../log.ts';
import { readTextBody } from '../../read-body.ts';
import { parseSmokeballJson } from '../../smokeball/schemas/common.ts';
import { webhookKeyContext } from '../connection/tokens.ts';
import { createWebhookEventWriter } from './event-writer.ts';
import { isSignatureValid, isTimestampFresh, readDeliveryHeaders } from './verify-delivery.ts';

/** Smokeball's deliveries are small JSON envelopes; anything larger is refused unread. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
/** Keys are looked up once per subscription per this long (≥ 500 deliveries/s must not hit Postgres twice). */
const TARGET_CACHE_TTL_MS = 10_000;
/** Bounds the cache: forged deliveries name random subscriptions, and each would otherwise stay cached. */
const TARGET_CACHE_MAX_ENTRIES = 1_000;

/** Event types this integration acts on; others are acknowledged and ignored. */
export const HANDLED_EVENT = /^(matter|contact)\.[a-z]+$|^error$/;

/**
 * Smokeball's ids are GUIDs (docs/smokeball.md §5 "Delivery"); anything else is not a notification. The subscription
 * id reaches Postgres before the delivery is verified, so it must be text Postgres accepts (no NUL).
 */
const SmokeballId = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/);

const MAX_BIGINT = 9_223_372_036_854_775_807n;

const Envelope = z.object({
  accountId: SmokeballId,
  userId: z.string().max(100).nullish(),
  subscriptionId: SmokeballId,
  type: z.string().min(1).max(100),
  source: z.string().max(50).nullish(),
  payload: z.record(z.string(), z.unknown()),
  // .NET ticks are stored as bigint: a value beyond it is no Smokeball timestamp.
  timestamp: z
    .union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()])
    .transform(String)
    .refine((ticks) => BigInt(ticks) <= MAX_BIGINT),
});

/** The resource a notification is about: `payload.id`, or `resourceId` for `error`; only id-shaped values. */
function resourceIdOf(payload: Record<string, unknown>): string | null {
  const id = payload.id ?? payload.resourceId;
  return typeof id === 'string' && SmokeballId.safeParse(id).success ? id : null;
}

export type ReceiveDeps = {
  sql: Sql;
  sealer: Sealer;
  /**
   * The client id of the firm's Smokeball app (its own, else the default): Smokeball signs it into every
   * delivery of the subscriptions that app created. Undefined: the firm has no app, nothing verifies.
   */
  appClientIdFor(firmId: string): Promise<string | undefined>;
  now(): number;
};

/** The request's own logger: the receiver lives as long as the instance, a logger only for one request. */
export type ReceiveLog = (event: string, fields?: LogFields) => void;

export type ReceivedDelivery =
  | { stored: true; duplicate: boolean; eventId: string | null; firmId: string; type: string }
  | { stored: false; ignored: string };

const unverified = () => new AppError({ code: 'webhook_unverified', status: 401, message: 'The webhook delivery could not be verified' });

export function createWebhookReceiver(deps: ReceiveDeps) {
  const targets = new Map<string, { target: (DeliveryTarget & { key: CryptoKey; clientId: string }) | undefined; until: number }>();
  // Signs deliveries for unknown subscriptions, so they cost the same time as a wrong signature.
  const decoyKey = importHmacKey(randomToken(24));
  // One writer per receiver (per instance): concurrent deliveries share its statements.
  const storeEvent = createWebhookEventWriter(deps.sql);

  async function targetFor(subscriptionId: string) {
    const cached = targets.get(subscriptionId);
    if (cached && cached.until > deps.now()) return cached.target;
    const row = await findDeliveryTarget(deps.sql, subscriptionId);
    const key = row?.sealedWebhookKey ? await deps.sealer.open(row.sealedWebhookKey, webhookKeyContext(row.firmId)).catch(() => undefined) : undefined;
    const clientId = row && key ? await deps.appClientIdFor(row.firmId) : undefined;
    const target = row && key && clientId !== undefined ? { ...row, key: await importHmacKey(key), clientId } : undefined;
    if (targets.size >= TARGET_CACHE_MAX_ENTRIES) targets.delete(targets.keys().next().value!);
    targets.set(subscriptionId, { target, until: deps.now() + TARGET_CACHE_TTL_MS });
    return target;
  }

  return async function receiveDelivery(req: Request, log: ReceiveLog): Promise<ReceivedDelivery> {
    const text = await readTextBody(req, MAX_WEBHOOK_BODY_BYTES);
    // jsonb cannot hold U+0000; such a body is no Smokeball notification (and would fail the insert).
    if (text.includes('\\u0000')) throw new AppError({ code: 'invalid_webhook', status: 400, message: 'The webhook body is not a Smokeball notification' });
    let json: unknown;
    try {
      json = parseSmokeballJson(text);
    } catch {
      throw new AppError({ code: 'invalid_json', status: 400, message: 'The webhook body is not valid JSON' });
    }
    const headers = readDeliveryHeaders(req.headers);
    if (!headers) throw new AppError({ code: 'invalid_webhook', status: 400, message: 'The Timestamp and Signature headers are required' });
    const envelope = Envelope.safeParse(json);
    if (!envelope.success) throw new AppError({ code: 'invalid_webhook', status: 400, message: 'The webhook body is not a Smokeball notification' });
    const body = envelope.data;
    if (!isTimestampFresh(headers.timestamp, deps.now())) throw unverified();

    const target = await targetFor(body.subscriptionId);
    // Compute a signature either way, so an unknown subscription costs the same time as a wrong one.
    const valid = await isSignatureValid(target?.key ?? (await decoyKey), headers, target?.clientId ?? '');
    if (!target || !valid || (target.accountId !== null && target.accountId !== body.accountId)) throw unverified();

    if (!HANDLED_EVENT.test(body.type)) {
      log('webhook_ignored', { firmId: target.firmId, type: body.type.slice(0, 50) });
      return { stored: false, ignored: body.type === 'noop' ? 'noop' : 'unhandled_type' };
    }
    const resourceId = resourceIdOf(body.payload);
    // Redeliveries repeat the originating RequestId (or its absence), the type, the resource and the
    // event's own time, so a delivery without RequestId still dedupes on the other four.
    const fingerprint = await sha256Hex([body.subscriptionId, headers.requestId, body.type, resourceId ?? '', body.timestamp].join('|'));
    const { eventId, subscribed } = await storeEvent({
      firmId: target.firmId,
      fingerprint,
      subscriptionId: target.subscriptionId,
      smokeballSubscriptionId: body.subscriptionId,
      eventType: body.type,
      requestId: headers.requestId || null,
      resourceId,
      timestampTicks: body.timestamp,
      payload: body.payload,
    });
    if (!subscribed) {
      // The subscription was removed (disconnect, re-registration) after it was cached: refuse like any other.
      targets.delete(body.subscriptionId);
      throw unverified();
    }
    return { stored: true, duplicate: eventId === null, eventId, firmId: target.firmId, type: body.type };
  };
}
