// Every delivery that is not a verified notification for a connected firm is
// refused with the right status, says nothing about which check failed, and writes no row — table-driven
// for each case, then 1,000 random malformed or forged deliveries (fast-check).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { signWebhook } from '../../../dev/smokeball-sim/signature.ts';
import { unixMsToTicks } from '../../../shared/sync/webhooks/verify-delivery.ts';
import { useConnectedFirms, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { SIM_APP } from '../../helpers/smokeball-client.ts';
import { countEvents, deliver, signedDelivery, signerFor, webhookUrl, type Delivery, type DeliverySigner } from '../../helpers/webhooks.ts';

const sql = useSuperuserSql();
const [firm, other] = useConnectedFirms(sql, 2, { autoSync: false });
let signer: DeliverySigner;
let otherSigner: DeliverySigner;
beforeAll(async () => {
  [signer, otherSigner] = await Promise.all([signerFor(sql, firm), signerFor(sql, other)]);
});

const MINUTE_MS = 60_000;

/** Rows written for any of these request ids, by any firm (test files run in parallel; ids are ours). */
async function rowsFor(requestIds: string[]): Promise<number> {
  const [{ count }] = await sql<{ count: number }[]>`
    select count(*)::int as count from public.webhook_events where request_id = any(${requestIds})`;
  return count;
}

function withoutHeader(d: Delivery, name: string): Delivery {
  const headers = { ...d.headers };
  delete headers[name];
  return { ...d, headers };
}

function resign(d: Delivery, key: string, clientId: string = SIM_APP.clientId): Delivery {
  return { ...d, headers: { ...d.headers, Signature: signWebhook(key, d.headers.Timestamp, d.headers.RequestId, clientId) } };
}

describe('smokeball-webhook refuses what it cannot verify', () => {
  const cases: { name: string; build: () => Delivery; status: number; code: string }[] = [
    { name: 'a signature made with another firm’s key', build: () => resign(signedDelivery(signer), otherSigner.key), status: 401, code: 'webhook_unverified' },
    { name: 'a signature made with another client id', build: () => resign(signedDelivery(signer), signer.key, 'someone-else'), status: 401, code: 'webhook_unverified' },
    { name: 'a signature over another request id', build: () => ({ ...signedDelivery(signer), headers: { ...signedDelivery(signer).headers, RequestId: randomUUID() } }), status: 401, code: 'webhook_unverified' },
    { name: 'a timestamp 6 minutes old (signed)', build: () => signedDelivery(signer, { sentAtMs: Date.now() - 6 * MINUTE_MS }), status: 401, code: 'webhook_unverified' },
    { name: 'a timestamp 6 minutes ahead (signed)', build: () => signedDelivery(signer, { sentAtMs: Date.now() + 6 * MINUTE_MS }), status: 401, code: 'webhook_unverified' },
    { name: 'an unknown subscription (signed with the firm’s key)', build: () => signedDelivery(signer, { envelope: { subscriptionId: randomUUID() } }), status: 401, code: 'webhook_unverified' },
    { name: 'another firm’s subscription with this firm’s key', build: () => signedDelivery(signer, { envelope: { subscriptionId: otherSigner.subscriptionId } }), status: 401, code: 'webhook_unverified' },
    { name: 'an account that is not the subscription’s (signed)', build: () => signedDelivery(signer, { envelope: { accountId: other.accountId } }), status: 401, code: 'webhook_unverified' },
    { name: 'no Timestamp header', build: () => withoutHeader(signedDelivery(signer), 'Timestamp'), status: 400, code: 'invalid_webhook' },
    // RequestId is optional (an edit made inside Smokeball), but a signature made over one does not verify without it.
    { name: 'no RequestId header, signed over one', build: () => withoutHeader(signedDelivery(signer), 'RequestId'), status: 401, code: 'webhook_unverified' },
    { name: 'no Signature header', build: () => withoutHeader(signedDelivery(signer), 'Signature'), status: 400, code: 'invalid_webhook' },
    { name: 'JSON that is an array', build: () => ({ ...signedDelivery(signer), body: '[1,2,3]' }), status: 400, code: 'invalid_webhook' },
    { name: 'JSON without a payload', build: () => ({ ...signedDelivery(signer), body: JSON.stringify({ accountId: signer.accountId, subscriptionId: signer.subscriptionId, type: 'matter.updated', timestamp: 1 }) }), status: 400, code: 'invalid_webhook' },
    { name: 'JSON null', build: () => ({ ...signedDelivery(signer), body: 'null' }), status: 400, code: 'invalid_webhook' },
    { name: 'an empty body', build: () => ({ ...signedDelivery(signer), body: '' }), status: 400, code: 'invalid_json' },
    { name: 'a body over 256 KiB', build: () => signedDelivery(signer, { payload: { id: randomUUID(), pad: 'x'.repeat(260 * 1024) } }), status: 413, code: 'payload_too_large' },
  ];

  test.each(cases)('$name → $status with no row written', async ({ build, status, code }) => {
    const d = build();
    const before = await countEvents(sql, firm.id);
    const res = await deliver(d);
    expect(res.status).toBe(status);
    expect((res.body.error as { code: string }).code).toBe(code);
    if (status === 401) expect((res.body.error as { message: string }).message).toBe('The webhook delivery could not be verified');
    expect(await countEvents(sql, firm.id)).toBe(before);
    if (d.headers.RequestId) expect(await rowsFor([d.headers.RequestId])).toBe(0);
  });

  test('a delivery without RequestId signed over Timestamp||ClientId is accepted once; its redelivery is a duplicate', async () => {
    const resourceId = randomUUID();
    const signed = withoutHeader(signedDelivery(signer, { type: 'matter.updated', payload: { id: resourceId } }), 'RequestId');
    const d = { ...signed, headers: { ...signed.headers, Signature: signWebhook(signer.key, signed.headers.Timestamp, '', SIM_APP.clientId) } };
    expect(await deliver(d)).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(await deliver(d)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    const rows = await sql`select request_id from public.webhook_events where firm_id = ${firm.id} and resource_id = ${resourceId}`;
    expect(rows).toEqual([{ request_id: null }]);
  });

  test('the same delivery correctly signed is accepted (the cases above differ from it in one thing)', async () => {
    const res = await deliver(signedDelivery(signer, { type: 'matter.updated', payload: { id: randomUUID() } }));
    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false } });
  });
});

