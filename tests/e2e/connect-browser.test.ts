// The connect flow in a real browser: headless Chromium (tests/helpers/browser.ts finds one) follows the
// authorize URL from oauth-start, clicks Approve or Deny on the simulator's consent page, and lands on the
// app's return path — with `connect=<handle>`, which the app page (the gateway's stand-in at APP_URL)
// takes out of the URL and completes through oauth-complete with the signed-in admin's JWT; or with
// `error=access_denied`. A browser whose app session is another user's cannot complete.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { appUrl, startConnectUrl } from '../helpers/connect.ts';
import { connectAsSuperuser, createFirm, createMember, type Sql } from '../helpers/db.ts';
import { signToken } from '../helpers/stack.ts';

let sql: Sql;
let browser: Browser;
beforeAll(async () => {
  sql = connectAsSuperuser();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sql?.end();
});

async function adminAuthorizeUrl(returnTo: string) {
  const firm = await createFirm(sql);
  const admin = await createMember(sql, firm.id, 'admin');
  const token = await signToken({ sub: admin.id, email: admin.email });
  const { url } = await startConnectUrl(token, { returnTo });
  return { firm, admin, token, url };
}

/** Signs the browser into the app stand-in: its session is the JWT kept in localStorage. */
async function signIn(page: Page, token: string) {
  await page.goto(appUrl());
  await page.evaluate((t) => localStorage.setItem('casehug.accessToken', t), token);
}

/** The app page's final word on the connect (set once oauth-complete answered). */
async function outcome(page: Page): Promise<string | null> {
  await page.waitForSelector('#status[data-outcome]');
  return page.textContent('#status');
}

describe('connect in a browser', () => {
  test('Approve on the consent page lands on the app, which completes the connect in the admin session', async () => {
    const { firm, admin, token, url } = await adminAuthorizeUrl('/settings/integrations/smokeball');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, token);
      await page.goto(url);
      await page.fill('#username', `firm-${firm.id}`);
      await Promise.all([page.waitForURL(`${appUrl()}/**`), page.click('button[value="approve"]')]);

      expect(await outcome(page)).toBe('Smokeball connected');
      // The single-use handle is gone from the address bar once spent.
      expect(page.url()).toBe(`${appUrl()}/settings/integrations/smokeball`);
      const [connection] = await sql`select status, connected_by from public.smokeball_connections where firm_id = ${firm.id}`;
      expect(connection).toEqual({ status: 'connected', connected_by: admin.id });
    } finally {
      await context.close();
    }
  });

  test("a browser signed in as someone else cannot complete another admin's connect", async () => {
    const { firm, url } = await adminAuthorizeUrl('/settings');
    const stranger = await createMember(sql, (await createFirm(sql)).id, 'admin');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, await signToken({ sub: stranger.id, email: stranger.email }));
      await page.goto(url);
      await page.fill('#username', `victim-${firm.id}`);
      await Promise.all([page.waitForURL(`${appUrl()}/**`), page.click('button[value="approve"]')]);

      expect(await outcome(page)).toBe('Smokeball connection failed: oauth_user_mismatch');
      expect(await sql`select 1 from public.smokeball_connections where firm_id = ${firm.id}`).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  test('Deny on the consent page lands on the return path with error=access_denied', async () => {
    const { firm, url } = await adminAuthorizeUrl('/settings');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url);
      await Promise.all([page.waitForURL(`${appUrl()}/**`), page.click('button[value="deny"]')]);

      expect(page.url()).toBe(`${appUrl()}/settings?error=access_denied`);
      expect(await page.textContent('#status')).toBe('Smokeball connection failed: access_denied');
      expect(await sql`select 1 from public.smokeball_connections where firm_id = ${firm.id}`).toHaveLength(0);
    } finally {
      await context.close();
    }
  });
});
