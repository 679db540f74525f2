// register-webhooks wired to a function instance's runtime (the function and the post-connect hook).
import type { LogFields } from '../log.ts';
import type { Runtime } from './runtime.ts';
import { registerWebhooks, type RegisterResult } from '../sync/webhooks/register-webhooks.ts';

/** Where Smokeball delivers: this project's smokeball-webhook function. */
export const webhookUrlFor = (runtime: Runtime) => `${runtime.config.supabaseUrl}/functions/v1/smokeball-webhook`;

export async function registerWebhooksForFirm(runtime: Runtime, firmId: string, log: (event: string, fields?: LogFields) => void): Promise<RegisterResult> {
  return registerWebhooks(
    { sql: runtime.sql, sealer: runtime.sealer, clientFor: (region) => runtime.smokeball.clientFor({ firmId, region }), webhookUrl: webhookUrlFor(runtime), log },
    firmId,
  );
}
