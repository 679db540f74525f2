// What a firm should do about each error code: one stable sentence or two per code, shown with the error
// wherever a firm sees it (every error response's `help`, each sync_runs row's `help`, the README's table).
// `Record<ErrorCode, string>` makes the table complete by construction: a code added to ErrorCode without
// help here fails the type check, and so does help for a code that does not exist.
import type { ErrorCode } from './errors.ts';

const SETTINGS = 'Settings → Integrations → Smokeball';

export const errorHelp = {
  // request shape and auth
  invalid_body: 'The request body does not have the expected fields; check the call against the README\'s Functions table.',
  invalid_query: 'The query parameters are not the expected ones; check the call against the README\'s Functions table.',
  invalid_json: 'The request body is not valid JSON; send `content-type: application/json` and a JSON body.',
  payload_too_large: 'The request body is too large for this function; send less in one request.',
  method_not_allowed: 'This function does not answer this HTTP method; see the README\'s Functions table.',
  not_found: 'Nothing with that id exists in your firm; check the id, and the firm (`?firmId=`) if you belong to several.',
  function_not_found: 'No function has this name; check the URL.',
  unauthorized: 'This call needs a valid key or sign-in; sign in again, or check the secret key the caller sends.',
  invalid_jwt: 'Your session is missing or has expired; sign in to CaseHug again.',
  firm_required: 'You belong to several firms: name the firm the call is for with `firmId` (in the query, or in a POST body).',
  forbidden: 'Your role in this firm does not allow this; ask a firm admin (bulk syncs of more than 50 matters and syncing every matter are an admin\'s call).',
  internal_error: 'Something failed on CaseHug\'s side; try again, and contact support with the request id if it keeps happening.',
  function_unavailable: 'The function could not be started or did not answer (a platform failure); try again in a moment.',
  // configuration and connection
  smokeball_not_configured: 'The firm\'s Smokeball API credentials have not been set up for this CaseHug installation; contact support.',
  not_connected: `Smokeball is not connected (or was disconnected) for this firm; an admin connects it in ${SETTINGS}. Syncs waiting for it run then.`,
  disconnected: `Smokeball was disconnected for this firm; an admin reconnects in ${SETTINGS}. The parked syncs (and documents approved meanwhile) run then.`,
  smokeball_reauth_required: `Smokeball's authorisation has expired or was revoked; an admin must reconnect in ${SETTINGS}. Waiting syncs resume after the reconnect.`,
  invalid_state: `The connect link was already used, has expired (10 minutes) or is unknown; an admin starts again in ${SETTINGS}.`,
  token_exchange_failed: `Smokeball did not complete the sign-in; an admin starts the connect again in ${SETTINGS}, and approves it on Smokeball's page.`,
  oauth_user_mismatch: 'Only the admin who started the connect can complete it; that admin finishes it in their own CaseHug session.',
  smokeball_account_changed: `The approved Smokeball account is not the one this firm's matters are linked to; reconnect with that account, or confirm the switch in ${SETTINGS} (the next syncs then create the matters in the new account).`,
  // Smokeball upstream
  smokeball_rate_limited: 'Smokeball answered 429 Too Many Requests: its API limit, shared by every firm, was reached. CaseHug retries on its own; nothing to do unless it keeps failing.',
  smokeball_unavailable: 'Smokeball is temporarily unavailable; CaseHug retries on its own. Check Smokeball\'s status if it lasts.',
  smokeball_timeout: 'Smokeball did not answer in time; CaseHug retries on its own.',
  smokeball_network_error: 'CaseHug could not reach Smokeball; CaseHug retries on its own.',
  smokeball_bad_request: 'Smokeball rejected the data sent (a required field missing or invalid); check the matter\'s client and fields, then sync again.',
  smokeball_unauthorized: `Smokeball did not accept CaseHug's access; if it persists an admin reconnects in ${SETTINGS}.`,
  smokeball_forbidden: 'Smokeball denied access: the connected Smokeball user lacks a permission, or the API key or scope is missing; check the user\'s permissions in Smokeball, or contact support.',
  smokeball_not_found: `Smokeball no longer has the record CaseHug linked (deleted, or another Smokeball account); if the firm switched accounts, an admin reconnects in ${SETTINGS} and confirms the switch.`,
  smokeball_invalid_response: 'Smokeball answered with something CaseHug did not expect; try again, and contact support with the run\'s RequestIds if it keeps happening.',
  smokeball_upload_failed: 'A document\'s upload to Smokeball\'s storage failed; sync the matter again (documents already sent are not sent twice).',
  smokeball_error: 'Smokeball answered with an unexpected error; try again, and contact support with the run\'s RequestIds if it keeps happening.',
  // inbound webhooks
  invalid_webhook: 'The webhook delivery was not in Smokeball\'s format; nothing was applied.',
  webhook_unverified: 'The webhook delivery\'s signature did not verify; nothing was applied. If Smokeball\'s deliveries keep failing, an admin re-registers the webhooks.',
  webhook_intake_busy: 'Too many webhook deliveries were waiting to be stored; this one was refused (503) and Smokeball delivers it again later. Nothing needs doing unless it persists.',
  smokeball_async_error: 'Smokeball accepted a write and then reported that it failed (an `error` webhook); the run\'s message says which. Fix the data it names, then sync again.',
  // sync domain
  jurisdiction_ambiguous: "The firm's jurisdiction WA is both Washington (US) and Western Australia; an admin sets the firm's Smokeball jurisdiction to US-WA or AU-WA (firms.smokeball_jurisdiction), or connects Smokeball choosing its region, then syncs again.",
  matter_type_unmapped: `The matter's case type has no Smokeball matter type; an admin adds a mapping for that case type (named in the run's message and steps) in ${SETTINGS} → Case type mappings, then syncs again.`,
  document_unavailable: 'An approved document could not be read from CaseHug\'s storage (moved or deleted); check the document, then sync again.',
  document_size_unknown: 'The storage did not say how large a document is, so it was not sent; re-upload the document, then sync again.',
  document_too_large: 'A document is larger than the upload limit; upload a smaller file (or split it), then sync again.',
  sync_in_progress: 'Another sync of this matter is running; this one waits for it and continues on its own.',
  sync_interrupted: 'The sync stopped before it finished (the worker ended); a later sync of the matter resumed it, so nothing is lost or sent twice.',
} as const satisfies Record<ErrorCode, string>;

export const helpFor = (code: ErrorCode): string => errorHelp[code];
