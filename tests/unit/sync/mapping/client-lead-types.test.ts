// The client's lead-type list (`type=lead`) beside its matter-type list: Type=1 on the wire, a
// cache entry of its own, one invalidation for both, and matter types listed exactly as before.
import { describe, expect, test } from 'vitest';
import { createSmokeballClient } from '../../../../shared/smokeball/client.ts';
import { createMatterTypeCache } from '../../../../shared/smokeball/matter-type-cache.ts';
import { fakeDeps, json, scriptedFetch } from '../../smokeball/fakes.ts';

const page = (value: unknown[]) => ({ offset: 0, limit: 500, size: value.length, value });
const matterType = { id: 'm_IL', name: 'Divorce', category: 'Family Law', type: 0, location: 'IL', isDeleted: false };
const leadType = { id: 'l_IL', name: 'Family Law Lead', category: 'Family Law', type: 1, location: 'IL', isDeleted: false };
const deletedLead = { ...leadType, id: 'x_IL', name: 'Old Lead', isDeleted: true };

/** Answers GET /mattertypes by its `type` query parameter. */
const byType = (request: Request) =>
  json(200, page(new URL(request.url).searchParams.get('type') === '1' ? [leadType, deletedLead] : [matterType]));

describe('client.matterTypes lead types', () => {
  test('listLeadTypes() asks for Type=1 of the location and drops deleted ones; list() still asks for Type=0', async () => {
    const { fetch, requests } = scriptedFetch(byType);
    const client = createSmokeballClient(fakeDeps(fetch).deps);
    expect((await client.matterTypes.listLeadTypes('IL')).data.map((t) => t.id)).toEqual(['l_IL']);
    expect((await client.matterTypes.list('IL')).data.map((t) => t.id)).toEqual(['m_IL']);
    const params = requests.map(({ request }) => new URL(request.url).searchParams);
    expect(params.map((p) => [p.get('location'), p.get('type')])).toEqual([['IL', '1'], ['IL', '0']]);
  });

  test('lead and matter types are cached under distinct keys of one account, and invalidateCached() drops both', async () => {
    const { fetch, requests } = scriptedFetch(byType);
    const { deps, clock } = fakeDeps(fetch);
    const client = createSmokeballClient({ ...deps, matterTypeCache: createMatterTypeCache({ now: clock.now }) });
    const key = { accountId: 'acc', location: 'IL' };
    expect((await client.matterTypes.listCached(key)).map((t) => t.id)).toEqual(['m_IL']);
    expect((await client.matterTypes.listLeadTypesCached(key)).map((t) => t.id)).toEqual(['l_IL']);
    await client.matterTypes.listCached(key);
    await client.matterTypes.listLeadTypesCached(key);
    expect(requests).toHaveLength(2);

    client.matterTypes.invalidateCached('other-account');
    await client.matterTypes.listCached(key);
    expect(requests).toHaveLength(2);

    client.matterTypes.invalidateCached('acc');
    await client.matterTypes.listCached(key);
    await client.matterTypes.listLeadTypesCached(key);
    expect(requests.map(({ request }) => new URL(request.url).searchParams.get('type'))).toEqual(['0', '1', '0', '1']);
  });
});
