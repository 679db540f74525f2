// What each function answers to a request without credentials, sent to the function directly (not via
// a gateway): its own authentication must refuse it cleanly, with the project's error shape, or — for
// the OAuth callback — send the browser back to the app. A function missing here gets the default.
export type Expectation = {
  method: 'GET' | 'POST';
  body?: string;
  /** 'error': this status with `{ error: { code } }` JSON; 'redirect': this status with a Location in the app. */
  answer: { kind: 'error'; status: number; code?: string } | { kind: 'redirect'; status: number; query: Record<string, string> };
};

const userJwt = (method: 'GET' | 'POST'): Expectation => ({ method, answer: { kind: 'error', status: 401 } });
const secretKey: Expectation = { method: 'POST', body: '{}', answer: { kind: 'error', status: 401 } };

export const EXPECTATIONS: Record<string, Expectation> = {
  health: userJwt('GET'),
  'oauth-start': userJwt('POST'),
  disconnect: userJwt('POST'),
  'sync-matter': userJwt('POST'),
  'register-webhooks': userJwt('POST'),
  'smokeball-matter-types': userJwt('GET'),
  'smokeball-matters': userJwt('GET'),
  'smokeball-status': userJwt('GET'),
  'import-smokeball-matters': userJwt('POST'),
  // Neither a user JWT nor a secret key: refused by the user check.
  reconcile: userJwt('POST'),
  'sync-worker': secretKey,
  'on-document-approved': secretKey,
  // No state: straight back to the app, before any database or Smokeball call.
  'oauth-callback': { method: 'GET', answer: { kind: 'redirect', status: 302, query: { error: 'invalid_state' } } },
  // No signature headers: refused as malformed before anything is stored.
  'smokeball-webhook': { method: 'POST', body: '{}', answer: { kind: 'error', status: 400 } },
};

/** Any other function: a POST without credentials is refused with a 4xx error in the project's shape. */
export const DEFAULT_EXPECTATION: Expectation = { method: 'POST', body: '{}', answer: { kind: 'error', status: 401 } };

export function describeExpectation(e: Expectation): string {
  return e.answer.kind === 'error'
    ? `${e.answer.status} {error}`
    : `${e.answer.status} → app?${new URLSearchParams(e.answer.query)}`;
}

/** Compares an answer with the expectation; returns what was wrong, or undefined. */
export async function checkAnswer(e: Expectation, res: Response, appUrl: string): Promise<string | undefined> {
  const text = await res.text();
  if (res.status !== e.answer.status) return `status ${res.status}: ${text.slice(0, 160)}`;
  if (e.answer.kind === 'redirect') {
    const location = res.headers.get('location');
    if (!location) return 'no Location header';
    const url = new URL(location, appUrl);
    if (!url.href.startsWith(appUrl)) return `redirects outside the app: ${url.origin}`;
    for (const [k, v] of Object.entries(e.answer.query)) {
      if (url.searchParams.get(k) !== v) return `Location lacks ${k}=${v}`;
    }
    return undefined;
  }
  if (!/^application\/json/.test(res.headers.get('content-type') ?? '')) return `not JSON: ${res.headers.get('content-type')}`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return 'body is not JSON';
  }
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') return 'body lacks { error: { code, message } }';
  if (e.answer.code && body.error.code !== e.answer.code) return `error code ${body.error.code}`;
  return undefined;
}
