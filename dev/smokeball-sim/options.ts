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

/** A uniform random range in milliseconds; `min === max` is a fixed value. */
export type MsRange = { min: number; max: number };

/**
 * The spec's response shapes and behaviours beyond what this project's client has always seen; each can be
 * turned off on its own (e.g. while a client schema does not accept it yet). `lenient` turns all off.
 */
export type SimShapes = {
  /** A write naming a contact, matter or file that was accepted but is not visible yet answers 404 (a
   * file on such a matter: 404 or 403 "does not belong to the account"; a matter naming such a client:
   * 404 or a 400 naming the field) until it is visible. Smokeball documents no success for such writes. */
  pendingReferences: boolean;
  /** A matter create naming a contact that never existed answers 202, then an `error` webhook (the write
   * is processed asynchronously), instead of an immediate 400. */
  asyncInvalidReference: boolean;
  /** Addresses carry `poBox` as a PoBoxAddress object `{type, number}` (AU), not a string. */
  poBoxObjects: boolean;
  /** A file's `additionalData` values are any JSON (numbers, booleans, objects, null), not only strings. */
  anyJsonAdditionalData: boolean;
  /** The matter-type list of each location includes a type whose `name` is null. */
  unnamedMatterTypes: boolean;
  /** The `error` webhook's `resourceName` is lowercase (`"contact"`, as the docs' sample). */
  lowercaseResourceName: boolean;
  /** Deliveries for edits made in Smokeball carry no `RequestId` header (promised only for API calls). */
  noRequestIdForSmokeballEdits: boolean;
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
  /** Keeps the behaviour of earlier versions for quick demos: every `shapes` flag off, webhooks neither
   * late nor duplicated, writes naming a not-yet-visible resource accepted. Delays stay as configured. */
  lenient: boolean;
  /** Real-time delay between a 202 and the resource becoming readable (eventual consistency), drawn per
   * write from the range (a number = fixed). 0 = immediate. */
  writeVisibilityDelayMs: number | MsRange;
  shapes: SimShapes;
  /** Latency added to every API and auth request, uniformly drawn from [min, max]. */
  latencyMs: { min: number; max: number };
  webhooks: {
    duplicateRate: number;
    reorderWindowMs: number;
    timeoutMs: number;
    /** Chance that a delivery is held back by a random `lateMs` (so it arrives after later ones). */
    lateRate: number;
    lateMs: MsRange;
  };
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
    lenient: false,
    // Smokeball says writes appear "a little later" and gives no bound: each write draws its own delay.
    writeVisibilityDelayMs: { min: 100, max: 600 },
    shapes: pessimisticShapes(),
    latencyMs: { min: 0, max: 0 },
    // Smokeball times out after 10 s and warns that deliveries may be duplicated and arrive out of order.
    webhooks: { duplicateRate: 0.1, reorderWindowMs: 0, timeoutMs: 10_000, lateRate: 0.2, lateMs: { min: 100, max: 800 } },
    maxRequestLog: 50_000,
    maxDeliveryLog: 10_000,
  };
}

/** Every shape on: the spec's full shapes and Smokeball's pessimistic behaviours where the docs are silent. */
export function pessimisticShapes(): SimShapes {
  return {
    pendingReferences: true,
    asyncInvalidReference: true,
    poBoxObjects: true,
    anyJsonAdditionalData: true,
    unnamedMatterTypes: true,
    lowercaseResourceName: true,
    noRequestIdForSmokeballEdits: true,
  };
}

/** The options `--lenient` starts from: no spec shapes, no webhook chaos, a fixed 100 ms visibility delay. */
export function lenientDefaults(): SimOptionsPatch {
  return {
    lenient: true,
    writeVisibilityDelayMs: 100,
    webhooks: { duplicateRate: 0, lateRate: 0 },
  };
}

/** Whether a spec shape is in effect (off in lenient mode whatever its flag says). */
export const shapeOn = (options: SimOptions, shape: keyof SimShapes): boolean => !options.lenient && options.shapes[shape];

/** One draw of the write visibility delay. */
export function visibilityDelayMs(options: SimOptions, random: () => number = Math.random): number {
  return drawMs(options.writeVisibilityDelayMs, random);
}

export function drawMs(range: number | MsRange, random: () => number = Math.random): number {
  if (typeof range === 'number') return range;
  const { min, max } = range;
  return max <= min ? min : Math.floor(min + random() * (max - min + 1));
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
