// Matter types (docs/smokeball.md §3 "Matter types"): the catalog (catalog.ts) filtered by `Name` (partial,
// case-insensitive), `Location`, `Category`, `Type` (0 matter, 1 lead); deleted types are excluded.
import { CATALOG, CATEGORIES, findMatterType, LOCATIONS, type MatterTypeRecord } from './catalog.ts';
import { guidFromName } from './ids.ts';
import { shapeOn } from './options.ts';
import { json, type Reply } from './http.ts';
import { pagedEnvelope, pageOf } from './paging.ts';
import { notFoundProblem } from './problem.ts';
import { matterTypeView } from './views.ts';
import type { ApiCtx } from './world.ts';

export function listMatterTypes(ctx: ApiCtx): Reply {
  const { query } = ctx;
  const page = pageOf(query, ctx.path);
  const name = query.get('name')?.toLowerCase();
  const location = query.get('location')?.toLowerCase();
  const category = query.get('category')?.toLowerCase();
  const type = query.get('type');
  const catalog = shapeOn(ctx.world.options, 'unnamedMatterTypes') ? [...CATALOG, ...UNNAMED] : CATALOG;
  const items = catalog.filter(
    (t) =>
      !t.isDeleted &&
      (!name || (t.name !== '' && t.name.toLowerCase().includes(name))) &&
      (!location || t.location.toLowerCase() === location) &&
      (!category || t.category.toLowerCase() === category) &&
      (type === undefined || String(t.type) === type),
  );
  const baseUrl = ctx.world.baseUrl;
  return json(200, pagedEnvelope([...items], page, ctx.url, baseUrl, (t) => matterTypeView(baseUrl, t)));
}

/** One unnamed matter type per location (the spec's `name` is nullable), listed only. */
const UNNAMED: readonly MatterTypeRecord[] = LOCATIONS.map((location) => ({
  id: `${guidFromName(`${location}:unnamed`)}_${location}`,
  versionId: guidFromName(`${location}:unnamed:v1`),
  name: '',
  category: 'Other',
  type: 0,
  representativeOptions: ['Client', 'Other Side'],
  location,
  isDeleted: false,
}));

export function getMatterType(ctx: ApiCtx): Reply {
  const type = findMatterType(ctx.params.id);
  if (!type) throw notFoundProblem(ctx.path, 'Matter type');
  return json(200, matterTypeView(ctx.world.baseUrl, type, true));
}

/** `{ value: [string] }` (docs/smokeball.md §3). */
export const listCategories = (): Reply => json(200, { value: CATEGORIES });
