// The app stand-in's connect completion, without a browser: the script the gateway serves at APP_URL is
// run in a Node VM whose `location`, `history`, `document` and `localStorage` are the minimum a page has,
// and whose `fetch` reaches the real gateway — so the page's call to oauth-complete, its handling of the
// answer and its removal of the handle from the URL are exercised against the real stack. (The browser
// test, tests/e2e/connect-browser.test.ts, drives the same page in Chromium.)
import { runInNewContext } from 'node:vm';
import { describe, expect, inject, test } from 'vitest';
import { approveAt, followCallback, handleFrom, startConnectUrl } from '../../helpers/connect.ts';
import { createFirm, createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { signToken } from '../../helpers/stack.ts';
import { waitFor } from '../../helpers/wait.ts';

const sql = useSuperuserSql();

/** Loads the app page at `landing` and runs its script as a browser would, signed in with `token`. */
async function openAppPage(landing: URL, token: string) {
  const html = await (await fetch(landing)).text();
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error('the app page has no script');
  const status = { textContent: /<h1 id="status">([^<]*)<\/h1>/.exec(html)?.[1] ?? '', dataset: {} as Record<string, string> };
  const page = { url: landing.toString() };
  const gateway = inject('gatewayUrl');
  runInNewContext(script, {
    location: { get search() { return new URL(page.url).search; }, get pathname() { return new URL(page.url).pathname; } },
    history: { replaceState: (_s: unknown, _t: string, path: string) => void (page.url = new URL(path, page.url).toString()) },
    document: { getElementById: (id: string) => (id === 'status' ? status : null) },
    localStorage: { getItem: (key: string) => (key === 'casehug.accessToken' ? token : null) },
    fetch: (path: string, init: RequestInit) => fetch(new URL(path, gateway), init),
    URLSearchParams,
    JSON,
  });
  await waitFor(async () => status.dataset.outcome !== undefined, { what: 'the app page to finish the connect' });
  return { status, url: () => page.url };
}

async function landingFor(returnTo: string, username: string) {
  const { firm, admin, token } = await createFirmAdmin(sql);
  const { url } = await startConnectUrl(token, { returnTo });
  const { location } = await followCallback(await approveAt(url, `${username}-${firm.id}`));
  handleFrom(location);
  return { firm, admin, token, landing: location! };
}

describe('the app page completes a connect', () => {
  test("with the starting admin's session: connected, and the handle is gone from the URL", async () => {
    const { firm, admin, token, landing } = await landingFor('/settings/integrations?tab=smokeball', 'firm');
    const page = await openAppPage(landing, token);
    expect(page.status.textContent).toBe('Smokeball connected');
    expect(page.url()).toBe(`${inject('gatewayUrl')}/app/settings/integrations?tab=smokeball`);
    const [connection] = await sql`select status, connected_by from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection).toEqual({ status: 'connected', connected_by: admin.id });
  });

  test("with another user's session: refused (oauth_user_mismatch), nothing connected", async () => {
    const { firm, landing } = await landingFor('/settings', 'victim');
    const stranger = await createMember(sql, (await createFirm(sql)).id, 'admin');
    const page = await openAppPage(landing, await signToken({ sub: stranger.id }));
    expect(page.status.textContent).toBe('Smokeball connection failed: oauth_user_mismatch');
    expect(page.url()).toBe(`${inject('gatewayUrl')}/app/settings`);
    expect(await sql`select 1 from public.smokeball_connections where firm_id = ${firm.id}`).toHaveLength(0);
  });

  test('an error redirect shows the error and calls nothing', async () => {
    const html = await (await fetch(`${inject('gatewayUrl')}/app/settings?error=access_denied`)).text();
    expect(/<h1 id="status">([^<]*)<\/h1>/.exec(html)?.[1]).toBe('Smokeball connection failed: access_denied');
  });
});
