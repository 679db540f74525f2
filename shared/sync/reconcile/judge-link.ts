// One link (a client's contact, a matter) against what Smokeball's list or batch showed of it: the record
// is there, it is gone, or there is nothing to decide this run. A list may lag behind and a batch leaves
// out what it cannot resolve, so a record missing from it is read on its own before the link is judged
// gone; a record shown as deleted is gone without another call.

/** What Smokeball's single read of the record answered: a 404 is `found: false`. */
export type FoundRecord<T> = { found: true; data: T } | { found: false };

export type LinkVerdict<T> =
  /** Smokeball has the record: compare and apply it (and clear the link's deleted mark if set). */
  | { verdict: 'present'; record: T }
  /** Smokeball deleted the record, or no longer knows it: mark the link deleted. */
  | { verdict: 'gone' }
  /** Nothing to decide this run. */
  | { verdict: 'skip'; reason: 'recent' | 'marked_deleted' };

export async function judgeLink<T>(
  link: { recent: boolean; deleted: boolean },
  listed: T | undefined,
  smokeball: { isDeleted(record: T): boolean; find(): Promise<FoundRecord<T>> },
): Promise<LinkVerdict<T>> {
  if (listed && !smokeball.isDeleted(listed)) return { verdict: 'present', record: listed };
  // Made moments ago: a new record may not be listed yet (docs/smokeball.md §8).
  if (link.recent) return { verdict: 'skip', reason: 'recent' };
  if (listed) return { verdict: 'gone' };
  // Not listed, and marked deleted already: no call is spent on it every night. It is read again when a
  // list shows it (restored in Smokeball).
  if (link.deleted) return { verdict: 'skip', reason: 'marked_deleted' };
  const found = await smokeball.find();
  return found.found && !smokeball.isDeleted(found.data) ? { verdict: 'present', record: found.data } : { verdict: 'gone' };
}
