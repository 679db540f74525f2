// Test controls under `/__sim/`: JSON, no auth, never part of the API's own shape. Errors use
// the project's `{ "error": { "code", "message" } }`, not Smokeball's shapes.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { json, readSmallBody, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { MATTER_STATUSES, reviseMatter } from './matters.ts';
import { applyOptionsPatch, shapeOn } from './options.ts';
import type { Account, ContactRecord, JsonObject } from './store.ts';
import { revokeAccountGrant, sweepExpiredGrants } from './tokens.ts';
import { contactView, fileView, matterView, subscriptionView } from './views.ts';
import { emitEvent } from './webhook-delivery.ts';
import { emptyStats, type World } from './world.ts';
import { markContactDeleted, removeFile, removeMatter } from './deletions.ts';
import { SeedInput, seedAccount } from './seed.ts';

const positiveInt = z.number().int().positive();
const ClientInput = z
  .object({ clientId: z.string().min(1), clientSecret: z.string().min(1).nullable(), apiKey: z.string().min(1), redirectUris: z.array(z.string()) })
  .strict();
const MsRange = z
  .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max.' });
const ConfigPatch = z
  .object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    apiKey: z.string().min(1),
    redirectUris: z.array(z.string().min(1)),
    additionalClients: z.array(ClientInput),
    autoApprove: z.boolean(),
    requirePkce: z.boolean(),
    accessTokenTtlS: positiveInt,
    clientCredentialsTokenTtlS: positiveInt,
    refreshTokenTtlS: positiveInt,
    uploadUrlTtlS: positiveInt,
    rateLimit: z.object({ enabled: z.boolean(), rps: z.number().positive(), burst: positiveInt, retryAfter: z.boolean() }).partial().strict(),
    lenient: z.boolean(),
    writeVisibilityDelayMs: z.union([z.number().int().min(0), MsRange]),
    shapes: z
      .object({
        pendingReferences: z.boolean(),
        asyncInvalidReference: z.boolean(),
        poBoxObjects: z.boolean(),
        anyJsonAdditionalData: z.boolean(),
        unnamedMatterTypes: z.boolean(),
        lowercaseResourceName: z.boolean(),
        noRequestIdForSmokeballEdits: z.boolean(),
      })
      .partial()
      .strict(),
    latencyMs: z.object({ min: z.number().min(0), max: z.number().min(0) }).partial().strict(),
    webhooks: z
      .object({
        duplicateRate: z.number().min(0).max(1),
        reorderWindowMs: z.number().min(0),
        timeoutMs: positiveInt,
        lateRate: z.number().min(0).max(1),
        lateMs: MsRange,
      })
      .partial()
      .strict(),
    maxRequestLog: positiveInt,
    maxDeliveryLog: positiveInt,
  })
  .partial()
  .strict();

/** An edit made in Smokeball: a fresh RequestId, or none (the docs promise one only for API calls). */
const smokeballEditRequestId = (world: World): string | null => (shapeOn(world.options, 'noRequestIdForSmokeballEdits') ? null : newGuid());

const FaultInput = z
  .object({
    method: z.string().min(1),
    endpoint: z.string().min(1),
    pathPrefix: z.string().startsWith('/'),
    account: z.string().trim().min(1),
    status: z.number().int().min(400).max(599),
    rate: z.number().min(0).max(1),
    count: positiveInt,
    latencyMs: z.number().min(0),
    reset: z.literal(true),
    asyncFailure: z.object({ message: z.string() }).partial().strict(),
  })
  .partial()
  .strict()
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined || f.reset || f.asyncFailure, {
    message: 'A fault needs status, latencyMs, reset or asyncFailure.',
  });

