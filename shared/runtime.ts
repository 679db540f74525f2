// The composition root of a function instance: configuration, the database pool and the JWT verifier,
// built once from the environment the function was given (functions pass `Deno.env.toObject()`).
import { parseConfig, type Config, type Env } from './config.ts';
import { createSql, type Sql } from './db/connection.ts';
import { createJwtVerifier, type JwtVerifier } from './http/auth.ts';

export type Runtime = {
  config: Config;
  sql: Sql;
  verifyJwt: JwtVerifier;
};

export function createRuntime(env: Env): Runtime {
  const config = parseConfig(env);
  return {
    config,
    sql: createSql(config.dbUrl),
    verifyJwt: createJwtVerifier({ jwks: config.jwks, jwksUrl: config.jwksUrl, issuer: config.jwtIssuer }),
  };
}

/** Builds the runtime on first use, so importing a handler starts nothing. */
export function lazyRuntime(env: () => Env): () => Runtime {
  let runtime: Runtime | undefined;
  return () => (runtime ??= createRuntime(env()));
}
