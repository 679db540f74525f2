import { describe, expect, test } from 'vitest';
import { SmokeballInvalidResponseError } from '../../../shared/smokeball/errors.ts';
import { collectPages, iterateItems, iteratePages, pageParams, type FetchPage } from '../../../shared/smokeball/pagination.ts';
import { MAX_PAGE_LIMIT, type PagedCollection } from '../../../shared/smokeball/schemas/paging.ts';

type Page = PagedCollection<number>;
const link = { href: 'https://api.example/x', rel: 'next' };

/** A server over `items` that honours offset and limit, with the envelope options given. */
function server(items: number[], options: { withSize?: boolean; withOffset?: boolean; maxLimit?: number } = {}) {
  const calls: Array<{ offset: number; limit: number }> = [];
  const fetchPage: FetchPage<number> = async (offset, limit) => {
    calls.push({ offset, limit });
    const take = Math.min(limit, options.maxLimit ?? limit);
    const value = items.slice(offset, offset + take);
    const data: Page = {
      value,
      next: offset + value.length < items.length ? link : undefined,
      ...(options.withSize === false ? {} : { size: items.length }),
      ...(options.withOffset === false ? {} : { offset }),
    };
    return { data, requestId: `rid-${calls.length}` };
  };
  return { fetchPage, calls };
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function all<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe('iteratePages()', () => {
  test('asks for pages of the maximum limit by default, in order, until there is no next', async () => {
    const s = server(range(1_200));
    const pages = await all(iteratePages(s.fetchPage));
    expect(s.calls).toEqual([
      { offset: 0, limit: MAX_PAGE_LIMIT },
      { offset: 500, limit: MAX_PAGE_LIMIT },
      { offset: 1_000, limit: MAX_PAGE_LIMIT },
    ]);
    expect(pages.flatMap((p) => p.data.value)).toEqual(range(1_200));
  });

  test('a server that sends fewer than asked is followed from where its page ended', async () => {
    const s = server(range(25), { maxLimit: 10 });
    const items = await all(iterateItems(iteratePages(s.fetchPage, { limit: 100 })));
    expect(items).toEqual(range(25));
    expect(s.calls.map((c) => c.offset)).toEqual([0, 10, 20]);
  });

  test('without size or offset in the envelope, next alone decides', async () => {
    const s = server(range(7), { withSize: false, withOffset: false });
    expect(await all(iterateItems(iteratePages(s.fetchPage, { limit: 3 })))).toEqual(range(7));
    expect(s.calls).toHaveLength(3);
  });

  test('one page without next is one call; an empty list is one call', async () => {
    expect((await all(iteratePages(server(range(3)).fetchPage))).length).toBe(1);
    const empty = server([]);
    expect(await all(iterateItems(iteratePages(empty.fetchPage)))).toEqual([]);
    expect(empty.calls).toHaveLength(1);
  });

  test('stops at size even if a next link is (wrongly) present, and on an empty page with a next link', async () => {
    let calls = 0;
    const sized: FetchPage<number> = async (offset) => (calls++, { data: { value: [offset], size: 2, offset, next: link }, requestId: 'r' });
    expect(await all(iterateItems(iteratePages(sized, { limit: 1 })))).toEqual([0, 1]);
    expect(calls).toBe(2);

    let emptyCalls = 0;
    const empty: FetchPage<number> = async () => (emptyCalls++, { data: { value: [], next: link }, requestId: 'r' });
    expect(await all(iteratePages(empty))).toHaveLength(1);
    expect(emptyCalls).toBe(1);
  });

  test('trusts the envelope’s offset for where the page started', async () => {
    const asked: number[] = [];
    // The server starts the second page one item earlier than asked (an item was deleted meanwhile).
    const fetchPage: FetchPage<number> = async (offset) => {
      asked.push(offset);
      if (offset === 0) return { data: { value: [0, 1], offset: 0, next: link }, requestId: 'r' };
      return { data: { value: [2], offset: 1 }, requestId: 'r' };
    };
    await all(iteratePages(fetchPage, { limit: 2 }));
    expect(asked).toEqual([0, 2]);
  });

  test('a server whose pages never advance is an invalid response, not an endless loop', async () => {
    let calls = 0;
    // Ignores offset: always the first page, always with a next link, no size.
    const stuck: FetchPage<number> = async () => (calls++, { data: { value: [1, 2], offset: 0, next: link }, requestId: 'r' });
    const consumed = all(iteratePages(stuck, { limit: 2 }));
    await expect(consumed).rejects.toBeInstanceOf(SmokeballInvalidResponseError);
    expect(calls).toBeLessThanOrEqual(2);
  });
});

describe('collectPages()', () => {
  test('every item, and the RequestId of every page', async () => {
    const s = server(range(5));
    expect(await collectPages(iteratePages(s.fetchPage, { limit: 2 }))).toEqual({
      data: range(5),
      requestIds: ['rid-1', 'rid-2', 'rid-3'],
    });
  });
});

describe('pageParams()', () => {
  test('sets lowercase offset and limit, keeping the other parameters and not changing the base', () => {
    const base = new URLSearchParams({ UpdatedSince: '638000000000000000', offset: '99' });
    const params = pageParams(500, 250, base);
    expect(params.toString()).toBe('UpdatedSince=638000000000000000&offset=500&limit=250');
    expect(base.get('offset')).toBe('99');
    expect(base.has('limit')).toBe(false);
    expect(pageParams(0, 1).toString()).toBe('offset=0&limit=1');
  });
});