const AccountInput = z.object({ username: z.string().trim().min(1).max(100), clientId: z.string().min(1).optional() }).strict();
const ClockInput = z.object({ advanceMs: z.number().int().min(0) }).strict();
const MatterEdit = z
  .object({
    status: z.string().refine((s) => MATTER_STATUSES.includes(s), { message: `status must be one of ${MATTER_STATUSES.join(', ')}` }),
    description: z.string(),
    number: z.string(),
    externalSystemId: z.string(),
    userId: z.string(),
  })
  .partial()
  .strict();
const ContactEdit = z
  .object({
    person: z.record(z.string(), z.unknown()),
    company: z.record(z.string(), z.unknown()),
    externalSystemId: z.string(),
    isDeleted: z.boolean(),
    userId: z.string(),
  })
  .partial()
  .strict();

const DropInput = z.object({ drop: z.boolean() }).strict();

const controlError = (status: number, code: string, message: string): Reply => json(status, { error: { code, message } });

async function parse<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; reply: Reply }> {
  const raw = (await readSmallBody(req)).toString('utf8');
  let body: unknown = {};
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    return { ok: false, reply: controlError(400, 'invalid_json', 'The body is not valid JSON.') };
  }
  const result = schema.safeParse(body);
  if (!result.success) return { ok: false, reply: controlError(400, 'invalid_body', z.prettifyError(result.error)) };
  return { ok: true, value: result.data };
}

function stateOf(world: World, onlyAccount?: string) {
  const { baseUrl, store } = world;
  const accounts = [...store.accounts.values()].filter((a) => !onlyAccount || a === store.findAccount(onlyAccount));
  return {
    nowMs: world.clock.nowMs(),
    clockOffsetMs: world.clock.offset,
    accounts: accounts.map((a) => ({
      accountId: a.id,
      username: a.username,
      contacts: [...a.contacts.values()].map((c) => contactView(baseUrl, c)),
      pendingContactIds: [...a.pendingContactIds],
      matters: [...a.matters.values()].map((m) => matterView(baseUrl, m)),
      pendingMatterIds: [...a.pendingMatterIds],
      pendingFileIds: [...a.pendingFileIds],
      files: [...a.files.values()].map((f) => {
        const object = store.objects.get(f.s3Key);
        return { ...fileView(baseUrl, f, object), matterId: f.matterId, sha256: object?.sha256 ?? null };
      }),
      subscriptions: [...a.subscriptions.values()].map((s) => ({ ...subscriptionView(baseUrl, s), clientId: s.clientId, hasKey: s.key !== undefined })),
    })),
  };
}

function resetWorld(world: World): void {
  world.store.reset();
  world.auth.reset();
  world.limiter.reset();
  world.faults.clear();
  world.requestLog.length = 0;
  world.deliveryLog.length = 0;
  world.stats = emptyStats();
}

function createAccountWithTokens(world: World, username: string, clientId: string) {
  const now = world.clock.nowMs();
  const account = world.store.getOrCreateAccount(username, now);
  return {
    accountId: account.id,
    username: account.username,
    accessToken: world.auth.issue('access', account.id, clientId, world.options.accessTokenTtlS, now),
    refreshToken: world.auth.issue('refresh', account.id, clientId, world.options.refreshTokenTtlS, now),
    expiresIn: world.options.accessTokenTtlS,
  };
}

/** Plays a firm user editing a matter in Smokeball: applied at once, `matter.updated` with source "Smokeball". */
function editMatter(world: World, account: Account, id: string, edit: z.infer<typeof MatterEdit>): Reply {
  const previous = account.matters.get(id);
  if (!previous) return controlError(404, 'not_found', 'No such (visible) matter in this account.');
  const { userId, ...fields } = edit;
  const record = reviseMatter(account, previous, fields, world.clock.nowMs());
  emitEvent(world, account, { type: 'matter.updated', source: 'Smokeball', requestId: smokeballEditRequestId(world), userId, payload: matterView(world.baseUrl, record, 'webhook') });
  return json(200, matterView(world.baseUrl, record));
}

