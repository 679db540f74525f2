// The 30 built-in CaseHug case types and the Smokeball matter type each maps to (docs/architecture.md §6), as data.
//
// `matterTypeName` is the name in Smokeball's catalog; `practiceArea` is its Smokeball category, used to
// find the area's general type when a jurisdiction lacks the type. `aliases` are other names the same
// kind of matter goes by in real catalogs and practice (state statutes, USCIS form numbers, UK/AU
// spellings); they are tried only after the target name, in the order listed. Spelling variants that
// normalisation already covers (case, punctuation, `&`, spacing: normalize.ts) are not listed. An alias
// must not name a different case type's matter: TX's "SAPCR - Conservatorship" is a Texas custody suit but
// is deliberately not an alias of Child Custody, and "Conservatorship" (California's adult guardianship)
// is not one of Guardianship, because each means something else in another state.
import { z } from 'zod';

export const PracticeArea = z.enum(['Family Law', 'Immigration', 'Personal Injury', 'Estate Planning']);
export type PracticeArea = z.infer<typeof PracticeArea>;

export const BuiltInCaseType = z.object({
  /** CaseHug's `matters.case_type` (the same check as the column: snake_case). */
  caseType: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/),
  practiceArea: PracticeArea,
  matterTypeName: z.string().min(1),
  aliases: z.array(z.string().min(1)),
});
export type BuiltInCaseType = z.infer<typeof BuiltInCaseType>;

