import { describe, expect, test } from 'vitest';
import { AppError } from '../../../../shared/errors.ts';
import { resolveMatterType } from '../../../../shared/sync/mapping/resolve.ts';
import { unmappedError } from '../../../../shared/sync/mapping/unmapped-error.ts';

describe('unmappedError()', () => {
  test('is a 422 matter_type_unmapped AppError whose message is the reason, naming the case type', () => {
    const resolution = resolveMatterType('maritime_salvage', { jurisdiction: 'IL', matterTypes: [], overrides: [] });
    const error = unmappedError('maritime_salvage', resolution.reason);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'matter_type_unmapped', status: 422, message: resolution.reason });
    expect(error.message).toContain('maritime_salvage');
  });

  test('names the case type even when the reason does not', () => {
    expect(unmappedError('dog_bite', 'no types listed').message).toBe("no types listed (case type 'dog_bite')");
  });
});
