// RFC 7807 ProblemDetails with Smokeball's `errors` array (docs/smokeball.md §7 "Errors"). The element shape is
// undocumented; the sim uses `{ field?, message }`.
import { ReplyError, type Reply } from './http.ts';

export type FieldError = { field?: string; message: string };

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
  403: 'https://tools.ietf.org/html/rfc7231#section-6.5.3',
  404: 'https://tools.ietf.org/html/rfc7231#section-6.5.4',
  500: 'https://tools.ietf.org/html/rfc7231#section-6.6.1',
};
const TITLE_BY_STATUS: Record<number, string> = {
  400: 'One or more validation errors occurred.',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'An error occurred while processing your request.',
};

export function problem(status: number, instance: string, detail: string, errors: FieldError[] = []): Reply {
  return {
    status,
    contentType: 'application/problem+json; charset=utf-8',
    body: {
      type: TYPE_BY_STATUS[status] ?? 'about:blank',
      title: TITLE_BY_STATUS[status] ?? 'Error',
      status,
      detail,
      instance,
      ...(errors.length > 0 ? { errors } : {}),
    },
  };
}

/** Throws a 400 ProblemDetails when there are field errors. */
export function throwIfInvalid(instance: string, errors: FieldError[]): void {
  if (errors.length > 0) throw new ReplyError(problem(400, instance, errors.map((e) => e.message).join(' '), errors));
}

export const notFoundProblem = (instance: string, what: string): ReplyError =>
  new ReplyError(problem(404, instance, `${what} was not found.`));
