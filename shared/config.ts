// The environment, parsed once with zod into a typed, documented object (STYLE §5). A missing required
// variable fails at start with its name; optional groups are modelled, not defaulted to ''.
import { z } from 'zod';

const optionalString = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string())
  .optional()
  .transform((v) => (v ? v : undefined));

const EnvSchema = z.object({
  /** The project URL: the gateway in front of functions, storage and the JWKS. */
  SUPABASE_URL: z.url(),
  /** Postgres URL. Hosted: the direct connection (the name is reserved, so it cannot point at the pooler). */
  SUPABASE_DB_URL: z.string().min(1),
  /** The JWK set that signs user JWTs; when absent it is fetched from <SUPABASE_URL>/auth/v1/.well-known/jwks.json. */
  SUPABASE_JWKS: optionalString,
  /** The secret API key(s) (`sb_secret_…`) internal callers send in `apikey`; single or JSON dictionary form. */
  SUPABASE_SECRET_KEY: optionalString,
  SUPABASE_SECRET_KEYS: optionalString,
  /** Legacy service-role key, accepted as a secret key while projects migrate. */
  SUPABASE_SERVICE_ROLE_KEY: optionalString,
  /** Smokeball app credentials from the Developer Console; all three or the integration is "not configured". */
  SMOKEBALL_CLIENT_ID: optionalString,
  SMOKEBALL_CLIENT_SECRET: optionalString,
  SMOKEBALL_API_KEY: optionalString,
  /** Which Smokeball environment the app is registered in. */
  SMOKEBALL_ENVIRONMENT: z.enum(['production', 'staging']).default('production'),
  /** Overrides of the regional hosts (the local simulator). */
  SMOKEBALL_API_URL: z.url().optional(),
  SMOKEBALL_AUTH_URL: z.url().optional(),
  /** Smokeball's limit per client id and endpoint (reference §6: 5/s, burst 5). */
  SMOKEBALL_RATE_LIMIT_RPS: z.coerce.number().positive().default(5),
  SMOKEBALL_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(5),
  /**
   * Keys that seal tokens at rest: `kid:base64key[,kid:base64key…]`, each key 32 bytes. The first seals;
   * all open, so keys can rotate.
   */
  TOKEN_ENCRYPTION_KEYS: z.string().min(1),
  /** The CaseHug app origin that OAuth redirects return to. */
  APP_URL: z.url(),
  /**
   * How long Smokeball's refresh tokens live; not in any token response, so tracked here (reference §1
   * "Lifetimes": 30 days by default, 180 for apps registered after 24 Aug 2026).
   */
  SMOKEBALL_REFRESH_TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  /**
   * How long a sync job's (and its matter's) lease lasts before another worker may take over a job whose
   * worker died; renewed every third of it while the job runs.
   */
  SYNC_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(60),
  /** Where Smokeball sends users back after consent; defaults to this project's oauth-callback function. */
  SMOKEBALL_REDIRECT_URI: z.url().optional(),
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
  return {
    supabaseUrl,
    dbUrl: e.SUPABASE_DB_URL,
    jwks: e.SUPABASE_JWKS,
    jwksUrl: `${supabaseUrl}/auth/v1/.well-known/jwks.json`,
    /** Supabase signs user JWTs with this issuer. */
    jwtIssuer: `${supabaseUrl}/auth/v1`,
    secretKeys: collectSecretKeys(e.SUPABASE_SECRET_KEY, e.SUPABASE_SECRET_KEYS, e.SUPABASE_SERVICE_ROLE_KEY),
    /** The key Storage reads use: see pickStorageKey. */
    storageKey: pickStorageKey(e.SUPABASE_SECRET_KEY, e.SUPABASE_SECRET_KEYS, e.SUPABASE_SERVICE_ROLE_KEY),
    smokeball: smokeballConfig(e.SMOKEBALL_CLIENT_ID, e.SMOKEBALL_CLIENT_SECRET, e.SMOKEBALL_API_KEY),
    smokeballEnvironment: e.SMOKEBALL_ENVIRONMENT,
    smokeballApiUrl: e.SMOKEBALL_API_URL,
    smokeballAuthUrl: e.SMOKEBALL_AUTH_URL,
    rateLimit: { rps: e.SMOKEBALL_RATE_LIMIT_RPS, burst: e.SMOKEBALL_RATE_LIMIT_BURST },
    refreshTokenTtlMs: e.SMOKEBALL_REFRESH_TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000,
    tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEYS,
    syncLeaseSeconds: e.SYNC_LEASE_SECONDS,
    appUrl: e.APP_URL.replace(/\/+$/, ''),
    redirectUri: e.SMOKEBALL_REDIRECT_URI ?? `${supabaseUrl}/functions/v1/oauth-callback`,
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

function collectSecretKeys(single?: string, dictionary?: string, legacy?: string): string[] {
  const keys = [single, legacy];
  if (dictionary) {
    const parsed = SecretKeysJson.safeParse(safeJson(dictionary));
    if (!parsed.success) throw new Error('Invalid or missing environment variables: SUPABASE_SECRET_KEYS');
    keys.push(...Object.values(parsed.data));
  }
  return keys.filter((k): k is string => Boolean(k));
}

/**
 * Hosted functions get both `SUPABASE_SECRET_KEYS` (the new `sb_secret_…` keys, a JSON dictionary) and the
 * legacy `SUPABASE_SERVICE_ROLE_KEY`, which Supabase deprecates by the end of 2026; a project that has
 * disabled its legacy keys refuses the latter. So Storage is read with a new secret key — the
 * dictionary's `default` entry, else its first — then the single `SUPABASE_SECRET_KEY`, and the legacy
 * key only when neither is set.
 */
function pickStorageKey(single?: string, dictionary?: string, legacy?: string): string | undefined {
  if (dictionary) {
    const parsed = SecretKeysJson.safeParse(safeJson(dictionary));
    if (!parsed.success) throw new Error('Invalid or missing environment variables: SUPABASE_SECRET_KEYS');
    const named = parsed.data.default || Object.values(parsed.data).find(Boolean);
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
