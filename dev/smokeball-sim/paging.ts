// The paged envelope of every list endpoint (docs/smokeball.md §2 "Pagination envelope"): `size` is the total
// count, links are `{href, rel}` objects with lowercase `offset`/`limit`, `next`/`previous` are absent on
// the first/last page. Default and maximum limit 500.
import { problem } from './problem.ts';
import { ReplyError, type Query } from './http.ts';

export const MAX_PAGE_LIMIT = 500;

export type Page = { offset: number; limit: number };

export function pageOf(query: Query, instance: string): Page {
  const offset = Number(query.get('offset') ?? '0');
  const limit = Number(query.get('limit') ?? String(MAX_PAGE_LIMIT));
  const errors = [];
  if (!Number.isInteger(offset) || offset < 0) errors.push({ field: 'Offset', message: 'Offset must be a non-negative integer.' });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    errors.push({ field: 'Limit', message: `Limit must be between 1 and ${MAX_PAGE_LIMIT}.` });
  }
  if (errors.length > 0) throw new ReplyError(problem(400, instance, 'Invalid paging parameters.', errors));
  return { offset, limit };
}

/**
 * @param url the request URL; its other query parameters (filters) are kept in the links.
 */
export function pagedEnvelope<T, V = T>(items: T[], page: Page, url: URL, baseUrl: string, view?: (item: T) => V) {
  const link = (offset: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of url.searchParams) {
      const lower = k.toLowerCase();
      if (lower !== 'offset' && lower !== 'limit') params.append(k, v);
    }
    params.set('limit', String(page.limit));
    params.set('offset', String(offset));
    return { href: `${baseUrl}${url.pathname}?${params}`, rel: 'collection' };
  };
  const size = items.length;
  const lastOffset = size === 0 ? 0 : Math.floor((size - 1) / page.limit) * page.limit;
  return {
    href: link(page.offset).href,
    offset: page.offset,
    limit: page.limit,
    size,
    first: link(0),
    ...(page.offset > 0 ? { previous: link(Math.max(0, page.offset - page.limit)) } : {}),
    ...(page.offset + page.limit < size ? { next: link(page.offset + page.limit) } : {}),
    last: link(lastOffset),
    value: items.slice(page.offset, page.offset + page.limit).map((item) => (view ? view(item) : (item as unknown as V))),
  };
}
