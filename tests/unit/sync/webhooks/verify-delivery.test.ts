// The pure checks of a delivery (docs/smokeball.md §5 "Signature"): the documented vector, ticks, the ±5 minute
// window at its edges, header parsing.
import { describe, expect, test } from 'vitest';
import {
  isSignatureValid,
  isTimestampFresh,
  readDeliveryHeaders,
  signatureMessage,
  ticksToUnixMs,
  TIMESTAMP_TOLERANCE_MS,
  unixMsToTicks,
} from '../../../../shared/sync/webhooks/verify-delivery.ts';

// Smokeball's documented example (docs/smokeball.md §5, recomputed with Python hmac).
const VECTOR = {
  key: 'ei7641529ue420n8b9aa',
  timestamp: '637558795239278688',
  requestId: '38583489-09c4-49ef-b58c-ef1b34208cca',
  clientId: 'lou1qnn0llav95',
  signature: 'feb4b838a272884f6d2c2580b2c7ebb0b2f725b90e8baa6f9b5e1a17a9faec2d',
};

const headersOf = (h: Record<string, string>) => new Headers(h);
const validHeaders = { Timestamp: VECTOR.timestamp, RequestId: VECTOR.requestId, Signature: VECTOR.signature };

describe('isSignatureValid()', () => {
  test('without RequestId the signed message is Timestamp||ClientId, and only the right key verifies it', async () => {
    const { hmacSha256Hex } = await import('../../../../shared/crypto/hash.ts');
    const message = `${VECTOR.timestamp}||${VECTOR.clientId}`;
    const h = { timestamp: VECTOR.timestamp, requestId: '', signature: await hmacSha256Hex(VECTOR.key, message) };
    expect(signatureMessage(h, VECTOR.clientId)).toBe(message);
    expect(await isSignatureValid(VECTOR.key, h, VECTOR.clientId)).toBe(true);
    expect(await isSignatureValid('ei7641529ue420n8b9ab', h, VECTOR.clientId)).toBe(false);
    // The vector's signature (made with a RequestId) does not verify once the RequestId is dropped.
    expect(await isSignatureValid(VECTOR.key, { ...h, signature: VECTOR.signature }, VECTOR.clientId)).toBe(false);
  });


  test('accepts the documented test vector', async () => {
    expect(signatureMessage(VECTOR, VECTOR.clientId)).toBe('637558795239278688|38583489-09c4-49ef-b58c-ef1b34208cca|lou1qnn0llav95');
    expect(await isSignatureValid(VECTOR.key, VECTOR, VECTOR.clientId)).toBe(true);
  });

  test('accepts the vector signature in upper case once the headers are read (hex is case-insensitive)', async () => {
    const h = readDeliveryHeaders(headersOf({ ...validHeaders, Signature: VECTOR.signature.toUpperCase() }))!;
    expect(await isSignatureValid(VECTOR.key, h, VECTOR.clientId)).toBe(true);
  });

  test.each([
    { name: 'another key', change: { key: 'ei7641529ue420n8b9ab' } },
    { name: 'the docs JS sample client id (one extra f)', change: { clientId: 'lou1qnn0llav95f' } },
    { name: 'another timestamp', change: { timestamp: '637558795239278689' } },
    { name: 'another request id', change: { requestId: '38583489-09c4-49ef-b58c-ef1b34208ccb' } },
    { name: 'one flipped signature digit', change: { signature: VECTOR.signature.replace(/.$/, 'e') } },
  ])('refuses the vector with $name', async ({ change }) => {
    const v = { ...VECTOR, ...change };
    expect(await isSignatureValid(v.key, { timestamp: v.timestamp, requestId: v.requestId, signature: v.signature }, v.clientId)).toBe(false);
  });
});

