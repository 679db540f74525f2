// Which region a connect goes to with a firm's app, and the "not configured" answer's words.
import { describe, expect, test } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { connectRegionFor, notConfigured, type SmokeballApp } from '../../../shared/sync/smokeball-app.ts';

const app = (region: SmokeballApp['region']): SmokeballApp => ({
  source: region ? 'own' : 'default',
  clientId: 'c',
  clientSecret: 's',
  apiKey: 'k',
  environment: 'production',
  region,
});

describe('connectRegionFor', () => {
  test("a firm's own app decides the region when none is asked for", () => {
    expect(connectRegionFor(app('AU'), undefined)).toBe('AU');
  });
  test('the default app leaves it to the request, else to the jurisdiction (undefined)', () => {
    expect(connectRegionFor(app(null), 'UK')).toBe('UK');
    expect(connectRegionFor(app(null), undefined)).toBeUndefined();
  });
  test("another region than the own app's is refused with 400 invalid_body naming the app's region", () => {
    const err = (() => {
      try {
        connectRegionFor(app('US'), 'AU');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_body', status: 400, message: expect.stringContaining('region US') });
  });
});

describe('notConfigured', () => {
  test("is 503 smokeball_not_configured in the FAQ's words with the configured support address", () => {
    const err = notConfigured('help@firm.test');
    expect(err).toMatchObject({ code: 'smokeball_not_configured', status: 503 });
    expect(err.message).toBe(
      "Smokeball integration is not configured: API credentials haven't been set up on our server for your connection. " +
        "This usually means your firm hasn't received API access from Smokeball yet. " +
        "Contact help@firm.test and we'll help coordinate with the Smokeball partnership team.",
    );
  });
});
