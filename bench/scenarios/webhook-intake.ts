// Benchmark scenario "webhook-intake": 2,000 signed deliveries (quick: 60), 20% of them
// exact duplicates, sent by 50 concurrent senders (quick: 10) to `<gateway>/functions/v1/smokeball-webhook`
// for a connected firm, each about one of its linked matters or clients (so processing re-fetches and
// applies). Reports throughput and p50/p99 acknowledgement latency; then waits for processing and checks
// the effects happened exactly once: one webhook_events row and one processing job per distinct delivery,
// duplicates answered `duplicate: true` and created nothing, every job succeeded first time, and each
// resource edited in Smokeball beforehand was applied to CaseHug exactly once. The same deliveries are
// then sent again (all duplicates now) to measure the intake path without the processing it starts.
//
// Those closed-loop figures say little about latency (it is concurrency ÷ throughput by construction), so
// the intake is then measured open-loop, as Smokeball delivers: fresh signed deliveries (about resources
// CaseHug does not hold, so processing stores and ignores them without calling Smokeball) at fixed offered
// rates with Poisson arrivals — 250, 500 and 1,000/s for 10 s each (quick: 100 and 250/s for 2 s) — once
// straight at the function's process and once through the local gateway, each rate reporting the achieved
// rate, p50/p99 acknowledgement and errors; `kneePerSec` is the highest offered rate whose p99 ≤ 50 ms
// with no errors. Between rates the previous rate's processing is let finish.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { signWebhook } from '../../dev/smokeball-sim/signature.ts';
import { parseSealer } from '../../shared/crypto/seal.ts';
import { webhookKeyContext } from '../../shared/sync/connection/tokens.ts';
import { unixMsToTicks } from '../../shared/sync/webhooks/verify-delivery.ts';
import { cpuDelta, cpuSnapshot } from '../lib/cpu-by-process.ts';
import { lowerBoundMs, SMOKEBALL_LIMIT } from '../lib/rate-limiter-workers.ts';
import {
  createConnectedFirm,
  createMatter,
  functionUrl,
  isApiRequest,
  logMark,
  percentile,
  round,
  syncMatterNow,
  waitFor,
  waitForQueueIdle,
  waitForSettledAccount,
  type BenchContext,
} from '../lib/bench-stack.ts';

const SIZES = { full: { deliveries: 2000, senders: 50, matters: 8 }, quick: { deliveries: 60, senders: 10, matters: 2 } } as const;
const DUPLICATE_SHARE = 0.2;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SENDER_SCRIPT = fileURLToPath(new URL('../lib/webhook-sender.ts', import.meta.url));
const OPEN_LOOP_SCRIPT = fileURLToPath(new URL('../lib/open-loop-sender.ts', import.meta.url));
const OPEN_LOOP = { full: { rates: [250, 500, 1000], durationMs: 10_000 }, quick: { rates: [100, 250], durationMs: 2_000 } } as const;
/** The knee: the highest offered rate answered with p99 within this. */
const KNEE_P99_MS = 50;

export type OpenLoopStep = {
  offeredPerSec: number;
  sent: number;
  achievedPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  errors: number;
  /** Answers by status (`timeout`, `network` and `reset` for no answer): what the errors were. */
  statuses: Record<string, number>;
  senderMaxLagMs: number;
  /** The sender's own CPU (user + system) for the step. */
  senderCpuMs: number;
  /** CPU per delivery sent, per process (Linux: from /proc; the function's Deno, Postgres, the bench's Node, the sender). */
  cpuMsPerDelivery?: Record<string, number>;
  /** Whether the step's deliveries were all processed within a minute after it (before the next step). */
  drainedBefore?: boolean;
};
export type OpenLoopTable = { target: 'function' | 'gateway'; steps: OpenLoopStep[]; kneePerSec: number | null };
/** A sender that has not finished by then is killed and the scenario fails (a hung run must not hang CI). */
const SENDER_DEADLINE_MS = 120_000;
/** The simulator's local app (dev/smokeball-sim/README.md): the ClientId in the signed string. */
const CLIENT_ID = 'casehug-local';

