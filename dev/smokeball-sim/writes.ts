// Asynchronous writes (docs/smokeball.md §8 "eventually consistent"; §2 "Processing is asynchronous; failures
// arrive later as an error webhook"). A write answers 202 at once and is applied a delay drawn from
// `writeVisibilityDelayMs` later in real time (setTimeout, not the sim clock: visibility is about the
// order of real requests).
// Until then a read of the resource is 404. A fault rule with `asyncFailure` makes the write never land
// and sends an `error` webhook carrying the request's RequestId instead.
import { shapeOn, visibilityDelayMs } from './options.ts';
import { emitEvent, type WebhookEvent } from './webhook-delivery.ts';
import { later, type ApiCtx } from './world.ts';

export type ScheduledWrite = {
  resourceName: 'Contact' | 'Matter' | 'File';
  resourceId: string;
  /** Mutates the store and returns the events the change causes. */
  apply: () => Omit<WebhookEvent, 'requestId' | 'source'>[];
  /** Undo bookkeeping (pending ids) when the write fails asynchronously. */
  discard: () => void;
  /** The write names something that does not exist: accepted, then failed with an `error` webhook. */
  invalidReference?: { message: string };
};

export function scheduleWrite(ctx: ApiCtx, write: ScheduledWrite): void {
  const { world, account, requestId } = ctx;
  const generation = world.store.generation;
  const failure = ctx.asyncFailure ?? write.invalidReference;
  const run = () => {
    if (world.store.generation !== generation) return;
    if (failure) {
      write.discard();
      world.stats.asyncFailures++;
      emitEvent(world, account, {
        type: 'error',
        source: 'API',
        requestId,
        payload: {
          message: failure.message,
          // The docs' sample says "contact"; the spec does not fix the case.
          resourceName: shapeOn(world.options, 'lowercaseResourceName') ? write.resourceName.toLowerCase() : write.resourceName,
          resourceId: write.resourceId,
        },
      });
      return;
    }
    for (const event of write.apply()) emitEvent(world, account, { ...event, source: 'API', requestId });
  };
  const delayMs = visibilityDelayMs(world.options);
  if (delayMs <= 0) run();
  else later(world, delayMs, run);
}
