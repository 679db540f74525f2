// The client's reads for importing and reconciling, against the pessimistic simulator over HTTP:
// `contacts.getMany` (POST /contacts/batch, ≤ 500 ids, omitted ids for what does not resolve),
// `contacts.find` / `matters.find` (404 as a result), and `files.listByCursor` following the cursor the
// `next` links carry, every file once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '../../../dev/smokeball-sim/sim-client.ts';
import type { SmokeballSim } from '../../../dev/smokeball-sim/server.ts';
import { startTestSim, uniqueName } from '../smokeball-sim/helpers.ts';
import { createSimClient, fixedToken } from '../../helpers/smokeball-client.ts';

let sim: SmokeballSim;
let control: SimControl;
beforeAll(async () => {
  ({ sim, control } = await startTestSim());
});
afterAll(() => sim.close());

describe('reads by id and by cursor', () => {
  it('getMany answers the resolvable contacts in order; find answers a deleted or unknown one', async () => {
    const account = await control.createAccount(uniqueName('batch'));
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    const { matters } = await control.seed(account.username, {
      matters: [0, 1, 2].map((i) => ({ matterTypeName: 'Divorce', location: 'IL', clients: [{ firstName: 'B', lastName: `Atch ${i}` }] })),
    });
    const [a, b, c] = matters.map((m) => m.clientIds[0]);
    await control.deleteContact(account.username, b);
    const before = calls.length;
    const { data } = await client.contacts.getMany([c, 'unknown-id', b, a]);
    expect(data.map((x) => x.id)).toEqual([c, a]);
    expect(calls.slice(before).map((x) => x.endpoint)).toEqual(['POST /contacts/batch']);
    const deleted = await client.contacts.find(b);
    expect(deleted.found && deleted.data.isDeleted).toBe(true);
    expect((await client.contacts.find('unknown-id')).found).toBe(false);
    await control.deleteMatter(account.username, matters[0].id);
    expect((await client.matters.find(matters[0].id)).found).toBe(false);
    expect(() => client.contacts.getMany(Array.from({ length: 501 }, (_, i) => `id-${i}`))).toThrow(RangeError);
  });

  it('listByCursor walks every file once through the cursors of the next links', async () => {
    const account = await control.createAccount(uniqueName('cursor'));
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    const [matter] = (await control.seed(account.username, {
      matters: [{ matterTypeName: 'Divorce', location: 'IL', clients: [{ firstName: 'C', lastName: 'Ursor' }], files: ['1.pdf', '2.pdf', '3.pdf', '4.pdf', '5.pdf'] }],
    })).matters;
    const before = calls.length;
    const seen: string[] = [];
    for await (const file of client.files.listByCursor(matter.id, { pageSize: 2 })) seen.push(file.id);
    expect(seen).toEqual(matter.fileIds);
    expect(calls.slice(before)).toHaveLength(3);
    // The first page asked plainly, the next two by the cursor their `next` links carried.
    const logged = (await control.requests({ endpoint: 'GET /matters/{id}/documents/files' })).filter((r) => r.accountId === account.accountId);
    expect(logged.map((r) => /[?&]cursor=/i.test(r.path))).toEqual([false, true, true]);
  });
});
