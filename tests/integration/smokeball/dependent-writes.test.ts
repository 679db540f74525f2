// Dependent writes through eventual consistency, the client against the pessimistic simulator over HTTP:
// a write naming a resource the client created moments ago waits until it is probably visible, rides out
// the 404/403/400 the simulator answers while it is not, and learns from them how long to wait; the same
// answer for a resource it did not just create stays final.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '../../../dev/smokeball-sim/sim-client.ts';
import type { SmokeballSim } from '../../../dev/smokeball-sim/server.ts';
import { SmokeballHttpError } from '../../../shared/smokeball/errors.ts';
import { createFreshResources } from '../../../shared/smokeball/fresh-resources.ts';
import { startTestSim, uniqueName, withVisibilityDelay } from '../smokeball-sim/helpers.ts';
import { createSimClient, fixedToken } from '../../helpers/smokeball-client.ts';

let sim: SmokeballSim;
let control: SimControl;
beforeAll(async () => {
  ({ sim, control } = await startTestSim());
});
afterAll(() => sim.close());

async function divorceTypeId(client: ReturnType<typeof createSimClient>['client']) {
  const { data } = await client.matterTypes.list('IL');
  return data.find((t) => t.name === 'Divorce')!.id;
}

describe('writes naming a just-created resource', () => {
  it('contact → matter → 3 files, each written right after the previous 202: all succeed, any not-yet-visible refusal ridden out', async () => {
    const account = await control.createAccount(uniqueName('dependent'));
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    const typeId = await divorceTypeId(client);
    for (let round = 0; round < 5; round++) {
      const { data: contact } = await client.contacts.createPerson({ firstName: 'Dee', lastName: `Pendent${round}` });
      const { data: matter } = await client.matters.create({ matterTypeId: typeId, clientIds: [contact.id], status: 'Open' });
      for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) {
        const { data: file } = await client.files.create(matter.id, { fileName: name });
        expect(file.fileId).toEqual(expect.any(String));
      }
    }
    // Every refusal the client met was a "not visible yet" one, and it rode each out.
    const refused = calls.filter((c) => c.status === 404 || c.status === 403 || c.status === 400);
    expect((await control.stats()).pendingReferenceRefusals).toBeGreaterThanOrEqual(refused.filter((c) => c.method !== 'GET').length);
  });

  it('a resource slower than the prior wait costs refusals once; the learned wait spares the writes after it', async () => {
    // Every write takes 1.5 s to show, three times the prior: the first dependent write is refused (a
    // loaded machine would have to stall for a second not to be), and the client learns from it.
    await withVisibilityDelay({ control }, 1_500, async () => {
      const account = await control.createAccount(uniqueName('learned'));
      const fresh = createFreshResources(() => Date.now());
      const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken), freshResources: fresh });
      const typeId = await divorceTypeId(client);
      const refusedPerRound: number[] = [];
      for (let round = 0; round < 3; round++) {
        const before = calls.length;
        const { data: contact } = await client.contacts.createPerson({ firstName: 'Lea', lastName: `Rned${round}` });
        const { data: matter } = await client.matters.create({ matterTypeId: typeId, clientIds: [contact.id], status: 'Open' });
        const { data: files } = await client.files.createBulk(matter.id, [{ fileName: 'a.pdf' }, { fileName: 'b.pdf' }]);
        expect(files).toHaveLength(2);
        refusedPerRound.push(calls.slice(before).filter((c) => c.status !== 202).length);
      }
      expect(refusedPerRound[0]).toBeGreaterThan(0);
      expect(refusedPerRound.slice(1)).toEqual([0, 0]);
      expect(fresh.settleMs(0)).toBeGreaterThanOrEqual(1_500);
    });
  });

  it('a 400 that does not name the just-created client is final after one request', async () => {
    const account = await control.createAccount(uniqueName('other-400'));
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    const typeId = await divorceTypeId(client);
    const { data: contact } = await client.contacts.createPerson({ firstName: 'Ann', lastName: 'Other' });
    await control.addFault({ endpoint: 'POST /matters', account: account.accountId, status: 400, count: 1 });
    const error = await client.matters.create({ matterTypeId: typeId, clientIds: [contact.id], status: 'Open' }).catch((e: unknown) => e);
    expect((error as SmokeballHttpError).upstreamStatus).toBe(400);
    expect(calls.filter((c) => c.endpoint === 'POST /matters')).toHaveLength(1);
  });

  it('a 404 for a matter this process did not just create is final after one request', async () => {
    const account = await control.createAccount(uniqueName('old'));
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    const error = await client.files.create('00000000-0000-4000-8000-000000000000', { fileName: 'a.pdf' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmokeballHttpError);
    expect((error as SmokeballHttpError).upstreamStatus).toBe(404);
    expect(calls.filter((c) => c.endpoint === 'POST /matters/{id}/documents/files')).toHaveLength(1);
  });

  it('a 400 for a contact that never existed is final after one request (lenient: Smokeball validates at once)', async () => {
    const lenient = await startTestSim({ lenient: true });
    try {
      const account = await lenient.control.createAccount(uniqueName('invalid'));
      const { client, calls } = createSimClient({ simUrl: lenient.url, tokens: fixedToken(account.accessToken) });
      const typeId = await divorceTypeId(client);
      const error = await client.matters.create({ matterTypeId: typeId, clientIds: ['00000000-0000-4000-8000-000000000000'], status: 'Open' }).catch((e: unknown) => e);
      expect((error as SmokeballHttpError).upstreamStatus).toBe(400);
      expect(calls.filter((c) => c.endpoint === 'POST /matters')).toHaveLength(1);
    } finally {
      await lenient.sim.close();
    }
  });
});
