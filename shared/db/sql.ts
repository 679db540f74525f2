// One postgres.js pool per function instance (created at first use, reused while the isolate is warm).
//
// On hosted Supabase `SUPABASE_DB_URL` is the DIRECT connection (port 5432), not the pooler, and it cannot
// be swapped: secret names starting with `SUPABASE_` are reserved. Every connection a function opens is
// therefore a real Postgres backend, counted against the instance's `max_connections` (60 on the smallest
// compute, some of them taken by Supabase's own services), and the platform may run many instances of
// each function at once. So each instance keeps a small pool that it gives back quickly.
import postgres from 'postgres';

export type Sql = postgres.Sql;

/**
 * Connections per function instance. Small, because instances multiply (twenty busy instances × 4 = 80,
 * counting the one connection the runtime keeps apart for the limiter and app lookups); not 1, because
 * the worker runs several lanes at once and a token refresh holds a transaction while it calls Smokeball —
 * the other lanes' queries need a second connection meanwhile.
 */
const POOL_SIZE = 3;
/** An idle instance (between wake-ups, or waiting to be reclaimed) holds no backend for long. */
const IDLE_TIMEOUT_S = 10;
/** A database that does not answer fails the request clearly, well inside the function's wall clock. */
const CONNECT_TIMEOUT_S = 10;
/** Recycle connections now and then, so a long-lived warm instance never pins one backend for hours. */
const MAX_LIFETIME_S = 30 * 60;

export function createSql(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? POOL_SIZE,
    idle_timeout: IDLE_TIMEOUT_S,
    connect_timeout: CONNECT_TIMEOUT_S,
    max_lifetime: MAX_LIFETIME_S,
    ...tlsFor(url),
    // Statements are not prepared, so the same code also runs through Supavisor's transaction mode.
    prepare: false,
    onnotice: () => undefined,
    connection: { application_name: 'casehug-smokeball' },
  });
}

/**
 * Whether to encrypt, decided from the URL. A project with "Enforce SSL" refuses unencrypted connections,
 * and the direct connection crosses the network, so any host that is not this machine gets TLS
 * (`require`: encrypted, like libpq's sslmode=require). Loopback (the local stack, tests) stays plain: a
 * local Postgres usually has no certificate. An `sslmode` (or `ssl`, `sslrootcert`) in the URL wins —
 * postgres.js reads it there, but an `ssl` option would override it, so none is passed then.
 */
export function tlsFor(url: string): { ssl?: 'require' | false } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL postgres.js could read either; it reports that itself. Fail closed: encrypt.
    return { ssl: 'require' };
  }
  const params = parsed.searchParams;
  if (params.has('sslmode') || params.has('ssl') || params.has('sslrootcert')) return {};
  return isLoopback(parsed.hostname) ? { ssl: false } : { ssl: 'require' };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A connection inside `sql.begin(…)`: statements that must share a transaction take this. */
export type Tx = postgres.TransactionSql;
