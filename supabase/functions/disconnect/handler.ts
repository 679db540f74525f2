// POST /functions/v1/disconnect (admin JWT) → { disconnected, webhooks: { deleted, failed }, jobsParked }.
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import type { SmokeballRegion } from '../../../shared/smokeball/hosts.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { disconnectSmokeball } from '../../../shared/sync/connection/disconnect.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'disconnect',
    methods: ['POST'],
    auth: 'user',
    cors: true,
    async handle({ req, url, user, runtime, log }) {
      const body = parseWith(api.DisconnectRequest, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin', body.firmId);
      // Without an app (none of its own, no default) the subscriptions cannot be deleted; disconnect anyway.
      const clientFor = (await runtime.smokeball.findAppFor(firm.firmId))
        ? (region: SmokeballRegion) => runtime.smokeball.clientFor({ firmId: firm.firmId, region })
        : undefined;
      return { body: api.DisconnectResponse.parse(await disconnectSmokeball({ sql: runtime.sql, clientFor, log: log.info }, firm.firmId)) };
    },
  },
  runtime,
);
