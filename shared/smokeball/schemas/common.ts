// Building blocks shared by the response schemas. Tolerant of the documented quirks (docs/smokeball.md §8):
// null properties are omitted, unset strings are often "", links carry `rel` on the wire but `relation`
// in the OAS, and .NET ticks exceed 2^53.
import { z } from 'zod';

/** A string Smokeball may omit, send as null or send as "". Kept as sent, so a PUT round-trips it. */
export const OptionalText = z.string().nullish();

/**
 * A reference to another resource: `{id, href, rel}` in API responses, `{id, rel}` in webhook payloads.
 * The OAS names the relation `relation`; the wire and the 3CX sample use `rel` (docs/smokeball.md §2 "Pagination
 * envelope"). Both are accepted and exposed as `rel`.
 */
export const Link = z
  .object({
    id: OptionalText,
    href: OptionalText,
    rel: OptionalText,
    relation: OptionalText,
  })
  .transform(({ relation, ...link }) => ({ ...link, rel: link.rel ?? relation ?? undefined }));
export type Link = z.infer<typeof Link>;

/** The body of a 202 Accepted write: `{ id, href }` (docs/smokeball.md §2 "Create a person", §3 "Create"). */
export const CreatedLink = z.object({ id: z.string().min(1), href: OptionalText });
export type CreatedLink = z.infer<typeof CreatedLink>;

/**
 * .NET ticks (100 ns since 0001-01-01 UTC), e.g. `lastUpdated: 639074233716654000` (docs/smokeball.md §8). Such
 * values are above Number.MAX_SAFE_INTEGER, so `parseSmokeballJson` keeps them as digit strings and this
 * schema turns them into a bigint, exact for comparisons ("apply only if newer").
 */
export const DotNetTicks = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((ticks) => BigInt(ticks));

/** Unix epoch in .NET ticks: (ticks − 621355968000000000) / 10000 = Unix ms (docs/smokeball.md §8). */
export const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;
export const TICKS_PER_MS = 10_000n;

// Keys whose values are .NET ticks. A key is matched only with an unescaped closing quote followed by a
// colon, which cannot occur inside a JSON string value (quotes there are escaped).
const TICK_KEYS = /"(lastUpdated|timestamp)"\s*:\s*(\d{16,})/g;

/** JSON.parse that keeps tick values exact (as digit strings) instead of rounding them to a double. */
export function parseSmokeballJson(text: string): unknown {
  return JSON.parse(text.replace(TICK_KEYS, '"$1":"$2"'));
}
