import { describe, expect, test } from 'vitest';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { appUrl, approveAt, completeConnect, followCallback, simAccountId, startConnect } from '../../helpers/connect.ts';

const sql = useSuperuserSql();

describe('connect', () => {
  test('an admin connects: authorize URL, consent, callback → app with connect=<handle>, oauth-complete → a connection row', async () => {
    const { firm, admin, token } = await createFirmAdmin(sql);
    const username = `firm-${firm.id}`;

    const start = await startConnect(token, { returnTo: '/settings/integrations/smokeball' });
    expect(start.status).toBe(200);
    const { url } = await start.json();
    const authorize = new URL(url);
    expect(authorize.pathname).toBe('/oauth2/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{43}$/);

    const { status, location } = await followCallback(await approveAt(url, username));
    expect(status).toBe(302);
    const handle = location?.searchParams.get('connect') ?? '';
    expect(handle).toMatch(/^[\w-]{43}$/);
    expect(location?.toString()).toBe(`${appUrl()}/settings/integrations/smokeball?connect=${handle}`);
    // Nothing is connected until the app completes the connect in the admin's session.
    expect(await sql`select 1 from public.smokeball_connections where firm_id = ${firm.id}`).toHaveLength(0);

    const complete = await completeConnect(token, { handle });
    expect(complete.status).toBe(200);
    expect(await complete.json()).toEqual({ connected: true, accountId: await simAccountId(username), switchedAccount: false });

    const [connection] = await sql`select status, region, connected_by from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection).toEqual({ status: 'connected', region: 'US', connected_by: admin.id });
  });
});
