// Connecting a test firm to its own simulator account the way an admin does, minus the browser:
// oauth-start, the consent page with `auto=approve`, then the callback through the gateway.
import { inject } from 'vitest';
import { callFunction } from './stack.ts';

export async function startConnect(token: string, body: unknown = {}, query = ''): Promise<Response> {
  return callFunction(`oauth-start${query}`, {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
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
  return { status: res.status, location: location ? new URL(location) : null };
}

/** The whole connect for a firm admin; returns the Smokeball (simulator) username of the account. */
export async function connectFirm(adminToken: string, username = `firm-${crypto.randomUUID()}`): Promise<string> {
  const start = await startConnect(adminToken);
  if (start.status !== 200) throw new Error(`oauth-start answered ${start.status}: ${await start.text()}`);
  const { url } = (await start.json()) as { url: string };
  const { location } = await followCallback(await approveAt(url, username));
  if (location?.searchParams.get('connected') !== '1') throw new Error(`connect failed: ${location}`);
  return username;
}

export const appUrl = () => `${inject('gatewayUrl')}/app`;
