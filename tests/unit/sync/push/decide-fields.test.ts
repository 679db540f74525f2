import { describe, expect, test } from 'vitest';
import type { LinkedRecord } from '../../../../shared/db/two-way.ts';
import { decideFields, sameValue, type SmokeballSide } from '../../../../shared/sync/push/decide-fields.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const contact = (over: Partial<LinkedRecord> = {}): Pick<LinkedRecord, 'kind' | 'values' | 'pending' | 'smokeballVersion' | 'applyFromSmokeball'> => ({
  kind: 'contact',
  values: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone: '312 555 0100' },
  pending: {},
  smokeballVersion: 10n,
  applyFromSmokeball: true,
  ...over,
});
const side = (values: SmokeballSide['values'], changedAtMs: number, version = 20n): SmokeballSide => ({ values, version, changedAtMs: T0 + changedAtMs });
const smokeballHas = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone: '312 555-0100' };

describe('decideFields()', () => {
  test('with no CaseHug edit, a newer Smokeball value is taken and nothing is sent', () => {
    const plan = decideFields(contact(), side({ ...smokeballHas, last_name: 'King' }, 0));
    expect(plan).toMatchObject({ apply: { last_name: 'King' }, push: {}, conflicts: [], newer: true });
  });

  test('an older or equal Smokeball version is not taken', () => {
    expect(decideFields(contact(), side({ ...smokeballHas, last_name: 'King' }, 0, 10n)).apply).toEqual({});
  });

  test('an empty Smokeball value never clears a field CaseHug requires', () => {
    expect(decideFields(contact(), side({ ...smokeballHas, first_name: '' }, 0)).apply).toEqual({});
  });

  test('a CaseHug edit of a field Smokeball did not change is sent', () => {
    const pending = { email: { value: 'new@example.com', base: 'ada@example.com', changedAt: at(0) } };
    const plan = decideFields(contact({ pending }), side(smokeballHas, 5_000));
    expect(plan.push).toEqual({ email: { value: 'new@example.com', changedAt: at(0) } });
    expect(plan.conflicts).toEqual([]);
  });

  test('a CaseHug edit Smokeball already holds is settled (an echo without our RequestId)', () => {
    const pending = { email: { value: 'New@Example.com', base: 'ada@example.com', changedAt: at(0) } };
    const plan = decideFields(contact({ pending }), side({ ...smokeballHas, email: 'new@example.com' }, 5_000));
    expect(plan).toMatchObject({ push: {}, pending: {}, apply: {}, conflicts: [] });
  });

  test('both changed, Smokeball later: Smokeball wins, CaseHug\'s edit is the conflict\'s loser', () => {
    const pending = { email: { value: 'ours@example.com', base: 'ada@example.com', changedAt: at(0) } };
    const plan = decideFields(contact({ pending }), side({ ...smokeballHas, email: 'theirs@example.com' }, 400));
    expect(plan.apply).toEqual({ email: 'theirs@example.com' });
    expect(plan.push).toEqual({});
    expect(plan.pending).toEqual({});
    expect(plan.conflicts).toMatchObject([{ field: 'email', winner: 'smokeball', casehugValue: 'ours@example.com', smokeballValue: 'theirs@example.com' }]);
  });

  test('both changed, CaseHug later: CaseHug is sent, its base becomes Smokeball\'s value, Smokeball\'s is the loser', () => {
    const pending = { email: { value: 'ours@example.com', base: 'ada@example.com', changedAt: at(400) } };
    const plan = decideFields(contact({ pending }), side({ ...smokeballHas, email: 'theirs@example.com' }, 0));
    expect(plan.apply).toEqual({});
    expect(plan.push).toEqual({ email: { value: 'ours@example.com', changedAt: at(400) } });
    expect(plan.pending.email).toEqual({ value: 'ours@example.com', base: 'theirs@example.com', changedAt: at(400) });
    expect(plan.conflicts).toMatchObject([{ field: 'email', winner: 'casehug', smokeballValue: 'theirs@example.com' }]);
    // The next read of the same Smokeball state sees no conflict again: the field is simply sent.
    const again = decideFields(contact({ pending: plan.pending, smokeballVersion: 20n }), side({ ...smokeballHas, email: 'theirs@example.com' }, 0));
    expect(again.conflicts).toEqual([]);
    expect(again.push).toEqual({ email: { value: 'ours@example.com', changedAt: at(400) } });
  });

  test('a tie goes to Smokeball', () => {
    const pending = { email: { value: 'ours@example.com', base: 'ada@example.com', changedAt: at(0) } };
    expect(decideFields(contact({ pending }), side({ ...smokeballHas, email: 'theirs@example.com' }, 0)).conflicts[0].winner).toBe('smokeball');
  });

  test('with applying switched off, CaseHug\'s edits are sent whatever Smokeball holds, and nothing is taken', () => {
    const pending = { email: { value: 'ours@example.com', base: 'ada@example.com', changedAt: at(0) } };
    const plan = decideFields(contact({ pending, applyFromSmokeball: false }), side({ ...smokeballHas, email: 'theirs@example.com', last_name: 'King' }, 400));
    expect(plan).toMatchObject({ apply: {}, conflicts: [], push: { email: { value: 'ours@example.com' } } });
  });

  test('matters: a status Smokeball changed alongside a CaseHug title edit are both kept', () => {
    const plan = decideFields(
      { kind: 'matter', values: { title: 'Estate', case_number: null, status: 'open' }, pending: { title: { value: 'Estate (revised)', base: 'Estate', changedAt: at(0) } }, smokeballVersion: 1n, applyFromSmokeball: true },
      side({ title: 'Estate', case_number: null, status: 'closed' }, 100),
    );
    expect(plan.apply).toEqual({ status: 'closed' });
    expect(plan.push).toEqual({ title: { value: 'Estate (revised)', changedAt: at(0) } });
    expect(plan.conflicts).toEqual([]);
  });
});

