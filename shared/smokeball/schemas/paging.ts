// The paging envelope of every list endpoint (docs/smokeball.md §2 "Pagination envelope"): `size` is the total
// count; `first`/`previous`/`next`/`last` are link objects that may be absent (a single page has no `next`).
import { z } from 'zod';
import { OptionalText } from './common.ts';

export const PageLink = z
  .object({ href: OptionalText, rel: OptionalText, relation: OptionalText })
  .transform(({ relation, ...link }) => ({ ...link, rel: link.rel ?? relation ?? undefined }));
export type PageLink = z.infer<typeof PageLink>;

/** Default and maximum `limit` of a list call (docs/smokeball.md §2). */
export const MAX_PAGE_LIMIT = 500;

/** The envelope without its items. */
export const PageEnvelope = z.object({
  href: OptionalText,
  offset: z.number().int().nonnegative().nullish(),
  limit: z.number().int().nonnegative().nullish(),
  size: z.number().int().nonnegative().nullish(),
  first: PageLink.nullish(),
  previous: PageLink.nullish(),
  next: PageLink.nullish(),
  last: PageLink.nullish(),
});

/**
 * An envelope with its items. The OAS marks `value` nullable: `value: null` (or no `value`) is an empty
 * page, never a failed list.
 */
export function pagedCollection<Item extends z.ZodType>(item: Item) {
  return PageEnvelope.extend({ value: z.array(item).nullish().transform((value) => value ?? []) });
}
export type PagedCollection<Item> = z.infer<typeof PageEnvelope> & { value: Item[] };
