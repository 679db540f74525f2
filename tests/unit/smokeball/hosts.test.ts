import { describe, expect, test } from 'vitest';
import { resolveSmokeballHosts } from '../../../shared/smokeball/hosts.ts';

describe('resolveSmokeballHosts()', () => {
  test.each([
    { region: 'US', environment: 'production', apiUrl: 'https://api.smokeball.com', authUrl: 'https://auth.smokeball.com' },
    { region: 'AU', environment: 'production', apiUrl: 'https://api.smokeball.com.au', authUrl: 'https://auth.smokeball.com.au' },
    { region: 'UK', environment: 'production', apiUrl: 'https://api.smokeball.co.uk', authUrl: 'https://auth.smokeball.co.uk' },
    { region: 'US', environment: 'staging', apiUrl: 'https://stagingapi.smokeball.com', authUrl: 'https://datastaging-auth.smokeball.com' },
    { region: 'AU', environment: 'staging', apiUrl: 'https://stagingapi.smokeball.com.au', authUrl: 'https://datastaging-auth.smokeball.com.au' },
    { region: 'UK', environment: 'staging', apiUrl: 'https://stagingapi.smokeball.co.uk', authUrl: 'https://datastaging-auth.smokeball.co.uk' },
  ] as const)('$region $environment', ({ region, environment, apiUrl, authUrl }) => {
    expect(resolveSmokeballHosts(region, environment)).toEqual({ apiUrl, authUrl });
  });

  test('the simulator overrides win and lose a trailing slash', () => {
    expect(resolveSmokeballHosts('AU', 'production', { apiUrl: 'http://127.0.0.1:54330/', authUrl: 'http://127.0.0.1:54330' })).toEqual({
      apiUrl: 'http://127.0.0.1:54330',
      authUrl: 'http://127.0.0.1:54330',
    });
  });
});
