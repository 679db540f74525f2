// POST /functions/v1/register-webhooks (admin JWT) → { subscriptionId, created, removed, eventTypes }.
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { registerWebhooksForFirm } from '../../../shared/runtime/register-webhooks-for-firm.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'register-webhooks',
    methods: ['POST'],
    auth: 'user',
    cors: true,
    async handle({ req, url, user, runtime, log }) {
      const body = parseWith(api.RegisterWebhooksRequest, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin', body.firmId);
      await runtime.smokeball.assertConfiguredFor(firm.firmId);
      return { body: api.RegisterWebhooksResponse.parse(await registerWebhooksForFirm(runtime, firm.firmId, log.info)) };
    },
  },
  runtime,
);
