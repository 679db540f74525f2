// GET /functions/v1/oauth-callback (verify_jwt = false; authenticated by the single-use state).
// Every outcome is a 302 to the app; see shared/sync/connection/complete-connect.ts.
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime.ts';
import { completeConnect } from '../../../shared/sync/connection/complete-connect.ts';
import { registerWebhooksForFirm } from '../../../shared/sync/webhooks/register-for-firm.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'oauth-callback',
    methods: ['GET'],
    auth: 'none',
    async handle({ url, runtime, log }) {
      const { location } = await completeConnect(
        {
          sql: runtime.sql,
          sealer: runtime.sealer,
          oauthFor: runtime.smokeball.oauthFor,
          redirectUri: runtime.config.redirectUri,
          appUrl: runtime.config.appUrl,
          refreshTokenTtlMs: runtime.config.refreshTokenTtlMs,
          now: runtime.now,
          log: log.info,
          // Smokeball deletes subscriptions when a refresh token expires or access is revoked (reference
          // §5): every (re)connect makes sure the firm's one subscription exists.
          afterConnect: async (firmId) => void (await registerWebhooksForFirm(runtime, firmId, log.info)),
        },
        url.searchParams,
      );
      // no-store: the URL carried a code; no-referrer: the app page must not leak it onwards (RFC 9700 §4.2).
      return new Response(null, {
        status: 302,
        headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      });
    },
  },
  runtime,
);
