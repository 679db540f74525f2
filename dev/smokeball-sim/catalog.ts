// The matter-type catalog: plain data and a builder (docs/smokeball.md §3 "Matter types").
//
// IL carries the 30 docs/architecture.md §6 target names exactly, so every CaseHug case type maps directly. The other
// states are realistic: a few types are missing (the sync must fall back to the practice area's general
// type) and some names vary in ways a normaliser that ignores case, punctuation (read as a space),
// `&`/`and` and extra spaces still matches, plus one documented alias.
//
//   State  General type style      Missing (→ general type)                                Name variants (target → catalog name)
//   IL     "Family Law - General"  none                                                    none
//   CA     "General Family Law"    Nursing Home Negligence, Trust Administration, DACA     Motor Vehicle Accident → "Motor-Vehicle Accident"; Power of Attorney → "Power Of Attorney";
//                                                                                          Workers Compensation → "Workers' Compensation"; Child Support → "child support"
//   NY     "Family Law - General"  Prenuptial Agreement, Dog Bite, Advance Healthcare      Uncontested Divorce → "Uncontested  Divorce"; Premises Liability → "Premises-Liability";
//                                  Directive                                               Employment Based Visa → "Employment-Based Visa"; Revocable Living Trust → "Revocable Living Trust."
//   TX     "General Family Law"    Child Custody (TX has "SAPCR - Conservatorship",        Advance Healthcare Directive → "Advance  Healthcare  Directive"; Family Based Petition →
//                                  deliberately not an alias), Removal Defense, Guardianship "Family-Based Petition"; Workers Compensation → "WORKERS COMPENSATION"
//   FL     "General Family Law"    Motorcycle Accident, Naturalization, Estate Plan        Motor Vehicle Accident → "Auto Accident" (the documented alias, docs/architecture.md §6); Power of Attorney →
//                                                                                          "Power of attorney"; Workers Compensation → "Workers' Compensation"; Nursing Home Negligence →
//                                                                                          "Nursing-Home Negligence"
//
// Every state also has Real Estate and Litigation types (IL "Purchase and Sale" vs elsewhere
// "Purchase & Sale"), four lead types (`type: 1`, docs/smokeball.md §3 "Leads") and IL one deleted type, which
// lists exclude. Ids are `<guid from sha1(location + name)>_<LOCATION>`, stable across runs.
import { guidFromName } from './ids.ts';

export const TARGET_TYPES = {
  'Family Law': ['Divorce', 'Uncontested Divorce', 'Child Custody', 'Child Support', 'Prenuptial Agreement'],
  Immigration: [
    'Family Based Petition', 'Adjustment of Status', 'Naturalization', 'DACA', 'Asylum', 'Employment Based Visa', 'Removal Defense',
  ],
  'Personal Injury': [
    'Motor Vehicle Accident', 'Truck Accident', 'Motorcycle Accident', 'Premises Liability', 'Medical Malpractice',
    'Wrongful Death', 'Dog Bite', 'Product Liability', 'Workers Compensation', 'Nursing Home Negligence',
  ],
  'Estate Planning': [
    'Will', 'Revocable Living Trust', 'Power of Attorney', 'Advance Healthcare Directive', 'Probate', 'Trust Administration',
    'Guardianship', 'Estate Plan',
  ],
} as const;

type TargetArea = keyof typeof TARGET_TYPES;
const OTHER_TYPES = {
  'Real Estate': ['Residential Purchase', 'Residential Sale', 'Commercial Lease'],
  Litigation: ['Civil Litigation', 'Contract Dispute', 'Debt Collection'],
} as const;

/** Default client/other-side roles first (docs/smokeball.md §3: clientRole defaults to the type's default roles). */
const REPRESENTATIVES: Record<string, string[]> = {
  'Family Law': ['Petitioner', 'Respondent', 'Child', 'Opposing Counsel'],
  Immigration: ['Applicant', 'Petitioner', 'Beneficiary', 'Employer'],
  'Personal Injury': ['Plaintiff', 'Defendant', 'Insurer', 'Witness'],
  'Estate Planning': ['Client', 'Beneficiary', 'Executor', 'Trustee'],
  'Real Estate': ['Buyer', 'Seller', 'Lender', 'Agent'],
  Litigation: ['Plaintiff', 'Defendant', 'Opposing Counsel'],
};

export const CATEGORIES = [...Object.keys(TARGET_TYPES), ...Object.keys(OTHER_TYPES)];

