// The one connection gate: each state gives the same answer whoever asks.
import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../../shared/db/connections.ts';
import { decideConnection, usableOrThrow } from '../../../../shared/sync/connection/require-connection.ts';

const state = (status: ConnectionState['status']): ConnectionState => ({ region: 'AU', status, accountId: 'acc-1', autoSync: true, applyFromSmokeball: true });

describe('decideConnection', () => {
  it('a connected firm is usable, with its region and account', () => {
    expect(decideConnection(state('connected'))).toEqual({ usable: true, connection: state('connected') });
  });

  it('no connection and a disconnected one are both 409 not_connected, told apart by state', () => {
    const none = decideConnection(undefined);
    const gone = decideConnection(state('disconnected'), { allowNeedsReauth: true });
    expect(none).toMatchObject({ usable: false, state: 'none', error: { code: 'not_connected', status: 409 } });
    expect(gone).toMatchObject({ usable: false, state: 'disconnected', error: { code: 'not_connected', status: 409 } });
  });

  it('needs_reauth is refused with smokeball_reauth_required unless the caller queues work for the reconnect', () => {
    expect(decideConnection(state('needs_reauth'))).toMatchObject({
      usable: false, state: 'needs_reauth', error: { code: 'smokeball_reauth_required', status: 409 },
    });
    expect(decideConnection(state('needs_reauth'), { allowNeedsReauth: true })).toEqual({ usable: true, connection: state('needs_reauth') });
  });

  it('usableOrThrow throws the refusal and returns the connection otherwise', () => {
    expect(() => usableOrThrow(decideConnection(null))).toThrow(expect.objectContaining({ code: 'not_connected' }));
    expect(usableOrThrow(decideConnection(state('connected'))).region).toBe('AU');
  });
});
