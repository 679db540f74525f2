import { describe, expect, test } from 'vitest';
import { BULK_CHUNK_SIZE, chunked } from '../../../../shared/sync/matter/create-files-in-bulk.ts';
import { expiresWithin } from '../../../../shared/sync/matter/upload-documents.ts';

describe('chunked()', () => {
  test('splits in order into runs of at most the size; the last may be shorter', () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([1, 2], 20)).toEqual([[1, 2]]);
    expect(chunked([], 3)).toEqual([]);
  });

  test('a matter of 41 documents takes three bulk calls', () => {
    const documents = Array.from({ length: 41 }, (_, i) => i);
    expect(chunked(documents, BULK_CHUNK_SIZE).map((c) => c.length)).toEqual([20, 20, 1]);
  });

  test('refuses a size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => chunked([1], size)).toThrow(RangeError);
  });
});

describe('expiresWithin()', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  test('true when the URL expires inside the margin or has expired', () => {
    expect(expiresWithin('2026-12-01T12:04:59Z', now, 5 * 60_000)).toBe(true);
    expect(expiresWithin('2026-12-01T11:00:00Z', now, 5 * 60_000)).toBe(true);
  });
  test('false when it expires later, or when Smokeball gave no usable expiry', () => {
    expect(expiresWithin('2026-12-01T13:00:00Z', now, 5 * 60_000)).toBe(false);
    expect(expiresWithin(undefined, now, 5 * 60_000)).toBe(false);
    expect(expiresWithin(null, now, 5 * 60_000)).toBe(false);
    expect(expiresWithin('soon', now, 5 * 60_000)).toBe(false);
  });
});
