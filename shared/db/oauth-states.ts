// private.oauth_states: a pending connect, bound to user, firm and region (DESIGN §5 Connect).
import type { Sql } from './connection.ts';

/** RFC 6749 §10.12 / deno_kv_oauth's session: short-lived, single use. */
export const STATE_TTL_S = 10 * 60;

export type OAuthStateRow = {
  firmId: string;
  userId: string;
  region: 'US' | 'AU' | 'UK';
  sealedCodeVerifier: string;
  returnPath: string;
  fresh: boolean;
};

export async function insertOAuthState(
  sql: Sql,
  row: { stateHash: string; firmId: string; userId: string; region: string; sealedCodeVerifier: string; returnPath: string },
): Promise<void> {
  await sql`
    insert into private.oauth_states (state_hash, firm_id, user_id, region, sealed_code_verifier, return_path, expires_at)
    values (${row.stateHash}, ${row.firmId}, ${row.userId}, ${row.region}, ${row.sealedCodeVerifier}, ${row.returnPath},
            now() + make_interval(secs => ${STATE_TTL_S}))`;
  // Abandoned connects are cleaned up by the next one; nothing else reads expired rows.
  await sql`delete from private.oauth_states where expires_at < now() - interval '1 day'`;
}

/**
 * Consumes a state in one statement: deleted whether or not it is still fresh (single use), and the
 * freshness is judged by the database clock, the same clock that set the expiry.
 */
export async function consumeOAuthState(sql: Sql, stateHash: string): Promise<OAuthStateRow | undefined> {
  const [row] = await sql<OAuthStateRow[]>`
    delete from private.oauth_states
    where state_hash = ${stateHash}
    returning firm_id as "firmId", user_id as "userId", region, sealed_code_verifier as "sealedCodeVerifier",
              return_path as "returnPath", expires_at > now() as fresh`;
  return row;
}
