import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, TARGET_TYPES } from '../../../dev/smokeball-sim/catalog.ts';
import { api, startTestSim, uniqueName, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
beforeAll(async () => {
  t = await startTestSim();
  token = (await t.control.createAccount(uniqueName('types'))).accessToken;
});
afterAll(() => t.sim.close());

const TARGETS = Object.values(TARGET_TYPES).flat();
/** The normaliser docs/architecture.md §6 describes: case, punctuation (as space), &/and and extra spaces ignored. */
const normalise = (name: string) =>
  name.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').replace(/\band\b/g, ' ').replace(/\s+/g, ' ').trim();

const typesOf = async (query: string) => {
  const response = await api(t.url, token, 'GET', `/mattertypes?${query}`);
  expect(response.status).toBe(200);
  return response.body.value as any[];
};

describe('GET /mattertypes', () => {
  it('has all 30 docs/architecture.md §6 target names exactly in IL', async () => {
    const names = (await typesOf('Location=IL&Type=0')).map((m) => m.name);
    expect(TARGETS).toHaveLength(30);
    for (const target of TARGETS) expect(names).toContain(target);
  });

  it('has a general type per practice area in every state', async () => {
    for (const location of ['IL', 'CA', 'NY', 'TX', 'FL']) {
      for (const area of Object.keys(TARGET_TYPES)) {
        const names = (await typesOf(`Location=${location}&Category=${encodeURIComponent(area)}&Type=0`)).map((m) => m.name);
        expect(names.some((n) => n === `${area} - General` || n === `General ${area}`)).toBe(true);
      }
    }
  });

  it('has realistic gaps and normaliser-matchable variants outside IL', async () => {
    for (const location of ['CA', 'NY', 'TX', 'FL']) {
      // The spec allows a type without a name (the simulator lists one per location): nothing to match.
      const names = (await typesOf(`Location=${location}&Type=0`)).map((m) => m.name).filter((n): n is string => typeof n === 'string');
      const normalised = new Set(names.map(normalise));
      const missing = TARGETS.filter((target) => !normalised.has(normalise(target)) && !(target === 'Motor Vehicle Accident' && names.includes('Auto Accident')));
      expect(missing.length).toBeGreaterThanOrEqual(2);
      expect(missing.length).toBeLessThanOrEqual(4);
      const variants = TARGETS.filter((target) => !names.includes(target) && normalised.has(normalise(target)));
      expect(variants.length).toBeGreaterThanOrEqual(2);
    }
    expect((await typesOf('Location=FL&Name=Auto Accident')).map((m) => m.name)).toEqual(['Auto Accident']);
    expect((await typesOf('Location=CA&Name=motor-vehicle')).map((m) => m.name)).toEqual(['Motor-Vehicle Accident']);
  });

  it('filters by Name (partial, case-insensitive), Location, Category and Type', async () => {
    const custody = await typesOf('name=custody&location=IL');
    expect(custody.map((m) => m.name)).toEqual(['Child Custody']);
    expect(custody[0]).toMatchObject({ location: 'IL', category: 'Family Law', type: 0, isDeleted: false, href: expect.stringContaining('/mattertypes/') });
    expect(custody[0].id).toMatch(/^[0-9a-f-]{36}_IL$/);
    const leads = await typesOf('Type=1&Location=TX');
    expect(leads.length).toBeGreaterThan(0);
    expect(leads.every((m) => m.type === 1 && m.location === 'TX')).toBe(true);
    const pi = await typesOf('Category=Personal Injury&Location=NY');
    expect(pi.every((m) => m.category === 'Personal Injury')).toBe(true);
    expect(pi[0].representativeOptions).toEqual(expect.arrayContaining(['Plaintiff', 'Defendant']));
  });

  it('returns every location without Location, and excludes deleted types', async () => {
    const all = await typesOf('limit=500');
    const locations = new Set(all.map((m) => m.location));
    expect([...locations].sort()).toEqual(['CA', 'FL', 'IL', 'NY', 'TX']);
    expect(all.some((m) => m.isDeleted)).toBe(false);
    expect(CATALOG.some((m) => m.isDeleted)).toBe(true);
  });

  it('has deterministic ids', async () => {
    const first = await typesOf('Location=IL&Name=Probate');
    const again = await typesOf('Location=IL&Name=Probate');
    expect(first[0].id).toBe(again[0].id);
  });
});

describe('GET /mattertypes/{id} and /mattertypes/categories', () => {
  it('gets one type with items for its roles', async () => {
    const [divorce] = await typesOf('Location=IL&Name=Uncontested');
    const response = await api(t.url, token, 'GET', `/mattertypes/${divorce.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: divorce.id, name: 'Uncontested Divorce', representativeOptions: divorce.representativeOptions });
    expect(response.body.items[0]).toMatchObject({ providerId: 'roles_provider', name: divorce.representativeOptions[0] });
    expect((await api(t.url, token, 'GET', '/mattertypes/nope_IL')).status).toBe(404);
  });

  it('lists the categories as {value: [...]}', async () => {
    const response = await api(t.url, token, 'GET', '/mattertypes/categories');
    expect(response.body.value).toEqual(expect.arrayContaining(['Family Law', 'Immigration', 'Personal Injury', 'Estate Planning', 'Real Estate', 'Litigation']));
  });
});
