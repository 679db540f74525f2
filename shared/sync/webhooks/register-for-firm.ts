// register-webhooks wired to a function instance's runtime (the function and the post-connect hook).
import type { LogFields } from '../../http/log.ts';
import type { Runtime } from '../../runtime.ts';
import { readConnectionRegion } from '../../db/connections.ts';
import { notConnected } from '../connection/refresh-token.ts';
import { registerWebhooks, type RegisterResult } from './register-webhooks.ts';

/** Where Smokeball delivers: this project's smokeball-webhook function. */
export const webhookUrlFor = (runtime: Runtime) => `${runtime.config.supabaseUrl}/functions/v1/smokeball-webhook`;

export async function registerWebhooksForFirm(runtime: Runtime, firmId: string, log: (event: string, fields?: LogFields) => void): Promise<RegisterResult> {
  const region = await readConnectionRegion(runtime.sql, firmId);
  if (!region) throw notConnected();
  return registerWebhooks(
    { sql: runtime.sql, sealer: runtime.sealer, client: await runtime.smokeball.clientFor({ firmId, region }), webhookUrl: webhookUrlFor(runtime), log },
    firmId,
  );
}
