import { describe, expect, test } from 'vitest';
import { normalizeMatterTypeName } from '../../../../shared/sync/mapping/normalize.ts';

describe('normalizeMatterTypeName()', () => {
  test.each([
    ['Divorce', 'divorce'],
    ['WORKERS COMPENSATION', 'workers compensation'],
    ['child support', 'child support'],
    ["Workers' Compensation", 'workers compensation'],
    ['Worker’s Compensation', 'workers compensation'],
    ["Workers' Comp", 'workers comp'],
    ['Motor-Vehicle Accident', 'motor vehicle accident'],
    ['Family-Based Petition', 'family based petition'],
    ['Family Law - General', 'family law general'],
    ['Family Law – General', 'family law general'],
    ['Revocable Living Trust.', 'revocable living trust'],
    ['  Uncontested  Divorce ', 'uncontested divorce'],
    ['Advance\tHealthcare\n Directive', 'advance healthcare directive'],
    ['Purchase & Sale', 'purchase and sale'],
    ['Purchase&Sale', 'purchase and sale'],
    ['Purchase and Sale', 'purchase and sale'],
    ['Family Petition (I-130)', 'family petition i 130'],
    ['N-400', 'n 400'],
    ['Défense', 'defense'],
    ['---', ''],
  ])('%j → %j', (name, expected) => {
    expect(normalizeMatterTypeName(name)).toBe(expected);
  });

  test('different words stay different', () => {
    expect(normalizeMatterTypeName('Divorce')).not.toBe(normalizeMatterTypeName('Uncontested Divorce'));
    expect(normalizeMatterTypeName('Product Liability')).not.toBe(normalizeMatterTypeName('Products Liability'));
    expect(normalizeMatterTypeName('Will')).not.toBe(normalizeMatterTypeName('Living Will'));
  });
});
