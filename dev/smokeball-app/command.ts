// The operator command behind `npm run smokeball:app`: a firm's own Smokeball app credentials.
//
//   set --firm <id> --client-id <id> --region US|AU|UK [--environment production|staging]
//       the client secret and API key from SMOKEBALL_APP_CLIENT_SECRET / SMOKEBALL_APP_API_KEY, else from
//       standard input (first line the secret, second the API key) — never from arguments, which end up
//       in shell history and process listings
//   remove --firm <id>
//   list                        firm ids, client ids, environment, region, key id; never a secret
//
// Secrets are sealed here with TOKEN_ENCRYPTION_KEYS (the database never holds the keys) and stored
// through the service-role-only functions of migration 20261201190200.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Sealer } from '../../shared/crypto/seal.ts';
import type { Sql } from '../../shared/db/sql.ts';
import { listFirmApps, removeFirmApp, setFirmApp } from '../../shared/db/smokeball-apps.ts';
import { SmokeballEnvironment, SmokeballRegion } from '../../shared/smokeball/hosts.ts';
import { appApiKeyContext, appSecretContext } from '../../shared/sync/smokeball-app.ts';

export const USAGE = `usage: npm run smokeball:app -- <command>
  set --firm <uuid> --client-id <id> --region US|AU|UK [--environment production|staging]
      reads SMOKEBALL_APP_CLIENT_SECRET and SMOKEBALL_APP_API_KEY from the environment, else two lines
      from standard input (the client secret, then the API key)
  remove --firm <uuid>
  list`;

/** A mistake of the operator's: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const SECRET_OPTIONS = ['client-secret', 'secret', 'api-key', 'apikey', 'key'];
const OPTIONS = ['firm', 'client-id', 'region', 'environment', ...SECRET_OPTIONS];

const SetArgs = z.object({
  firm: z.uuid(),
  'client-id': z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'is not a Smokeball client id'),
  region: SmokeballRegion,
  environment: SmokeballEnvironment.default('production'),
});
const FirmArgs = z.object({ firm: z.uuid() });
const Secret = z.string().trim().min(1).max(4096);

export type CommandDeps = {
  sql: Sql;
  sealer: Sealer;
  env: Record<string, string | undefined>;
  /** Standard input, read only when a secret is not in the environment. */
  readStdin(): Promise<string>;
  print(line: string): void;
};

export async function runSmokeballAppCommand(argv: string[], deps: CommandDeps): Promise<void> {
  const [command, ...rest] = argv;
  const given = parseOptions(rest);
  const refused = SECRET_OPTIONS.filter((name) => name in given);
  if (refused.length > 0) {
    throw new UsageError(`--${refused[0]} is not accepted: secrets come from the environment or standard input, never from arguments`);
  }
  if (command === 'set') {
    const args = parse(SetArgs, given);
    const { clientSecret, apiKey } = await readSecrets(deps);
    const clientId = args['client-id'];
    const result = await setFirmApp(deps.sql, {
      firmId: args.firm,
      clientId,
      sealedClientSecret: await deps.sealer.seal(clientSecret, appSecretContext(args.firm, clientId)),
      sealedApiKey: await deps.sealer.seal(apiKey, appApiKeyContext(args.firm, clientId)),
      keyId: deps.sealer.currentKeyId,
      environment: args.environment,
      region: args.region,
    });
    deps.print(`set: firm ${args.firm} uses its own Smokeball app ${clientId} (${args.environment}, ${args.region})`);
    if (result.connectionInvalidated) deps.print('the firm was connected with another app: an admin must connect Smokeball again');
    return;
  }
  if (command === 'remove') {
    const { firm } = parse(FirmArgs, given);
    const result = await removeFirmApp(deps.sql, firm);
    deps.print(result.removed ? `removed: firm ${firm} has no app of its own now` : `firm ${firm} had no app of its own`);
    if (result.connectionInvalidated) deps.print('the firm was connected with the removed app: an admin must connect Smokeball again');
    return;
  }
  if (command === 'list') {
    if (Object.keys(given).length > 0) throw new UsageError('list takes no options');
    const apps = await listFirmApps(deps.sql);
    deps.print(['firm_id', 'client_id', 'environment', 'region', 'key_id'].join('\t'));
    for (const a of apps) deps.print([a.firmId, a.clientId, a.environment, a.region, a.keyId].join('\t'));
    return;
  }
  throw new UsageError(command ? `unknown command ${command}` : 'no command');
}

function parseOptions(args: string[]): Record<string, string> {
  try {
    const options = Object.fromEntries(OPTIONS.map((name) => [name, { type: 'string' as const }]));
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
      if (typeof v !== 'string') throw new UsageError(`--${k} needs a value`);
      out[k] = v;
    }
    return out;
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function parse<T extends z.ZodType>(schema: T, given: Record<string, string>): z.output<T> {
  const parsed = (schema as z.ZodType).safeParse(given);
  if (parsed.success) {
    const unknown = Object.keys(given).filter((k) => !(k in (schema as unknown as z.ZodObject).shape));
    if (unknown.length > 0) throw new UsageError(`unknown option --${unknown[0]}`);
    return parsed.data as z.output<T>;
  }
  const issue = parsed.error.issues[0];
  throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
}

/** From the environment when both are there, else two lines of standard input. Never echoed. */
async function readSecrets(deps: CommandDeps): Promise<{ clientSecret: string; apiKey: string }> {
  let secret = deps.env.SMOKEBALL_APP_CLIENT_SECRET;
  let apiKey = deps.env.SMOKEBALL_APP_API_KEY;
  if (!secret || !apiKey) {
    const lines = (await deps.readStdin()).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    secret ||= lines[0];
    apiKey ||= secret === lines[0] ? lines[1] : lines[0];
  }
  const s = Secret.safeParse(secret);
  const k = Secret.safeParse(apiKey);
  if (!s.success || !k.success) {
    throw new UsageError('the client secret and API key are required: SMOKEBALL_APP_CLIENT_SECRET and SMOKEBALL_APP_API_KEY, or two lines on standard input');
  }
  return { clientSecret: s.data, apiKey: k.data };
}
