// The simulator's options: every field has a default, every field except port/host can be changed at
// runtime through `POST /__sim/config` (control-routes.ts). Defaults need no configuration.

/** An extra OAuth client, e.g. to show that rate-limit buckets are per client id (docs/smokeball.md §6). */
export type SimClient = {
  clientId: string;
  /** null = a public client (PKCE only, no Basic header), docs/smokeball.md §1 "PKCE". */
  clientSecret: string | null;
  apiKey: string;
  redirectUris: string[];
};

export type SimOptions = {
  /** 0 = a free port. */
  port: number;
  host: string;
  clientId: string;
  clientSecret: string;
  apiKey: string;
  redirectUris: string[];
  /** More registered apps beside the default one; each has its own id, secret, API key and redirects. */
  additionalClients: SimClient[];
  /** Allows `GET /oauth2/authorize?...&auto=approve&login_hint=<name>` to skip the consent page. */
  autoApprove: boolean;
  /** Smokeball requires PKCE only for public clients; CaseHug always sends S256, so by default the sim
   * requires it from every client to catch a client that forgets it. */
  requirePkce: boolean;
  accessTokenTtlS: number;
  clientCredentialsTokenTtlS: number;
  refreshTokenTtlS: number;
  /** Lifetime of a pre-signed S3 upload URL. */
  uploadUrlTtlS: number;
  rateLimit: { enabled: boolean; rps: number; burst: number; retryAfter: boolean };
  /** Real-time delay between a 202 and the resource becoming readable (docs/smokeball.md §8). 0 = immediate. */
  writeVisibilityDelayMs: number;
  /** Latency added to every API and auth request, uniformly drawn from [min, max]. */
  latencyMs: { min: number; max: number };
  webhooks: { duplicateRate: number; reorderWindowMs: number; timeoutMs: number };
  /** Upper bounds that keep memory flat under benchmarks (oldest entries are dropped). */
  maxRequestLog: number;
  maxDeliveryLog: number;
};

export const DEFAULT_PORT = 54330;
const DAY_S = 24 * 60 * 60;

export function defaultOptions(): SimOptions {
  return {
    port: DEFAULT_PORT,
    host: '127.0.0.1',
    clientId: 'casehug-local',
    clientSecret: 'casehug-local-secret',
    apiKey: 'casehug-local-api-key',
    redirectUris: ['http://127.0.0.1:54321/functions/v1/oauth-callback'],
    additionalClients: [],
    autoApprove: false,
    requirePkce: true,
    // Reference §1 "Lifetimes": access tokens 60 min, refresh tokens 30 days by default.
    accessTokenTtlS: 3600,
    clientCredentialsTokenTtlS: 3600,
    refreshTokenTtlS: 30 * DAY_S,
    uploadUrlTtlS: 3600,
    // Reference §6: 5 rps, burst 5; Retry-After is not documented, so it is off by default.
    rateLimit: { enabled: true, rps: 5, burst: 5, retryAfter: false },
    writeVisibilityDelayMs: 100,
    latencyMs: { min: 0, max: 0 },
    // Reference §5 "Delivery": Smokeball times out after 10 s.
    webhooks: { duplicateRate: 0, reorderWindowMs: 0, timeoutMs: 10_000 },
    maxRequestLog: 50_000,
    maxDeliveryLog: 10_000,
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type SimOptionsPatch = DeepPartial<SimOptions>;

/** Merges a patch into options in place, one level deep for the grouped options. */
export function applyOptionsPatch(target: SimOptions, patch: SimOptionsPatch): SimOptions {
  for (const [key, value] of Object.entries(patch) as [keyof SimOptions, unknown][]) {
    if (value === undefined) continue;
    const current = target[key];
    if (current && typeof current === 'object' && !Array.isArray(current) && value && typeof value === 'object') {
      Object.assign(current, value);
    } else {
      (target as Record<string, unknown>)[key] = value;
    }
  }
  return target;
}

/** All registered clients, the default one first. */
export function clientsOf(options: SimOptions): SimClient[] {
  return [
    { clientId: options.clientId, clientSecret: options.clientSecret, apiKey: options.apiKey, redirectUris: options.redirectUris },
    ...options.additionalClients,
  ];
}
