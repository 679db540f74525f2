// The Chromium that @sparticuz/chromium ships, launched as tests/helpers/browser.ts launches it on a machine
// without a system Chromium. Run even where a system Chromium exists, so the fallback cannot rot unseen.
import { accessSync, constants } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, launchChromium } from '../helpers/browser.ts';

// Two origins on loopback: the page's own, and one it calls that answers with or without CORS headers.
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const page = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' }).end('<p id="status">ready</p>');
});
const api = createServer((req, res) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (req.url === '/with-cors') headers['access-control-allow-origin'] = '*';
  res.writeHead(200, headers).end('{"ok":true}');
});

let pageUrl: string;
let apiUrl: string;
let browser: Browser;
beforeAll(async () => {
  pageUrl = await listen(page);
  apiUrl = await listen(api);
  browser = await launchChromium({ prefer: 'bundled' });
});
afterAll(async () => {
  await browser?.close();
  page.close();
  api.close();
});

describe('the bundled Chromium', () => {
  test('is unpacked into a folder of its own per version and user, and is executable', async () => {
    const found = await findChromium({ prefer: 'bundled' });
    expect(found.source).toBe('bundled');
    const folder = dirname(found.executablePath);
    expect(dirname(folder)).toBe(tmpdir());
    expect(basename(folder)).toMatch(new RegExp(`^casehug-chromium-\\d+\\.\\d+\\.\\d+-${userInfo().uid}$`));
    expect(basename(found.executablePath)).toBe('chromium');
    expect(() => accessSync(found.executablePath, constants.X_OK)).not.toThrow();
  });

  test('enforces CORS like a real browser: a cross-origin read without the header fails, with it succeeds', async () => {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(pageUrl);
      expect(await tab.textContent('#status')).toBe('ready');
      const read = (url: string) =>
        tab.evaluate(async (target) => {
          try {
            return await (await fetch(target)).json();
          } catch (error) {
            return { failed: String(error) };
          }
        }, url);
      expect(await read(`${apiUrl}/with-cors`)).toEqual({ ok: true });
      expect(await read(`${apiUrl}/without-cors`)).toEqual({ failed: expect.stringContaining('Failed to fetch') });
    } finally {
      await context.close();
    }
  });

  test('keeps running after a context closes, so one browser serves a whole test file', async () => {
    for (let round = 0; round < 2; round += 1) {
      const context = await browser.newContext();
      try {
        const tab = await context.newPage();
        await tab.goto(pageUrl);
        expect(await tab.textContent('#status')).toBe('ready');
      } finally {
        await context.close();
      }
    }
  });
});