// ---------------------------------------------------------------------------------------------------
// 1,000 random malformed or forged deliveries: none accepted, no 5xx.
// ---------------------------------------------------------------------------------------------------

/** Printable ASCII: what a header value can carry through fetch (control characters are refused client-side). */
const headerText = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

const anyHeaderValue = fc.oneof(
  headerText(40),
  digits(1, 25),
  fc.uuid(),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9A-F]{63,65}$/),
  headerText(3000),
);
/** An absent header, a random one, or a plausible one. */
const maybeHeader = fc.option(anyHeaderValue, { nil: undefined, freq: 4 });

const outOfWindowMs = fc.oneof(
  fc.integer({ min: 6 * MINUTE_MS, max: 400 * 24 * 60 * MINUTE_MS }),
  fc.integer({ min: -400 * 24 * 60 * MINUTE_MS, max: -6 * MINUTE_MS }),
);

const weirdString = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constant('\u0000'), fc.constant('a\u0000b'), fc.constant(''), fc.constant('x'.repeat(200)));

type Signers = { signer: DeliverySigner; other: DeliverySigner };
type Variant = { kind: string; build: (s: Signers) => Delivery };

const variants: fc.Arbitrary<Variant> = fc.oneof<fc.Arbitrary<Variant>[]>(
  // Random headers (absent, garbage or plausible) over random JSON.
  fc.record({ ts: maybeHeader, rid: maybeHeader, sig: maybeHeader, body: fc.json({ maxDepth: 3 }) }).map(({ ts, rid, sig, body }) => ({
    kind: 'random headers, random JSON',
    build: () => ({ headers: headerSet(ts, rid, sig), body }),
  })),
  // Random bytes as the body: not JSON, or JSON of the wrong shape, with plausible headers.
  fc.record({ body: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constant('{"accountId":'), fc.constant('{}')), rid: fc.uuid() }).map(({ body, rid }) => ({
    kind: 'garbled body',
    build: ({ signer }: Signers) => ({ headers: headerSet(unixMsToTicks(Date.now()), rid, signWebhook(signer.key, unixMsToTicks(Date.now()), rid, SIM_APP.clientId)), body }),
  })),
  // A valid-looking envelope for a random subscription, signed with a random key.
  fc.record({ sub: fc.oneof(fc.uuid(), weirdString), account: fc.oneof(fc.uuid(), weirdString), type: fc.oneof(fc.constantFrom('matter.updated', 'contact.updated', 'error', 'noop', 'matter.created'), weirdString), key: fc.string({ minLength: 1, maxLength: 40 }), rid: fc.uuid(), id: weirdString }).map((r) => ({
    kind: 'random subscription',
    build: () => {
      const ts = unixMsToTicks(Date.now());
      return { headers: headerSet(ts, r.rid, signWebhook(r.key, ts, r.rid, SIM_APP.clientId)), body: envelopeJson({ accountId: r.account, subscriptionId: r.sub, type: r.type, payload: { id: r.id } }, ts) };
    },
  })),
  // The firm's real subscription with a wrong signature (random hex, another key, another client id, flipped digit).
  fc.record({ sig: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constant('other-key'), fc.constant('other-client'), fc.constant('flip')), rid: fc.uuid(), id: weirdString, type: fc.constantFrom('matter.updated', 'contact.updated', 'error') }).map((r) => ({
    kind: 'real subscription, wrong signature',
    build: ({ signer, other }: Signers) => {
      const ts = unixMsToTicks(Date.now());
      const good = signWebhook(signer.key, ts, r.rid, SIM_APP.clientId);
      const sig = r.sig === 'other-key' ? signWebhook(other.key, ts, r.rid, SIM_APP.clientId)
        : r.sig === 'other-client' ? signWebhook(signer.key, ts, r.rid, `${SIM_APP.clientId}x`)
        : r.sig === 'flip' ? `${good.slice(0, 10)}${good[10] === '0' ? '1' : '0'}${good.slice(11)}`
        : r.sig;
      return { headers: headerSet(ts, r.rid, sig), body: envelopeJson({ accountId: signer.accountId, subscriptionId: signer.subscriptionId, type: r.type, payload: { id: r.id } }, ts) };
    },
  })),
  // Correctly signed, but the timestamp is out of the window.
  fc.record({ offset: outOfWindowMs, rid: fc.uuid() }).map(({ offset, rid }) => ({
    kind: 'signed, out of window',
    build: ({ signer }: Signers) => signedDelivery(signer, { sentAtMs: Date.now() + offset, requestId: rid, payload: { id: rid } }),
  })),
  // Correctly signed and fresh, but claiming another account.
  fc.record({ account: fc.oneof(fc.uuid(), weirdString), rid: fc.uuid() }).map(({ account, rid }) => ({
    kind: 'signed, another account',
    build: ({ signer }: Signers) => signedDelivery(signer, { requestId: rid, envelope: { accountId: account } }),
  })),
  // Huge strings: in headers, or a body over the limit.
  fc.record({ size: fc.integer({ min: 257 * 1024, max: 600 * 1024 }), rid: fc.uuid() }).map(({ size, rid }) => ({
    kind: 'oversized body',
    build: ({ signer }: Signers) => signedDelivery(signer, { requestId: rid, payload: { id: rid, pad: 'y'.repeat(size) } }),
  })),
);

