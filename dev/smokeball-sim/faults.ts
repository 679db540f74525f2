// Fault rules added through `POST /__sim/faults`: error statuses, added latency, connection resets and
// asynchronous failures, on a route, at a rate or for the next N matching requests.

export type FaultRuleInput = {
  method?: string;
  /** `METHOD /template` as endpointOf() gives it, e.g. `POST /matters`. */
  endpoint?: string;
  pathPrefix?: string;
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

  /** Latency adds up over every rule that hits; the first status, reset or async failure wins. */
  decide(method: string, endpoint: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, ruleIds: [] };
    if (this.rules.length === 0) return decision;
    for (const rule of [...this.rules]) {
      if (!this.matches(rule, method, endpoint, path)) continue;
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

  private matches(rule: FaultRule, method: string, endpoint: string, path: string): boolean {
    if (rule.method && rule.method !== method) return false;
    if (rule.endpoint && rule.endpoint !== endpoint) return false;
    if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) return false;
    // An async failure is about a write; a GET must not use up "the next N".
    if (rule.asyncFailure && !WRITE_METHODS.has(method)) return false;
    return true;
  }
}
