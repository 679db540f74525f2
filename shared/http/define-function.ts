// The adapter every function is built with: request id, CORS preflight, method check, one error writer
// and one log line per request. Who may call is declared (`auth`) and checked by shared/http/auth.ts,
// which delegates the verification to Supabase's `@supabase/server`. The handler itself only parses,
// authorizes, calls one shared/sync function and answers.
import { AppError } from '../errors.ts';
import type { AuthenticatedUser, CallerAuth } from './auth.ts';
import { CORS_HEADERS, preflightResponse } from './cors.ts';
import { createLogger, describeError, type Logger } from '../log.ts';
import { errorResponse, jsonResponse } from './respond.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What the adapter needs of a function's runtime: the caller checks. The runtime itself (shared/runtime/) is
 * the function's own, passed through to its handler, so HTTP does not depend on the domain.
 */
export type RuntimeWithAuth = { auth: CallerAuth };

type BaseContext<R> = { req: Request; url: URL; requestId: string; log: Logger; runtime: R };
export type UserContext<R> = BaseContext<R> & { user: AuthenticatedUser };
/** A function called both by members (a user JWT) and by the database's schedule (a secret key). */
export type UserOrSecretContext<R> = BaseContext<R> & { user: AuthenticatedUser | null };
export type PublicContext<R> = BaseContext<R>;

type Result = Response | { status?: number; body: unknown };

/** A function as written in its handler.ts: everything but the runtime it runs with. */
export type FunctionDefinition<R> =
  | { name: string; methods: Method[]; auth: 'user'; cors?: boolean; handle(ctx: UserContext<R>): Promise<Result> }
  | { name: string; methods: Method[]; auth: 'secret-key' | 'none'; cors?: boolean; handle(ctx: PublicContext<R>): Promise<Result> }
  | { name: string; methods: Method[]; auth: 'user-or-secret-key'; cors?: boolean; handle(ctx: UserOrSecretContext<R>): Promise<Result> };

/**
 * The served handler. It carries its definition so that a test can build the same function over a fake
 * runtime (`defineFunction(handler.definition, () => fake)`) without the environment the real one reads.
 */
export type FunctionHandler<R> = ((req: Request) => Promise<Response>) & { readonly definition: FunctionDefinition<R> };

export function defineFunction<R extends RuntimeWithAuth>(def: FunctionDefinition<R>, runtime: () => R): FunctionHandler<R> {
  const handler = async (req: Request): Promise<Response> => {
    const started = Date.now();
    const requestId = validRequestId(req.headers.get('x-request-id')) ?? crypto.randomUUID();
    const log = createLogger({ fn: def.name, requestId });
    const extraHeaders: Record<string, string> = def.cors ? { ...CORS_HEADERS } : {};
    let response: Response;
    try {
      if (def.cors && req.method === 'OPTIONS') return preflightResponse();
      if (!(def.methods as string[]).includes(req.method)) {
        throw new AppError({ code: 'method_not_allowed', status: 405, message: `Use ${def.methods.join(' or ')}` });
      }
      const base: BaseContext<R> = { req, url: new URL(req.url), requestId, log, runtime: runtime() };
      let result: Result;
      if (def.auth === 'user') {
        const user = await base.runtime.auth.authenticateUser(req);
        result = await def.handle({ ...base, user });
      } else if (def.auth === 'user-or-secret-key') {
        // pg_cron and pg_net send the secret key in `apikey` and no Authorization; the app (supabase-js)
        // sends a user JWT in Authorization (beside its publishable `apikey`). Each is checked in full.
        const bySecretKey = req.headers.has('apikey') && !req.headers.has('authorization');
        if (bySecretKey) await base.runtime.auth.authenticateSecretKey(req);
        const user = bySecretKey ? null : await base.runtime.auth.authenticateUser(req);
        result = await def.handle({ ...base, user });
      } else {
        if (def.auth === 'secret-key') await base.runtime.auth.authenticateSecretKey(req);
        result = await def.handle(base);
      }
      response = result instanceof Response ? result : jsonResponse(result.status ?? 200, result.body);
      for (const [k, v] of Object.entries({ ...extraHeaders, 'x-request-id': requestId })) {
        if (!response.headers.has(k)) response.headers.set(k, v);
      }
    } catch (err) {
      if (!(err instanceof AppError)) log.error('request_failed', describeError(err));
      else if (err.status >= 500) log.error('request_failed', { errorCode: err.code, ...describeError(err.cause ?? err) });
      response = errorResponse(err, requestId, extraHeaders);
    }
    log.info('request', { method: req.method, status: response.status, durationMs: Date.now() - started });
    return response;
  };
  return Object.assign(handler, { definition: def });
}

/** Accept a caller's request id only if it is a plain token (it is echoed and logged). */
function validRequestId(value: string | null): string | undefined {
  return value && /^[A-Za-z0-9._-]{8,64}$/.test(value) ? value : undefined;
}
