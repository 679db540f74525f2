import { describe, expect, it } from 'vitest';
import { ticksOf, unixMsOfTicks } from '../../../dev/smokeball-sim/clock.ts';
import { signWebhook } from '../../../dev/smokeball-sim/signature.ts';

describe('signWebhook()', () => {
  it('reproduces the documented test vector (docs/smokeball.md §5 "Signature")', () => {
    expect(signWebhook('ei7641529ue420n8b9aa', '637558795239278688', '38583489-09c4-49ef-b58c-ef1b34208cca', 'lou1qnn0llav95')).toBe(
      'feb4b838a272884f6d2c2580b2c7ebb0b2f725b90e8baa6f9b5e1a17a9faec2d',
    );
  });

  it('signs Timestamp|RequestId|ClientId, so the docs’ JS sample client id gives its own hash', () => {
    expect(signWebhook('ei7641529ue420n8b9aa', '637558795239278688', '38583489-09c4-49ef-b58c-ef1b34208cca', 'lou1qnn0llav95f')).toBe(
      '9ac03005f363ed5890c45a6aae8fcd5fa08a2a45e333002fbb93dd3460b2278f',
    );
  });
});

describe('.NET ticks', () => {
  it('converts Unix ms to ticks and back exactly', () => {
    expect(ticksOf(0)).toBe('621355968000000000');
    expect(ticksOf(1_700_000_000_123)).toBe('638355968001230000');
    expect(unixMsOfTicks('638355968001230000')).toBe(1_700_000_000_123);
  });
});
