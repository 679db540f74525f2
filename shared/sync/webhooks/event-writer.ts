// The intake's one write: each verified delivery is stored with its processing job. Deliveries that arrive
// while a statement is on its way are sent together as the next statement (shared/db/webhooks.ts,
// storeWebhookEvents), so a burst costs one round trip per batch instead of one per delivery, and at a
// trickle each delivery is still written at once, alone (no timer, no added wait). At most
// MAX_IN_FLIGHT statements run at a time, so the instance's small pool always keeps a connection for the
// processing that runs in the background — and that processing can never hold every connection the
// intake needs either: the intake's statements are few and short, whatever the arrival rate.
import type { Sql } from '../../db/sql.ts';
import { AppError } from '../../errors.ts';
import { storeWebhookEvents, type StoredEvent } from '../../db/webhooks.ts';

/** Statements of the intake at a time: of the pool's 3 connections, one stays for background processing. */
export const MAX_IN_FLIGHT = 2;
/** Deliveries per statement: bounds one statement's size and time (each row is a small envelope). */
export const MAX_BATCH = 200;
/**
 * Deliveries waiting for a statement: beyond this the database is not keeping up, and a new delivery is
 * answered 503 at once (Smokeball redelivers it later) instead of holding memory and a request open.
 */
export const MAX_WAITING = 2_000;

export type StoredDelivery = { eventId: string | null; subscribed: boolean };

type Pending = { event: StoredEvent; resolve(r: StoredDelivery): void; reject(e: unknown): void };

export function createWebhookEventWriter(sql: Sql, options: { maxInFlight?: number; maxBatch?: number; maxWaiting?: number } = {}) {
  const maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  const maxBatch = options.maxBatch ?? MAX_BATCH;
  const maxWaiting = options.maxWaiting ?? MAX_WAITING;
  const queue: Pending[] = [];
  let inFlight = 0;

  const flush = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      // write() settles every caller itself and never rejects; the next batch starts either way.
      const next = () => {
        inFlight--;
        flush();
      };
      write(batch).then(next, next);
    }
  };

  async function write(batch: Pending[]): Promise<void> {
    // The same delivery twice in one statement (a redelivery racing its original): the statement gets
    // it once, and the later caller is answered as a duplicate, as it would be one statement later.
    const first = new Map<string, number>();
    const unique: StoredEvent[] = [];
    for (const p of batch) {
      if (!first.has(p.event.fingerprint)) {
        first.set(p.event.fingerprint, unique.length);
        unique.push(p.event);
      }
    }
    let results: (StoredDelivery | { failed: unknown })[];
    try {
      results = await storeAll(unique);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const answered = new Set<string>();
    for (const p of batch) {
      const result = results[first.get(p.event.fingerprint)!];
      if ('failed' in result) {
        p.reject(result.failed);
        continue;
      }
      if (answered.has(p.event.fingerprint)) p.resolve({ eventId: null, subscribed: result.subscribed });
      else {
        answered.add(p.event.fingerprint);
        p.resolve(result);
      }
    }
  }

  /**
   * One statement for the batch. If it fails, nothing of it was stored, and one delivery the database
   * refuses must not cost the others their answer: on a data error each is then written alone, and only
   * the one that fails again is refused (500, Smokeball retries it). Any other failure (connection lost,
   * timeout) would fail each single write the same way, so the batch fails as a whole.
   */
  async function storeAll(events: StoredEvent[]): Promise<(StoredDelivery | { failed: unknown })[]> {
    try {
      const results = await storeWebhookEvents(sql, events);
      if (results.length !== events.length) throw new Error(`${results.length} answers for ${events.length} deliveries`);
      return results;
    } catch (err) {
      if (events.length === 1 || !isDataError(err)) return events.map(() => ({ failed: err }));
      const alone: (StoredDelivery | { failed: unknown })[] = [];
      for (const e of events) alone.push(...(await storeAll([e])));
      return alone;
    }
  }

  return function store(event: StoredEvent): Promise<StoredDelivery> {
    return new Promise<StoredDelivery>((resolve, reject) => {
      if (queue.length >= maxWaiting) {
        reject(new AppError({ code: 'webhook_intake_busy', status: 503, message: 'Too many webhook deliveries are waiting to be stored; Smokeball delivers this one again later' }));
        return;
      }
      queue.push({ event, resolve, reject });
      flush();
    });
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): a row's fault, not the connection's. */
function isDataError(err: unknown): boolean {
  const sqlState = (err as { code?: unknown } | null)?.code;
  return /^2[23][0-9A-Z]{3}$/.test(String(sqlState ?? ''));
}
