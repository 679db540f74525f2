// Open-loop webhook deliveries, as Smokeball sends them: arrivals at a fixed offered rate with Poisson
// (exponential) gaps, each sent when its time comes whether or not earlier ones were answered — unlike
// closed-loop senders, whose latency is concurrency ÷ throughput by construction. Runs in its own OS
// process (the bench's process hosts the gateway, Storage and the simulator). Reads one JSON line
// { url, ratePerSec, durationMs, deliveries: [{ headers, body }] } on stdin; writes one JSON line
// { offered, sent, latencies, errors, statuses, achievedPerSec, maxLagMs, cpuMs } on stdout. A latency is
// measured from the delivery's scheduled time (so a late sender counts against the figure, never for it)
// to its full answer; an error is a network failure or a non-200 answer.
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

type Input = { url: string; ratePerSec: number; durationMs: number; deliveries: { headers: Record<string, string>; body: string }[] };

/** A delivery not answered by then counts as an error (Smokeball gives up after 10 s). */
const ANSWER_WITHIN_MS = 10_000;

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('no input');
  const input = JSON.parse(first.value) as Input;
  const url = new URL(input.url);
  // Keep-alive, as Smokeball's senders reuse connections; no cap, so an overloaded server sees the
  // connections an open-loop sender opens.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  // Arrival times: exponential gaps at the offered rate, within the duration.
  const offsets: number[] = [];
  for (let t = 0; ; ) {
    t += -Math.log(1 - Math.random()) * (1000 / input.ratePerSec);
    if (t >= input.durationMs) break;
    offsets.push(t);
  }
  if (offsets.length > input.deliveries.length) throw new Error(`${offsets.length} arrivals but only ${input.deliveries.length} deliveries`);

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let maxLagMs = 0;
  let lastAnswerMs = 0;
  const pending: Promise<void>[] = [];
  const startMs = performance.now() + 50;
  for (let i = 0; i < offsets.length; i++) {
    const due = startMs + offsets[i];
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    const d = input.deliveries[i];
    pending.push(
      new Promise<void>((resolve) => {
        const done = (status: string) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          const now = performance.now();
          if (status === '200') latencies.push(now - due);
          else errors++;
          lastAnswerMs = Math.max(lastAnswerMs, now);
          resolve();
        };
        const req = request(url, { method: 'POST', agent, headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) }, timeout: ANSWER_WITHIN_MS }, (res) => {
          res.resume();
          res.on('end', () => done(String(res.statusCode)));
          res.on('error', () => done('reset'));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => done(e.message === 'timeout' ? 'timeout' : 'network'));
        req.end(d.body);
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  const spanMs = Math.max(input.durationMs, lastAnswerMs - startMs);
  const result = { offered: offsets.length, sent: pending.length, latencies, errors, statuses, achievedPerSec: latencies.length / (spanMs / 1000), maxLagMs, cpuMs: cpuMs() };
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(result)}\n`, () => resolve()));
}

/** This process's CPU so far (user + system), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`open-loop sender failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
