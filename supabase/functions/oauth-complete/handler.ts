// POST /functions/v1/oauth-complete (the JWT of the admin who started the connect; body { handle,
// switchAccount? }) → { connected: true, accountId }. The app calls it with the `connect=` value the
// callback put in its URL; see shared/sync/connection/complete-connect.ts.
import * as api from '../../../shared/api/functions.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { completeConnect } from '../../../shared/sync/connection/complete-connect.ts';
import { registerWebhooksForFirm, webhookUrlFor } from '../../../shared/runtime/register-webhooks-for-firm.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'oauth-complete',
    methods: ['POST'],
    auth: 'user',
    cors: true,
    async handle({ req, user, runtime, log }) {
      const body = parseWith(api.OAuthCompleteRequest, await readJsonBody(req), 'invalid_body');
      const result = await completeConnect(
        {
          sql: runtime.sql,
          sealer: runtime.sealer,
          oauthFor: runtime.smokeball.oauthFor,
          clientForAccessToken: runtime.smokeball.clientForAccessToken,
          redirectUri: runtime.config.redirectUri,
          webhookUrl: webhookUrlFor(runtime),
          refreshTokenTtlMs: runtime.config.refreshTokenTtlMs,
          now: runtime.now,
          log: log.info,
          // Smokeball deletes subscriptions when a refresh token expires or access is revoked: every
          // (re)connect makes sure the firm's one subscription exists.
          afterConnect: async (firmId) => void (await registerWebhooksForFirm(runtime, firmId, log.info)),
        },
        { userId: user.userId, ...body },
      );
      return { body: api.OAuthCompleteResponse.parse(result) };
    },
  },
  runtime,
);
