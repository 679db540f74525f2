// POST /functions/v1/disconnect (admin JWT) → { disconnected, webhooks: { deleted, failed }, jobsParked }.
import { readConnectionRegion } from '../../../shared/db/connections.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime.ts';
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
      const region = await readConnectionRegion(runtime.sql, firm.firmId);
      // Without an app (none of its own, no default) the subscriptions cannot be deleted; disconnect anyway.
      const client = region && (await runtime.smokeball.findAppFor(firm.firmId))
        ? await runtime.smokeball.clientFor({ firmId: firm.firmId, region })
        : undefined;
      return { body: await disconnectSmokeball({ sql: runtime.sql, client, log: log.info }, firm.firmId) };
    },
  },
  runtime,
);