function editContact(world: World, account: Account, id: string, edit: z.infer<typeof ContactEdit>): Reply {
  const previous = account.contacts.get(id);
  if (!previous) return controlError(404, 'not_found', 'No such (visible) contact in this account.');
  const { userId, person, company, ...fields } = edit;
  const record: ContactRecord = {
    ...previous,
    ...fields,
    ...(person ? { person: { ...previous.person, ...(person as JsonObject) } } : {}),
    ...(company ? { company: { ...previous.company, ...(company as JsonObject) } } : {}),
    versionId: newGuid(),
    lastUpdatedMs: Math.max(world.clock.nowMs(), previous.lastUpdatedMs + 1),
  };
  account.contacts.set(id, record);
  emitEvent(world, account, { type: 'contact.updated', source: 'Smokeball', requestId: smokeballEditRequestId(world), userId, payload: contactView(world.baseUrl, record, 'webhook', { poBoxObjects: shapeOn(world.options, 'poBoxObjects') }) });
  return json(200, contactView(world.baseUrl, record, 'api', { poBoxObjects: shapeOn(world.options, 'poBoxObjects') }));
}

const sinceFilter = <T extends { seq: number }>(list: T[], url: URL) => {
  const since = Number(url.searchParams.get('since') ?? '0');
  return list.filter((e) => e.seq > since);
};

export async function handleControl(world: World, req: IncomingMessage, url: URL): Promise<Reply> {
  const method = req.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const route = `${method} ${parts.map((p, i) => (parts[0] === 'accounts' && (i === 1 || i === 3) ? '*' : p)).join('/')}`;

  switch (route) {
    case 'GET health':
      return json(200, { ok: true, url: world.baseUrl });
    case 'GET requests': {
      const endpoint = url.searchParams.get('endpoint');
      return json(200, sinceFilter(world.requestLog, url).filter((e) => !endpoint || e.endpoint === endpoint));
    }
    case 'GET stats':
      return json(200, { ...world.stats, requestLogSize: world.requestLog.length, deliveryLogSize: world.deliveryLog.length });
    case 'POST reset':
      resetWorld(world);
      return json(200, { ok: true });
    case 'GET config':
      return json(200, world.options);
    case 'POST config': {
      const parsed = await parse(req, ConfigPatch);
      if (!parsed.ok) return parsed.reply;
      return json(200, applyOptionsPatch(world.options, parsed.value));
    }
    case 'POST clients': {
      // Registers one more app (or replaces the one with its client id) and leaves the others alone, so
      // tests sharing a simulator each add their own firm's app without undoing another's.
      const parsed = await parse(req, ClientInput);
      if (!parsed.ok) return parsed.reply;
      if (parsed.value.clientId === world.options.clientId) return controlError(409, 'conflict', 'That is the default app\'s client id.');
      world.options.additionalClients = [...world.options.additionalClients.filter((c) => c.clientId !== parsed.value.clientId), parsed.value];
      return json(201, { clientId: parsed.value.clientId, clients: world.options.additionalClients.length + 1 });
    }
    case 'GET faults':
      return json(200, world.faults.list());
    case 'POST faults': {
      const parsed = await parse(req, FaultInput);
      if (!parsed.ok) return parsed.reply;
      return json(201, world.faults.add(parsed.value));
    }
    case 'DELETE faults':
      world.faults.clear();
      return json(200, { ok: true });
    case 'GET clock':
      return json(200, { nowMs: world.clock.nowMs(), offsetMs: world.clock.offset });
    case 'POST clock': {
      const parsed = await parse(req, ClockInput);
      if (!parsed.ok) return parsed.reply;
      world.clock.advance(parsed.value.advanceMs);
      sweepExpiredGrants(world);
      return json(200, { nowMs: world.clock.nowMs(), offsetMs: world.clock.offset });
    }
    case 'GET state':
      return json(200, stateOf(world, url.searchParams.get('account') ?? undefined));
    case 'GET webhooks/deliveries':
      return json(200, sinceFilter(world.deliveryLog, url));
    case 'POST accounts': {
      const parsed = await parse(req, AccountInput);
      if (!parsed.ok) return parsed.reply;
      return json(201, createAccountWithTokens(world, parsed.value.username, parsed.value.clientId ?? world.options.clientId));
    }
  }
  if (method === 'DELETE' && parts[0] === 'faults' && parts.length === 2) {
    const id = Number(parts[1]);
    if (Number.isInteger(id) && world.faults.remove(id)) return json(200, { ok: true });
    return controlError(404, 'not_found', 'No such fault rule (never added, cleared, or used up).');
  }
  const account = parts[0] === 'accounts' && parts[1] ? world.store.findAccount(parts[1]) : undefined;
  const more = await accountControl(world, req, route, parts, account);
  if (more) return more;
  if (route === 'POST accounts/*/revoke' || route === 'POST accounts/*/matters/*/edit' || route === 'POST accounts/*/contacts/*/edit') {
    if (!account) return controlError(404, 'not_found', 'No such account.');
    if (route === 'POST accounts/*/revoke') return json(200, { accountId: account.id, ...revokeAccountGrant(world, account.id) });
    if (route === 'POST accounts/*/matters/*/edit') {
      const parsed = await parse(req, MatterEdit);
      return parsed.ok ? editMatter(world, account, parts[3], parsed.value) : parsed.reply;
    }
    const parsed = await parse(req, ContactEdit);
    return parsed.ok ? editContact(world, account, parts[3], parsed.value) : parsed.reply;
  }
  return controlError(404, 'not_found', `No control at ${method} ${url.pathname}.`);
}

