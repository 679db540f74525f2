// register-webhooks: one subscription per firm at Smokeball, whatever happens —
// disconnect removes it, reconnect and re-registration create no duplicate, a subscription Smokeball lost
// is created again; only a connected firm's admin may register.
import { describe, expect, test } from 'vitest';
import { connectFirm } from '../../helpers/connect.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { callFunction } from '../../helpers/stack.ts';
import { createConnectedFirm, sim, type ConnectedFirm } from '../../helpers/sync.ts';
import { deliver, signedDelivery, signerFor, simApi } from '../../helpers/webhooks.ts';

const sql = useSuperuserSql();

const simSubscriptions = async (f: ConnectedFirm) => (await sim().state(f.username)).accounts[0].subscriptions;
const ourSubscriptions = (firmId: string) =>
  sql<{ smokeball_subscription_id: string }[]>`select smokeball_subscription_id from public.webhook_subscriptions where firm_id = ${firmId}`;
const register = (token: string) => callFunction('register-webhooks', { method: 'POST', token });

describe('subscriptions across disconnect and reconnect', () => {
  test('disconnect removes the subscription at Smokeball; reconnect + register-webhooks leave exactly one', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    expect(await simSubscriptions(firm)).toHaveLength(1);

    const res = await callFunction('disconnect', { method: 'POST', token: firm.adminToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ disconnected: true, webhooks: { deleted: 1, failed: 0 } });
    expect(await simSubscriptions(firm)).toEqual([]);
    expect(await ourSubscriptions(firm.id)).toEqual([]);

    await connectFirm(firm.adminToken, firm.username);
    const again = await register(firm.adminToken);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false });
    const [subscription] = await simSubscriptions(firm);
    expect(await simSubscriptions(firm)).toHaveLength(1);
    expect(subscription).toMatchObject({ hasKey: true, clientId: 'casehug-local' });
    expect((await ourSubscriptions(firm.id)).map((s) => s.smokeball_subscription_id)).toEqual([subscription.id]);
    // And deliveries for the new subscription verify.
    expect((await deliver(signedDelivery(await signerFor(sql, firm), { type: 'noop', payload: {} }))).status).toBe(200);
  });

  test('access revoked at Smokeball (subscriptions deleted there), then reconnect: exactly one subscription', async () => {
    const firm = await createConnectedFirm(sql, 'IL', { autoSync: false });
    await sim().revoke(firm.username);
    expect(await simSubscriptions(firm)).toEqual([]);
    await connectFirm(firm.adminToken, firm.username);
    expect(await simSubscriptions(firm)).toHaveLength(1);
    expect((await (await register(firm.adminToken)).json()) as object).toMatchObject({ created: false, removed: 0 });
    expect(await simSubscriptions(firm)).toHaveLength(1);
    expect(await ourSubscriptions(firm.id)).toHaveLength(1);
  });
});

describe('register-webhooks', () => {
  const firm = useConnectedFirm(sql, { autoSync: false });

  test('is idempotent: called three times, one subscription, same id', async () => {
    const before = await simSubscriptions(firm);
    for (let i = 0; i < 3; i++) {
      const res = await register(firm.adminToken);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ subscriptionId: before[0].id, created: false, removed: 0 });
    }
    expect((await simSubscriptions(firm)).map((s) => s.id)).toEqual(before.map((s) => s.id));
  });

  test('subscribes to matter.*, contact.* and error with a key', async () => {
    const res = await register(firm.adminToken);
    const body = (await res.json()) as { eventTypes: string[] };
    expect(body.eventTypes).toEqual(expect.arrayContaining(['contact.created', 'contact.updated', 'error', 'matter.created', 'matter.updated']));
    expect(body.eventTypes.every((t) => /^(matter|contact)\.|^error$/.test(t))).toBe(true);
    const [subscription] = await simSubscriptions(firm);
    expect(subscription.hasKey).toBe(true);
    expect(subscription.eventNotificationUrl).toMatch(/\/functions\/v1\/smokeball-webhook$/);
  });

  test('a subscription lost at Smokeball is created again, with the same key', async () => {
    const signerBefore = await signerFor(sql, firm);
    const del = await simApi(sql, firm.id, 'DELETE', `/webhooks/${signerBefore.subscriptionId}`);
    expect(del.status).toBe(200);
    expect(await simSubscriptions(firm)).toEqual([]);

    const res = await register(firm.adminToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { subscriptionId: string; created: boolean };
    expect(body.created).toBe(true);
    const after = await simSubscriptions(firm);
    expect(after.map((s) => s.id)).toEqual([body.subscriptionId]);
    expect(body.subscriptionId).not.toBe(signerBefore.subscriptionId);
    expect((await ourSubscriptions(firm.id)).map((s) => s.smokeball_subscription_id)).toEqual([body.subscriptionId]);
    const signerAfter = await signerFor(sql, firm);
    expect(signerAfter.key).toBe(signerBefore.key);
    // The old subscription is no longer accepted; the new one is.
    expect((await deliver(signedDelivery(signerBefore, { type: 'noop', payload: {} }))).status).toBe(401);
    expect((await deliver(signedDelivery(signerAfter, { type: 'noop', payload: {} }))).status).toBe(200);
  });

  test('a member is refused (403)', async () => {
    const res = await register(firm.memberToken);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
  });

  test('a firm that is not connected gets 409 not_connected', async () => {
    const { token } = await createFirmAdmin(sql);
    const res = await register(token);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('not_connected');
  });

  test('without a token: 401', async () => {
    expect((await callFunction('register-webhooks', { method: 'POST' })).status).toBe(401);
  });
});

describe('two CaseHug firms on one Smokeball account', () => {
  test("each keeps its own subscription: registering one firm never deletes the other firm's", async () => {
    const first = await createConnectedFirm(sql, 'IL', { autoSync: false });
    const [firstSubscription] = await ourSubscriptions(first.id);
    expect(firstSubscription).toBeDefined();

    // A second firm (another office) connects the same Smokeball account: its connect registers its own.
    const { firm: office, token: officeToken } = await createFirmAdmin(sql, { jurisdiction: 'IL' });
    await connectFirm(officeToken, first.username);
    expect(await ourSubscriptions(office.id)).toHaveLength(1);
    expect((await register(officeToken)).status).toBe(200);
    expect((await register(first.adminToken)).status).toBe(200);

    const atSmokeball = (await simSubscriptions(first)).map((s) => s.id).sort();
    const recorded = [...(await ourSubscriptions(first.id)), ...(await ourSubscriptions(office.id))].map((s) => s.smokeball_subscription_id).sort();
    expect(atSmokeball).toEqual(recorded);
    expect(atSmokeball).toHaveLength(2);
    expect(atSmokeball).toContain(firstSubscription.smokeball_subscription_id);
  });
});
