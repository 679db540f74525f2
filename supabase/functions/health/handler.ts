// GET /functions/v1/health (JWT required): what operators poll. 503 when the database does not answer.
import * as api from '../../../shared/api/functions.ts';
import { checkDatabase } from '../../../shared/db/health.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'health',
    methods: ['GET'],
    auth: 'user',
    cors: true,
    async handle({ runtime }) {
      const database = await checkDatabase(runtime.sql);
      return {
        status: database === 'ok' ? 200 : 503,
        body: api.HealthResponse.parse({ ok: database === 'ok', database, smokeball: { configured: runtime.config.smokeball.configured } }),
      };
    },
  },
  runtime,
);
