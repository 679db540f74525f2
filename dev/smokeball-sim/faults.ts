// Fault rules added through `POST /__sim/faults`: error statuses, added latency, connection resets and
// asynchronous failures, on a route, at a rate or for the next N matching requests.

export type FaultRuleInput = {
  method?: string;
  /** `METHOD /template` as endpointOf() gives it, e.g. `POST /matters`. */
  endpoint?: string;
  pathPrefix?: string;
  /**
   * Only requests of this account (its id or username, case-insensitive): API requests by the account of
   * their access token, S3 uploads by the account that owns the upload URL. Auth-server requests carry no
   * access token and never match such a rule. Without it a rule matches every account.
   */
  account?: string;
  status?: number;
  /** 0..1, the chance that a matching request is hit. */
  rate?: number;
  /** "Fail the next N": the rule hits the next N matching requests, then is removed. */
  count?: number;
  latencyMs?: number;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /** Answer the write with its usual 202, then never apply it and send an `error` webhook instead. */
  asyncFailure?: { message?: string };
};

export type FaultRule = FaultRuleInput & { id: number; hits: number };

export type FaultDecision = {
  latencyMs: number;
  status?: number;
  reset?: boolean;
  asyncFailure?: { message: string };
  ruleIds: number[];
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The account a request acts for, when known (see FaultRuleInput.account). */
export type FaultSubject = { accountId: string; username: string };

export class FaultRules {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, method: input.method?.toUpperCase(), id: this.nextId++, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  /** Removes one rule; false when there is no rule with that id (never added, cleared or used up). */
  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  /** Latency adds up over every rule that hits; the first status, reset or async failure wins. */
  decide(method: string, endpoint: string, path: string, subject?: FaultSubject): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, ruleIds: [] };
    if (this.rules.length === 0) return decision;
    for (const rule of [...this.rules]) {
      if (!this.matches(rule, method, endpoint, path, subject)) continue;
      if (rule.rate !== undefined && Math.random() >= rule.rate) continue;
      const terminal = rule.status !== undefined || rule.reset || rule.asyncFailure;
      if (terminal && (decision.status !== undefined || decision.reset || decision.asyncFailure)) continue;
      rule.hits++;
      decision.ruleIds.push(rule.id);
      if (rule.count !== undefined && rule.hits >= rule.count) this.rules = this.rules.filter((r) => r !== rule);
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.reset) decision.reset = true;
      else if (rule.asyncFailure) decision.asyncFailure = { message: rule.asyncFailure.message ?? 'The request failed.' };
      else if (rule.status !== undefined) decision.status = rule.status;
    }
    return decision;
  }

  private matches(rule: FaultRule, method: string, endpoint: string, path: string, subject: FaultSubject | undefined): boolean {
    if (rule.method && rule.method !== method) return false;
    if (rule.account !== undefined && !isSubject(rule.account, subject)) return false;
    if (rule.endpoint && rule.endpoint !== endpoint) return false;
    if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) return false;
    // An async failure is about a write; a GET must not use up "the next N".
    if (rule.asyncFailure && !WRITE_METHODS.has(method)) return false;
    return true;
  }
}

function isSubject(account: string, subject: FaultSubject | undefined): boolean {
  if (!subject) return false;
  const wanted = account.trim();
  return wanted === subject.accountId || wanted.toLowerCase() === subject.username.trim().toLowerCase();
}
