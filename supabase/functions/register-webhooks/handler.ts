// POST /functions/v1/register-webhooks (admin JWT) → { subscriptionId, created, removed, eventTypes }.
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { registerWebhooksForFirm } from '../../../shared/runtime/register-webhooks-for-firm.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'register-webhooks',
    methods: ['POST'],
    auth: 'user',
    cors: true,
    async handle({ url, user, runtime, log }) {
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin');
      await runtime.smokeball.assertConfiguredFor(firm.firmId);
      return { body: await registerWebhooksForFirm(runtime, firm.firmId, log.info) };
    },
  },
  runtime,
);