export type WebhookIntakeResult = {
  name: 'webhook-intake';
  deliveries: number;
  distinct: number;
  duplicates: number;
  senders: number;
  intakeMs: number;
  deliveriesPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** The same deliveries sent again once all were stored: all duplicates, so no processing starts. */
  redeliveryPerSecond: number;
  redeliveryAckP50Ms: number;
  redeliveryAckP99Ms: number;
  /** From the first delivery sent until every stored event was processed (re-fetches paced at 5/s per endpoint). */
  processingMs: number;
  /** The re-fetches' own bound from the simulator's log: per endpoint (count − burst) ÷ rps. */
  processingLowerBoundMs: number;
  refetches: number;
  throttled: number;
  exactlyOnce: boolean;
  /** Open loop, straight at the function's process and through the gateway. */
  openLoop: OpenLoopTable[];
  /** The function's own knee (the intake's aim: ≥ 500/s). */
  kneePerSec: number | null;
  gatewayKneePerSec: number | null;
};

type Delivery = { requestId: string; headers: Record<string, string>; body: string };

export async function runWebhookIntakeScenario(ctx: BenchContext): Promise<WebhookIntakeResult> {
  const size = ctx.quick ? SIZES.quick : SIZES.full;
  const firm = await createConnectedFirm(ctx, 'webhooks', { autoSync: false });
  const matterIds: string[] = [];
  for (let m = 0; m < size.matters; m++) {
    const { matterId } = await createMatter(ctx, firm.id, m);
    await syncMatterNow(ctx, firm, matterId);
    matterIds.push(matterId);
  }
  const linked = await ctx.sql<{ matterId: string; smokeballMatterId: string; smokeballContactId: string }[]>`
    select m.id as "matterId", m.smokeball_matter_id as "smokeballMatterId", c.smokeball_contact_id as "smokeballContactId"
    from public.matters m join public.clients c on c.id = m.client_id
    where m.firm_id = ${firm.id} and m.smokeball_matter_id is not null and c.smokeball_contact_id is not null`;
  if (linked.length !== size.matters) throw new Error(`${linked.length} of ${size.matters} matters linked`);
  // The sync's writes are visible and their echoes processed before the measured part starts.
  await waitForSettledAccount(ctx, firm.username);
  await waitForQueueIdle(ctx, 60_000);

  const [credentials] = await ctx.sql<{ sealed: string | null }[]>`
    select sealed_webhook_key as sealed from private.smokeball_credentials where firm_id = ${firm.id}`;
  if (!credentials?.sealed) throw new Error('the firm has no webhook key');
  const key = await parseSealer(ctx.stack.keys.tokenEncryptionKeys).open(credentials.sealed, webhookKeyContext(firm.id));
  const subscriptions = (await ctx.sim.state(firm.username)).accounts[0].subscriptions;
  if (subscriptions.length !== 1) throw new Error(`expected one subscription, found ${subscriptions.length}`);
  const subscriptionId = subscriptions[0].id;

  const sign = (type: string, id: string): Delivery => {
    const timestamp = unixMsToTicks(Date.now());
    const requestId = randomUUID();
    const envelope = { accountId: firm.accountId, subscriptionId, type, source: 'Smokeball', payload: { id }, timestamp: '__TS__' };
    return {
      requestId,
      headers: { 'content-type': 'application/json', Timestamp: timestamp, RequestId: requestId, Signature: signWebhook(key, timestamp, requestId, CLIENT_ID) },
      // The ticks as a JSON number beyond 2^53, as .NET writes them.
      body: JSON.stringify(envelope).replace('"__TS__"', timestamp),
    };
  };

  // `BENCH_WEBHOOK_OPEN_LOOP=500[,1000]`: only the open-loop steps at these rates, straight at the
  // function, with each step's CPU per process (a quick loop while working on the intake's speed).
  const devRates = process.env.BENCH_WEBHOOK_OPEN_LOOP?.split(',').map(Number).filter((r) => r > 0);
  if (devRates && devRates.length > 0) {
    const port = await ctx.stack.functions.get('smokeball-webhook')!.process.port();
    const url = `http://127.0.0.1:${port}/functions/v1/smokeball-webhook`;
    const steps = await runOpenLoop(ctx, firm.id, 'function', url, devRates, OPEN_LOOP.full.durationMs, sign);
    return { name: 'webhook-intake', openLoop: [{ target: 'function', steps, kneePerSec: kneeOf(steps) }] } as unknown as WebhookIntakeResult;
  }

  // Changes in Smokeball that processing must bring into CaseHug exactly once each.
  const before = new Set((await ctx.sql<{ id: string }[]>`select id from public.webhook_events where firm_id = ${firm.id}`).map((r) => r.id));
  const edits = linked.map((l, n) => ({ ...l, description: `Edited in Smokeball ${n} ${randomUUID().slice(0, 8)}`, lastName: `Edited${n}` }));
  for (const e of edits) {
    await ctx.sim.editMatter(firm.username, e.smokeballMatterId, { description: e.description });
    await ctx.sim.editContact(firm.username, e.smokeballContactId, { person: { lastName: e.lastName } });
  }

  const duplicates = Math.round(size.deliveries * DUPLICATE_SHARE);
  const distinct = size.deliveries - duplicates;
  const originals = Array.from({ length: distinct }, (_, i) => {
    const target = linked[i % linked.length];
    return i % 2 === 0 ? sign('matter.updated', target.smokeballMatterId) : sign('contact.updated', target.smokeballContactId);
  });
  const all = [...originals, ...Array.from({ length: duplicates }, (_, i) => originals[(i * 7919) % distinct])];
  shuffle(all);

  const since = await logMark(ctx);
  ctx.log(`webhook-intake: ${all.length} deliveries (${duplicates} duplicates) by ${size.senders} senders`);
  const startedAtMs = Date.now();
  const { latencies, answers, intakeMs } = await sendAll(ctx, all, size.senders);

  const failures: string[] = [];
  const refused = answers.filter((a) => a.status !== 200 || a.received !== true);
  if (refused.length > 0) failures.push(`${refused.length} deliveries not acknowledged (e.g. status ${refused[0].status})`);
  const answeredDuplicate = answers.filter((a) => a.duplicate === true).length;
  if (answeredDuplicate !== duplicates) failures.push(`${answeredDuplicate} deliveries answered duplicate, expected ${duplicates}`);

  // Redelivery: every delivery again, now that all are stored (each was acknowledged after its insert) —
  // the intake path alone (verify, then the insert that finds the fingerprint), without the processing a
  // first delivery starts (which by now mostly waits on the limiter). It must store nothing: checked below.
  const redelivery = await sendAll(ctx, all, size.senders);
  const notDuplicate = redelivery.answers.filter((a) => a.status !== 200 || a.duplicate !== true);
  if (notDuplicate.length > 0) failures.push(`${notDuplicate.length} redeliveries not answered as duplicates`);

  // Processing: every stored event leaves `received` (re-fetch paced by the shared limiter).
  const processingDeadlineMs = 60_000 + ((distinct / 2 - SMOKEBALL_LIMIT.burst) / SMOKEBALL_LIMIT.rps) * 1000 * 2;
  const newEvents = async () =>
    (
      await ctx.sql<{ id: string; requestId: string | null; status: string; code: string | null; type: string; resourceId: string | null }[]>`
        select id, request_id as "requestId", status, error_code as code, event_type as type, resource_id as "resourceId"
        from public.webhook_events where firm_id = ${firm.id}`
    ).filter((e) => !before.has(e.id));
  const myRequestIds = new Set(originals.map((o) => o.requestId));
  await waitFor(
    async () => {
      const events = await newEvents();
      return events.filter((e) => e.requestId && myRequestIds.has(e.requestId)).length >= distinct && events.every((e) => e.status !== 'received');
    },
    { timeoutMs: processingDeadlineMs, intervalMs: 200, what: 'every webhook event to be processed' },
  );
  const processingMs = Date.now() - startedAtMs;
  const endedAtMs = Date.now();

  const events = await newEvents();
  const mine = events.filter((e) => e.requestId && myRequestIds.has(e.requestId));
  if (mine.length !== distinct) failures.push(`${mine.length} events stored for ${distinct} distinct deliveries`);
  if (new Set(mine.map((e) => e.requestId)).size !== mine.length) failures.push('a delivery was stored twice');
  const failedEvents = events.filter((e) => e.status === 'failed');
  if (failedEvents.length > 0) failures.push(`${failedEvents.length} events failed (${failedEvents[0].code})`);
  const jobs = await ctx.sql<{ subjectId: string; status: string; attempts: number }[]>`
    select subject_id as "subjectId", status, attempts from public.sync_jobs
    where firm_id = ${firm.id} and kind = 'process_webhook' and subject_id = any(${mine.map((e) => e.id)}::uuid[])`;
  if (jobs.length !== distinct || new Set(jobs.map((j) => j.subjectId)).size !== distinct) failures.push(`${jobs.length} processing jobs for ${distinct} events`);
  const unfinished = jobs.filter((j) => j.status !== 'succeeded' || j.attempts !== 1);
  if (unfinished.length > 0) failures.push(`${unfinished.length} processing jobs did not succeed first time (e.g. ${unfinished[0].status}, ${unfinished[0].attempts} attempts)`);
  // Each edited resource applied exactly once (by whichever event got there first), and CaseHug holds it.
  const appliedPerResource = new Map<string, number>();
  for (const e of events) if (e.code === 'applied' && e.resourceId) appliedPerResource.set(e.resourceId, (appliedPerResource.get(e.resourceId) ?? 0) + 1);
  for (const e of edits) {
    for (const id of [e.smokeballMatterId, e.smokeballContactId]) {
      if (appliedPerResource.get(id) !== 1) failures.push(`resource ${id} applied ${appliedPerResource.get(id) ?? 0} times`);
    }
  }
  const rows = await ctx.sql<{ smokeballMatterId: string; title: string; lastName: string }[]>`
    select m.smokeball_matter_id as "smokeballMatterId", m.title, c.last_name as "lastName"
    from public.matters m join public.clients c on c.id = m.client_id where m.firm_id = ${firm.id}`;
  for (const e of edits) {
    const row = rows.find((r) => r.smokeballMatterId === e.smokeballMatterId);
    if (row?.title !== e.description || row.lastName !== e.lastName) failures.push(`matter ${e.matterId} does not hold Smokeball's edit`);
  }

  const log = (await ctx.sim.requests({ since })).filter((e) => e.accountId === firm.accountId && e.timeMs >= startedAtMs && e.timeMs <= endedAtMs);
  const refetches = log.filter(isApiRequest);
  const result: Omit<WebhookIntakeResult, 'openLoop' | 'kneePerSec' | 'gatewayKneePerSec'> = {
    name: 'webhook-intake',
    deliveries: all.length,
    distinct,
    duplicates,
    senders: size.senders,
    intakeMs: Math.round(intakeMs),
    deliveriesPerSecond: round(all.length / (intakeMs / 1000)),
    ackP50Ms: round(percentile(latencies, 50), 1),
    ackP99Ms: round(percentile(latencies, 99), 1),
    ackMaxMs: round(Math.max(...latencies), 1),
    redeliveryPerSecond: round(redelivery.answers.length / (redelivery.intakeMs / 1000)),
    redeliveryAckP50Ms: round(percentile(redelivery.latencies, 50), 1),
    redeliveryAckP99Ms: round(percentile(redelivery.latencies, 99), 1),
    processingMs,
    processingLowerBoundMs: Math.round(lowerBoundMs(refetches, SMOKEBALL_LIMIT)),
    refetches: refetches.length,
    throttled: log.filter((e) => e.throttled).length,
    exactlyOnce: failures.length === 0,
  };
  if (failures.length > 0) throw new Error(`exactly-once check failed: ${failures.slice(0, 5).join('; ')} — ${JSON.stringify(result)}`);

  const port = await ctx.stack.functions.get('smokeball-webhook')!.process.port();
  const openLoop: OpenLoopTable[] = [];
  for (const [target, url] of [
    ['function', `http://127.0.0.1:${port}/functions/v1/smokeball-webhook`],
    ['gateway', functionUrl(ctx, 'smokeball-webhook')],
  ] as const) {
    const plan = ctx.quick ? OPEN_LOOP.quick : OPEN_LOOP.full;
    const steps = await runOpenLoop(ctx, firm.id, target, url, plan.rates, plan.durationMs, sign);
    openLoop.push({ target, steps, kneePerSec: kneeOf(steps) });
  }
  return {
    ...result,
    openLoop,
    kneePerSec: openLoop.find((t) => t.target === 'function')!.kneePerSec,
    gatewayKneePerSec: openLoop.find((t) => t.target === 'gateway')!.kneePerSec,
  };
}

