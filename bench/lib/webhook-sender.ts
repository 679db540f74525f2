// The webhook senders in their own OS process, so the bench's clients do not share an event loop with
// the local gateway, Storage and simulator (which run in the bench's own process, as `startStack` starts
// them). Reads one JSON line { url, senders, deliveries: [{ headers, body }] } on stdin, sends them with
// `senders` concurrent senders, and writes one JSON line { latencies, answers, intakeMs } on stdout.
import { createInterface } from 'node:readline';

type Input = { url: string; senders: number; deliveries: { headers: Record<string, string>; body: string }[] };
type Answer = { status: number; duplicate?: boolean; received?: boolean };

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('no input');
  const input = JSON.parse(first.value) as Input;
  const latencies: number[] = [];
  const answers: Answer[] = [];
  let next = 0;
  const startedMs = performance.now();
  await Promise.all(
    Array.from({ length: input.senders }, async () => {
      while (next < input.deliveries.length) {
        const d = input.deliveries[next++];
        const t0 = performance.now();
        const res = await fetch(input.url, { method: 'POST', headers: d.headers, body: d.body });
        const text = await res.text();
        latencies.push(performance.now() - t0);
        let body: Omit<Answer, 'status'> = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // kept as a status-only answer
        }
        answers.push({ status: res.status, ...body });
      }
    }),
  );
  const intakeMs = performance.now() - startedMs;
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify({ latencies, answers, intakeMs })}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // fetch's own message says only "fetch failed"; the cause says how (reset, refused, closed).
    const cause = error instanceof Error && error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    process.stderr.write(`webhook sender failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${cause}\n`);
    process.exit(1);
  },
);
