// GET /functions/v1/oauth-callback (verify_jwt = false; authenticated by the single-use state).
// Every outcome is a 302 to the app; the code is exchanged later by oauth-complete, in the app session
// of the admin who started the flow (shared/sync/connection/receive-callback.ts).
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { receiveOAuthCallback } from '../../../shared/sync/connection/receive-callback.ts';
import { findFirmAppClientId } from '../../../shared/sync/smokeball-app.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'oauth-callback',
    methods: ['GET'],
    auth: 'none',
    async handle({ url, runtime, log }) {
      const { location } = await receiveOAuthCallback(
        { sql: runtime.sql, sealer: runtime.sealer, appUrl: runtime.config.appUrl, isConfiguredFor: async (firmId) => (await findFirmAppClientId(runtime, firmId)) !== undefined, log: log.info },
        url.searchParams,
      );
      // no-store: the URL carried a code; no-referrer: the app page must not leak the handle onwards
      // (RFC 9700 §4.2).
      return new Response(null, {
        status: 302,
        headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      });
    },
  },
  runtime,
);
