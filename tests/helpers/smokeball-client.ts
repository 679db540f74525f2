// The typed Smokeball client wired to a simulator for integration tests: real time, a real fetch that is
// observed (status and Retry-After of every attempt, by RequestId), and a token provider that performs a
// real refresh against the simulator's /oauth2/token.
import { createSmokeballClient, type SmokeballClient } from '../../shared/smokeball/client.ts';
import type { FreshResources } from '../../shared/smokeball/fresh-resources.ts';
import { createSmokeballOAuth } from '../../shared/smokeball/oauth.ts';
import { noRateLimit, type RateLimiter } from '../../shared/smokeball/rate-limiter.ts';
import type { ApiCallRecord, TokenProvider } from '../../shared/smokeball/request.ts';
import type { RetryPolicy } from '../../shared/smokeball/retry.ts';

/** The simulator's default app (dev/smokeball-sim/options.ts). */
export const SIM_APP = { clientId: 'casehug-local', clientSecret: 'casehug-local-secret', apiKey: 'casehug-local-api-key' } as const;

export type ObservedResponse = { requestId: string; status: number; retryAfter: string | null };

export type SimClient = {
  client: SmokeballClient;
  /** Every attempt as the client reported it (onRequest), in order. */
  calls: ApiCallRecord[];
  /** Every response as it came off the wire, in order. */
  responses: ObservedResponse[];
};

export function createSimClient(options: {
  simUrl: string;
  tokens: TokenProvider;
  app?: { clientId: string; apiKey: string };
  limiter?: RateLimiter;
  retry?: Partial<RetryPolicy>;
  /** The ids this client counts as just created; default the process's (another instance: its own). */
  freshResources?: FreshResources;
}): SimClient {
  const calls: ApiCallRecord[] = [];
  const responses: ObservedResponse[] = [];
  const observedFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    responses.push({ requestId: request.headers.get('RequestId') ?? '', status: response.status, retryAfter: response.headers.get('retry-after') });
    return response;
  };
  const app = options.app ?? SIM_APP;
  const client = createSmokeballClient({
    apiUrl: options.simUrl,
    apiKey: app.apiKey,
    clientId: app.clientId,
    tokens: options.tokens,
    limiter: options.limiter ?? noRateLimit,
    fetch: observedFetch,
    freshResources: options.freshResources,
    now: () => Date.now(),
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    retry: options.retry,
    onRequest: (call) => calls.push(call),
  });
  return { client, calls, responses };
}

/** A fixed access token; refreshing is a test failure. */
export const fixedToken = (accessToken: string): TokenProvider => ({
  getAccessToken: async () => accessToken,
  refreshAccessToken: async () => {
    throw new Error('unexpected token refresh');
  },
});

/** Access token from the simulator's account; `refreshAccessToken` runs a real refresh_token grant. */
export function refreshingTokens(options: {
  simUrl: string;
  accessToken: string;
  refreshToken: string;
  app?: { clientId: string; clientSecret: string };
}): TokenProvider & { refreshes: () => number } {
  const app = options.app ?? SIM_APP;
  const oauth = createSmokeballOAuth({ authUrl: options.simUrl, clientId: app.clientId, clientSecret: app.clientSecret });
  let accessToken = options.accessToken;
  let refreshes = 0;
  return {
    getAccessToken: async () => accessToken,
    refreshAccessToken: async () => {
      refreshes++;
      accessToken = (await oauth.refresh(options.refreshToken)).access_token;
      return accessToken;
    },
    refreshes: () => refreshes,
  };
}
