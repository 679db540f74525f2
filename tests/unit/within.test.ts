// within(): the work's value when it settles first, the fallback's when the bound passes first.
import { describe, expect, it } from 'vitest';
import { within } from '../../shared/within.ts';

describe('within', () => {
  it('gives the work’s value, and its rejection, when the work settles first', async () => {
    expect(await within(Promise.resolve(7), 60_000, () => 'late')).toBe(7);
    await expect(within(Promise.reject(new Error('boom')), 60_000, () => 'late')).rejects.toThrow('boom');
  });

  it('gives the fallback’s value, or its error, when the work never settles', async () => {
    const never = new Promise<number>(() => undefined);
    expect(await within(never, 1, () => 'late')).toBe('late');
    await expect(within(never, 1, () => { throw new Error('timed out'); })).rejects.toThrow('timed out');
  });
});
