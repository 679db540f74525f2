// A Smokeball contact or matter in CaseHug's terms, with its version and its own time of change
// (docs/smokeball.md §2, §3, §8): what two-way sync compares field by field.
import type { FieldValues } from '../../db/two-way.ts';
import { TICKS_PER_MS, UNIX_EPOCH_TICKS } from '../../smokeball/schemas/common.ts';
import type { SmokeballSide } from './decide-fields.ts';

const STATUS: Record<string, 'open' | 'pending' | 'closed'> = { open: 'open', pending: 'pending', closed: 'closed', deleted: 'closed', cancelled: 'closed' };

/** .NET ticks → Unix ms. */
export const unixMsOfTicks = (ticks: bigint): number => Number((ticks - UNIX_EPOCH_TICKS) / TICKS_PER_MS);

type PersonLike = { firstName?: string | null; lastName?: string | null; email?: string | null; phone?: unknown } | null | undefined;

/** `{areaCode, number}` as one string ("312 555 0100"); empty parts dropped. */
export function phoneText(phone: unknown): string | null {
  if (typeof phone !== 'object' || phone === null) return null;
  const { areaCode, number } = phone as { areaCode?: unknown; number?: unknown };
  const text = [areaCode, number].filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim()).join(' ');
  return text === '' ? null : text;
}

/** A contact: `lastUpdated` is both its version and its time (`versionId` is a GUID). */
export function contactSide(c: { lastUpdated?: bigint | null; person?: PersonLike }): SmokeballSide {
  const version = c.lastUpdated ?? 0n;
  const p = c.person;
  const values: FieldValues = p
    ? { first_name: p.firstName ?? null, last_name: p.lastName ?? null, email: p.email ?? null, phone: phoneText(p.phone) }
    : {};
  return { values, version, changedAtMs: version > 0n ? unixMsOfTicks(version) : 0 };
}

/** A matter: `versionId` is a numeric string of ticks that grows on every change; `lastUpdated` otherwise. */
export function matterSide(m: { versionId?: string | null; lastUpdated?: bigint | null; description?: string | null; number?: string | null; status?: string | null }): SmokeballSide {
  const version = /^\d+$/.test(m.versionId ?? '') ? BigInt(m.versionId!) : (m.lastUpdated ?? 0n);
  const time = m.lastUpdated ?? version;
  const status = STATUS[(m.status ?? '').toLowerCase()];
  return {
    values: {
      title: m.description ?? null,
      case_number: m.number ? m.number : null,
      ...(status ? { status } : {}),
    },
    version,
    changedAtMs: time > 0n ? unixMsOfTicks(time) : 0,
  };
}