export const BUILT_IN_CASE_TYPES: readonly BuiltInCaseType[] = [
  // Family Law (5)
  { caseType: 'divorce_standard', practiceArea: 'Family Law', matterTypeName: 'Divorce', aliases: ['Dissolution of Marriage', 'Contested Divorce'] },
  {
    caseType: 'divorce_uncontested',
    practiceArea: 'Family Law',
    matterTypeName: 'Uncontested Divorce',
    aliases: ['Agreed Divorce', 'Simplified Dissolution of Marriage'],
  },
  {
    caseType: 'child_custody',
    practiceArea: 'Family Law',
    matterTypeName: 'Child Custody',
    // Illinois renamed custody in 2016 (750 ILCS 5/602.5).
    aliases: ['Custody and Visitation', 'Allocation of Parental Responsibilities'],
  },
  { caseType: 'child_support', practiceArea: 'Family Law', matterTypeName: 'Child Support', aliases: ['Child Support Establishment'] },
  {
    caseType: 'prenuptial_agreement',
    practiceArea: 'Family Law',
    matterTypeName: 'Prenuptial Agreement',
    aliases: ['Premarital Agreement', 'Antenuptial Agreement', 'Prenup'],
  },
  // Immigration (7)
  {
    caseType: 'family_petition',
    practiceArea: 'Immigration',
    matterTypeName: 'Family Based Petition',
    aliases: ['Family Petition (I-130)', 'Family Petition', 'I-130 Petition'],
  },
  {
    caseType: 'adjustment_of_status',
    practiceArea: 'Immigration',
    matterTypeName: 'Adjustment of Status',
    aliases: ['Adjustment of Status (I-485)', 'I-485', 'Green Card Application'],
  },
  { caseType: 'naturalization', practiceArea: 'Immigration', matterTypeName: 'Naturalization', aliases: ['Citizenship', 'N-400', 'Naturalisation'] },
  { caseType: 'daca', practiceArea: 'Immigration', matterTypeName: 'DACA', aliases: ['Deferred Action for Childhood Arrivals'] },
  { caseType: 'asylum', practiceArea: 'Immigration', matterTypeName: 'Asylum', aliases: ['Asylum (I-589)', 'Affirmative Asylum'] },
  {
    caseType: 'employment_visa',
    practiceArea: 'Immigration',
    matterTypeName: 'Employment Based Visa',
    aliases: ['Employment Visa', 'Employment Based Immigration', 'Work Visa'],
  },
  {
    caseType: 'removal_defense',
    practiceArea: 'Immigration',
    matterTypeName: 'Removal Defense',
    aliases: ['Deportation Defense', 'Removal Proceedings', 'Removal Defence'],
  },
  // Personal Injury (10)
  {
    caseType: 'auto_accident',
    practiceArea: 'Personal Injury',
    matterTypeName: 'Motor Vehicle Accident',
    // "Auto Accident" is docs/architecture.md §6's own example.
    aliases: ['Auto Accident', 'Car Accident', 'Motor Vehicle Collision'],
  },
  {
    caseType: 'truck_accident',
    practiceArea: 'Personal Injury',
    matterTypeName: 'Truck Accident',
    aliases: ['Trucking Accident', 'Commercial Vehicle Accident'],
  },
  { caseType: 'motorcycle_accident', practiceArea: 'Personal Injury', matterTypeName: 'Motorcycle Accident', aliases: ['Motorbike Accident'] },
  { caseType: 'slip_and_fall', practiceArea: 'Personal Injury', matterTypeName: 'Premises Liability', aliases: ['Slip and Fall', 'Trip and Fall'] },
  {
    caseType: 'medical_malpractice',
    practiceArea: 'Personal Injury',
    matterTypeName: 'Medical Malpractice',
    aliases: ['Medical Negligence', 'Med Mal', 'Clinical Negligence'],
  },
  { caseType: 'wrongful_death', practiceArea: 'Personal Injury', matterTypeName: 'Wrongful Death', aliases: ['Wrongful Death Claim'] },
  { caseType: 'dog_bite', practiceArea: 'Personal Injury', matterTypeName: 'Dog Bite', aliases: ['Animal Bite', 'Dog Attack'] },
  {
    caseType: 'product_liability',
    practiceArea: 'Personal Injury',
    matterTypeName: 'Product Liability',
    aliases: ['Products Liability', 'Defective Product'],
  },
  {
    caseType: 'workers_compensation',
    practiceArea: 'Personal Injury',
    matterTypeName: 'Workers Compensation',
    aliases: ["Workers' Comp", "Workmen's Compensation"],
  },
  {
    caseType: 'nursing_home_abuse',
    practiceArea: 'Personal Injury',
    matterTypeName: 'Nursing Home Negligence',
    aliases: ['Nursing Home Abuse', 'Nursing Home Neglect', 'Elder Abuse'],
  },
  // Estate Planning (8)
  { caseType: 'will', practiceArea: 'Estate Planning', matterTypeName: 'Will', aliases: ['Last Will and Testament', 'Wills', 'Simple Will'] },
  {
    caseType: 'living_trust',
    practiceArea: 'Estate Planning',
    matterTypeName: 'Revocable Living Trust',
    aliases: ['Living Trust', 'Revocable Trust'],
  },
  {
    caseType: 'power_of_attorney',
    practiceArea: 'Estate Planning',
    matterTypeName: 'Power of Attorney',
    aliases: ['Durable Power of Attorney', 'Financial Power of Attorney', 'POA'],
  },
  {
    caseType: 'healthcare_directive',
    practiceArea: 'Estate Planning',
    matterTypeName: 'Advance Healthcare Directive',
    // California's statutory name writes "Health Care" as two words (Probate Code §4701).
    aliases: ['Advance Health Care Directive', 'Advance Directive', 'Living Will', 'Health Care Directive'],
  },
  { caseType: 'probate', practiceArea: 'Estate Planning', matterTypeName: 'Probate', aliases: ['Estate Administration', 'Probate Administration'] },
  { caseType: 'trust_administration', practiceArea: 'Estate Planning', matterTypeName: 'Trust Administration', aliases: ['Trust Settlement'] },
  {
    caseType: 'guardianship',
    practiceArea: 'Estate Planning',
    matterTypeName: 'Guardianship',
    aliases: ['Adult Guardianship', 'Guardianship of a Minor'],
  },
  {
    caseType: 'estate_plan_comprehensive',
    practiceArea: 'Estate Planning',
    matterTypeName: 'Estate Plan',
    aliases: ['Comprehensive Estate Plan', 'Estate Planning Package'],
  },
];

const BY_CASE_TYPE = new Map(BUILT_IN_CASE_TYPES.map((builtIn) => [builtIn.caseType, builtIn]));

/** The built-in mapping of a CaseHug case type, or undefined when only a firm's custom mapping can map it. */
export const findBuiltInCaseType = (caseType: string): BuiltInCaseType | undefined => BY_CASE_TYPE.get(caseType);
