// The simulator's HTTP server: one node:http server on one origin serving the auth server
// (`/oauth2/*`), the API (reference paths, no prefix), the pre-signed S3 uploads (`/s3/…`) and the test
// controls (`/__sim/…`). Pipeline of an API request: RequestId → gateway (403/401) → rate limit (429) →
// latency → faults → handler. Auth and S3 skip the gateway and the rate limit (different hosts in reality).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dispatchApi } from './api.ts';
import { handleAuthorize, handleToken } from './auth.ts';
import { handleControl } from './control-routes.ts';
import { authenticateApiRequest } from './gateway.ts';
import { gatewayError, json, Query, readSmallBody, ReplyError, writeReply, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { applyOptionsPatch, lenientDefaults, defaultOptions, type SimOptions, type SimOptionsPatch } from './options.ts';
import { problem } from './problem.ts';
import { endpointOf, matchApiRoute } from './routes.ts';
import { handleUpload, S3_PREFIX } from './s3.ts';
import type { Account } from './store.ts';
import { createWorld, type ApiCtx, type RequestLogEntry, type World } from './world.ts';

export type { SimOptions } from './options.ts';

export type SmokeballSim = {
  url: string;
  port: number;
  /** The live options; `POST /__sim/config` changes the same object. */
  options: SimOptions;
  close(): Promise<void>;
};

/** Query values never written to the request log (codes, tokens, signatures). */
const SECRET_QUERY = /^(code|code_verifier|state|access_token|refresh_token|client_secret|x-amz-signature|x-amz-credential|x-amz-security-token|signature)$/i;

function loggablePath(url: URL): string {
  if (url.search === '') return url.pathname;
  const params = new URLSearchParams();
  for (const [k, v] of url.searchParams) params.append(k, SECRET_QUERY.test(k) ? '***' : v);
  return `${url.pathname}?${params}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function randomLatency(world: World): number {
  const { min, max } = world.options.latencyMs;
  return max > min ? min + Math.random() * (max - min) : min;
}

async function sleepLatency(world: World): Promise<void> {
  const latency = randomLatency(world);
  if (latency > 0) await sleep(latency);
}

function record(world: World, entry: RequestLogEntry): void {
  const { requestLog, stats, options } = world;
  requestLog.push(entry);
  if (requestLog.length > options.maxRequestLog) requestLog.splice(0, requestLog.length - options.maxRequestLog);
  stats.requests++;
  stats.byStatus[entry.status] = (stats.byStatus[entry.status] ?? 0) + 1;
  stats.byEndpoint[entry.endpoint] = (stats.byEndpoint[entry.endpoint] ?? 0) + 1;
}

/** Faults: latency, then a connection reset or an error status; an async failure is left to the handler.
 * `account` is who the request acts for, when known (account-scoped rules match only that account). */
async function applyFaults(world: World, req: IncomingMessage, endpoint: string, path: string, entry: RequestLogEntry, account?: Account) {
  const subject = account ? { accountId: account.id, username: account.username } : undefined;
  const decision = world.faults.decide(req.method ?? 'GET', endpoint, path, subject);
  if (decision.ruleIds.length === 0) return undefined;
  world.stats.faultsInjected++;
  entry.fault = `rules ${decision.ruleIds.join(',')}`;
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  if (decision.reset) {
    world.stats.connectionResets++;
    req.socket.destroy();
    throw new ConnectionReset();
  }
  if (decision.status !== undefined) throw new ReplyError(faultReply(decision.status, path));
  return decision.asyncFailure;
}

class ConnectionReset extends Error {}

/** The account owning an upload URL: its key starts with the account id (files.ts). */
function uploadAccount(world: World, path: string): Account | undefined {
  const key = decodeURIComponent(path.slice(S3_PREFIX.length));
  return world.store.accounts.get(key.split('/')[0] ?? '');
}

/** 5xx look like the gateway's (`{"message"}`), 4xx like the application's ProblemDetails. */
function faultReply(status: number, path: string): Reply {
  if (status === 429) return gatewayError(429, 'Too Many Requests');
  if (status === 500) return gatewayError(500, 'Internal server error');
  if (status === 502) return gatewayError(502, 'Bad Gateway');
  if (status === 503) return gatewayError(503, 'Service Unavailable');
  if (status === 504) return gatewayError(504, 'Endpoint request timed out');
  return problem(status, path, 'Injected fault.');
}

async function handleApi(world: World, req: IncomingMessage, url: URL, path: string, endpoint: string, entry: RequestLogEntry): Promise<Reply> {
  const { account, clientId } = authenticateApiRequest(world, req);
  entry.accountId = account.id;
  entry.clientId = clientId;
  const limit = world.options.rateLimit;
  if (limit.enabled) {
    const verdict = world.limiter.take(`${clientId} ${endpoint}`, limit.rps, limit.burst);
    if (!verdict.allowed) {
      world.stats.throttled++;
      entry.throttled = true;
      return gatewayError(429, 'Too Many Requests', limit.retryAfter ? { 'retry-after': String(verdict.retryAfterS) } : undefined);
    }
  }
  // Like API Gateway, the throttle sees the request as it arrives; the latency is the backend's time.
  await sleepLatency(world);
  const asyncFailure = await applyFaults(world, req, endpoint, path, entry, account);
  const match = matchApiRoute(req.method ?? 'GET', path);
  const ctx: ApiCtx = {
    world,
    req,
    url,
    path,
    query: new Query(url.searchParams),
    params: match?.params ?? {},
    requestId: entry.requestId,
    account,
    clientId,
    asyncFailure,
    body: async () => {
      const raw = (await readSmallBody(req)).toString('utf8');
      if (raw.trim() === '') return undefined;
      try {
        return JSON.parse(raw);
      } catch {
        throw new ReplyError(problem(400, path, 'The request body is not valid JSON.'));
      }
    },
  };
  return dispatchApi(match?.key, ctx);
}

async function handle(world: World, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', world.baseUrl);
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const method = req.method ?? 'GET';

  if (path === '/__sim' || path.startsWith('/__sim/')) {
    await respond(res, () => handleControl(world, req, url));
    return;
  }

  const endpoint = endpointOf(method, path);
  const sentRequestId = req.headers.requestid;
  // Reference §1 "Extra request headers": a caller's RequestId is echoed; otherwise the sim makes one, so
  // the response and any webhook it causes can still be correlated.
  const requestId = typeof sentRequestId === 'string' && sentRequestId !== '' ? sentRequestId.slice(0, 200) : newGuid();
  const entry: RequestLogEntry = {
    seq: ++world.seq.request,
    timeMs: world.clock.nowMs(),
    method,
    path: loggablePath(url),
    endpoint,
    status: 0,
    requestId,
    accountId: null,
    clientId: null,
    durationMs: 0,
  };
  res.setHeader('RequestId', requestId);
  res.once('close', () => {
    entry.status = res.headersSent ? res.statusCode : 0;
    entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
    record(world, entry);
  });
  const note = (fields: Partial<RequestLogEntry>) => Object.assign(entry, fields);

  await respond(res, async () => {
    if (path.startsWith(S3_PREFIX)) {
      await applyFaults(world, req, endpoint, path, entry, uploadAccount(world, path));
      return handleUpload(world, req, url);
    }
    if (path === '/oauth2/authorize' || path === '/oauth2/token') {
      await sleepLatency(world);
      await applyFaults(world, req, endpoint, path, entry);
      return path === '/oauth2/token' ? handleToken(world, req, note) : handleAuthorize(world, req, url, note);
    }
    return handleApi(world, req, url, path, endpoint, entry);
  });
}

async function respond(res: ServerResponse, produce: () => Reply | Promise<Reply>): Promise<void> {
  let reply: Reply;
  try {
    reply = await produce();
  } catch (error) {
    if (error instanceof ConnectionReset) return;
    if (error instanceof ReplyError) reply = error.reply;
    else {
      console.error('[smokeball-sim] unhandled error', error instanceof Error ? error.stack : error);
      reply = json(500, { message: 'Internal server error' });
    }
  }
  if (res.destroyed || res.headersSent) return;
  writeReply(res, reply);
  // A refused upload may still have body bytes in flight: drain them rather than buffer them.
  if (!res.req.complete) res.req.resume();
}

export async function startSmokeballSim(options: SimOptionsPatch = {}): Promise<SmokeballSim> {
  // `lenient: true` starts from the lenient defaults; the rest of the patch still applies on top.
  const base = options.lenient ? applyOptionsPatch(defaultOptions(), lenientDefaults()) : defaultOptions();
  const resolved = applyOptionsPatch(base, options);
  const world = createWorld(resolved);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    void handle(world, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  world.baseUrl = `http://${host}:${port}`;
  return {
    url: world.baseUrl,
    port,
    options: resolved,
    close: async () => {
      for (const timer of world.timers) clearTimeout(timer);
      world.timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
