// Route templates and the rate-limit "endpoint" of a request (docs/smokeball.md §6: limits are per client id
// and endpoint). An endpoint is the HTTP method plus the route template with every id replaced by `{id}`,
// e.g. `GET /matters/{id}`; it is also recorded on every request-log entry.

/** API paths exactly as Smokeball's (docs/smokeball.md §1: no version prefix). Literal segments before `{…}`. */
export const API_TEMPLATES = [
  'GET /contacts',
  'POST /contacts',
  'GET /contacts/{id}',
  'PUT /contacts/{id}',
  'DELETE /contacts/{id}',
  'POST /contacts/batch',
  'GET /matters',
  'POST /matters',
  'GET /matters/{id}',
  'PATCH /matters/{id}',
  'PUT /matters/{id}',
  'DELETE /matters/{id}',
  'GET /mattertypes',
  'GET /mattertypes/categories',
  'GET /mattertypes/{id}',
  'GET /matters/{id}/documents/files',
  'POST /matters/{id}/documents/files',
  'POST /matters/{id}/documents/files/bulk',
  'GET /matters/{id}/documents/files/{fileId}',
  'DELETE /matters/{id}/documents/files/{fileId}',
  'GET /matters/{id}/documents/files/{fileId}/upload',
  'GET /webhooks',
  'POST /webhooks',
  'GET /webhooks/types',
  'GET /webhooks/{id}',
  'PUT /webhooks/{id}',
  'DELETE /webhooks/{id}',
  'POST /webhooks/{id}/notify',
] as const;
export type ApiRoute = (typeof API_TEMPLATES)[number];

const OTHER_TEMPLATES = ['GET /oauth2/authorize', 'POST /oauth2/authorize', 'POST /oauth2/token'];

type Compiled = { method: string; key: string; segments: string[] };
const compile = (key: string): Compiled => {
  const [method, path] = key.split(' ');
  return { method, key, segments: path.split('/').filter(Boolean) };
};
const API_COMPILED = API_TEMPLATES.map(compile);
const OTHER_COMPILED = OTHER_TEMPLATES.map(compile);

export type RouteMatch = { key: string; params: Record<string, string> };

function matchIn(list: Compiled[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').filter(Boolean);
  outer: for (const route of list) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const want = route.segments[i];
      if (want.startsWith('{')) params[want.slice(1, -1)] = decodeURIComponent(segments[i]);
      else if (want.toLowerCase() !== segments[i].toLowerCase()) continue outer;
    }
    return { key: route.key, params };
  }
  return undefined;
}

/** The API route a request hits, or undefined (unknown route or wrong method). */
export const matchApiRoute = (method: string, path: string) => matchIn(API_COMPILED, method, path);

const looksLikeId = (segment: string) => /\d/.test(segment) || segment.length > 24;

/**
 * The rate-limit bucket name of a request: `METHOD /template` with ids as `{id}`. Unknown paths keep
 * their literal segments and replace id-like ones, so a 404 flood still lands in few buckets.
 */
export function endpointOf(method: string, path: string): string {
  const m = method.toUpperCase();
  if (path.startsWith('/s3/')) return `${m} /s3/{key}`;
  const match = matchIn(API_COMPILED, m, path) ?? matchIn(OTHER_COMPILED, m, path);
  if (match) return match.key.replace(/\{[^}]+\}/g, '{id}');
  const segments = path.split('/').filter(Boolean).map((s) => (looksLikeId(s) ? '{id}' : s));
  return `${m} /${segments.join('/')}`;
}
