// Shared helpers for the simulator's own tests: start a sim on a free port, call the API the way a client
// does, wait on state with a deadline (never a fixed sleep), and receive webhooks on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimControl } from '../../../dev/smokeball-sim/sim-client.ts';
import type { SimOptionsPatch } from '../../../dev/smokeball-sim/options.ts';
import { startSmokeballSim, type SmokeballSim } from '../../../dev/smokeball-sim/server.ts';

export const CLIENT_ID = 'casehug-local';
export const CLIENT_SECRET = 'casehug-local-secret';
export const API_KEY = 'casehug-local-api-key';
export const REDIRECT_URI = 'http://127.0.0.1:54321/functions/v1/oauth-callback';

export type TestSim = { sim: SmokeballSim; control: SimControl; url: string };

/** A sim with the rate limit off unless asked for, so tests that are not about it never get 429s. */
export async function startTestSim(options: SimOptionsPatch = {}): Promise<TestSim> {
  const sim = await startSmokeballSim({ port: 0, ...options, rateLimit: { enabled: false, ...options.rateLimit } });
  return { sim, control: new SimControl(sim.url), url: sim.url };
}

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export type ApiResult<T = any> = { status: number; headers: Headers; body: T; text: string };

export async function api<T = any>(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResult<T>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'x-api-key': API_KEY,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * Runs `body` with every write staying invisible for `ms`, then restores the sim's delay. For checks that
 * a read or write right after a 202 is refused: with the usual 100–600 ms, a loaded machine can take
 * longer than the delay between the 202 and the next request, and the resource is rightly visible.
 */
export async function withVisibilityDelay<T>(t: Pick<TestSim, 'control'>, ms: number, body: () => Promise<T>): Promise<T> {
  const before = (await t.control.getConfig()).writeVisibilityDelayMs;
  await t.control.config({ writeVisibilityDelayMs: ms });
  try {
    return await body();
  } finally {
    await t.control.config({ writeVisibilityDelayMs: before });
  }
}

/** Polls until `probe` returns a value other than undefined/false, or fails after the deadline. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** GETs a resource until it is visible (200), as a client must after a 202. */
export const visible = (url: string, token: string, path: string) =>
  eventually(async () => {
    const r = await api(url, token, 'GET', path);
    return r.status === 200 ? r.body : undefined;
  }, `${path} to become visible`);

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const basicAuth = (id = CLIENT_ID, secret = CLIENT_SECRET) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export async function tokenRequest(url: string, form: Record<string, string>, authorization: string | null = basicAuth()) {
  const response = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: any; raw: string };

/** A webhook receiver on 127.0.0.1 that records every delivery. */
export async function startReceiver(answer = 200) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body: JSON.parse(raw), raw });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A person contact created and visible; returns its id. */
export async function createVisibleContact(url: string, token: string, person: Record<string, unknown>): Promise<string> {
  const created = await api(url, token, 'POST', '/contacts', { person });
  if (created.status !== 202) throw new Error(`contact create answered ${created.status}: ${created.text}`);
  await visible(url, token, `/contacts/${created.body.id}`);
  return created.body.id;
}