describe('ticks', () => {
  test('the Unix epoch is 621355968000000000 ticks and one ms is 10,000 ticks', () => {
    expect(unixMsToTicks(0)).toBe('621355968000000000');
    expect(ticksToUnixMs('621355968000000000')).toBe(0);
    expect(unixMsToTicks(1)).toBe('621355968000010000');
  });

  test('the documented vector timestamp is 2021-05-06T06:32:03.927Z', () => {
    expect(new Date(ticksToUnixMs(VECTOR.timestamp)).toISOString()).toBe('2021-05-06T06:32:03.927Z');
  });

  test('round-trips ms exactly and truncates sub-millisecond ticks', () => {
    for (const ms of [0, 1, 1_700_000_000_123, 4_102_444_800_000]) expect(ticksToUnixMs(unixMsToTicks(ms))).toBe(ms);
    expect(ticksToUnixMs('621355968000019999')).toBe(1);
  });

  test('stays exact beyond 2^53 (ticks are int64)', () => {
    const ticks = unixMsToTicks(1_700_000_000_123);
    expect(BigInt(ticks)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(ticks).toBe('638355968001230000');
  });
});

describe('isTimestampFresh()', () => {
  const now = 1_700_000_000_000;
  test('the window is ±5 minutes', () => expect(TIMESTAMP_TOLERANCE_MS).toBe(300_000));
  test.each([
    { name: 'now', offsetMs: 0, fresh: true },
    { name: 'exactly 5 minutes old', offsetMs: -300_000, fresh: true },
    { name: '5 minutes and 1 ms old', offsetMs: -300_001, fresh: false },
    { name: 'exactly 5 minutes ahead', offsetMs: 300_000, fresh: true },
    { name: '5 minutes and 1 ms ahead', offsetMs: 300_001, fresh: false },
    { name: 'a day old', offsetMs: -86_400_000, fresh: false },
    { name: 'a year ahead', offsetMs: 365 * 86_400_000, fresh: false },
  ])('$name → fresh $fresh', ({ offsetMs, fresh }) => {
    expect(isTimestampFresh(unixMsToTicks(now + offsetMs), now)).toBe(fresh);
  });

  test('ticks of 0 (year 1) and the largest 20-digit value are not fresh', () => {
    expect(isTimestampFresh('0', now)).toBe(false);
    expect(isTimestampFresh('99999999999999999999', now)).toBe(false);
  });
});

describe('readDeliveryHeaders()', () => {
  test('reads the three headers whatever their case, and lowercases the signature', () => {
    expect(readDeliveryHeaders(headersOf({ timestamp: VECTOR.timestamp, REQUESTID: VECTOR.requestId, signature: VECTOR.signature.toUpperCase() }))).toEqual({
      timestamp: VECTOR.timestamp,
      requestId: VECTOR.requestId,
      signature: VECTOR.signature,
    });
  });

  test('reads a delivery without RequestId (an edit made inside Smokeball) as an empty request id', () => {
    expect(readDeliveryHeaders(headersOf({ Timestamp: VECTOR.timestamp, Signature: VECTOR.signature }))).toEqual({
      timestamp: VECTOR.timestamp,
      requestId: '',
      signature: VECTOR.signature,
    });
  });

  test.each(['Timestamp', 'Signature'])('is undefined without %s', (name) => {
    const h = { ...validHeaders } as Record<string, string>;
    delete h[name];
    expect(readDeliveryHeaders(headersOf(h))).toBeUndefined();
  });

  test.each([
    { name: 'a non-numeric timestamp', h: { Timestamp: '6375587952392786a8' } },
    { name: 'a negative timestamp', h: { Timestamp: '-637558795239278688' } },
    { name: 'a 21-digit timestamp', h: { Timestamp: '1'.repeat(21) } },
    { name: 'an empty timestamp', h: { Timestamp: '' } },
    { name: 'a request id with a space', h: { RequestId: 'a b' } },
    { name: 'a request id with a pipe (would change the signed message)', h: { RequestId: 'a|b' } },
    { name: 'a 129-character request id', h: { RequestId: 'a'.repeat(129) } },
    { name: 'a 63-digit signature', h: { Signature: VECTOR.signature.slice(1) } },
    { name: 'a 65-digit signature', h: { Signature: `${VECTOR.signature}0` } },
    { name: 'a non-hex signature', h: { Signature: `${VECTOR.signature.slice(1)}g` } },
    { name: 'a base64 signature', h: { Signature: Buffer.from(VECTOR.signature, 'hex').toString('base64') } },
  ])('is undefined with $name', ({ h }) => {
    expect(readDeliveryHeaders(headersOf({ ...validHeaders, ...h }))).toBeUndefined();
  });
});
