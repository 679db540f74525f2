// GET /functions/v1/smokeball-matter-types (member JWT; Settings → Integrations → Smokeball →
// Case Type Mappings). Query keys are strict: anything else, or a bad value, is 400 invalid_query.
//
//   ?type=matter|lead (default matter) &category=<practice area> → the picker:
//     { jurisdiction, type, categories: [{ category, matterTypes: [{ id, name, category, location,
//       representativeOptions }] }] }
//     the firm's jurisdiction's types only, sorted by category then name; a category matching nothing
//     gives `categories: []`.
//   ?preview=1 → what every case type (the 30 built-ins, each one with a custom mapping, each one the
//     firm's matters use) maps to now, with how many of the firm's matters use it:
//     { jurisdiction, mappings: [{ caseType, how, matterType: { id, name, category } | null, reason, matterCount }] }
//     sorted by case type; `how` is custom-id | custom-name | built-in | alias | general-fallback |
//     unmapped (matterType null, reason says what to fix). Resolved by the resolver sync-matter uses.
//   &refresh=1 (admin only, else 403) → drop the firm's cached matter types before answering.
//   &firmId=<uuid> → required only for a user of several firms.
//
// Matter types come from the Smokeball client's in-memory cache (10 min TTL), which is per function
// instance: `refresh=1` renews this instance's copy only. sync-matter and the worker run in other
// instances with caches of their own, so a type just added in Smokeball can take up to the TTL to reach
// a sync even after a refresh here.
//
// Errors: 401 without a valid JWT; 403 forbidden for a non-member (or a member asking to refresh);
// 409 not_connected / smokeball_reauth_required; 503 smokeball_not_configured; Smokeball failures as
// their smokeball_* codes.
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { listFirmMatterTypes } from '../../../shared/sync/mapping/list-matter-types.ts';
import { firmSmokeballDeps } from '../../../shared/runtime/firm-smokeball-deps.ts';
import { previewFirmMappings } from '../../../shared/sync/mapping/preview-for-firm.ts';
import { smokeballLocationOf } from '../../../shared/sync/firm-smokeball.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'smokeball-matter-types',
    methods: ['GET'],
    auth: 'user',
    cors: true,
    async handle({ url, user, runtime }) {
      const query = parseWith(api.MatterTypesQuery, Object.fromEntries(url.searchParams), 'invalid_query');
      const refresh = query.refresh ?? false;
      const firm = await authorizeFirm(runtime.sql, user, url, refresh ? 'admin' : 'member');
      await runtime.smokeball.assertConfiguredFor(firm.firmId);
      const deps = firmSmokeballDeps(runtime);
      const scope = { firmId: firm.firmId, jurisdiction: smokeballLocationOf(firm.jurisdiction), refresh };
      if (query.preview) return { body: api.MappingPreviewList.parse(await previewFirmMappings(deps, scope)) };
      return { body: api.MatterTypeList.parse(await listFirmMatterTypes(deps, { ...scope, kind: query.type ?? 'matter', category: query.category })) };
    },
  },
  runtime,
);
