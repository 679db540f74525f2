// The intake's writer against real Postgres: deliveries stored while a statement is on its way go out
// together, and each is still answered exactly as if it had been written alone — new once per
// fingerprint (with one processing job), a duplicate otherwise, unsubscribed when the subscription is
// gone, and nothing stored for it then. A statement that fails for a reason other than a row's data fails
// its deliveries together (no rewrite one by one), and beyond a cap of waiting deliveries the writer
// refuses new ones at once with 503 webhook_intake_busy.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { beforeAll, expect, inject, test } from 'vitest';
import { isRetryableErrorCode } from '../../../shared/api/errors.ts';
import type { StoredEvent } from '../../../shared/db/webhooks.ts';
import { AppError } from '../../../shared/errors.ts';
import { createWebhookEventWriter } from '../../../shared/sync/webhooks/event-writer.ts';
import { type Sql } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql({ max: 3 });
const firm = useConnectedFirm(sql, { autoSync: false });
let subscription: { id: string; smokeballSubscriptionId: string };

beforeAll(async () => {
  [subscription] = await sql<{ id: string; smokeballSubscriptionId: string }[]>`
    select id, smokeball_subscription_id as "smokeballSubscriptionId" from public.webhook_subscriptions where firm_id = ${firm.id}`;
});

const event = (fingerprint: string, subscriptionId = subscription.id): StoredEvent => ({
  firmId: firm.id,
  fingerprint,
  subscriptionId,
  smokeballSubscriptionId: subscription.smokeballSubscriptionId,
  eventType: 'matter.updated',
  requestId: randomUUID(),
  resourceId: randomUUID(),
  // Beyond 2^53, as Smokeball's ticks are: must arrive exact.
  timestampTicks: '638712345678901234',
  payload: { id: 'resource' },
});

test('concurrent deliveries, repeats among them, are each stored once with one job and answered one by one', async () => {
  // One statement at a time, so everything stored while the first is on its way forms the next batch.
  const store = createWebhookEventWriter(sql, { maxInFlight: 1 });
  const fingerprints = Array.from({ length: 40 }, () => `test-${randomUUID()}`);
  const repeats = fingerprints.slice(0, 15);
  const gone = randomUUID(); // a subscription row that does not exist (removed meanwhile)
  const calls = [
    ...fingerprints.map((f) => event(f)),
    ...repeats.map((f) => event(f)),
    ...Array.from({ length: 5 }, () => event(`test-${randomUUID()}`, gone)),
  ];
  const answers = await Promise.all(calls.map((e) => store(e)));

  for (const f of fingerprints) {
    const mine = answers.filter((_, i) => calls[i].fingerprint === f && calls[i].subscriptionId === subscription.id);
    expect(mine.every((a) => a.subscribed)).toBe(true);
    expect(mine.filter((a) => a.eventId !== null)).toHaveLength(1);
  }
  expect(answers.slice(-5)).toEqual(Array.from({ length: 5 }, () => ({ eventId: null, subscribed: false })));

  const rows = await sql<{ id: string; fingerprint: string; ticks: string }[]>`
    select id, fingerprint, timestamp_ticks::text as ticks from public.webhook_events where fingerprint = any(${calls.map((c) => c.fingerprint)})`;
  expect(rows.map((r) => r.fingerprint).sort()).toEqual([...fingerprints].sort());
  expect(new Set(rows.map((r) => r.ticks))).toEqual(new Set(['638712345678901234']));
  const newIds = answers.filter((a) => a.eventId !== null).map((a) => a.eventId!);
  expect(new Set(newIds)).toEqual(new Set(rows.map((r) => r.id)));
  const jobs = await sql`select subject_id from public.sync_jobs where kind = 'process_webhook' and subject_id = any(${newIds}::uuid[])`;
  expect(jobs).toHaveLength(fingerprints.length);
});

test('a delivery already stored is answered as a duplicate and stores nothing more', async () => {
  const store = createWebhookEventWriter(sql);
  const e = event(`test-${randomUUID()}`);
  const first = await store(e);
  expect(first.eventId).not.toBeNull();
  expect(await store({ ...e, requestId: e.requestId })).toEqual({ eventId: null, subscribed: true });
  const rows = await sql`select 1 from public.webhook_events where fingerprint = ${e.fingerprint}`;
  expect(rows).toHaveLength(1);
});

test('a delivery the database refuses fails alone: the others of its statement are stored and answered', async () => {
  const store = createWebhookEventWriter(sql, { maxInFlight: 1 });
  const good = Array.from({ length: 4 }, () => event(`test-${randomUUID()}`));
  // Beyond bigint: the statement that carries it fails.
  const bad = { ...event(`test-${randomUUID()}`), timestampTicks: '99999999999999999999' };
  const calls = [good[0], good[1], bad, good[2], good[3]];
  const answers = await Promise.allSettled(calls.map((e) => store(e)));
  expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const rows = await sql<{ fingerprint: string }[]>`select fingerprint from public.webhook_events where fingerprint = any(${calls.map((c) => c.fingerprint)})`;
  expect(rows.map((r) => r.fingerprint).sort()).toEqual(good.map((g) => g.fingerprint).sort());
});

test('a statement that fails for another reason than its data fails its deliveries together, without a write per delivery', async () => {
  // A real connection whose transactions are read-only: every insert fails with 25006, no row at fault.
  let statements = 0;
  const readOnly = postgres(inject('dbUrl'), {
    max: 1,
    onnotice: () => undefined,
    connection: { default_transaction_read_only: 'on' } as never,
    debug: (_connection, query) => {
      if (/insert into public\.webhook_events/.test(query)) statements++;
    },
  });
  try {
    const store = createWebhookEventWriter(readOnly as unknown as Sql, { maxInFlight: 1 });
    const calls = Array.from({ length: 5 }, () => event(`test-${randomUUID()}`));
    // The first goes out alone; the other four wait and go out together as the second statement.
    const answers = await Promise.allSettled(calls.map((e) => store(e)));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill('rejected'));
    for (const a of answers) expect((a as PromiseRejectedResult).reason).toMatchObject({ code: '25006' });
    expect(statements).toBe(2);
    const rows = await sql`select 1 from public.webhook_events where fingerprint = any(${calls.map((c) => c.fingerprint)})`;
    expect(rows).toHaveLength(0);
  } finally {
    await readOnly.end();
  }
});

test('beyond the cap of waiting deliveries a new one is refused at once with 503 webhook_intake_busy; the waiting ones are stored', async () => {
  const store = createWebhookEventWriter(sql, { maxInFlight: 1, maxWaiting: 3 });
  const calls = Array.from({ length: 6 }, () => event(`test-${randomUUID()}`));
  // The first is on its way at once; three wait; the fifth and sixth find the queue full.
  const answers = await Promise.allSettled(calls.map((e) => store(e)));
  expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
  for (const a of answers.slice(4)) {
    const reason = (a as PromiseRejectedResult).reason as AppError;
    expect(reason).toBeInstanceOf(AppError);
    expect({ code: reason.code, status: reason.status }).toEqual({ code: 'webhook_intake_busy', status: 503 });
    expect(isRetryableErrorCode(reason.code)).toBe(true);
  }
  const rows = await sql<{ fingerprint: string }[]>`select fingerprint from public.webhook_events where fingerprint = any(${calls.map((c) => c.fingerprint)})`;
  expect(rows.map((r) => r.fingerprint).sort()).toEqual(calls.slice(0, 4).map((c) => c.fingerprint).sort());
  // Once the queue drained, the writer takes deliveries again.
  expect((await store(event(`test-${randomUUID()}`))).eventId).not.toBeNull();
});
