// The single request path to Smokeball's API: limiter → ky → parse → retry loop (docs/architecture.md §5 "Rate limit").
// Every attempt, retries included, takes a rate-limit slot first; every attempt carries a fresh RequestId
// (echoed by Smokeball and carried into the webhooks it causes, docs/smokeball.md §1 "Extra request headers") and
// is reported through `onRequest`, so the sync layer can count API calls and recognise its own echoes.
import ky, { TimeoutError } from 'ky';
import type { z } from 'zod';
import { SmokeballHttpError, SmokeballInvalidResponseError, SmokeballNetworkError } from './errors.ts';
import type { FreshResources } from './fresh-resources.ts';
import { INTERACTIVE, rateLimitBucket, type RateLimiter, type SlotClaim } from './rate-limiter.ts';
import {
  type AttemptOutcome,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfterMs,
  type RetryPolicy,
} from './retry.ts';
import { parseSmokeballJson } from './schemas/common.ts';
import { ProblemDetails } from './schemas/problem-details.ts';

/** One attempt may take this long before it counts as a network failure. Smokeball answers writes with
 * 202 at once (work is async, docs/smokeball.md §8), so 20 s is generous; it keeps a stuck socket from eating an
 * Edge Function's 150 s. */
export const ATTEMPT_TIMEOUT_MS = 20_000;

/** The caller's access tokens. `refreshAccessToken` is called at most once per call, after a 401. */
export type TokenProvider = {
  getAccessToken(): Promise<string>;
  refreshAccessToken(): Promise<string>;
};

/** One HTTP request to the API, as recorded for the sync history (never a token or body). */
export type ApiCallRecord = {
  method: HttpMethod;
  /** `METHOD /route/{id}`: the rate-limit endpoint. */
  endpoint: string;
  /** Undefined when no response arrived. */
  status?: number;
  requestId: string;
  /** 1 for the first attempt of a call. */
  attempt: number;
  durationMs: number;
  outcome: 'response' | 'network_error' | 'timeout';
};

export type SmokeballLog = (event: string, fields: Record<string, unknown>) => void;

