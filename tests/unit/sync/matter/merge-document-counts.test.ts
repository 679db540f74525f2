// A run that stopped and was continued by its queued job reports one set of document counts: each attempt
// lists every approved document, so the ones an earlier attempt uploaded come back as "skipped".
import { describe, expect, test } from 'vitest';
import { mergeDocumentCounts } from '../../../../shared/sync/matter/sync-matter.ts';

describe('mergeDocumentCounts()', () => {
  test('a run that never stopped keeps its own counts', () => {
    expect(mergeDocumentCounts(0, { uploaded: 3, skipped: 2, failed: 1 })).toEqual({ uploaded: 3, skipped: 2, failed: 1 });
  });

  test('documents uploaded before the stop count as uploaded, not as skipped', () => {
    // 2 uploaded before the stop; the continuation sees them linked, plus 1 linked before the run began.
    expect(mergeDocumentCounts(2, { uploaded: 4, skipped: 3, failed: 0 })).toEqual({ uploaded: 6, skipped: 1, failed: 0 });
  });

  test('failures are the last attempt\'s: it tried again what an earlier attempt could not send', () => {
    expect(mergeDocumentCounts(1, { uploaded: 1, skipped: 1, failed: 2 })).toEqual({ uploaded: 2, skipped: 0, failed: 2 });
  });

  test('skipped never goes below zero (a document uploaded before the stop and since unapproved)', () => {
    expect(mergeDocumentCounts(3, { uploaded: 0, skipped: 1, failed: 0 })).toEqual({ uploaded: 3, skipped: 0, failed: 0 });
  });
});
