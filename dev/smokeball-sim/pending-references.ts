// Writes that name a resource Smokeball accepted (202) but has not made visible yet. Smokeball documents no
// success for them: a sub-resource write on a parent it cannot see answers 404, `GetFiles`/file writes
// document 403 "does not belong to the account" instead of 404, and a body naming an unknown id is a
// validation error. With `shapes.pendingReferences` the sim refuses such writes, picking one of the
// answers the spec allows at random, until the resource is visible.
import { ReplyError } from './http.ts';
import { shapeOn } from './options.ts';
import { notFoundProblem, problem } from './problem.ts';
import type { ApiCtx } from './world.ts';

type Refusal = { kind: 'Contact' | 'Matter'; id: string } & (
  | { via: 'path'; allowForbidden?: boolean }
  | { via: 'body'; field: string }
);

/** Throws a 404, 403 or 400 when pending references are refused; otherwise returns (the write proceeds). */
export function refusePendingReference(ctx: ApiCtx, refusal: Refusal): void {
  if (!shapeOn(ctx.world.options, 'pendingReferences')) return;
  ctx.world.stats.pendingReferenceRefusals++;
  const coin = Math.random() < 0.5;
  if (refusal.via === 'path') {
    if (refusal.allowForbidden && coin) {
      throw new ReplyError(problem(403, ctx.path, `The ${refusal.kind.toLowerCase()} does not belong to the account.`));
    }
    throw notFoundProblem(ctx.path, refusal.kind);
  }
  if (coin) throw notFoundProblem(ctx.path, refusal.kind);
  const message = `${refusal.kind} '${refusal.id.slice(0, 80)}' does not exist.`;
  throw new ReplyError(problem(400, ctx.path, message, [{ field: refusal.field, message }]));
}
