// POST /functions/v1/oauth-start (admin JWT; body { region?, returnTo? }) → { url } to send the browser to.
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { startConnect } from '../../../shared/sync/connection/start-connect.ts';
import { connectRegionFor } from '../../../shared/sync/smokeball-app.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'oauth-start',
    methods: ['POST'],
    auth: 'user',
    cors: true,
    async handle({ req, url, user, runtime }) {
      const { firmId, ...body } = parseWith(api.OAuthStartRequest, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin', firmId);
      // The firm's own app, else the default; neither → 503 smokeball_not_configured, nothing stored.
      const app = await runtime.smokeball.appFor(firm.firmId);
      const result = await startConnect(
        { sql: runtime.sql, sealer: runtime.sealer, oauthFor: (region) => runtime.smokeball.oauthWith(app, region), redirectUri: runtime.config.redirectUri },
        { firmId: firm.firmId, userId: user.userId, jurisdiction: firm.jurisdiction, ...body, region: connectRegionFor(app, body.region) },
      );
      return { body: api.OAuthStartResponse.parse(result) };
    },
  },
  runtime,
);
