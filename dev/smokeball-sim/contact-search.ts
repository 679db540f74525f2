// Contact search (docs/smokeball.md §2 "Search by email", SEARCH page): `field<op>value` terms over `email`,
// `phone` and `name`; operators `:` `:!` `:>` `:>=` `:<` `:<=`; `*` wildcards; case-insensitive; repeated
// terms are AND-ed.
import type { FieldError } from './problem.ts';
import type { ContactRecord, JsonObject } from './store.ts';

type Operator = '=' | '!' | '>' | '>=' | '<' | '<=';
export type SearchTerm = { field: 'email' | 'phone' | 'name'; op: Operator; value: string };

const TERM = /^\s*([A-Za-z]+)\s*:(!|>=|<=|>|<)?(.*)$/;

export function parseSearchTerms(raw: string[]): { terms: SearchTerm[]; errors: FieldError[] } {
  const terms: SearchTerm[] = [];
  const errors: FieldError[] = [];
  for (const text of raw) {
    const m = TERM.exec(text);
    const field = m?.[1].toLowerCase();
    if (!m || (field !== 'email' && field !== 'phone' && field !== 'name')) {
      errors.push({ field: 'Search', message: `'${text.slice(0, 100)}' is not a valid search. Use email, phone or name, e.g. email:jane@example.com.` });
      continue;
    }
    terms.push({ field, op: (m[2] ?? '=') as Operator, value: m[3].trim() });
  }
  return { terms, errors };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const digits = (v: string) => v.replace(/[^\d*]/g, '');

function phonesOf(o: JsonObject | undefined): string[] {
  if (!o) return [];
  return ['phone', 'cell', 'phone2', 'fax']
    .map((k) => o[k] as JsonObject | undefined)
    .filter((p): p is JsonObject => !!p && typeof p === 'object')
    .map((p) => digits(str(p.areaCode) + str(p.number)))
    .filter((d) => d !== '');
}

function candidatesOf(c: ContactRecord, field: SearchTerm['field']): string[] {
  const p = c.person;
  const org = c.company ?? c.trust ?? c.groupOfPeople;
  if (field === 'email') return [str(p?.email), str(org?.email)].filter((v) => v !== '');
  if (field === 'phone') return [...phonesOf(p), ...phonesOf(org)];
  const first = str(p?.firstName);
  const last = str(p?.lastName);
  const middle = str(p?.middleName);
  return [
    first, last, `${first} ${last}`, `${first} ${middle} ${last}`.replace(/\s+/g, ' '), `${last}, ${first}`,
    str(p?.customName), str(org?.name),
  ].map((v) => v.trim()).filter((v) => v !== '');
}

function equalsPattern(candidate: string, value: string): boolean {
  if (!value.includes('*')) return candidate.toLowerCase() === value.toLowerCase();
  const pattern = value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`, 'i').test(candidate);
}

function compare(candidate: string, op: Operator, value: string): boolean {
  const order = candidate.toLowerCase().localeCompare(value.toLowerCase());
  if (op === '>') return order > 0;
  if (op === '>=') return order >= 0;
  if (op === '<') return order < 0;
  return order <= 0;
}

export function matchesTerm(c: ContactRecord, term: SearchTerm): boolean {
  const value = term.field === 'phone' ? digits(term.value) : term.value;
  const candidates = candidatesOf(c, term.field);
  if (term.op === '=') return candidates.some((cand) => equalsPattern(cand, value));
  if (term.op === '!') return !candidates.some((cand) => equalsPattern(cand, value));
  return candidates.some((cand) => compare(cand, term.op, value));
}
