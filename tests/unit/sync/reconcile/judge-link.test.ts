// judgeLink(): how the reconciliation judges one linked contact or matter from what Smokeball listed, and
// when it spends a read of the record on its own.
import { describe, expect, test } from 'vitest';
import { judgeLink, type FoundRecord } from '../../../../shared/sync/reconcile/judge-link.ts';

type Rec = { id: string; deleted: boolean };
const alive: Rec = { id: 'r1', deleted: false };
const deleted: Rec = { id: 'r1', deleted: true };

type Case = {
  name: string;
  link: { recent: boolean; deleted: boolean };
  listed?: Rec;
  /** What the single read answers; absent when the case must not read at all. */
  read?: FoundRecord<Rec>;
  expected: Awaited<ReturnType<typeof judgeLink<Rec>>>;
};

const fresh = { recent: false, deleted: false };
const marked = { recent: false, deleted: true };
const young = { recent: true, deleted: false };

const cases: Case[] = [
  { name: 'listed and alive: present, without a read', link: fresh, listed: alive, expected: { verdict: 'present', record: alive } },
  { name: 'listed and alive while marked deleted: present (the caller clears the mark)', link: marked, listed: alive, expected: { verdict: 'present', record: alive } },
  { name: 'listed as deleted: gone, without a read', link: fresh, listed: deleted, expected: { verdict: 'gone' } },
  { name: 'listed as deleted and marked already: gone again, without a read', link: marked, listed: deleted, expected: { verdict: 'gone' } },
  { name: 'a link made moments ago and not listed is left alone', link: young, expected: { verdict: 'skip', reason: 'recent' } },
  { name: 'a link made moments ago and listed as deleted is left alone', link: young, listed: deleted, expected: { verdict: 'skip', reason: 'recent' } },
  { name: 'not listed and marked already: no read is spent on it', link: marked, expected: { verdict: 'skip', reason: 'marked_deleted' } },
  { name: 'not listed, found alive on its own: present (a list may lag)', link: fresh, read: { found: true, data: alive }, expected: { verdict: 'present', record: alive } },
  { name: 'not listed, found deleted on its own: gone', link: fresh, read: { found: true, data: deleted }, expected: { verdict: 'gone' } },
  { name: 'not listed, 404 on its own: gone', link: fresh, read: { found: false }, expected: { verdict: 'gone' } },
];

describe('judgeLink', () => {
  test.each(cases)('$name', async ({ link, listed, read, expected }) => {
    let reads = 0;
    const verdict = await judgeLink(link, listed, {
      isDeleted: (r) => r.deleted,
      find: async () => {
        reads++;
        if (!read) throw new Error('this case must not read the record on its own');
        return read;
      },
    });
    expect(verdict).toEqual(expected);
    expect(reads).toBe(read ? 1 : 0);
  });
});
