// The payload of Smokeball's `error` webhook: `{ message, resourceName, resourceId }` (docs/smokeball.md §5).
// The docs' own sample names the resource in lower case (`"contact"`) where a .NET type name would be
// capitalised, so the name is compared without case; an unknown name still fails the run, it only clears
// no link.
import { z } from 'zod';

const ErrorPayload = z
  .object({ message: z.string().nullish(), resourceName: z.string().nullish(), resourceId: z.string().nullish() })
  .loose();

export type FailedResource = 'file' | 'matter' | 'contact';

export type AsyncFailure = { message: string | null; resource: FailedResource | null; resourceId: string | null };

/** The failure an `error` payload reports, or undefined when it is not one. */
export function readAsyncFailure(payload: unknown): AsyncFailure | undefined {
  const parsed = ErrorPayload.safeParse(payload);
  if (!parsed.success) return undefined;
  const name = parsed.data.resourceName?.trim().toLowerCase();
  const resource = name === 'file' || name === 'matter' || name === 'contact' ? name : null;
  return { message: parsed.data.message ?? null, resource, resourceId: parsed.data.resourceId?.trim() || null };
}
