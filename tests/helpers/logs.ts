// The functions' log lines, as the stack captured them (`inject('functionLogFile')`: one JSON line
// `{ fn, line }` per line a function printed). Tests collect every secret they see (tokens, codes, states,
// PKCE verifiers, keys) and assert that none of them ever reached a log (docs/architecture.md §3).
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { waitFor } from './wait.ts';

/** A value that must never be logged, with a label that names it (never the value) in a failure. */
export type Secret = { label: string; value: string };

/**
 * The stack's default Smokeball app (dev/stack.ts gives the functions the simulator's default app): its
 * client secret and API key are in every function's hands and must never reach a log either.
 */
export const DEFAULT_APP_SECRETS: readonly Secret[] = [
  { label: 'default app client secret', value: 'casehug-local-secret' },
  { label: 'default app API key', value: 'casehug-local-api-key' },
];

/** Secrets collected while a test file runs (the default app's from the start); `add` ignores empty values. */
export class SecretCollector {
  readonly secrets: Secret[] = [...DEFAULT_APP_SECRETS];
  add(label: string, value: string | null | undefined): void {
    if (value) this.secrets.push({ label, value });
  }
  /** A firm's own Smokeball app: its client secret and API key. */
  addApp(app: { clientId: string; clientSecret: string; apiKey: string }): void {
    this.add(`client secret of app ${app.clientId}`, app.clientSecret);
    this.add(`API key of app ${app.clientId}`, app.apiKey);
  }
}

export async function readFunctionLog(file = inject('functionLogFile')): Promise<string> {
  return readFile(file, 'utf8');
}

/**
 * The log is written by the stack's process as lines arrive; a request's last line is its `request` line
 * with its request id. Waits until that line is in the file, so a scan sees everything before it.
 */
export async function waitForRequestLogged(requestId: string, file = inject('functionLogFile')): Promise<void> {
  await waitFor(async () => (await readFunctionLog(file)).includes(requestId), { what: `log line of request ${requestId}` });
}

/**
 * Every secret found in the log, by label and the function that printed it (the value itself is not
 * repeated, so a failing assertion does not print the secret either). Also checks the URL-encoded and
 * JSON-escaped forms, as a value could appear inside a logged URL or a nested JSON line.
 */
export function findSecretsInLog(log: string, secrets: Secret[]): { label: string; fn: string }[] {
  const found: { label: string; fn: string }[] = [];
  const lines = log.split('\n').filter(Boolean);
  for (const secret of secrets) {
    const json = JSON.stringify(secret.value).slice(1, -1);
    const forms = [...new Set([secret.value, encodeURIComponent(secret.value), json, JSON.stringify(json).slice(1, -1)])];
    for (const line of lines) {
      if (forms.some((f) => line.includes(f))) {
        found.push({ label: secret.label, fn: functionOf(line) });
        break;
      }
    }
  }
  return found;
}

function functionOf(line: string): string {
  try {
    return String((JSON.parse(line) as { fn?: unknown }).fn ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