/** The open-loop steps at `rates` against one target, each starting on a drained inbox. */
async function runOpenLoop(
  ctx: BenchContext,
  firmId: string,
  target: OpenLoopTable['target'],
  url: string,
  rates: readonly number[],
  durationMs: number,
  sign: (type: string, id: string) => Delivery,
): Promise<OpenLoopStep[]> {
  const steps: OpenLoopStep[] = [];
  for (const rate of rates) {
    // 30% more signed deliveries than the expected arrivals: Poisson counts vary.
    const count = Math.ceil(((rate * durationMs) / 1000) * 1.3 + 20);
    const deliveries = Array.from({ length: count }, (_, i) => sign(i % 2 === 0 ? 'matter.updated' : 'contact.updated', randomUUID()));
    const before = cpuSnapshot();
    const step = await sendOpenLoop(url, rate, durationMs, deliveries);
    // Where the cores went during the step (the sender reports its own: it has exited by now).
    const cpu = { ...cpuDelta(before, cpuSnapshot()), sender: step.senderCpuMs };
    step.cpuMsPerDelivery = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v / Math.max(1, step.sent), 2)]));
    ctx.log(`webhook-intake open loop → ${target} at ${rate}/s: ${JSON.stringify(step)}`);
    steps.push(step);
    // The next rate starts on a drained inbox (its processing would otherwise share the next step's CPU),
    // or after a minute of draining at most (an overloaded step stores thousands): then it is noted.
    step.drainedBefore = await waitFor(
      async () => {
        const [{ n }] = await ctx.sql<{ n: number }[]>`
          select count(*)::int as n from public.sync_jobs where firm_id = ${firmId} and status in ('queued', 'running')`;
        return n === 0;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the open-loop deliveries to be processed' },
    ).catch(() => false);
  }
  return steps;
}

