// POST /functions/v1/disconnect (admin JWT) → { disconnected, webhooks: { deleted, failed }, jobsParked }.
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
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
    async handle({ url, user, runtime, log }) {
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin');
      // Without an app (none of its own, no default) the subscriptions cannot be deleted; disconnect anyway.
      const clientFor = (await runtime.smokeball.findAppFor(firm.firmId))
        ? (region: SmokeballRegion) => runtime.smokeball.clientFor({ firmId: firm.firmId, region })
        : undefined;
      return { body: await disconnectSmokeball({ sql: runtime.sql, clientFor, log: log.info }, firm.firmId) };
    },
  },
  runtime,
);