/**
 * The controls for what happens inside a Smokeball account beside CaseHug: existing data (seed), deletions
 * by a firm user (deletions.ts), lost webhook deliveries, and a subscription Smokeball deleted (as it does
 * when a refresh token expires, docs/smokeball.md §5). Undefined when the route is none of them.
 */
async function accountControl(world: World, req: IncomingMessage, route: string, parts: string[], account: Account | undefined): Promise<Reply | undefined> {
  const routes = [
    'POST accounts/*/seed', 'POST accounts/*/webhook-drop', 'POST accounts/*/matters/*/delete', 'POST accounts/*/contacts/*/delete',
    'POST accounts/*/files/*/delete', 'POST accounts/*/subscriptions/*/delete',
  ];
  if (!routes.includes(route)) return undefined;
  if (!account) return controlError(404, 'not_found', 'No such account.');
  const id = parts[3];
  const gone = (what: string) => controlError(404, 'not_found', `No such (visible) ${what} in this account.`);
  switch (route) {
    case 'POST accounts/*/seed': {
      const parsed = await parse(req, SeedInput);
      if (!parsed.ok) return parsed.reply;
      const result = seedAccount(world, account, parsed.value);
      return 'error' in result ? controlError(400, 'invalid_body', result.error) : json(201, result);
    }
    case 'POST accounts/*/webhook-drop': {
      const parsed = await parse(req, DropInput);
      if (!parsed.ok) return parsed.reply;
      account.dropWebhooks = parsed.value.drop;
      return json(200, { accountId: account.id, dropWebhooks: account.dropWebhooks });
    }
    case 'POST accounts/*/matters/*/delete':
      return removeMatter(account, id) ? json(200, { deleted: id }) : gone('matter');
    case 'POST accounts/*/contacts/*/delete':
      return markContactDeleted(world, account, id, smokeballEditRequestId(world), 'Smokeball') ? json(200, { deleted: id }) : gone('contact');
    case 'POST accounts/*/files/*/delete':
      return removeFile(account, id) ? json(200, { deleted: id }) : gone('file');
    default:
      return account.subscriptions.delete(id) ? json(200, { deleted: id }) : gone('subscription');
  }
}
