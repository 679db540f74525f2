// The composition root of a function instance: configuration, the database pool, the caller checks, the
// token sealer and Smokeball access, built once from the environment the function was given (functions
// pass `Deno.env.toObject()`), so a warm instance reuses them across requests.
import { parseConfig, type Config, type Env } from '../config.ts';
import { parseSealer, type Sealer } from '../crypto/seal.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { createCallerAuth, type CallerAuth } from '../http/auth.ts';
import { createLogger, type Logger } from '../log.ts';
import { createSmokeballAccess, type SmokeballAccess } from './smokeball-access.ts';

export type Runtime = {
  config: Config;
  sql: Sql;
  /** Checks who is calling: a user JWT or a secret key. */
  auth: CallerAuth;
  sealer: Sealer;
  smokeball: SmokeballAccess;
  log: Logger;
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
};

export function createRuntime(env: Env): Runtime {
  const config = parseConfig(env);
  const sql = createSql(config.dbUrl);
  // One connection of its own for the short statements Smokeball access makes while its caller may hold a
  // transaction on `sql` (a token refresh, a connect being completed, each calling Smokeball inside its
  // lock): the limiter's slot and the firm's app never wait for a connection of the main pool, so as many
  // such callers as the pool has connections cannot wait on each other for ever.
  const lookupSql = createSql(config.dbUrl, { max: 1 });
  const sealer = parseSealer(config.tokenEncryptionKeys);
  const log = createLogger({ component: 'runtime' });
  const now = () => Date.now();
  const random = () => Math.random();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return {
    config,
    sql,
    auth: createCallerAuth(config),
    sealer,
    smokeball: createSmokeballAccess({ config, sql, lookupSql, sealer, now, random, sleep, log: log.info }),
    log,
    now,
    random,
    sleep,
  };
}

/** Builds the runtime on first use, so importing a handler starts nothing. */
export function lazyRuntime(env: () => Env): () => Runtime {
  let runtime: Runtime | undefined;
  return () => (runtime ??= createRuntime(env()));
}
