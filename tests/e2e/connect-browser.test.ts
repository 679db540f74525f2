// The connect flow in a real browser (DESIGN §5 Connect): headless Chromium (tests/helpers/browser.ts finds
// one) follows the authorize URL from oauth-start, clicks Approve or Deny on the simulator's consent
// page, and lands on the app's return path with `connected=1` or `error=access_denied`.
import type { Browser } from 'playwright-core';
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
  const { url } = await startConnectUrl(await signToken({ sub: admin.id, email: admin.email }), { returnTo });
  return { firm, admin, url };
}

describe('connect in a browser', () => {
  test('Approve on the consent page lands on the return path with connected=1', async () => {
    const { firm, admin, url } = await adminAuthorizeUrl('/settings/integrations/smokeball');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url);
      await page.fill('#username', `firm-${firm.id}`);
      await Promise.all([page.waitForURL(`${appUrl()}/**`), page.click('button[value="approve"]')]);

      expect(page.url()).toBe(`${appUrl()}/settings/integrations/smokeball?connected=1`);
      expect(await page.textContent('#status')).toBe('Smokeball connected');
      const [connection] = await sql`select status, connected_by from public.smokeball_connections where firm_id = ${firm.id}`;
      expect(connection).toEqual({ status: 'connected', connected_by: admin.id });
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
