// Everything one simulator instance holds: options, clock, data, auth state, logs and counters. Modules
// receive it as a parameter, so two simulators in one process never share anything.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SimClock } from './clock.ts';
import type { Query } from './http.ts';
import type { SimOptions } from './options.ts';
import { Store, type Account } from './store.ts';
import { AuthState } from './tokens.ts';
import { RateLimiter } from './rate-limit.ts';
import { FaultRules } from './faults.ts';

export type RequestLogEntry = {
  seq: number;
  /** Sim-clock ms when the request arrived. */
  timeMs: number;
  method: string;
  /** Path plus query, with secret-bearing query values replaced by `***`. */
  path: string;
  endpoint: string;
  status: number;
  requestId: string;
  accountId: string | null;
  clientId: string | null;
  /** Only for `POST /oauth2/token`; never a token, code or secret. */
  grantType?: string;
  durationMs: number;
  throttled?: boolean;
  fault?: string;
};

export type DeliveryLogEntry = {
  seq: number;
  timeMs: number;
  url: string;
  accountId: string;
  subscriptionId: string;
  type: string;
  source: string;
  /** null when the delivery carried no RequestId header. */
  requestId: string | null;
  timestamp: string;
  /** null when the receiver did not answer (timeout, refused). */
  statusCode: number | null;
  error?: string;
  durationMs: number;
  duplicate: boolean;
};

export type Stats = {
  requests: number;
  byStatus: Record<string, number>;
  byEndpoint: Record<string, number>;
  throttled: number;
  faultsInjected: number;
  connectionResets: number;
  asyncFailures: number;
  /** Writes refused because they named a resource not visible yet (`shapes.pendingReferences`). */
  pendingReferenceRefusals: number;
  webhookDeliveries: number;
  webhookFailures: number;
  /** Deliveries lost on purpose (an account's `webhook-drop` control). */
  webhooksDropped: number;
  uploads: number;
  uploadedBytes: number;
};

export const emptyStats = (): Stats => ({
  requests: 0,
  byStatus: {},
  byEndpoint: {},
  throttled: 0,
  faultsInjected: 0,
  connectionResets: 0,
  asyncFailures: 0,
  pendingReferenceRefusals: 0,
  webhookDeliveries: 0,
  webhookFailures: 0,
  webhooksDropped: 0,
  uploads: 0,
  uploadedBytes: 0,
});

export type World = {
  options: SimOptions;
  clock: SimClock;
  store: Store;
  auth: AuthState;
  limiter: RateLimiter;
  faults: FaultRules;
  requestLog: RequestLogEntry[];
  deliveryLog: DeliveryLogEntry[];
  stats: Stats;
  seq: { request: number; delivery: number };
  /** The origin the simulator serves, used in every href and upload URL. Set once listening. */
  baseUrl: string;
  /** Signs upload URLs, so a tampered URL is refused like S3 would. */
  uploadSigningKey: Buffer;
  /** Timers of scheduled writes and deliveries, cleared on close. */
  timers: Set<NodeJS.Timeout>;
};

export function createWorld(options: SimOptions): World {
  return {
    options,
    clock: new SimClock(),
    store: new Store(),
    auth: new AuthState(),
    limiter: new RateLimiter(),
    faults: new FaultRules(),
    requestLog: [],
    deliveryLog: [],
    stats: emptyStats(),
    seq: { request: 0, delivery: 0 },
    baseUrl: '',
    uploadSigningKey: randomBytes(32),
    timers: new Set(),
  };
}

/** setTimeout that close() can cancel. */
export function later(world: World, ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    world.timers.delete(timer);
    fn();
  }, ms);
  world.timers.add(timer);
}

/** What an authenticated API handler gets. */
export type ApiCtx = {
  world: World;
  req: IncomingMessage;
  url: URL;
  /** Path without trailing slash, e.g. `/matters/abc`; the ProblemDetails `instance`. */
  path: string;
  query: Query;
  params: Record<string, string>;
  requestId: string;
  account: Account;
  clientId: string;
  /** Set by a fault rule: answer 202 as usual, then never apply and send an `error` webhook. */
  asyncFailure?: { message: string };
  body: () => Promise<unknown>;
};
