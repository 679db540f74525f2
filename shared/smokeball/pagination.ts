// Walks Smokeball's offset paging (docs/smokeball.md §2 "Pagination envelope"). We compute the next offset
// ourselves instead of following `next.href`: hrefs are absolute URLs on the regional host (and carry an
// account prefix for multi-account apps, docs/smokeball.md §1), which would bypass the simulator override.
import { SmokeballInvalidResponseError } from './errors.ts';
import type { SmokeballResult } from './request.ts';
import { MAX_PAGE_LIMIT, type PagedCollection } from './schemas/paging.ts';

export type FetchPage<Item> = (offset: number, limit: number) => Promise<SmokeballResult<PagedCollection<Item>>>;

/** Pages in order until one has no `next` link, comes back empty, or reaches `size` (the total count). */
export async function* iteratePages<Item>(
  fetchPage: FetchPage<Item>,
  { limit = MAX_PAGE_LIMIT }: { limit?: number } = {},
): AsyncGenerator<SmokeballResult<PagedCollection<Item>>> {
  let offset = 0;
  for (;;) {
    const page = await fetchPage(offset, limit);
    yield page;
    const { value, next, size } = page.data;
    const asked = offset;
    // Trust the envelope's offset when present: it is where this page really started.
    offset = (page.data.offset ?? offset) + value.length;
    // A `next` whose `href` is null (the OAS allows it) links nowhere: the last page.
    if (!next?.href || value.length === 0) return;
    if (typeof size === 'number' && offset >= size) return;
    // A server that ignores the offset would send this page forever.
    if (offset <= asked) throw new SmokeballInvalidResponseError(['offset: the next page would not advance'], {});
  }
}

/** The items of every page, one at a time (one page in memory). */
export async function* iterateItems<Item>(pages: AsyncIterable<SmokeballResult<PagedCollection<Item>>>): AsyncGenerator<Item> {
  for await (const page of pages) yield* page.data.value;
}

/** Every item of every page, with the RequestId of each page's call. For short lists only. */
export async function collectPages<Item>(
  pages: AsyncIterable<SmokeballResult<PagedCollection<Item>>>,
): Promise<{ data: Item[]; requestIds: string[] }> {
  const data: Item[] = [];
  const requestIds: string[] = [];
  for await (const page of pages) {
    data.push(...page.data.value);
    requestIds.push(page.requestId);
  }
  return { data, requestIds };
}

/** `offset` and `limit` as the docs and `next` links spell them (lowercase; docs/smokeball.md §2). */
export function pageParams(offset: number, limit: number, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  params.set('offset', String(offset));
  params.set('limit', String(limit));
  return params;
}
