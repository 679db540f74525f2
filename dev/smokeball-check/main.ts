// `npm run smokeball:check [-- --write] [--webhook-url <public url> --listen <port>] [--location IL]`
//
// Checks every assumption the integration makes about Smokeball against a live base URL and prints a
// table: assumption → what was observed → holds or not (exit 1 if any does not hold). Reads only, unless
// `--write`: then it creates a tagged contact, matter, file and webhook subscription and deletes them.
//
// Against Smokeball (e.g. staging), from the environment: SMOKEBALL_API_URL, SMOKEBALL_AUTH_URL,
// SMOKEBALL_CLIENT_ID, SMOKEBALL_CLIENT_SECRET (absent for a public client), SMOKEBALL_API_KEY and
// SMOKEBALL_REFRESH_TOKEN — or, to get one, `--authorize` prints an authorize URL and a PKCE verifier;
// then SMOKEBALL_AUTH_CODE, SMOKEBALL_CODE_VERIFIER and SMOKEBALL_REDIRECT_URI exchange the code.
// Without SMOKEBALL_API_URL (or with `--sim`) it starts the project's simulator on a free port and drives
// the authorization code flow against it, which is how `npm test` runs it.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startSmokeballSim } from '../smokeball-sim/server.ts';
import { TokenResponse } from '../../shared/smokeball/schemas/token.ts';
import { type Delivery, type Row, runChecks } from './checks.ts';
import { observe, type Target, tokenRequest } from './probe.ts';

const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    sim: { type: 'boolean', default: false },
    authorize: { type: 'boolean', default: false },
    location: { type: 'string' },
    'webhook-url': { type: 'string' },
    listen: { type: 'string' },
  },
});

const env = (name: string) => process.env[name]?.trim() || undefined;
const base64url = (bytes: Buffer) => bytes.toString('base64url');

async function main(): Promise<number> {
  const useSim = args.sim || !env('SMOKEBALL_API_URL');
  const sim = useSim ? await startSmokeballSim({ port: 0, autoApprove: true }) : undefined;
  const receiver = await startReceiver(args.listen ? Number(args.listen) : 0, !!(sim || args['webhook-url']));
  try {
    const target: Target = sim
      ? { apiUrl: sim.url, authUrl: sim.url, clientId: sim.options.clientId, clientSecret: sim.options.clientSecret, apiKey: sim.options.apiKey }
      : {
          apiUrl: required('SMOKEBALL_API_URL').replace(/\/+$/, ''),
          authUrl: required('SMOKEBALL_AUTH_URL').replace(/\/+$/, ''),
          clientId: required('SMOKEBALL_CLIENT_ID'),
          clientSecret: env('SMOKEBALL_CLIENT_SECRET') ?? null,
          apiKey: required('SMOKEBALL_API_KEY'),
        };
    const rows: Row[] = [];
    const refreshToken = sim ? await simRefreshToken(target, sim.options.redirectUris[0], rows) : await stagingRefreshToken(target, rows);
    if (!refreshToken) return printAndVerdict(rows, target);
    const publicUrl = sim ? receiver?.url : args['webhook-url'];
    const notes: string[] = [];
    rows.push(
      ...(await runChecks({
        target,
        refreshToken,
        location: args.location ?? env('SMOKEBALL_CHECK_LOCATION') ?? 'IL',
        write: args.write,
        webhook: publicUrl && receiver ? { publicUrl, nextDelivery: receiver.next } : undefined,
        note: (text) => notes.push(text),
      })),
    );
    return printAndVerdict(rows, target, notes);
  } finally {
    await receiver?.close();
    await sim?.close();
  }
}

function required(name: string): string {
  const value = env(name);
  if (!value) throw new Error(`${name} is not set (see the header of dev/smokeball-check/main.ts)`);
  return value;
}