describe('sameValue()', () => {
  test.each([
    ['email', 'A@Example.com ', 'a@example.com', true],
    ['phone', '(312) 555-0100', '312 555 0100', true],
    ['phone', '312 555 0100', '312 555 0101', false],
    ['last_name', '', null, true],
    ['last_name', 'King', 'king', false],
  ] as const)('%s: %j vs %j → %s', (field, a, b, same) => {
    expect(sameValue(field, a, b)).toBe(same);
  });

  describe('an edit sent and accepted, not yet in Smokeball\'s reads', () => {
    const sentAt = 1_000;
    const sentEmail = (over: Record<string, unknown> = {}) => ({
      email: {
        value: 'new@example.com', base: 'ada@example.com', changedAt: at(0),
        sent: { value: 'new@example.com', at: at(sentAt), until: at(sentAt + 300_000) }, ...over,
      },
    });

    test('a newer read without it (another field changed) keeps CaseHug\'s value, sends nothing again and takes the other field', () => {
      const pending = sentEmail();
      const plan = decideFields(contact({ pending, values: { ...contact().values, email: 'new@example.com' } }), side({ ...smokeballHas, last_name: 'King' }, 2_000), T0 + 3_000);
      expect(plan.apply).toEqual({ last_name: 'King' });
      expect(plan.push).toEqual({});
      expect(plan.pending).toEqual(pending);
      expect(plan.conflicts).toEqual([]);
    });

    test('even a third value in Smokeball waits until the sent value could have landed', () => {
      const plan = decideFields(contact({ pending: sentEmail() }), side({ ...smokeballHas, email: 'other@example.com' }, 2_000), T0 + 3_000);
      expect(plan).toMatchObject({ apply: {}, push: {}, conflicts: [] });
    });

    test('a read showing it settles the edit', () => {
      const plan = decideFields(contact({ pending: sentEmail() }), side({ ...smokeballHas, email: 'NEW@example.com' }, 2_000), T0 + 3_000);
      expect(plan.pending).toEqual({});
      expect(plan.push).toEqual({});
    });

    test('after the expiry a read still showing the base sends it again', () => {
      const plan = decideFields(contact({ pending: sentEmail() }), side(smokeballHas, 2_000), T0 + sentAt + 300_000);
      expect(plan.push).toEqual({ email: { value: 'new@example.com', changedAt: at(0) } });
      expect(plan.apply).toEqual({});
    });

    test('a later CaseHug edit replaces it and is sent; Smokeball holding the earlier sent value is no conflict', () => {
      const pending = sentEmail({ value: 'newer@example.com', changedAt: at(2_000) });
      const plan = decideFields(contact({ pending }), side({ ...smokeballHas, email: 'new@example.com' }, 1_500), T0 + 3_000);
      expect(plan.push).toEqual({ email: { value: 'newer@example.com', changedAt: at(2_000) } });
      expect(plan.conflicts).toEqual([]);
      expect(plan.apply).toEqual({});
    });
  });
});