export type SmokeballDeps = {
  /** From resolveSmokeballHosts (or SMOKEBALL_API_URL); no trailing slash. */
  apiUrl: string;
  apiKey: string;
  /** The OAuth client id: part of every rate-limit bucket. */
  clientId: string;
  tokens: TokenProvider;
  limiter: RateLimiter;
  /** The class and firm every request of this client is made for (rate-limiter.ts); default interactive. */
  slotClaim?: SlotClaim;
  fetch?: typeof fetch;
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
  log?: SmokeballLog;
  retry?: Partial<RetryPolicy>;
  onRequest?: (call: ApiCallRecord) => void;
  /** Defaults to crypto.randomUUID(). */
  newRequestId?: () => string;
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestSpec<Schema extends z.ZodType> = {
  method: HttpMethod;
  /** The route template with `{id}` for each id, e.g. `/matters/{id}/documents/files`. */
  route: string;
  /** Substituted for the `{id}` placeholders in order. */
  ids?: readonly string[];
  searchParams?: URLSearchParams;
  json?: unknown;
  /** Validates the 2xx body (an empty body is parsed as `undefined`). */
  schema: Schema;
  /** Defaults to true except for POST; see RetryInput.idempotent for the duplicate-write policy. */
  idempotent?: boolean;
  /** The id was returned by a 202 moments ago: 404s are retried within JUST_CREATED_WINDOW_MS. */
  justCreated?: boolean;
  /**
   * The request names (in its path or body) resources created moments ago (fresh-resources.ts): `ageMs` of
   * the youngest, and the strings a refusal about them would mention (their ids, the body fields holding
   * them). A 404 or 403 is then retried as "not visible yet" within JUST_CREATED_WINDOW_MS of the creation,
   * and so is a 400 whose problem mentions one of `names` (any other 400 stays final).
   */
  freshReference?: {
    ageMs: number;
    names: readonly string[];
    /**
     * Learns how long Smokeball takes to make a write visible (fresh-resources.ts): the first attempt waits
     * until the resource is probably visible, and an attempt accepted after a refusal teaches it.
     */
    visibility?: Pick<FreshResources, 'settleMs' | 'learnVisibleAt'>;
  };
  /** Set by `request.orMissing`: a final 404 is returned as `{ found: false }` instead of thrown. */
  notFoundIsResult?: boolean;
};

export type SmokeballResult<T> = { data: T; requestId: string };

export type SmokeballRequest = <Schema extends z.ZodType>(
  spec: RequestSpec<Schema>,
) => Promise<SmokeballResult<z.output<Schema>>>;

/** Like SmokeballRequest, but a final 404 is a result (`found: false`) instead of an error. */
export type SmokeballRequestOrMissing = <Schema extends z.ZodType>(
  spec: RequestSpec<Schema>,
) => Promise<
  ({ found: true } & SmokeballResult<z.output<Schema>>) | { found: false; data: undefined; requestId: string }
>;

export function endpointOf(method: HttpMethod, route: string): string {
  return `${method} ${route}`;
}

export function createSmokeballRequest(deps: SmokeballDeps): SmokeballRequest & { orMissing: SmokeballRequestOrMissing } {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const newRequestId = deps.newRequestId ?? (() => crypto.randomUUID());
  const log: SmokeballLog = deps.log ?? (() => {});
  const api = ky.create({
    prefixUrl: deps.apiUrl,
    fetch: deps.fetch,
    // Retries, timeouts and status handling are ours (one layer), not ky's.
    retry: 0,
    throwHttpErrors: false,
    timeout: ATTEMPT_TIMEOUT_MS,
  });

  async function send<Schema extends z.ZodType>(spec: RequestSpec<Schema>) {
    const endpoint = endpointOf(spec.method, spec.route);
    const bucket = rateLimitBucket(deps.clientId, endpoint);
    const path = fillRoute(spec.route, spec.ids ?? []);
    const idempotent = spec.idempotent ?? spec.method !== 'POST';
    const startedMs = deps.now();
    let refreshedToken: string | undefined;
    const fresh = spec.freshReference;
    // A write naming a resource created moments ago waits until it is probably visible: a refusal would
    // spend a slot of the shared limit, waiting spends none (fresh-resources.ts says why not to poll).
    // Before the token and the slot, so no reserved slot idles meanwhile.
    const settleMs = fresh?.visibility?.settleMs(fresh.ageMs) ?? 0;
    if (settleMs > 0) await deps.sleep(settleMs);
    let refusedAsInvisible = false;

    for (let attempt = 1; ; attempt++) {
      // The token first (it may read the database or refresh), then the slot: the request must leave as
      // soon as its slot is due, or it arrives bunched with the next one (rate-limiter.ts).
      const accessToken = refreshedToken ?? (await deps.tokens.getAccessToken());
      await deps.limiter.acquire(bucket, deps.slotClaim ?? INTERACTIVE);
      const requestId = newRequestId();
      const attemptStartMs = deps.now();
      let response: Response | undefined;
      let outcome: AttemptOutcome;
      let failure: unknown;
      try {
        response = await api(path, {
          method: spec.method,
          headers: {
            accept: 'application/json',
            'x-api-key': deps.apiKey,
            authorization: `Bearer ${accessToken}`,
            RequestId: requestId,
          },
          searchParams: spec.searchParams,
          json: spec.json,
        });
        outcome = {
          kind: 'status',
          status: response.status,
          retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after'), deps.now()),
        };
      } catch (error) {
        // fetch rejects only when no response arrived (DNS, refused, reset) or on our timeout.
        failure = error;
        outcome = { kind: 'network', timedOut: error instanceof TimeoutError };
      }
      deps.onRequest?.({
        method: spec.method,
        endpoint,
        status: response?.status,
        requestId,
        attempt,
        durationMs: deps.now() - attemptStartMs,
        outcome: response ? 'response' : outcome.kind === 'network' && outcome.timedOut ? 'timeout' : 'network_error',
      });

      if (response?.ok) {
        if (fresh && refusedAsInvisible) fresh.visibility?.learnVisibleAt(fresh.ageMs + (attemptStartMs - startedMs));
        return { found: true as const, data: await parseBody(response, spec.schema, { endpoint, requestId, attempts: attempt }), requestId };
      }

      // A 400 counts as "not visible yet" only when its problem names the fresh reference: read it first.
      const problemText = { text: undefined as string | undefined, namesFresh: false };
      if (response?.status === 400 && fresh) {
        problemText.text = await response.text().catch(() => '');
        problemText.namesFresh = fresh.names.some((name) => name !== '' && problemText.text!.includes(name));
      }
      const verdict = decideRetry({
        outcome,
        attempt,
        elapsedMs: deps.now() - startedMs,
        policy,
        idempotent,
        justCreated: spec.justCreated ?? false,
        freshReferenceAgeMs: fresh === undefined || (response?.status === 400 && !problemText.namesFresh) ? undefined : fresh.ageMs,
        refreshed: refreshedToken !== undefined,
        random: deps.random,
      });
      if (verdict.verdict === 'retry' && verdict.reason === 'not_yet_visible') refusedAsInvisible = true;
      log(verdict.verdict === 'retry' ? 'smokeball_retry' : 'smokeball_request_failed', {
        endpoint,
        requestId,
        attempt,
        status: response?.status,
        reason: verdict.reason,
        waitMs: verdict.waitMs,
      });

      if (verdict.verdict === 'stop') {
        const context = {
          endpoint,
          requestId,
          attempts: attempt,
          stopReason: verdict.reason,
          // A write that failed after it may have reached Smokeball: the caller must reconcile.
          maybeDelivered: !idempotent && (outcome.kind === 'network' || (outcome.kind === 'status' && outcome.status >= 500)),
          cause: failure,
        };
        if (!response) throw new SmokeballNetworkError(outcome.kind === 'network' && outcome.timedOut, context);
        if (response.status === 404 && spec.notFoundIsResult) {
          discardBody(response);
          return { found: false as const, data: undefined, requestId };
        }
        throw new SmokeballHttpError(response.status, await readProblem(response, problemText.text), context);
      }

      if (response && problemText.text === undefined) discardBody(response);
      if (verdict.reason === 'refresh_token') {
        refreshedToken = await deps.tokens.refreshAccessToken();
      } else if (verdict.waitMs > 0) {
        await deps.sleep(verdict.waitMs);
      }
    }
  }

  const request: SmokeballRequest = async (spec) => {
    const result = await send(spec);
    if (!result.found) throw new Error('unreachable: 404 without notFoundIsResult');
    return { data: result.data, requestId: result.requestId };
  };
  const orMissing: SmokeballRequestOrMissing = (spec) => send({ ...spec, notFoundIsResult: true });
  return Object.assign(request, { orMissing });
}

/** `/matters/{id}/documents/files` + [id] → `matters/<id>/documents/files` (ky's prefixUrl wants no `/`). */
export function fillRoute(route: string, ids: readonly string[]): string {
  let next = 0;
  const path = route.replace(/\{id\}/g, () => {
    const id = ids[next++];
    if (id === undefined || id === '') throw new RangeError(`missing id for ${route}`);
    return encodeURIComponent(id);
  });
  if (next !== ids.length) throw new RangeError(`too many ids for ${route}`);
  return path.replace(/^\/+/, '');
}

/** Parses and validates a 2xx body; any mismatch is `smokeball_invalid_response` (never retried). */
export async function parseBody<Schema extends z.ZodType>(
  response: Response,
  schema: Schema,
  context: { endpoint?: string; requestId?: string; attempts?: number },
): Promise<z.output<Schema>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text.trim() === '' ? undefined : parseSmokeballJson(text);
  } catch (error) {
    throw new SmokeballInvalidResponseError(['body: not JSON'], { ...context, cause: error });
  }
  return parseValue(body, schema, context);
}

export function parseValue<Schema extends z.ZodType>(
  body: unknown,
  schema: Schema,
  context: { endpoint?: string; requestId?: string; attempts?: number },
): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  // Paths and zod's messages only: they describe the shape, not the values (client data stays out).
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new SmokeballInvalidResponseError(issues, context);
}

/** ProblemDetails of an error response when it is one (gateway bodies `{message}` are not), else undefined. */
async function readProblem(response: Response, alreadyRead?: string): Promise<ProblemDetails | undefined> {
  try {
    const text = alreadyRead ?? (await response.text());
    const parsed = ProblemDetails.safeParse(JSON.parse(text));
    return parsed.success && (parsed.data.title || parsed.data.status || parsed.data.errors) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Frees the connection of a response we will not read. Not awaited: cancelling one branch of a teed
 * (cloned) body resolves only once the other branch is cancelled too. */
function discardBody(response: Response): void {
  response.body?.cancel().catch(() => {});
}
