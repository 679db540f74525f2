// A firm's jurisdiction for Smokeball, written so it cannot collide: country + state/territory in
// ISO 3166-2 form (`US-WA` Washington, `AU-WA` Western Australia, `GB-ENG` England). The host's own
// `firms.jurisdiction` is a bare code in which `WA` means both; the integration keeps its unambiguous
// copy in `firms.smokeball_jurisdiction` (migration 20261201170100). Smokeball's region (its hosts, docs/smokeball.md §1),
// its matter-type `Location` (§3 "Matter types": `IL`, `NSW`, …) and the default country of phone
// numbers all follow from it.
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { SmokeballRegion } from './hosts.ts';

const US_STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI',
  'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
] as const;
const AU_STATES = ['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS', 'ACT', 'NT'] as const;
// The UK `Location` format is UNCONFIRMED (docs/smokeball.md §3); the nations' codes stand until it is known.
const GB_NATIONS = ['ENG', 'WLS', 'SCT', 'NIR'] as const;

export const SMOKEBALL_JURISDICTIONS = [
  ...US_STATES.map((s) => `US-${s}` as const),
  ...AU_STATES.map((s) => `AU-${s}` as const),
  ...GB_NATIONS.map((s) => `GB-${s}` as const),
];

export const SmokeballJurisdiction = z.enum(SMOKEBALL_JURISDICTIONS as [string, ...string[]]);
export type SmokeballJurisdiction = z.infer<typeof SmokeballJurisdiction>;

const REGION_OF_COUNTRY: Record<string, SmokeballRegion> = { US: 'US', AU: 'AU', GB: 'UK' };

export type JurisdictionParts = {
  /** ISO 3166-1 country, also the default country of a phone number written without "+<code>". */
  country: CountryCode;
  region: SmokeballRegion;
  /** Smokeball's matter-type `Location`: the part after the dash. */
  location: string;
};

export function jurisdictionParts(jurisdiction: SmokeballJurisdiction): JurisdictionParts {
  const [country, location] = jurisdiction.split('-') as [CountryCode, string];
  return { country, region: REGION_OF_COUNTRY[country], location };
}

/**
 * The unambiguous jurisdiction of a host code (`IL`, `NSW`, `WA`), given the Smokeball region when one is
 * known. Undefined when the code is unknown, or is `WA` with no region to tell the two apart. The
 * migration's `private.smokeball_jurisdiction_for` is the same rule in SQL.
 */
export function jurisdictionFromHostCode(code: string, region?: SmokeballRegion): SmokeballJurisdiction | undefined {
  const upper = code.trim().toUpperCase();
  const inUs = (US_STATES as readonly string[]).includes(upper);
  const inAu = (AU_STATES as readonly string[]).includes(upper);
  if (inUs && inAu) return region === 'US' ? `US-${upper}` : region === 'AU' ? `AU-${upper}` : undefined;
  if (inAu) return `AU-${upper}`;
  if (inUs) return `US-${upper}`;
  if ((GB_NATIONS as readonly string[]).includes(upper)) return `GB-${upper}`;
  return undefined;
}
