// Smokeball's webhook signature (docs/smokeball.md §5): lowercase hex HMAC-SHA256, with the subscription's key,
// of `Timestamp|RequestId|ClientId` — the body is NOT signed. Pure checks, unit-tested.
import { equalBytes } from '../../crypto/constant-time.ts';
import { utf8 } from '../../crypto/encoding.ts';
import { hmacSha256Hex } from '../../crypto/hash.ts';
import { TICKS_PER_MS, UNIX_EPOCH_TICKS } from '../../smokeball/schemas/common.ts';

/** Replay window for the `Timestamp` header, both past and future (Standard Webhooks' ±5 minutes). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

/** `requestId` is '' when the delivery carries none. */
export type DeliveryHeaders = { timestamp: string; requestId: string; signature: string };

/**
 * The headers, or undefined when `Timestamp` or `Signature` is missing or one of the three is not of its
 * form. `RequestId` is optional: the docs promise it only for changes made through an API call that sent
 * one (docs/smokeball.md §5), so an edit made inside Smokeball may come without it. The signed message is
 * then `Timestamp||ClientId` (the same format with an empty middle part), and a forger still needs the key.
 */
export function readDeliveryHeaders(headers: Headers): DeliveryHeaders | undefined {
  const timestamp = headers.get('timestamp') ?? '';
  const requestId = (headers.get('requestid') ?? '').trim();
  const signature = headers.get('signature') ?? '';
  if (!/^\d{1,20}$/.test(timestamp)) return undefined;
  if (requestId !== '' && !/^[A-Za-z0-9._:-]{1,128}$/.test(requestId)) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return undefined;
  return { timestamp, requestId, signature: signature.toLowerCase() };
}

export function ticksToUnixMs(ticks: string): number {
  return Number((BigInt(ticks) - UNIX_EPOCH_TICKS) / TICKS_PER_MS);
}

export function unixMsToTicks(ms: number): string {
  return (BigInt(Math.round(ms)) * TICKS_PER_MS + UNIX_EPOCH_TICKS).toString();
}

export function isTimestampFresh(ticks: string, nowMs: number, toleranceMs = TIMESTAMP_TOLERANCE_MS): boolean {
  return Math.abs(ticksToUnixMs(ticks) - nowMs) <= toleranceMs;
}

export function signatureMessage(h: Pick<DeliveryHeaders, 'timestamp' | 'requestId'>, clientId: string): string {
  return `${h.timestamp}|${h.requestId}|${clientId}`;
}

/**
 * Constant time in the signature's content: both sides are 64 lowercase hex characters (the header's form
 * is checked by readDeliveryHeaders), compared without an early exit.
 */
export async function isSignatureValid(key: string | CryptoKey, h: DeliveryHeaders, clientId: string): Promise<boolean> {
  const expected = await hmacSha256Hex(key, signatureMessage(h, clientId));
  return equalBytes(utf8(expected), utf8(h.signature));
}
