// What integration tests need from the running stack: tokens, a supabase-js client that calls
// functions the way the CaseHug frontend does, and raw HTTP for the cases supabase-js hides.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { signAccessToken, type TokenClaims } from '../../dev/keys.ts';
import { conformingAnswer } from './contract.ts';

export const gatewayUrl = () => inject('gatewayUrl');
export const functionUrl = (name: string) => `${inject('gatewayUrl')}/functions/v1/${name}`;

export function signToken(claims: TokenClaims): Promise<string> {
  return signAccessToken(JSON.parse(inject('signingKey')), inject('issuer'), claims);
}

/** supabase-js as the frontend uses it, signed in as the given user token. */
export function supabaseAs(accessToken?: string): SupabaseClient {
  return createClient(inject('gatewayUrl'), inject('publishableKey'), {
    ...(accessToken ? { accessToken: async () => accessToken } : {}),
    auth: { persistSession: false, autoRefreshToken: false },
    // supabase-js refuses to construct on Node 20 without a WebSocket transport (docs/architecture.md §3).
    realtime: { transport: WebSocket as never },
  });
}

export async function callFunction(name: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const url = new URL(functionUrl(name));
  // Every answer a test reads through this helper is held to the app's contract (shared/api).
  return conformingAnswer(await fetch(url, { ...init, headers }), url, (init.method ?? 'GET').toUpperCase());
}
