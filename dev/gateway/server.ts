// The local stand-in for Supabase's API gateway on one port:
//   /functions/v1/<name>[/…]          the function's Deno process (verify_jwt honoured, CORS preflight)
//   /auth/v1/.well-known/jwks.json    the JWKS that signs user JWTs
//   /auth/v1/user                     the Auth server's check of a user JWT (what supabase-js
//                                     `auth.getUser()` / `getClaims()` ask for legacy HS256 tokens)
//   /storage/v1/…                     the Storage subset (dev/storage)
// Every error it answers itself is the contract's envelope (shared/api/errors.ts) with CORS headers, so
// a browser page reads it like a function's own error; never a stack trace.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { JWK, JWTPayload } from 'jose';
import type { FunctionProcess } from './function-process.ts';
import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../../shared/api/errors.ts';
import { AppError } from '../../shared/errors.ts';
import { errorEnvelope } from '../../shared/http/respond.ts';
import { createProjectJwtVerifier } from './project-jwt.ts';

export type GatewayOptions = {
  port: number;
  jwks: { keys: JWK[] };
  /** The HS256 secret of a project on legacy JWTs: the gate and /auth/v1/user then accept tokens signed with it. */
  legacyJwtSecret?: string;
  /** The project's API keys; /auth/v1/user, like Supabase's gateway, wants one of them in `apikey`. */
  apiKeys?: string[];
  functions: Map<string, { process: FunctionProcess; verifyJwt: boolean }>;
  storage: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;
};

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type, x-region',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-max-age': '86400',
  'access-control-expose-headers': 'x-request-id',
};
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);

export function startGateway(options: GatewayOptions): Promise<Server> {
  const verifyProjectJwt = createProjectJwtVerifier({ jwks: options.jwks, legacyJwtSecret: options.legacyJwtSecret });
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'The gateway failed to handle the request');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    if (!METHODS.has(req.method ?? '')) return sendError(res, 405, 'method_not_allowed', 'Method not allowed');
    if (url.pathname === '/auth/v1/.well-known/jwks.json') return sendJson(res, 200, options.jwks);
    if (url.pathname === '/auth/v1/user' && req.method === 'GET') return sendUser(req, res);
    if (url.pathname.startsWith('/storage/v1/')) return options.storage(req, res, `${url.pathname.slice('/storage/v1'.length)}${url.search}`);
    if ((url.pathname === '/app' || url.pathname.startsWith('/app/')) && req.method === 'GET') return sendAppPage(res, url);
    const fn = /^\/functions\/v1\/([^/?]+)/.exec(url.pathname);
    if (!fn) return sendError(res, 404, 'not_found', 'No such route');
    const target = options.functions.get(fn[1]);
    if (!target) return sendError(res, 404, 'function_not_found', 'Requested function was not found');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      return void res.end();
    }
    if (target.verifyJwt && !(await hasValidJwt(req))) {
      return sendError(res, 401, 'invalid_jwt', 'Invalid or missing JWT');
    }
    let port: number;
    try {
      port = await target.process.port();
    } catch {
      return sendError(res, 503, 'function_unavailable', 'The function failed to start');
    }
    proxy(req, res, port);
  }

  /** The platform's `verify_jwt` gate: any unexpired JWT of this project. */
  async function hasValidJwt(req: IncomingMessage): Promise<boolean> {
    return (await verifiedPayload(req)) !== undefined;
  }

  async function verifiedPayload(req: IncomingMessage): Promise<JWTPayload | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token) return undefined;
    try {
      return await verifyProjectJwt(token);
    } catch {
      return undefined;
    }
  }

  /**
   * GET /auth/v1/user as Supabase Auth answers it, in its error shape (`code`, `error_code`, `msg`): the
   * user of a valid, unexpired access token of this project. The stand-in has no session store, so the
   * user is read from the token's claims.
   */
  async function sendUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const apikey = String(req.headers.apikey ?? '');
    if (options.apiKeys && !options.apiKeys.includes(apikey)) {
      return sendJson(res, 401, { message: 'No API key found in request' });
    }
    if (!req.headers.authorization) {
      return sendJson(res, 401, { code: 401, error_code: 'no_authorization', msg: 'This endpoint requires a valid Bearer token' });
    }
    const claims = await verifiedPayload(req);
    if (!claims || typeof claims.sub !== 'string') {
      return sendJson(res, 403, { code: 403, error_code: 'bad_jwt', msg: 'invalid JWT: unable to parse or verify signature' });
    }
    sendJson(res, 200, {
      id: claims.sub,
      aud: claims.aud,
      role: claims.role,
      email: claims.email,
      app_metadata: {},
      user_metadata: {},
      created_at: new Date(0).toISOString(),
    });
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}

function proxy(req: IncomingMessage, res: ServerResponse, port: number): void {
  const upstream = httpRequest(
    { host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-host': req.headers.host ?? '' } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) sendError(res, 502, 'function_unavailable', 'The function did not answer');
    else res.destroy();
  });
  req.pipe(upstream);
}

/**
 * The local stand-in for the CaseHug app (APP_URL = <gateway>/app): OAuth redirects land here. With
 * `connect=<handle>` the page completes the connect as the app does — it drops the handle from the URL
 * and calls oauth-complete with the signed-in admin's JWT (the stand-in's "session" is the token kept in
 * localStorage under `casehug.accessToken`; `npm run -s token` prints one) — then shows the outcome;
 * with `error=…` it shows the error.
 */
function sendAppPage(res: ServerResponse, url: URL): void {
  const connecting = url.searchParams.has('connect');
  const error = url.searchParams.get('error');
  const status = connecting ? 'Completing the Smokeball connection…' : error ? `Smokeball connection failed: ${error}` : 'CaseHug';
  const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>CaseHug (local)</title></head>` +
    `<body><h1 id="status">${escape(status)}</h1><p>Local stand-in for the CaseHug app at ${escape(url.pathname)}</p>` +
    `<script>${APP_PAGE_SCRIPT}</script></body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'referrer-policy': 'no-referrer' });
  res.end(html);
}

/** What the app does with `connect=`: a fixed script (no value of the request is written into it). */
const APP_PAGE_SCRIPT = `
(async () => {
  const params = new URLSearchParams(location.search);
  const handle = params.get('connect');
  if (!handle) return;
  const status = document.getElementById('status');
  // The handle is single use; keep it out of the history and of anything the page loads next.
  params.delete('connect');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + (rest ? '?' + rest : ''));
  let code = 'network_error';
  try {
    const res = await fetch('/functions/v1/oauth-complete', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + (localStorage.getItem('casehug.accessToken') || ''), 'content-type': 'application/json' },
      body: JSON.stringify({ handle }),
    });
    const body = await res.json();
    code = res.ok && body.connected ? 'connected' : (body.error && body.error.code) || 'http_' + res.status;
  } catch (err) {}
  status.textContent = code === 'connected' ? 'Smokeball connected' : 'Smokeball connection failed: ' + code;
  status.dataset.outcome = code;
})();
`;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const requestId = randomUUID();
  sendJson(res, status, errorEnvelope(new AppError({ code, status, message }), requestId), { ...CORS_HEADERS, 'x-request-id': requestId });
}
