// Smokeball's API and auth hosts per region and environment (docs/smokeball.md §1 "Base URLs").
// Region and environment hosts must never be mixed [BASE], so both are chosen together here, once.
import { z } from 'zod';
import { SmokeballRegion } from '../api/functions.ts';

// The contract's region (what the app sends and reads) is the one this file chooses hosts for.
export { SmokeballRegion };

export const SmokeballEnvironment = z.enum(['production', 'staging']);
export type SmokeballEnvironment = z.infer<typeof SmokeballEnvironment>;

export type SmokeballHosts = { apiUrl: string; authUrl: string };

const HOSTS: Record<SmokeballEnvironment, Record<SmokeballRegion, SmokeballHosts>> = {
  production: {
    US: { apiUrl: 'https://api.smokeball.com', authUrl: 'https://auth.smokeball.com' },
    AU: { apiUrl: 'https://api.smokeball.com.au', authUrl: 'https://auth.smokeball.com.au' },
    UK: { apiUrl: 'https://api.smokeball.co.uk', authUrl: 'https://auth.smokeball.co.uk' },
  },
  staging: {
    US: { apiUrl: 'https://stagingapi.smokeball.com', authUrl: 'https://datastaging-auth.smokeball.com' },
    AU: { apiUrl: 'https://stagingapi.smokeball.com.au', authUrl: 'https://datastaging-auth.smokeball.com.au' },
    UK: { apiUrl: 'https://stagingapi.smokeball.co.uk', authUrl: 'https://datastaging-auth.smokeball.co.uk' },
  },
};

/**
 * The hosts for a connection's region. `overrides` are `SMOKEBALL_API_URL` / `SMOKEBALL_AUTH_URL` as parsed
 * by shared/config.ts (the local simulator serves every region from one host). No trailing slash.
 */
export function resolveSmokeballHosts(
  region: SmokeballRegion,
  environment: SmokeballEnvironment,
  overrides: { apiUrl?: string; authUrl?: string } = {},
): SmokeballHosts {
  const hosts = HOSTS[environment][region];
  return {
    apiUrl: trimSlash(overrides.apiUrl ?? hosts.apiUrl),
    authUrl: trimSlash(overrides.authUrl ?? hosts.authUrl),
  };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
