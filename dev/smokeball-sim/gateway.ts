// The API Gateway in front of the API (docs/smokeball.md §1 "API key", §7 "Gateway-level errors"): `x-api-key`
// must name a registered app (403 `{"message":"Forbidden"}`), the bearer token must be live
// (401 `{"message":"Unauthorized"}`) and issued to that same app.
import type { IncomingMessage } from 'node:http';
import { gatewayError, ReplyError } from './http.ts';
import { clientsOf } from './options.ts';
import type { Account } from './store.ts';
import type { World } from './world.ts';

export function authenticateApiRequest(world: World, req: IncomingMessage): { account: Account; clientId: string } {
  const apiKey = req.headers['x-api-key'];
  const app = typeof apiKey === 'string' ? clientsOf(world.options).find((c) => c.apiKey === apiKey) : undefined;
  if (!app) throw new ReplyError(gatewayError(403, 'Forbidden'));
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const grant = match ? world.auth.verify('access', match[1], world.clock.nowMs()) : undefined;
  const account = grant ? world.store.accounts.get(grant.accountId) : undefined;
  if (!grant || !account) throw new ReplyError(gatewayError(401, 'Unauthorized'));
  if (grant.clientId !== app.clientId) throw new ReplyError(gatewayError(403, 'Forbidden'));
  return { account, clientId: grant.clientId };
}
