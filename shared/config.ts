// The environment, parsed once with zod into a typed, documented object. A missing required
// variable fails at start with its name; optional groups are modelled, not defaulted to ''.
import { z } from 'zod';
import { DEFAULT_UPLOAD_HOST_SUFFIXES } from './smokeball/upload-policy.ts';

const optionalString = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string())
  .optional()
  .transform((v) => (v ? v : undefined));

/**
 * See SYNC_MAX_DOCUMENT_MIB. The large-document benchmark measured at most 2.67 ms of CPU per MiB streamed
 * (loopback, plain HTTP), so 2 s of CPU streams about 750 MiB; half of that, rounded down, leaves the other
 * half for TLS on both legs in production and for the rest of the request (README, Performance).
 */
export const DEFAULT_MAX_DOCUMENT_MIB = 350;

/** `a, b,c` → ['a', 'b', 'c']; at least one non-empty entry. */
const commaList = z
  .string()
  .transform((v) => v.split(',').map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1)).min(1));

const EnvSchema = z.object({
  /** The project URL: the gateway in front of functions, storage and the JWKS. */
  SUPABASE_URL: z.url(),
  /** Postgres URL. Hosted: the direct connection (the name is reserved, so it cannot point at the pooler). */
  SUPABASE_DB_URL: z.string().min(1),
  /**
   * The public keys that verify user JWTs, as `{ "keys": [...] }` or a bare array (Supabase injects it into
   * every function). When absent they are fetched from <SUPABASE_URL>/auth/v1/.well-known/jwks.json.
   */
  SUPABASE_JWKS: optionalString,
  /**
   * The secret API keys (`sb_secret_…`) internal callers send in `apikey`: `SUPABASE_SECRET_KEYS` is the
   * JSON dictionary of named keys Supabase injects; `SUPABASE_SECRET_KEY` a single key (named `default`).
   */
  SUPABASE_SECRET_KEY: optionalString,
  SUPABASE_SECRET_KEYS: optionalString,
  /** Legacy service-role key, accepted as a secret key while a project still has legacy API keys. */
  SUPABASE_SERVICE_ROLE_KEY: optionalString,
  /**
   * The key sent as `apikey` when a legacy (HS256) user token is checked with the Auth server: the
   * publishable key (`default` of `SUPABASE_PUBLISHABLE_KEYS`, or `SUPABASE_PUBLISHABLE_KEY`), else the
   * legacy anon key.
   */
  SUPABASE_PUBLISHABLE_KEY: optionalString,
  SUPABASE_PUBLISHABLE_KEYS: optionalString,
  SUPABASE_ANON_KEY: optionalString,
  /**
   * The deployment's default Smokeball app (Developer Console credentials), used by firms without an app
   * of their own (private.smokeball_apps, set with `npm run smokeball:app`); all three or there is no
   * default, and a firm without its own app is "not configured".
   */
  SMOKEBALL_CLIENT_ID: optionalString,
  SMOKEBALL_CLIENT_SECRET: optionalString,
  SMOKEBALL_API_KEY: optionalString,
  /** Which Smokeball environment the default app is registered in (a firm's own app names its own). */
  SMOKEBALL_ENVIRONMENT: z.enum(['production', 'staging']).default('production'),
  /** Overrides of the regional hosts (the local simulator). */
  SMOKEBALL_API_URL: z.url().optional(),
  SMOKEBALL_AUTH_URL: z.url().optional(),
  /** Smokeball's limit per client id and endpoint (docs/smokeball.md §6: 5/s, burst 5). */
  SMOKEBALL_RATE_LIMIT_RPS: z.coerce.number().positive().default(5),
  SMOKEBALL_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(5),
  /**
   * Keys that seal tokens at rest: `kid:base64key[,kid:base64key…]`, each key 32 bytes. The first seals;
   * all open, so keys can rotate.
   */
  TOKEN_ENCRYPTION_KEYS: z.string().min(1),
  /** Where firms are told to write when Smokeball is not configured for them. */
  SUPPORT_EMAIL: z.email().default('support@calmintake.com'),
  /** The CaseHug app origin that OAuth redirects return to. */
  APP_URL: z.url(),
  /**
   * How long Smokeball's refresh tokens live; not in any token response, so tracked here (docs/smokeball.md §1
   * "Lifetimes": 30 days by default, 180 for apps registered after 24 Aug 2026).
   */
  SMOKEBALL_REFRESH_TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  /**
   * How long a sync job's (and its matter's) lease lasts before another worker may take over a job whose
   * worker died; renewed every third of it while the job runs.
   */
  SYNC_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(60),
  /**
   * The largest document a sync streams to Smokeball, in MiB; a larger one fails alone with
   * `document_too_large` before any Smokeball call for it. The default fits one document's stream in an
   * Edge Function request's 2 s of CPU with room to spare (README, Performance).
   */
  SYNC_MAX_DOCUMENT_MIB: z.coerce.number().positive().default(DEFAULT_MAX_DOCUMENT_MIB),
  /**
   * How long sync-matter { matterId } works before it answers 202 and leaves the rest to the matter's
   * queued job (shared/sync/matter/sync-within.ts): well under the 150 s by which an Edge Function's
   * response must have started.
   */
  SYNC_MATTER_ANSWER_WITHIN_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** Where Smokeball sends users back after consent; defaults to this project's oauth-callback function. */
  SMOKEBALL_REDIRECT_URI: z.url().optional(),
  /**
   * Hosts (comma-separated; subdomains included) Smokeball's pre-signed upload URLs may point to, https
   * only. Smokeball's storage is AWS S3. The overridden SMOKEBALL_API_URL's origin is allowed as well.
   */
  SMOKEBALL_UPLOAD_HOSTS: commaList.optional(),
  /** Storage buckets documents may be read from (comma-separated): a document row naming another is refused. */
  DOCUMENT_STORAGE_BUCKETS: commaList.default(['documents']),
});

