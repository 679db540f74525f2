// Connecting a test firm to its own simulator account the way an admin does, minus the browser:
// oauth-start, the consent page with `auto=approve`, the callback through the gateway, then
// oauth-complete with the admin's JWT (what the app does with the `connect=` handle).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { FunctionProcess } from '../../dev/gateway/function-process.ts';
import { publicJwks, type StackKeys } from '../../dev/keys.ts';
import { SimControl, type RequestLogEntry } from '../../dev/smokeball-sim/sim-client.ts';
import { parseSealer, type Sealer } from '../../shared/crypto/seal.ts';
import { OAuthRedirectQuery } from '../../shared/api/errors.ts';
import { OAuthCompleteResponse, OAuthStartResponse } from '../../shared/api/functions.ts';
import { conforming } from './contract.ts';
import { callFunction } from './stack.ts';

export async function startConnect(token: string, body: unknown = {}, query = ''): Promise<Response> {
  const res = await callFunction(`oauth-start${query}`, {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return conforming(res, OAuthStartResponse);
}

/** Follows the authorize URL with auto-approval; returns the callback URL Smokeball redirected to. */
export async function approveAt(authorizeUrl: string, username: string): Promise<string> {
  const url = new URL(authorizeUrl);
  url.searchParams.set('auto', 'approve');
  url.searchParams.set('login_hint', username);
  const res = await fetch(url, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`consent answered ${res.status}`);
  return res.headers.get('location')!;
}

/** Calls the callback as the browser would; returns where the app is sent. */
export async function followCallback(callbackUrl: string): Promise<{ status: number; location: URL | null }> {
  const res = await fetch(callbackUrl, { redirect: 'manual' });
  await res.body?.cancel();
  const location = res.headers.get('location');
  // The app's URL carries `connect=<handle>` or one of the contract's `error=` codes.
  if (location) OAuthRedirectQuery.parse(Object.fromEntries(new URL(location).searchParams));
  return { status: res.status, location: location ? new URL(location) : null };
}

/** oauth-complete as the app calls it: `POST { handle, switchAccount? }` with a user's JWT (or none). */
export async function completeConnect(token: string | undefined, body: unknown): Promise<Response> {
  const res = await callFunction('oauth-complete', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return conforming(res, OAuthCompleteResponse);
}

/** The `connect=` handle the callback sent the browser to the app with (throws on an `error=`). */
export function handleFrom(location: URL | null): string {
  const handle = location?.searchParams.get('connect');
  if (!handle) throw new Error(`the callback did not hand over a connect handle: ${location}`);
  return handle;
}

/**
 * The whole connect for a firm admin — oauth-start, consent, callback, then oauth-complete with the same
 * admin's JWT, as the app does; returns the Smokeball (simulator) username of the account.
 */
export async function connectFirm(
  adminToken: string,
  username = `firm-${crypto.randomUUID()}`,
  options: { switchAccount?: boolean } = {},
): Promise<string> {
  const start = await startConnect(adminToken);
  if (start.status !== 200) throw new Error(`oauth-start answered ${start.status}: ${await start.text()}`);
  const { url } = (await start.json()) as { url: string };
  const { location } = await followCallback(await approveAt(url, username));
  const complete = await completeConnect(adminToken, { handle: handleFrom(location), ...options });
  if (complete.status !== 200) throw new Error(`oauth-complete answered ${complete.status}: ${await complete.text()}`);
  return username;
}

export const appUrl = () => `${inject('gatewayUrl')}/app`;

// ---------------------------------------------------------------------------------------------------
// The pieces of a connect, for the tests that tamper with one of them.
// ---------------------------------------------------------------------------------------------------

/** The simulator's `/__sim/` controls (read-only use: the simulator is shared by every test file). */
export const sim = () => new SimControl(inject('simUrl'));

/** The stack's keys (keys.json in its data folder, beside the function log file). */
export async function stackKeys(): Promise<StackKeys> {
  return JSON.parse(await readFile(join(dirname(inject('functionLogFile')), 'keys.json'), 'utf8')) as StackKeys;
}

/** A sealer with the functions' TOKEN_ENCRYPTION_KEYS, to open what they stored. */
export async function stackSealer(): Promise<Sealer> {
  return parseSealer((await stackKeys()).tokenEncryptionKeys);
}

/** oauth-start as an admin: the authorize URL and its state. */
export async function startConnectUrl(token: string, body: unknown = {}): Promise<{ url: string; state: string }> {
  const res = await startConnect(token, body);
  if (res.status !== 200) throw new Error(`oauth-start answered ${res.status}: ${await res.text()}`);
  const { url } = (await res.json()) as { url: string };
  return { url, state: new URL(url).searchParams.get('state')! };
}

/** Renders the consent page (no auto-approval) and submits it with Deny; returns the redirect target. */
export async function denyAt(authorizeUrl: string): Promise<string> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1], unescapeHtml(m[2]));
  form.set('username', '');
  form.set('decision', 'deny');
  const res = await fetch(new URL('/oauth2/authorize', authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  if (res.status !== 302) throw new Error(`consent form answered ${res.status}`);
  return res.headers.get('location')!;
}

const unescapeHtml = (s: string) =>
  s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The highest sequence number of the simulator's token-endpoint log: later calls have a higher one. */
export async function tokenLogMark(): Promise<number> {
  const entries = await sim().requests({ endpoint: 'POST /oauth2/token' });
  return entries.reduce((max, e) => Math.max(max, e.seq), 0);
}

/**
 * Token-endpoint calls since `mark` that may be ours. The simulator is shared with test files running in
 * parallel; a call is attributed to an account only when the grant was valid, so `accountId` matches
 * either ours or none (a refused grant).
 */
export async function tokenCallsSince(mark: number, grantType: string, accountId?: string): Promise<RequestLogEntry[]> {
  const entries = await sim().requests({ since: mark, endpoint: 'POST /oauth2/token' });
  return entries.filter((e) => e.grantType === grantType && (accountId === undefined || e.accountId === accountId || e.accountId === null));
}

/** The simulator account a username approved as. */
export async function simAccountId(username: string): Promise<string> {
  const state = await sim().state(username);
  const account = state.accounts.find((a) => a.username.toLowerCase() === username.toLowerCase());
  if (!account) throw new Error(`no simulator account ${username}`);
  return account.accountId;
}

/**
 * One function in its own Deno process with the stack's environment minus the Smokeball credentials
 * (the shared stack's functions are configured). The global setup does not hand tests the functions'
 * environment, so it is rebuilt here from what it does provide. `extraEnv` adds to it (e.g. the simulator's
 * URLs, so firms with an app of their own still reach it).
 */
export async function startUnconfiguredFunction(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<{ url: string; lines: string[]; stop(): Promise<void> }> {
  const keys = await stackKeys();
  const gatewayUrl = inject('gatewayUrl');
  const env: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => /^(PATH|HOME|DENO_DIR|TMPDIR)$/.test(e[0]) && e[1] !== undefined),
    ),
    SUPABASE_URL: gatewayUrl,
    SUPABASE_DB_URL: inject('dbUrl'),
    SUPABASE_JWKS: JSON.stringify(publicJwks(JSON.parse(inject('signingKey')))),
    SUPABASE_SECRET_KEY: inject('secretKey'),
    TOKEN_ENCRYPTION_KEYS: keys.tokenEncryptionKeys,
    APP_URL: `${gatewayUrl}/app`,
    ...extraEnv,
  };
  const lines: string[] = [];
  const fn = new FunctionProcess({ name, root: fileURLToPath(new URL('../..', import.meta.url)), env, onLine: (_fn, line) => lines.push(line) });
  const port = await fn.port();
  return { url: `http://127.0.0.1:${port}/${name}`, lines, stop: () => fn.stop() };
}
