// Request input through zod `.strict()` schemas; each failure has its own code and never echoes input.
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { readTextBody } from '../read-body.ts';

export { readTextBody };

/** Bodies of browser-called functions are small JSON objects. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** `emptyAs`: what an empty body means for endpoints whose every field is optional. */
export async function readJsonBody(req: Request, options: { maxBytes?: number; emptyAs?: unknown } = {}): Promise<unknown> {
  const text = await readTextBody(req, options.maxBytes ?? MAX_JSON_BODY_BYTES);
  if (text.trim() === '') {
    if (options.emptyAs !== undefined) return options.emptyAs;
    throw new AppError({ code: 'invalid_json', status: 400, message: 'Request body must be JSON' });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError({ code: 'invalid_json', status: 400, message: 'Request body is not valid JSON' });
  }
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, code: 'invalid_body' | 'invalid_query'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const where = code === 'invalid_body' ? 'body' : 'query';
  const fields = [...new Set(closestIssues(result.error.issues).map((i) => i.path.join('.') || where))].slice(0, 5);
  throw new AppError({ code, status: 400, message: `Invalid request ${where}: check ${fields.join(', ')}`, details: { fields } });
}

type Issue = z.core.$ZodIssue;

/**
 * A union of request shapes (`{ a } | { all: true }`) that matched none fails as one union issue carrying
 * each shape's issues; the shape the input came closest to (fewest issues) names the fields to check.
 * An unknown key is named by where it is (its issue's path), never by the key itself: input is not echoed.
 */
function closestIssues(issues: readonly Issue[]): readonly Issue[] {
  const [only] = issues;
  if (issues.length !== 1 || !('errors' in only) || only.errors.length === 0) return issues;
  const [closest] = [...only.errors].sort((a, b) => a.length - b.length);
  return closestIssues(closest.map((i) => ({ ...i, path: [...only.path, ...i.path] }) as Issue));
}