export type Env = Record<string, string | undefined>;

export type SmokeballConfig =
  | { configured: false; missing: string[] }
  | { configured: true; clientId: string; clientSecret: string; apiKey: string };

export type Config = ReturnType<typeof parseConfig>;

export function parseConfig(env: Env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
    throw new Error(`Invalid or missing environment variables: ${names.join(', ')}`);
  }
  const e = parsed.data;
  const supabaseUrl = e.SUPABASE_URL.replace(/\/+$/, '');
  const jwks = e.SUPABASE_JWKS === undefined ? undefined : parseJwks(e.SUPABASE_JWKS);
  // Parsed once here; the accepted keys, the named keys and the Storage key are all read from it.
  const secretKeyDictionary = e.SUPABASE_SECRET_KEYS === undefined ? undefined : parseKeyDictionary(e.SUPABASE_SECRET_KEYS, 'SUPABASE_SECRET_KEYS');
  return {
    supabaseUrl,
    dbUrl: e.SUPABASE_DB_URL,
    jwks,
    jwksUrl: `${supabaseUrl}/auth/v1/.well-known/jwks.json`,
    /** Supabase signs user JWTs with this issuer. */
    jwtIssuer: `${supabaseUrl}/auth/v1`,
    secretKeys: collectSecretKeys(e.SUPABASE_SECRET_KEY, secretKeyDictionary, e.SUPABASE_SERVICE_ROLE_KEY),
    namedSecretKeys: nameSecretKeys(e.SUPABASE_SECRET_KEY, secretKeyDictionary, e.SUPABASE_SERVICE_ROLE_KEY),
    authApiKey: authApiKey(e.SUPABASE_PUBLISHABLE_KEY, e.SUPABASE_PUBLISHABLE_KEYS, e.SUPABASE_ANON_KEY),
    /** The key Storage reads use: see pickStorageKey. */
    storageKey: pickStorageKey(e.SUPABASE_SECRET_KEY, secretKeyDictionary, e.SUPABASE_SERVICE_ROLE_KEY),
    smokeball: smokeballConfig(e.SMOKEBALL_CLIENT_ID, e.SMOKEBALL_CLIENT_SECRET, e.SMOKEBALL_API_KEY),
    smokeballEnvironment: e.SMOKEBALL_ENVIRONMENT,
    supportEmail: e.SUPPORT_EMAIL,
    smokeballApiUrl: e.SMOKEBALL_API_URL,
    smokeballAuthUrl: e.SMOKEBALL_AUTH_URL,
    rateLimit: { rps: e.SMOKEBALL_RATE_LIMIT_RPS, burst: e.SMOKEBALL_RATE_LIMIT_BURST },
    refreshTokenTtlMs: e.SMOKEBALL_REFRESH_TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000,
    tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEYS,
    syncLeaseSeconds: e.SYNC_LEASE_SECONDS,
    maxDocumentBytes: Math.floor(e.SYNC_MAX_DOCUMENT_MIB * 2 ** 20),
    syncMatterAnswerWithinMs: e.SYNC_MATTER_ANSWER_WITHIN_MS,
    appUrl: e.APP_URL.replace(/\/+$/, ''),
    redirectUri: e.SMOKEBALL_REDIRECT_URI ?? `${supabaseUrl}/functions/v1/oauth-callback`,
    uploadPolicy: {
      hostSuffixes: e.SMOKEBALL_UPLOAD_HOSTS ?? DEFAULT_UPLOAD_HOST_SUFFIXES,
      extraOrigins: e.SMOKEBALL_API_URL ? [new URL(e.SMOKEBALL_API_URL).origin] : [],
    },
    documentBuckets: e.DOCUMENT_STORAGE_BUCKETS,
  };
}

