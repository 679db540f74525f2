// A typed client for the `/__sim/` controls, so other tests and tools drive the simulator over HTTP.
import type { FaultRule, FaultRuleInput } from './faults.ts';
import type { SimClient, SimOptions, SimOptionsPatch } from './options.ts';
import type { DeliveryLogEntry, RequestLogEntry, Stats } from './world.ts';

export type { FaultRule, FaultRuleInput } from './faults.ts';
export type { DeliveryLogEntry, RequestLogEntry, Stats } from './world.ts';

export type SimAccountTokens = { accountId: string; username: string; accessToken: string; refreshToken: string; expiresIn: number };

type Json = Record<string, unknown>;
export type SimState = {
  nowMs: number;
  clockOffsetMs: number;
  accounts: {
    accountId: string;
    username: string;
    contacts: Json[];
    pendingContactIds: string[];
    matters: Json[];
    pendingMatterIds: string[];
    pendingFileIds: string[];
    files: (Json & { id: string; matterId: string; sha256: string | null; sizeBytes: number; isUploaded: boolean })[];
    subscriptions: (Json & { id: string; clientId: string; hasKey: boolean })[];
  }[];
};

export type SeedMatter = {
  matterTypeId?: string;
  matterTypeName?: string;
  location?: string;
  number?: string;
  description?: string;
  status?: string;
  clients: ({ id: string } | { firstName: string; lastName: string; email?: string })[];
  files?: string[];
};

export class SimControlError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`sim control answered ${status}: ${body.slice(0, 300)}`);
  }
}

export class SimControl {
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/__sim/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new SimControlError(response.status, text);
    return JSON.parse(text) as T;
  }

  health = () => this.call<{ ok: true; url: string }>('GET', 'health');
  requests = (options: { since?: number; endpoint?: string } = {}) => {
    const q = new URLSearchParams();
    if (options.since !== undefined) q.set('since', String(options.since));
    if (options.endpoint) q.set('endpoint', options.endpoint);
    return this.call<RequestLogEntry[]>('GET', `requests?${q}`);
  };
  stats = () => this.call<Stats & { requestLogSize: number; deliveryLogSize: number }>('GET', 'stats');
  reset = () => this.call<{ ok: true }>('POST', 'reset');
  getConfig = () => this.call<SimOptions>('GET', 'config');
  config = (patch: SimOptionsPatch) => this.call<SimOptions>('POST', 'config', patch);
  /** Registers one more app beside the others (replacing one with the same client id). */
  addClient = (client: SimClient) => this.call<{ clientId: string; clients: number }>('POST', 'clients', client);
  faults = () => this.call<FaultRule[]>('GET', 'faults');
  addFault = (fault: FaultRuleInput) => this.call<FaultRule>('POST', 'faults', fault);
  clearFaults = () => this.call<{ ok: true }>('DELETE', 'faults');
  removeFault = (id: number) => this.call<{ ok: true }>('DELETE', `faults/${id}`);
  advanceClock = (advanceMs: number) => this.call<{ nowMs: number; offsetMs: number }>('POST', 'clock', { advanceMs });
  clock = () => this.call<{ nowMs: number; offsetMs: number }>('GET', 'clock');
  state = (account?: string) => this.call<SimState>('GET', account ? `state?account=${encodeURIComponent(account)}` : 'state');
  deliveries = (since?: number) => this.call<DeliveryLogEntry[]>('GET', since === undefined ? 'webhooks/deliveries' : `webhooks/deliveries?since=${since}`);
  createAccount = (username: string, clientId?: string) => this.call<SimAccountTokens>('POST', 'accounts', { username, ...(clientId ? { clientId } : {}) });
  revoke = (account: string) =>
    this.call<{ accountId: string; revokedTokens: number; deletedSubscriptions: number }>('POST', `accounts/${encodeURIComponent(account)}/revoke`);
  editMatter = (account: string, matterId: string, fields: { status?: string; description?: string; number?: string; externalSystemId?: string; userId?: string }) =>
    this.call<Json>('POST', `accounts/${encodeURIComponent(account)}/matters/${encodeURIComponent(matterId)}/edit`, fields);
  /** Matters (with their client contacts) already in the account: visible at once, no webhooks. */
  seed = (account: string, input: { matters: SeedMatter[] }) =>
    this.call<{ matters: { id: string; clientIds: string[]; matterTypeId: string; fileIds: string[] }[] }>('POST', `accounts/${encodeURIComponent(account)}/seed`, input);
  /** While on, the account's webhook deliveries are lost (never sent). */
  dropWebhooks = (account: string, drop: boolean) => this.call<{ accountId: string; dropWebhooks: boolean }>('POST', `accounts/${encodeURIComponent(account)}/webhook-drop`, { drop });
  /** A firm user deletes it in Smokeball (deletions.ts says what that looks like). */
  deleteMatter = (account: string, id: string) => this.call<{ deleted: string }>('POST', `accounts/${encodeURIComponent(account)}/matters/${encodeURIComponent(id)}/delete`);
  deleteContact = (account: string, id: string) => this.call<{ deleted: string }>('POST', `accounts/${encodeURIComponent(account)}/contacts/${encodeURIComponent(id)}/delete`);
  deleteFile = (account: string, id: string) => this.call<{ deleted: string }>('POST', `accounts/${encodeURIComponent(account)}/files/${encodeURIComponent(id)}/delete`);
  /** Smokeball deletes the subscription (as when the refresh token expires). */
  deleteSubscription = (account: string, id: string) =>
    this.call<{ deleted: string }>('POST', `accounts/${encodeURIComponent(account)}/subscriptions/${encodeURIComponent(id)}/delete`);
  editContact = (
    account: string,
    contactId: string,
    fields: { person?: Json; company?: Json; externalSystemId?: string; isDeleted?: boolean; userId?: string },
  ) => this.call<Json>('POST', `accounts/${encodeURIComponent(account)}/contacts/${encodeURIComponent(contactId)}/edit`, fields);
}
