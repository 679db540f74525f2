import { describe, expect, test } from 'vitest';
import { describeDocumentFailures, type DocumentFailure } from '../../../../shared/sync/matter/upload-documents.ts';

const failure = (fileName: string, message = 'Smokeball is unavailable (status 503) (POST /matters/{id}/documents/files)'): DocumentFailure => ({
  documentId: `doc-${fileName}`,
  fileName,
  code: 'smokeball_unavailable',
  message,
});

describe('describeDocumentFailures()', () => {
  test('one failure: how many of how many, its file name and its reason', () => {
    expect(describeDocumentFailures([failure('Retainer.pdf', 'The document is no longer in storage')], 4)).toBe(
      "1 of 4 approved documents were not sent to Smokeball ('Retainer.pdf'): The document is no longer in storage",
    );
  });

  test('names at most three files, then counts the rest', () => {
    const failures = ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf', 'e.pdf'].map((n) => failure(n));
    const message = describeDocumentFailures(failures, 9);
    expect(message).toMatch(/^5 of 9 approved documents were not sent to Smokeball \('a\.pdf', 'b\.pdf', 'c\.pdf' and 2 more\): /);
    expect(message).not.toContain('d.pdf');
  });

  test('exactly three files are all named, with no "and 0 more"', () => {
    const message = describeDocumentFailures(['a', 'b', 'c'].map((n) => failure(n)), 3);
    expect(message).toContain("('a', 'b', 'c')");
    expect(message).not.toContain('more');
  });

  test('one reason shared by all is given as it is; different reasons give the first, said to be one of several', () => {
    const same = describeDocumentFailures([failure('a'), failure('b')], 2);
    expect(same.endsWith('): Smokeball is unavailable (status 503) (POST /matters/{id}/documents/files)')).toBe(true);
    const mixed = describeDocumentFailures([failure('a', 'First reason'), failure('b', 'Second reason')], 2);
    expect(mixed.endsWith('): First reason (first of several reasons)')).toBe(true);
    expect(mixed).not.toContain('Second reason');
  });
});
