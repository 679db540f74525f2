// private.oauth_states: a pending connect, bound to user, firm and region. A row
// lives in two phases: a state (until Smokeball's redirect comes back), then a pending completion
// reachable only by its handle (until the admin who started the flow completes it in the app).
import type { Sql, Tx } from './sql.ts';

/** RFC 6749 §10.12 / deno_kv_oauth's session: short-lived, single use. */
export const STATE_TTL_S = 10 * 60;

/**
 * How long the app has to call oauth-complete after the callback. Smokeball's authorization codes are
 * single-use and valid for 5 minutes from approval (Smokeball docs, "Authorization Code Grant"); the
 * callback runs moments after the approval, so 4 minutes leaves a minute's margin for the browser hop
 * and the exchange itself.
 */
export const COMPLETION_TTL_S = 4 * 60;

/**
 * After the code was exchanged but the admin must confirm an account switch: the tokens are held (sealed)
 * this long. The code's 5 minutes no longer matter; the access token lives an hour.
 */
export const SWITCH_DECISION_TTL_S = 10 * 60;

export type Region = 'US' | 'AU' | 'UK';

export type OAuthStateRow = {
  firmId: string;
  userId: string;
  region: Region;
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
 * Consumes a state in one statement: marked used whether or not it is still fresh (single use), and the
 * freshness is judged by the database clock, the same clock that set the expiry. The row stays (it
 * becomes the pending completion, or is deleted by the caller when the flow ends here).
 */
export async function consumeOAuthState(sql: Sql, stateHash: string): Promise<OAuthStateRow | undefined> {
  const [row] = await sql<OAuthStateRow[]>`
    update private.oauth_states set consumed_at = now()
    where state_hash = ${stateHash} and consumed_at is null
    returning firm_id as "firmId", user_id as "userId", region, sealed_code_verifier as "sealedCodeVerifier",
              return_path as "returnPath", expires_at > now() as fresh`;
  return row;
}

/** The consumed state becomes a pending completion: the sealed code, reachable by the handle's hash. */
export async function savePendingCompletion(sql: Sql, stateHash: string, p: { handleHash: string; sealedCode: string }): Promise<void> {
  await sql`
    update private.oauth_states
    set handle_hash = ${p.handleHash}, sealed_code = ${p.sealedCode}, expires_at = now() + make_interval(secs => ${COMPLETION_TTL_S})
    where state_hash = ${stateHash} and consumed_at is not null and handle_hash is null`;
}

export async function deleteOAuthState(sql: Sql | Tx, stateHash: string): Promise<void> {
  await sql`delete from private.oauth_states where state_hash = ${stateHash}`;
}

export type PendingCompletionRow = {
  stateHash: string;
  firmId: string;
  userId: string;
  region: Region;
  sealedCodeVerifier: string;
  sealedCode: string | null;
  sealedTokens: string | null;
  approvingAccountId: string | null;
  fresh: boolean;
};

/** The pending completion of a handle, locked until the transaction ends: one completion at a time. */
export async function lockPendingCompletion(tx: Tx, handleHash: string): Promise<PendingCompletionRow | undefined> {
  const [row] = await tx<PendingCompletionRow[]>`
    select state_hash as "stateHash", firm_id as "firmId", user_id as "userId", region,
           sealed_code_verifier as "sealedCodeVerifier", sealed_code as "sealedCode", sealed_tokens as "sealedTokens",
           approving_account_id as "approvingAccountId", expires_at > now() as fresh
    from private.oauth_states
    where handle_hash = ${handleHash}
    for update`;
  return row;
}

/** Code spent, the admin must decide: keep the tokens (sealed) under the same handle for a while. */
export async function holdExchangedTokens(tx: Tx, stateHash: string, p: { sealedTokens: string; approvingAccountId: string }): Promise<void> {
  await tx`
    update private.oauth_states
    set sealed_code = null, sealed_tokens = ${p.sealedTokens}, approving_account_id = ${p.approvingAccountId},
        expires_at = now() + make_interval(secs => ${SWITCH_DECISION_TTL_S})
    where state_hash = ${stateHash}`;
}
