// Processing a stored delivery, from the queue. The body is only a hint — it is not signed —
// so the matter or contact is re-fetched with the firm's token and applied to the linked CaseHug row
// only if Smokeball's version is newer than what CaseHug holds (stripe-sync-engine's
// fetchOrUseWebhookData + timestamp-protected upsert). Echoes of our own writes (their RequestId is in a
// sync run) cost no re-fetch. `error` events fail the run that sent the request.
import { AppError } from '../../errors.ts';
import { isContactLinked, isMatterLinked } from '../../db/links.ts';
import { checkConnection, usableOrThrow } from '../connection/require-connection.ts';
import { hasRunningSync, recordAsyncFailure } from '../../db/apply-webhook.ts';
import { markLinksDeleted } from '../../db/reconcile.ts';
import type { Sql } from '../../db/sql.ts';
import { finishWebhookEvent, isOwnRequest, loadWebhookEvent } from '../../db/webhooks.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';
import type { RequestPriority } from '../../smokeball/rate-limiter.ts';
import { readAsyncFailure } from './error-payload.ts';
import { applyFromSmokeball, waitForRunningPush } from '../push/apply-from-smokeball.ts';
import { settleLandedPush } from '../../db/two-way.ts';
import { contactSide, matterSide } from '../push/smokeball-values.ts';

export type ProcessEventDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion; priority?: RequestPriority }, onRequest: (call: ApiCallRecord) => void): Promise<SmokeballClient>;
  log(event: string, fields?: LogFields): void;
};

export type EventOutcome = { status: 'processed' | 'ignored'; reason: string };

export async function processWebhookEvent(deps: ProcessEventDeps, job: { firmId: string; eventId: string }): Promise<EventOutcome> {
  const event = await loadWebhookEvent(deps.sql, job.firmId, job.eventId);
  if (!event) return { status: 'ignored', reason: 'event_not_found' };
  if (event.status !== 'received') return { status: 'ignored', reason: 'already_processed' };
  const outcome = await decideAndApply(deps, job.firmId, event);
  await finishWebhookEvent(deps.sql, job.firmId, event.id, { status: outcome.status, code: outcome.reason });
  deps.log('webhook_processed', { firmId: job.firmId, eventId: event.id, type: event.eventType, status: outcome.status, reason: outcome.reason });
  return outcome;
}

async function decideAndApply(
  deps: ProcessEventDeps,
  firmId: string,
  event: { eventType: string; requestId: string | null; resourceId: string | null; payload: Record<string, unknown> },
): Promise<EventOutcome> {
  if (event.eventType === 'error') return applyAsyncFailure(deps, firmId, event);
  if (event.requestId && (await isOwnRequest(deps.sql, firmId, event.requestId))) {
    // The echo of a two-way push: its write has landed, so the edits it sent stop waiting for a read.
    const [resource, action] = event.eventType.split('.');
    if (event.resourceId && action === 'updated' && (resource === 'contact' || resource === 'matter')) {
      await settleLandedPush(deps.sql, firmId, resource, event.resourceId, event.requestId);
    }
    return { status: 'ignored', reason: 'own_request' };
  }
  if (!event.resourceId) return { status: 'ignored', reason: 'no_resource' };

  // A firm that needs re-authorisation keeps the delivery: the token layer parks it until the reconnect,
  // and so does a disconnect (the refusal's error); a firm that never connected has nothing to apply to.
  const decision = await checkConnection(deps.sql, firmId, { allowNeedsReauth: true });
  if (!decision.usable && decision.state === 'none') return { status: 'ignored', reason: 'not_connected' };
  const connection = usableOrThrow(decision);
  // The firm chose not to take Smokeball's edits: no re-fetch either.
  if (!connection.applyFromSmokeball) return { status: 'ignored', reason: 'apply_disabled' };
  const client = await deps.clientFor({ firmId, region: connection.region, priority: 'webhook' }, () => undefined);
  const [resource] = event.eventType.split('.');

  if (resource === 'matter') {
    if (!(await isMatterLinked(deps.sql, firmId, event.resourceId))) return { status: 'ignored', reason: 'not_linked' };
    await waitForRunningPush(deps.sql, firmId, 'matter', event.resourceId);
    const fetched = await fetchOrMissing(() => client.matters.get(event.resourceId!));
    if (!fetched) return { status: 'ignored', reason: 'gone_in_smokeball' };
    // Field by field against CaseHug's unpushed edits (two-way sync), never queueing a push back.
    const { outcome } = await applyFromSmokeball(deps.sql, firmId, 'matter', { smokeballId: event.resourceId }, matterSide(fetched));
    return { status: outcome === 'applied' ? 'processed' : 'ignored', reason: outcome };
  }
  if (resource === 'contact') {
    if (!(await isContactLinked(deps.sql, firmId, event.resourceId))) return { status: 'ignored', reason: 'not_linked' };
    await waitForRunningPush(deps.sql, firmId, 'contact', event.resourceId);
    const fetched = await fetchOrMissing(() => client.contacts.get(event.resourceId!));
    if (!fetched || fetched.isDeleted) return goneInSmokeball(deps.sql, firmId, event.resourceId, event.eventType);
    const { outcome } = await applyFromSmokeball(deps.sql, firmId, 'contact', { smokeballId: event.resourceId }, contactSide(fetched));
    return { status: outcome === 'applied' ? 'processed' : 'ignored', reason: outcome };
  }
  return { status: 'ignored', reason: 'unhandled_type' };
}

