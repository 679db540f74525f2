// What the import tests repeat: a Smokeball matter put in a firm's simulator account for an import to
// find, `import-smokeball-matters` called as the app calls it, and the wait for a batch to finish.
import type { SeedMatter } from '../../dev/smokeball-sim/sim-client.ts';
import * as api from '../../shared/api/functions.ts';
import { expectAnswer } from './contract.ts';
import { callFunction } from './stack.ts';
import { sim } from './sync.ts';
import { waitFor } from './wait.ts';

/** One matter (with its clients) seeded in the account; returns its Smokeball ids. */
export async function seedSmokeballMatter(username: string, matter: SeedMatter) {
  const [seeded] = (await sim().seed(username, { matters: [matter] })).matters;
  return seeded;
}

/** `POST import-smokeball-matters` with a JSON body (its answer is held to the contract by callFunction). */
export const postImport = (token: string, body: unknown) =>
  callFunction('import-smokeball-matters', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const getImportBatch = (token: string, batchId: string) => callFunction(`import-smokeball-matters?batchId=${batchId}`, { method: 'GET', token });

/** The batch's progress once nothing of it remains. */
export async function waitForImportBatch(token: string, batchId: string, timeoutMs: number): Promise<api.ImportProgress> {
  return waitFor(async () => {
    const progress = await expectAnswer(getImportBatch(token, batchId), api.ImportProgress, 200);
    return progress.remaining === 0 && progress;
  }, { timeoutMs, intervalMs: 250, what: `import batch ${batchId} to finish` });
}
