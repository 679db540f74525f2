// One postgres.js pool per function instance (created at first use, reused while the isolate is warm).
import postgres from 'postgres';

export type Sql = postgres.Sql;

/** Small: a function instance serves a few requests at once, and the pooler multiplexes the rest. */
const POOL_SIZE = 5;
const IDLE_TIMEOUT_S = 20;

export function createSql(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? POOL_SIZE,
    idle_timeout: IDLE_TIMEOUT_S,
    // The Supabase transaction pooler does not support prepared statements.
    prepare: false,
    onnotice: () => undefined,
    connection: { application_name: 'casehug-smokeball' },
  });
}

/** A connection inside `sql.begin(…)`: statements that must share a transaction take this. */
export type Tx = postgres.TransactionSql;
