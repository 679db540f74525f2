// Matter types per account and location, cached in memory for the life of the process (an Edge Function
// worker). Types are curated by Smokeball and change rarely (`mattertype.updated` is a system event,
// docs/smokeball.md §3/§5), while a sync needs them on every matter; the cache saves a rate-limited call per sync.
import type { MatterTypeInfo } from './schemas/matter-type.ts';

/** Ten minutes: a type Smokeball adds shows up within one, and a busy worker lists each location at most
 * six times an hour. */
export const MATTER_TYPE_CACHE_TTL_MS = 10 * 60 * 1000;

/**
 * `kind` 'lead' keeps lead types (`Type=1`, docs/smokeball.md §3 "Leads") apart from matter types; absent means
 * matter types, so existing keys are unchanged.
 */
export type MatterTypeKey = { accountId: string; location: string; kind?: 'matter' | 'lead' };

export type MatterTypeCache = {
  /** The cached list, or `load()`'s result (stored on success only; concurrent misses share one load). */
  getOrLoad(key: MatterTypeKey, load: () => Promise<MatterTypeInfo[]>): Promise<MatterTypeInfo[]>;
  /** Drops an account's entries (matter and lead types), e.g. on a `mattertype.updated` webhook or a reconnect. */
  invalidate(accountId: string): void;
};

export function createMatterTypeCache(deps: { now(): number; ttlMs?: number }): MatterTypeCache {
  const ttlMs = deps.ttlMs ?? MATTER_TYPE_CACHE_TTL_MS;
  const entries = new Map<string, { accountId: string; expiresAtMs: number; types: MatterTypeInfo[] }>();
  const inFlight = new Map<string, Promise<MatterTypeInfo[]>>();
  // Location codes are case-insensitive in practice (`IL`, `il`); ids never contain "\n".
  const keyOf = ({ accountId, location, kind }: MatterTypeKey) =>
    `${accountId}\n${location.toUpperCase()}${kind === 'lead' ? '\nlead' : ''}`;

  return {
    async getOrLoad(key, load) {
      const cacheKey = keyOf(key);
      const entry = entries.get(cacheKey);
      if (entry && entry.expiresAtMs > deps.now()) return entry.types;
      const pending = inFlight.get(cacheKey);
      if (pending) return pending;
      const loading = load()
        .then((types) => {
          entries.set(cacheKey, { accountId: key.accountId, expiresAtMs: deps.now() + ttlMs, types });
          return types;
        })
        .finally(() => inFlight.delete(cacheKey));
      inFlight.set(cacheKey, loading);
      return loading;
    },
    invalidate(accountId) {
      for (const [cacheKey, entry] of entries) if (entry.accountId === accountId) entries.delete(cacheKey);
    },
  };
}
