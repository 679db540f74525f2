-- Connect completes in the app's session (RFC 9700 §4.7.1: the state is bound to the user agent that
-- started the flow).
--
-- Why it exists: the OAuth callback is a plain browser redirect; whoever follows it holds the code. So the
-- callback no longer exchanges the code: it consumes the state and turns the same row into a pending
-- completion — the code sealed on it, reachable only through a new single-use handle (its hash stored,
-- like the state's) that the callback hands to the app. The app then calls `oauth-complete` with the
-- admin's JWT, and only the user who started the flow can spend the handle.
--
-- Columns added to private.oauth_states (the schema stays unexposed: no grant to anon or authenticated):
--   * consumed_at — set by the callback in one statement; a consumed state never works again;
--   * handle_hash — sha256 of the completion handle; unique, only on a consumed state;
--   * sealed_code — the authorization code, sealed (bound to the state's hash), until it is exchanged;
--   * sealed_tokens / approving_account_id — the exchanged tokens, sealed, kept only while the admin
--     decides whether to switch the firm to another Smokeball account (the code cannot be spent twice);
--   * expires_at is reused: the state's 10 minutes, then the handle's lifetime.

alter table private.oauth_states
  add column consumed_at timestamptz null,
  add column handle_hash text null check (handle_hash is null or length(handle_hash) between 32 and 128),
  add column sealed_code text null,
  add column sealed_tokens text null,
  add column approving_account_id text null check (approving_account_id is null or length(approving_account_id) <= 200),
  add constraint oauth_states_handle_after_consume check (handle_hash is null or consumed_at is not null),
  add constraint oauth_states_handle_hash_key unique (handle_hash);