function kneeOf(steps: OpenLoopStep[]): number | null {
  const knee = steps.filter((st) => st.errors === 0 && st.ackP99Ms <= KNEE_P99_MS).map((st) => st.offeredPerSec);
  return knee.length > 0 ? Math.max(...knee) : null;
}

/** One open-loop step from bench/lib/open-loop-sender.ts, in its own process. */
async function sendOpenLoop(url: string, ratePerSec: number, durationMs: number, deliveries: Delivery[]): Promise<OpenLoopStep> {
  const child = spawn(process.execPath, ['--import', 'tsx', OPEN_LOOP_SCRIPT], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), durationMs + SENDER_DEADLINE_MS);
  try {
    child.stdin.end(`${JSON.stringify({ url, ratePerSec, durationMs, deliveries: deliveries.map(({ headers, body }) => ({ headers, body })) })}\n`);
    const code = await exited;
    if (code !== 0) throw new Error(`the open-loop sender exited (${code}): ${stderr.slice(-1000)}`);
    const out = JSON.parse(stdout) as { offered: number; sent: number; latencies: number[]; errors: number; statuses: Record<string, number>; achievedPerSec: number; maxLagMs: number; cpuMs: number };
    return {
      offeredPerSec: ratePerSec,
      sent: out.sent,
      achievedPerSec: round(out.achievedPerSec),
      ackP50Ms: round(percentile(out.latencies, 50), 1),
      ackP99Ms: round(percentile(out.latencies, 99), 1),
      errors: out.errors,
      statuses: out.statuses,
      senderMaxLagMs: round(out.maxLagMs, 1),
      senderCpuMs: Math.round(out.cpuMs),
    };
  } finally {
    clearTimeout(killTimer);
  }
}

type Answer = { status: number; duplicate?: boolean; received?: boolean };

/**
 * Sends every delivery with `senders` concurrent senders from a separate Node process
 * (bench/lib/webhook-sender.ts), so the clients do not share the gateway's event loop; each latency is
 * send → full answer, measured in that process.
 */
async function sendAll(ctx: BenchContext, deliveries: Delivery[], senders: number): Promise<{ latencies: number[]; answers: Answer[]; intakeMs: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SENDER_SCRIPT], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), SENDER_DEADLINE_MS);
  try {
    child.stdin.end(`${JSON.stringify({ url: functionUrl(ctx, 'smokeball-webhook'), senders, deliveries: deliveries.map(({ headers, body }) => ({ headers, body })) })}\n`);
    const code = await exited;
    if (code !== 0) throw new Error(`the webhook sender exited (${code}): ${stderr.slice(-1000)}`);
    return JSON.parse(stdout) as { latencies: number[]; answers: Answer[]; intakeMs: number };
  } finally {
    clearTimeout(killTimer);
  }
}

/** Fisher–Yates, in place. */
function shuffle<T>(list: T[]): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
}
