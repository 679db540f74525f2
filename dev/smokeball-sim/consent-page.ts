// The hosted login + consent page (docs/smokeball.md §1: Cognito hosted UI). A username field stands in for the
// firm user's login: each distinct username is one Smokeball account (firm), created on first use.
import { escapeHtml } from './http.ts';

export type ConsentPageInput = {
  clientId: string;
  /** The authorize parameters, carried through the form as hidden fields. */
  hidden: Record<string, string>;
  username: string;
  error?: string;
};

export function renderConsentPage({ clientId, hidden, username, error }: ConsentPageInput): string {
  const fields = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Smokeball (simulator) – Sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;margin:.4rem 0;font-size:1rem}button{padding:.6rem}
.error{color:#b00020}.row{display:flex;gap:.5rem}</style></head>
<body>
  <h1>Smokeball simulator</h1>
  <p>The application <strong>${escapeHtml(clientId)}</strong> asks to access your Smokeball account.</p>
  ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/oauth2/authorize">
      ${fields}
      <label for="username">Username (one account per firm)</label>
      <input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}">
      <div class="row">
        <button type="submit" name="decision" value="approve">Approve</button>
        <button type="submit" name="decision" value="deny">Deny</button>
      </div>
  </form>
</body>
</html>`;
}

export function renderErrorPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smokeball (simulator) – Error</title></head>
<body><h1>An error was encountered with the requested page.</h1><p>${escapeHtml(message)}</p></body></html>`;
}