function headerSet(ts: string | undefined, rid: string | undefined, sig: string | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (ts !== undefined) h.Timestamp = ts;
  if (rid !== undefined) h.RequestId = rid;
  if (sig !== undefined) h.Signature = sig;
  return h;
}

function envelopeJson(fields: Record<string, unknown>, ts: string): string {
  return JSON.stringify({ ...fields, source: 'API', timestamp: '__T__' }).replace('"__T__"', ts);
}

describe('1,000 random malformed or forged deliveries', () => {
  test('none is accepted, none is a 5xx, and no row is written', { timeout: 60_000 }, async () => {
    const samples = fc.sample(variants, { numRuns: 1_000, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) });
    const deliveries = samples.map((v) => ({ kind: v.kind, d: v.build({ signer, other: otherSigner }) }));
    const before = await countEvents(sql, firm.id);
    const started = Date.now();
    const outcomes: { kind: string; status: number; code: string | undefined }[] = [];
    let next = 0;
    const CONCURRENCY = 16;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < deliveries.length) {
          const { kind, d } = deliveries[next++];
          const res = await fetch(webhookUrl(), { method: 'POST', headers: d.headers, body: d.body });
          const text = await res.text();
          outcomes.push({ kind, status: res.status, code: res.status < 300 ? text : (JSON.parse(text) as { error?: { code: string } }).error?.code });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const byKind: Record<string, Record<number, number>> = {};
    for (const o of outcomes) (byKind[o.kind] ??= {})[o.status] = (byKind[o.kind][o.status] ?? 0) + 1;
    console.log(`fuzz: ${outcomes.length} deliveries in ${seconds.toFixed(1)} s`, JSON.stringify(byKind));

    const unexpected = outcomes.filter((o) => ![400, 401, 413].includes(o.status));
    expect(unexpected.slice(0, 5)).toEqual([]);
    expect(await countEvents(sql, firm.id)).toBe(before);
    const requestIds = deliveries.map(({ d }) => d.headers.RequestId).filter((r): r is string => typeof r === 'string' && r.length < 200);
    expect(await rowsFor(requestIds)).toBe(0);
  });
});
