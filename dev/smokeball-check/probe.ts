// The raw HTTP side of the conformance check: one authorised API call with both headers, observed as it
// came off the wire (status, headers, body text), and the token endpoint. Raw fetch on purpose: the check
// tests what the client *assumes*, so it must see what the client would otherwise hide or retry.
import { randomUUID } from 'node:crypto';

export type Target = { apiUrl: string; authUrl: string; clientId: string; clientSecret: string | null; apiKey: string };

export type Observed = { status: number; headers: Headers; text: string; json: unknown; ms: number };

export async function observe(url: string, init: RequestInit = {}): Promise<Observed> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms: Math.round(performance.now() - started) };
}

export type Api = {
  call(method: string, path: string, options?: { json?: unknown; headers?: Record<string, string | null> }): Promise<Observed>;
  token: string;
};

/** API calls with `x-api-key`, the bearer token and a fresh `RequestId`; a header set to null is left out. */
export function apiFor(target: Target, token: string): Api {
  return {
    token,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { 'x-api-key': target.apiKey, authorization: `Bearer ${token}`, RequestId: randomUUID() };
      if (options.json !== undefined) headers['content-type'] = 'application/json';
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
        if (value === null) delete headers[key];
        else headers[key] = value;
      }
      return observe(`${target.apiUrl}${path}`, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
    },
  };
}

/** `POST {auth}/oauth2/token` as docs/smokeball.md §1 describes it: form body, Basic auth for a confidential client. */
export function tokenRequest(target: Target, form: Record<string, string>): Promise<Observed> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (target.clientSecret !== null) {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString('base64')}`;
  }
  return observe(`${target.authUrl}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams({ client_id: target.clientId, ...form }) });
}

/** Polls `probe` until it answers a value or `timeoutMs` passes (undefined then); never a bare sleep. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 50): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
