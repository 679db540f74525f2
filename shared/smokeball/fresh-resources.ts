// The ids Smokeball gave us in 202 answers moments ago, and when. Smokeball's writes are eventually
// consistent (docs/smokeball.md §8): until such a resource is visible, a write that names it (a file on a
// just-created matter, a matter whose client was just created, an update of a just-created contact) may
// be refused with 404, 403 or 400. Knowing which ids are fresh lets the request layer tell "not visible
// yet" (retried within the window) from "gone" (final). One registry per process, shared by every client,
// so a second sync moments after the first (another request to the same instance) still knows.
//
// The registry also learns how long Smokeball takes to make a write visible, so that a write naming a
// fresh resource is sent once the resource is probably visible instead of being refused first. Why wait
// rather than try, or poll `GET /contacts/{id}` / `GET /matters/{id}` until the resource shows:
// - Smokeball limits requests per client id and endpoint, and every firm shares that one limit
//   (docs/smokeball.md §6). A refused write still spends a slot, on the endpoint that is already the
//   busiest in a bulk sync (`POST /matters`, then `…/files/bulk`), and its retry spends another.
// - A poll spends a slot too (on another endpoint, but of the same shared limit), at least one per
//   dependent write even when the resource is already visible, and Smokeball documents no cheaper probe.
// - Waiting spends none. Its price is latency (a fraction of a second per dependent write), which a
//   pipeline of syncs hides: other matters use the slots meanwhile.
// Smokeball documents no bound on the delay ("a little later", docs/smokeball.md §8), so the wait is
// learned: a write that was refused and then accepted shows how long its resource took at most; the wait
// is the slowest such time seen recently, plus a margin, never less than a prior. A write sent after the
// wait that is still refused is retried as before (retry.ts) and raises the wait for the writes after it.
import { JUST_CREATED_WINDOW_MS } from './retry.ts';

export type FreshResources = {
  /** Remembers `id` as created now. */
  record(id: string): void;
  /** How long ago the youngest of `ids` was created, if any is younger than the window; else undefined. */
  youngestAgeMs(ids: readonly (string | undefined)[]): number | undefined;
  /** How many ids are held (expired ones are dropped when it grows past PRUNE_AT). */
  size(): number;
  /** How much longer a write naming a resource created `ageMs` ago should wait before it is sent. */
  settleMs(ageMs: number): number;
  /**
   * A write naming a fresh resource was refused as "not visible yet", then accepted when the resource was
   * `ageMs` old: the resource took at most that long, and longer than the wait before it.
   */
  learnVisibleAt(ageMs: number): void;
};

/**
 * The least a resource must be old before a write names it, until a refusal shows it takes longer. Half
 * a second: the simulator's default visibility delay is 100–600 ms and `npm run smokeball:check` measures
 * Smokeball's (§8); a resource that takes longer costs one refused write, then the learned wait covers it.
 */
export const VISIBILITY_PRIOR_MS = 500;
/** The learned wait is the slowest recent sample times this: visibility delays vary per write. */
export const VISIBILITY_MARGIN = 1.1;
/**
 * Never wait longer than this before the first attempt: a resource this slow is rare, and past it the
 * retry loop's short waits (retry.ts VISIBILITY_WAIT_CAP_MS) lose less time than a longer fixed wait.
 */
export const VISIBILITY_WAIT_CEILING_MS = 2_500;
/** A sample raises the wait for this long; then the wait falls back, should Smokeball have sped up. */
export const VISIBILITY_MEMORY_MS = 10 * 60_000;
/** Samples kept; beyond it only the slowest survives (bounded memory under a long run of refusals). */
const MAX_SAMPLES = 64;

/** Above this many entries the expired ones are dropped (bounded memory under bulk syncs). */
const PRUNE_AT = 1_000;

export function createFreshResources(now: () => number, windowMs = JUST_CREATED_WINDOW_MS): FreshResources {
  const createdAt = new Map<string, number>();
  /** Ages at which a resource refused first was visible, with when that was seen; oldest first. */
  let samples: { atMs: number; ageMs: number }[] = [];
  const learnedWaitMs = () => {
    const cutoff = now() - VISIBILITY_MEMORY_MS;
    samples = samples.filter((r) => r.atMs > cutoff);
    const slowest = samples.reduce((max, r) => Math.max(max, r.ageMs), 0);
    return Math.min(VISIBILITY_WAIT_CEILING_MS, Math.max(VISIBILITY_PRIOR_MS, Math.ceil(slowest * VISIBILITY_MARGIN)));
  };
  const prune = () => {
    const cutoff = now() - windowMs;
    for (const [id, at] of createdAt) if (at <= cutoff) createdAt.delete(id);
  };
  return {
    record(id) {
      if (createdAt.size >= PRUNE_AT) prune();
      createdAt.set(id, now());
    },
    youngestAgeMs(ids) {
      let youngest: number | undefined;
      for (const id of ids) {
        const at = id === undefined ? undefined : createdAt.get(id);
        if (at === undefined) continue;
        const age = Math.max(0, now() - at);
        if (age < windowMs && (youngest === undefined || age < youngest)) youngest = age;
      }
      return youngest;
    },
    size: () => createdAt.size,
    settleMs: (ageMs) => Math.max(0, learnedWaitMs() - ageMs),
    learnVisibleAt(ageMs) {
      samples.push({ atMs: now(), ageMs });
      if (samples.length > MAX_SAMPLES) samples = [samples.reduce((a, b) => (b.ageMs >= a.ageMs ? b : a))];
    },
  };
}

/** The process's registry (Date.now: ages here are measured by this process alone). */
export const processFreshResources: FreshResources = createFreshResources(() => Date.now());
