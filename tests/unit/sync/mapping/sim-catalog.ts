// The simulator's matter-type catalog (dev/smokeball-sim/catalog.ts) as recorded data: every location,
// lead types and the deleted type included, parsed as the client parses GET /mattertypes. Test-only:
// shared/ never imports dev/.
import { CATALOG } from '../../../../dev/smokeball-sim/catalog.ts';
import { MatterTypeInfo } from '../../../../shared/smokeball/schemas/matter-type.ts';

export const SIM_MATTER_TYPES: MatterTypeInfo[] = CATALOG.map((record) => MatterTypeInfo.parse(record));

/** What `GET /mattertypes?location=<state>&type=0` answers: that state's matter types, deleted excluded. */
export const listedFor = (location: string) =>
  SIM_MATTER_TYPES.filter((type) => type.location === location && type.type === 0 && !type.isDeleted);

export const simType = (location: string, name: string): MatterTypeInfo => {
  const found = SIM_MATTER_TYPES.filter((type) => type.location === location && type.name === name);
  if (found.length !== 1) throw new Error(`expected one '${name}' in ${location}, found ${found.length}`);
  return found[0];
};

type StateTable = {
  /** "dash" = "Family Law - General", "prefix" = "General Family Law". */
  general: 'dash' | 'prefix';
  /** Target names the state lacks: those case types must fall back to the area's general type. */
  missing: string[];
  /** Target name → the state's spelling, which normalisation must match (case, punctuation, spaces). */
  variants: Record<string, string>;
  /** Target name → the state's name for it, which only a documented alias matches. */
  aliases: Record<string, string>;
  /** Further types in the target areas that must not be chosen. */
  extras: Record<string, string[]>;
};

/** The header table of dev/smokeball-sim/catalog.ts, transcribed; catalog.test checks it against the data. */
export const STATES: Record<string, StateTable> = {
  IL: { general: 'dash', missing: [], variants: {}, aliases: {}, extras: {} },
  CA: {
    general: 'prefix',
    missing: ['Nursing Home Negligence', 'Trust Administration', 'DACA'],
    variants: {
      'Motor Vehicle Accident': 'Motor-Vehicle Accident',
      'Power of Attorney': 'Power Of Attorney',
      'Workers Compensation': "Workers' Compensation",
      'Child Support': 'child support',
    },
    aliases: {},
    extras: {},
  },
  NY: {
    general: 'dash',
    missing: ['Prenuptial Agreement', 'Dog Bite', 'Advance Healthcare Directive'],
    variants: {
      'Uncontested Divorce': 'Uncontested  Divorce',
      'Premises Liability': 'Premises-Liability',
      'Employment Based Visa': 'Employment-Based Visa',
      'Revocable Living Trust': 'Revocable Living Trust.',
    },
    aliases: {},
    extras: {},
  },
  TX: {
    general: 'prefix',
    missing: ['Child Custody', 'Removal Defense', 'Guardianship'],
    variants: {
      'Advance Healthcare Directive': 'Advance  Healthcare  Directive',
      'Family Based Petition': 'Family-Based Petition',
      'Workers Compensation': 'WORKERS COMPENSATION',
    },
    aliases: {},
    // "deliberately not an alias" of Child Custody.
    extras: { 'Family Law': ['SAPCR - Conservatorship'] },
  },
  FL: {
    general: 'prefix',
    missing: ['Motorcycle Accident', 'Naturalization', 'Estate Plan'],
    variants: {
      'Power of Attorney': 'Power of attorney',
      'Workers Compensation': "Workers' Compensation",
      'Nursing Home Negligence': 'Nursing-Home Negligence',
    },
    aliases: { 'Motor Vehicle Accident': 'Auto Accident' },
    extras: {},
  },
};

export const generalNameIn = (location: string, area: string) =>
  STATES[location].general === 'dash' ? `${area} - General` : `General ${area}`;

/** The state's own name for a target type, or undefined when the state lacks it. */
export const stateNameFor = (location: string, target: string): string | undefined => {
  const state = STATES[location];
  if (state.missing.includes(target)) return undefined;
  return state.aliases[target] ?? state.variants[target] ?? target;
};