/** The simulator's consent is approved by `auto=approve`; the code is exchanged like the app does (PKCE S256). */
async function simRefreshToken(target: Target, redirectUri: string, rows: Row[]): Promise<string | undefined> {
  const verifier = base64url(randomBytes(32));
  const url = new URL(`${target.authUrl}/oauth2/authorize`);
  const params = {
    response_type: 'code', client_id: target.clientId, redirect_uri: redirectUri, state: base64url(randomBytes(16)),
    code_challenge: base64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
    auto: 'approve', login_hint: `smokeball-check-${randomBytes(4).toString('hex')}`,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const authorize = await fetch(url, { redirect: 'manual' });
  const code = new URL(authorize.headers.get('location') ?? 'http://invalid/').searchParams.get('code');
  return exchangeCode(target, { code: code ?? '', verifier, redirectUri }, rows);
}

async function stagingRefreshToken(target: Target, rows: Row[]): Promise<string | undefined> {
  if (args.authorize) {
    const verifier = base64url(randomBytes(32));
    const url = new URL(`${target.authUrl}/oauth2/authorize`);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', target.clientId);
    url.searchParams.set('redirect_uri', required('SMOKEBALL_REDIRECT_URI'));
    url.searchParams.set('code_challenge', base64url(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    console.log(`Open:\n  ${url}\nthen run again with SMOKEBALL_AUTH_CODE=<code from the redirect> SMOKEBALL_CODE_VERIFIER=${verifier}`);
    return undefined;
  }
  if (env('SMOKEBALL_REFRESH_TOKEN')) return env('SMOKEBALL_REFRESH_TOKEN');
  return exchangeCode(target, { code: required('SMOKEBALL_AUTH_CODE'), verifier: required('SMOKEBALL_CODE_VERIFIER'), redirectUri: required('SMOKEBALL_REDIRECT_URI') }, rows);
}

async function exchangeCode(target: Target, input: { code: string; verifier: string; redirectUri: string }, rows: Row[]): Promise<string | undefined> {
  const res = await tokenRequest(target, { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.verifier });
  const token = TokenResponse.safeParse(res.json);
  const ok = res.status === 200 && token.success && !!token.data.refresh_token;
  rows.push({
    assumption: 'authorization_code grant with PKCE S256 answers 200 with access and refresh tokens (§1)',
    observed: `${res.status}${token.success ? `, refresh_token ${token.data.refresh_token ? 'present' : 'absent'}` : ', body does not parse'}`,
    verdict: ok ? 'holds' : 'does not hold',
  });
  return ok && token.success ? token.data.refresh_token! : undefined;
}

/** A local HTTP receiver for webhook deliveries (answers 200 at once, as the 10 s limit asks, §5). */
async function startReceiver(port: number, wanted: boolean) {
  if (!wanted) return undefined;
  const queue: Delivery[] = [];
  const waiters: ((d: Delivery) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const delivery = { headers, body: Buffer.concat(chunks).toString('utf8') };
      const waiter = waiters.shift();
      if (waiter) waiter(delivery);
      else queue.push(delivery);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/smokeball-check`,
    next: (timeoutMs: number) =>
      new Promise<Delivery | undefined>((resolve) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        waiters.push((d) => {
          clearTimeout(timer);
          resolve(d);
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Markdown table (pasteable into an issue), the notes, and the exit code: 1 if anything does not hold. */
function printAndVerdict(rows: Row[], target: Target, notes: string[] = []): number {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  console.log(`Smokeball conformance check against ${target.apiUrl} (auth ${target.authUrl})\n`);
  console.log('| assumption | observed | verdict |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(`| ${cell(row.assumption)} | ${cell(row.observed)} | ${row.verdict} |`);
  for (const note of notes) console.log(`\nnote: ${note}`);
  const failed = rows.filter((r) => r.verdict === 'does not hold').length;
  const skipped = rows.filter((r) => r.verdict === 'skipped').length;
  console.log(`\n${rows.length - failed - skipped} hold, ${failed} do not hold, ${skipped} skipped`);
  return failed === 0 && rows.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`smokeball:check failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
