// Benchmark scenario "edit-latency": how soon a change made in Smokeball shows in CaseHug. With the job
// pump listening (a stored delivery queues its processing job, whose statement wakes sync-worker), 20
// matters (quick: 3) already synced, each then edited in Smokeball one at a time (the simulator changes
// the matter and sends its matter.updated webhook, with its usual duplicates and late deliveries), each
// timed from the edit to the CaseHug matter row showing it. The row is polled every 20 ms.
//
// The path measured: Smokeball's delivery → smokeball-webhook verifies and stores it → the processing
// job re-fetches the matter (`GET /matters/{id}`, the webhook's payload is not trusted) → CaseHug's row.
import {
  createConnectedFirm,
  createMatter,
  latencyFigures,
  syncMatterNow,
  timeUntil,
  waitForQueueIdle,
  waitForSettledAccount,
  type BenchContext,
} from '../lib/bench-stack.ts';

const EDITS = { full: 20, quick: 3 } as const;
const POLL_MS = 20;
const PER_EDIT_DEADLINE_MS = 30_000;

export type EditLatencyResult = {
  name: 'edit-latency';
  edits: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The row is polled this often, so each figure may be late by up to this much. */
  pollIntervalMs: number;
};

export async function runEditLatencyScenario(ctx: BenchContext): Promise<EditLatencyResult> {
  const edits = ctx.quick ? EDITS.quick : EDITS.full;
  const firm = await createConnectedFirm(ctx, 'edits', { autoSync: false });
  const linked: { matterId: string; smokeballMatterId: string }[] = [];
  for (let n = 0; n < edits; n++) {
    const { matterId } = await createMatter(ctx, firm.id, n);
    const result = (await syncMatterNow(ctx, firm, matterId)) as { matter?: { id?: string } };
    if (!result.matter?.id) throw new Error(`matter ${matterId} was not linked`);
    linked.push({ matterId, smokeballMatterId: result.matter.id });
  }
  // The syncs' writes are visible and their echoes processed before the first edit.
  await waitForSettledAccount(ctx, firm.username);
  await waitForQueueIdle(ctx, 60_000);

  const latencies: number[] = [];
  for (const [n, { matterId, smokeballMatterId }] of linked.entries()) {
    const description = `Edited in Smokeball ${n}`;
    latencies.push(
      await timeUntil(
        () => ctx.sim.editMatter(firm.username, smokeballMatterId, { description }),
        async () => {
          const [row] = await ctx.sql<{ title: string }[]>`select title from public.matters where id = ${matterId}`;
          return row?.title === description;
        },
        { timeoutMs: PER_EDIT_DEADLINE_MS, intervalMs: POLL_MS, what: `the Smokeball edit of matter ${matterId} to reach CaseHug` },
      ),
    );
  }

  return {
    name: 'edit-latency',
    edits,
    ...latencyFigures(latencies),
    pollIntervalMs: POLL_MS,
  };
}