function smokeballConfig(clientId?: string, clientSecret?: string, apiKey?: string): SmokeballConfig {
  if (clientId && clientSecret && apiKey) return { configured: true, clientId, clientSecret, apiKey };
  const missing = [
    ['SMOKEBALL_CLIENT_ID', clientId],
    ['SMOKEBALL_CLIENT_SECRET', clientSecret],
    ['SMOKEBALL_API_KEY', apiKey],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => name as string);
  return { configured: false, missing };
}

const SecretKeysJson = z.record(z.string(), z.string());

/** A JSON dictionary of API keys (`SUPABASE_SECRET_KEYS`, `SUPABASE_PUBLISHABLE_KEYS`): name → key. */
type KeyDictionary = Record<string, string>;

function collectSecretKeys(single?: string, dictionary?: KeyDictionary, legacy?: string): string[] {
  const keys = [single, legacy, ...Object.values(dictionary ?? {})];
  return keys.filter((k): k is string => Boolean(k));
}

/**
 * The secret keys by name, as `@supabase/server` reads them: the dictionary when it is set, else the single
 * key as `default`. The legacy service-role key joins as `service_role` (a name the dictionary does not use).
 */
function nameSecretKeys(single?: string, dictionary?: KeyDictionary, legacy?: string): Record<string, string> {
  const named: Record<string, string> = dictionary ? { ...dictionary } : single ? { default: single } : {};
  if (legacy && !('service_role' in named)) named.service_role = legacy;
  return named;
}

function authApiKey(single?: string, dictionary?: string, anon?: string): string | undefined {
  const publishable = dictionary ? parseKeyDictionary(dictionary, 'SUPABASE_PUBLISHABLE_KEYS').default : single;
  return publishable ?? anon;
}

function parseKeyDictionary(text: string, name: string): KeyDictionary {
  const parsed = SecretKeysJson.safeParse(safeJson(text));
  if (!parsed.success) throw new Error(`Invalid or missing environment variables: ${name}`);
  return parsed.data;
}

/** One public JWK: what jose needs to pick and import it; the rest of its members pass through. */
const Jwk = z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional() });
/** `{ "keys": [...] }` or a bare array of keys, as Supabase and the CLI write `SUPABASE_JWKS`. */
const JwksJson = z.union([z.object({ keys: z.array(Jwk) }), z.array(Jwk).transform((keys) => ({ keys }))]);
export type Jwks = z.infer<typeof JwksJson>;

function parseJwks(text: string): Jwks {
  const parsed = JwksJson.safeParse(safeJson(text));
  if (!parsed.success) throw new Error('Invalid or missing environment variables: SUPABASE_JWKS');
  return parsed.data;
}

/**
 * Hosted functions get both `SUPABASE_SECRET_KEYS` (the new `sb_secret_…` keys, a JSON dictionary) and the
 * legacy `SUPABASE_SERVICE_ROLE_KEY`, which Supabase deprecates by the end of 2026; a project that has
 * disabled its legacy keys refuses the latter. So Storage is read with a new secret key — the
 * dictionary's `default` entry, else its first — then the single `SUPABASE_SECRET_KEY`, and the legacy
 * key only when neither is set.
 */
function pickStorageKey(single?: string, dictionary?: KeyDictionary, legacy?: string): string | undefined {
  if (dictionary) {
    const named = dictionary.default || Object.values(dictionary).find(Boolean);
    if (named) return named;
  }
  return single || legacy || undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