type GeneralStyle = 'dash' | 'prefix';
type StatePlan = {
  general: GeneralStyle;
  missing: string[];
  renamed: Record<string, string>;
  extras: { category: string; name: string }[];
  purchaseAndSale: string;
};

const PLANS: Record<string, StatePlan> = {
  IL: { general: 'dash', missing: [], renamed: {}, extras: [], purchaseAndSale: 'Purchase and Sale' },
  CA: {
    general: 'prefix',
    missing: ['Nursing Home Negligence', 'Trust Administration', 'DACA'],
    renamed: {
      'Motor Vehicle Accident': 'Motor-Vehicle Accident',
      'Power of Attorney': 'Power Of Attorney',
      'Workers Compensation': "Workers' Compensation",
      'Child Support': 'child support',
    },
    extras: [],
    purchaseAndSale: 'Purchase & Sale',
  },
  NY: {
    general: 'dash',
    missing: ['Prenuptial Agreement', 'Dog Bite', 'Advance Healthcare Directive'],
    renamed: {
      'Uncontested Divorce': 'Uncontested  Divorce',
      'Premises Liability': 'Premises-Liability',
      'Employment Based Visa': 'Employment-Based Visa',
      'Revocable Living Trust': 'Revocable Living Trust.',
    },
    extras: [],
    purchaseAndSale: 'Purchase & Sale',
  },
  TX: {
    general: 'prefix',
    missing: ['Child Custody', 'Removal Defense', 'Guardianship'],
    renamed: {
      'Advance Healthcare Directive': 'Advance  Healthcare  Directive',
      'Family Based Petition': 'Family-Based Petition',
      'Workers Compensation': 'WORKERS COMPENSATION',
    },
    extras: [{ category: 'Family Law', name: 'SAPCR - Conservatorship' }],
    purchaseAndSale: 'Purchase & Sale',
  },
  FL: {
    general: 'prefix',
    missing: ['Motorcycle Accident', 'Naturalization', 'Estate Plan'],
    renamed: {
      'Motor Vehicle Accident': 'Auto Accident',
      'Power of Attorney': 'Power of attorney',
      'Workers Compensation': "Workers' Compensation",
      'Nursing Home Negligence': 'Nursing-Home Negligence',
    },
    extras: [],
    purchaseAndSale: 'Purchase & Sale',
  },
};

export const LOCATIONS = Object.keys(PLANS);

/** MatterTypeInfo without `href` (views.ts adds it for the serving origin). */
export type MatterTypeRecord = {
  id: string;
  versionId: string;
  name: string;
  category: string;
  /** 0 = matter type, 1 = lead type. */
  type: 0 | 1;
  representativeOptions: string[];
  location: string;
  isDeleted: boolean;
};

function matterType(location: string, category: string, name: string, type: 0 | 1 = 0, isDeleted = false): MatterTypeRecord {
  return {
    id: `${guidFromName(location + name)}_${location}`,
    versionId: guidFromName(`version:${location}${name}`),
    name,
    category,
    type,
    representativeOptions: REPRESENTATIVES[category],
    location,
    isDeleted,
  };
}

const generalName = (style: GeneralStyle, area: string) => (style === 'dash' ? `${area} - General` : `General ${area}`);

export function buildCatalog(): MatterTypeRecord[] {
  const types: MatterTypeRecord[] = [];
  for (const [location, plan] of Object.entries(PLANS)) {
    for (const [area, names] of Object.entries(TARGET_TYPES) as [TargetArea, readonly string[]][]) {
      for (const name of names) {
        if (!plan.missing.includes(name)) types.push(matterType(location, area, plan.renamed[name] ?? name));
      }
      types.push(matterType(location, area, generalName(plan.general, area)));
      types.push(matterType(location, area, `${area} Lead`, 1));
    }
    for (const [category, names] of Object.entries(OTHER_TYPES)) {
      for (const name of names) types.push(matterType(location, category, name));
      types.push(matterType(location, category, generalName(plan.general, category)));
    }
    types.push(matterType(location, 'Real Estate', plan.purchaseAndSale));
    for (const extra of plan.extras) types.push(matterType(location, extra.category, extra.name));
  }
  types.push(matterType('IL', 'Family Law', 'Family Law - Legacy', 0, true));
  return types;
}

export const CATALOG: readonly MatterTypeRecord[] = buildCatalog();
const BY_ID = new Map(CATALOG.map((t) => [t.id, t]));

export const findMatterType = (id: string): MatterTypeRecord | undefined => BY_ID.get(id);