/**
 * A linked contact Smokeball no longer holds. A `contact.deleted` that the re-fetch confirms (404, or
 * the contact reads `isDeleted`) marks the link as reconciliation does, so the app can say so at once;
 * any other event for a missing contact is ignored (a deletion is believed only when Smokeball shows it).
 * Matters have no deletion event (docs/smokeball.md §5): only reconciliation finds a deleted matter.
 */
async function goneInSmokeball(sql: Sql, firmId: string, smokeballId: string, eventType: string): Promise<EventOutcome> {
  if (eventType !== 'contact.deleted') return { status: 'ignored', reason: 'gone_in_smokeball' };
  await markLinksDeleted(sql, firmId, 'contact', [smokeballId], true);
  return { status: 'processed', reason: 'deleted_in_smokeball' };
}

/**
 * `error`: the run whose RequestId it carries failed. A run records each RequestId as it sends it, but an
 * error may still arrive before that write lands, so an error for an unknown request while a run of the
 * firm is still going is retried shortly rather than lost. The body is not signed: a link is
 * cleared only when Smokeball confirms it does not hold the resource (re-fetch → 404).
 */
async function applyAsyncFailure(
  deps: ProcessEventDeps,
  firmId: string,
  event: { requestId: string | null; payload: Record<string, unknown> },
): Promise<EventOutcome> {
  const failure = readAsyncFailure(event.payload);
  if (!event.requestId || !failure) return { status: 'ignored', reason: 'error_without_request' };
  const requestId = event.requestId;
  if (!(await isOwnRequest(deps.sql, firmId, requestId))) {
    if (await hasRunningSync(deps.sql, firmId)) {
      throw new AppError({ code: 'sync_in_progress', status: 409, message: 'The sync that sent this request has not finished yet' });
    }
    return { status: 'ignored', reason: 'no_run_for_request' };
  }
  const { resource, resourceId } = failure;
  // A file's link is scoped to the failed run's own documents (recordAsyncFailure); a matter or contact
  // is shared more widely, so Smokeball must confirm it is absent.
  let clearLinkTo: string | null = resource === 'file' && resourceId ? resourceId : null;
  if (resourceId && (resource === 'matter' || resource === 'contact')) {
    const decision = await checkConnection(deps.sql, firmId, { allowNeedsReauth: true });
    if (decision.usable) {
      const connection = decision.connection;
      const client = await deps.clientFor({ firmId, region: connection.region, priority: 'webhook' }, () => undefined);
      const held = await fetchOrMissing<unknown>(() => (resource === 'matter' ? client.matters.get(resourceId) : client.contacts.get(resourceId)));
      if (!held) clearLinkTo = resourceId;
    }
  }
  const { runs } = await recordAsyncFailure(deps.sql, firmId, {
    requestId,
    message: `Smokeball could not complete a change: ${(failure.message ?? 'no reason given').slice(0, 500)}`,
    clearLinkTo,
  });
  return runs > 0 ? { status: 'processed', reason: 'run_failed' } : { status: 'ignored', reason: 'no_run_for_request' };
}

async function fetchOrMissing<T>(get: () => Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await get()).data;
  } catch (err) {
    if (err instanceof AppError && err.code === 'smokeball_not_found') return undefined;
    throw err;
  }
}
