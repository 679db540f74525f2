// docs/architecture.md §6 "Built-in case type mapping (30 types)", written out as the specification the catalog and the
// resolver are checked against (the catalog must not be its own expectation).
export const DESIGN_TABLE: readonly { caseType: string; practiceArea: string; matterTypeName: string }[] = [
  ...rows('Family Law', {
    divorce_standard: 'Divorce',
    divorce_uncontested: 'Uncontested Divorce',
    child_custody: 'Child Custody',
    child_support: 'Child Support',
    prenuptial_agreement: 'Prenuptial Agreement',
  }),
  ...rows('Immigration', {
    family_petition: 'Family Based Petition',
    adjustment_of_status: 'Adjustment of Status',
    naturalization: 'Naturalization',
    daca: 'DACA',
    asylum: 'Asylum',
    employment_visa: 'Employment Based Visa',
    removal_defense: 'Removal Defense',
  }),
  ...rows('Personal Injury', {
    auto_accident: 'Motor Vehicle Accident',
    truck_accident: 'Truck Accident',
    motorcycle_accident: 'Motorcycle Accident',
    slip_and_fall: 'Premises Liability',
    medical_malpractice: 'Medical Malpractice',
    wrongful_death: 'Wrongful Death',
    dog_bite: 'Dog Bite',
    product_liability: 'Product Liability',
    workers_compensation: 'Workers Compensation',
    nursing_home_abuse: 'Nursing Home Negligence',
  }),
  ...rows('Estate Planning', {
    will: 'Will',
    living_trust: 'Revocable Living Trust',
    power_of_attorney: 'Power of Attorney',
    healthcare_directive: 'Advance Healthcare Directive',
    probate: 'Probate',
    trust_administration: 'Trust Administration',
    guardianship: 'Guardianship',
    estate_plan_comprehensive: 'Estate Plan',
  }),
];

function rows(practiceArea: string, names: Record<string, string>) {
  return Object.entries(names).map(([caseType, matterTypeName]) => ({ caseType, practiceArea, matterTypeName }));
}
