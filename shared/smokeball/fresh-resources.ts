// The ids Smokeball gave us in 202 answers moments ago, and when. Smokeball's writes are eventually
// consistent (docs/smokeball.md §8): until such a resource is visible, a write that names it (a file on a
// just-created matter, a matter whose client was just created, an update of a just-created contact) may
// be refused with 404, 403 or 400. Knowing which ids are fresh lets the request layer tell "not visible
// yet" (retried within the window) from "gone" (final). One registry per process, shared by every client,
// so a second sync moments after the first (another request to the same instance) still knows.
import { JUST_CREATED_WINDOW_MS } from './retry.ts';

export type FreshResources = {
  /** Remembers `id` as created now. */
  record(id: string): void;
  /** How long ago the youngest of `ids` was created, if any is younger than the window; else undefined. */
  youngestAgeMs(ids: readonly (string | undefined)[]): number | undefined;
  /** How many ids are held (expired ones are dropped when it grows past PRUNE_AT). */
  size(): number;
};

/** Above this many entries the expired ones are dropped (bounded memory under bulk syncs). */
const PRUNE_AT = 1_000;

export function createFreshResources(now: () => number, windowMs = JUST_CREATED_WINDOW_MS): FreshResources {
  const createdAt = new Map<string, number>();
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
  };
}

/** The process's registry (Date.now: ages here are measured by this process alone). */
export const processFreshResources: FreshResources = createFreshResources(() => Date.now());
