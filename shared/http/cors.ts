// CORS for functions the CaseHug frontend calls from the browser (supabase-js `functions.invoke`).
// Webhook and callback endpoints need none.
export const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type, x-region',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Max-Age': '86400',
  // Lets the app read the request id of any answer (to quote it to support); CORS hides it otherwise.
  'Access-Control-Expose-Headers': 'x-request-id',
};

export function preflightResponse(): Response {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
