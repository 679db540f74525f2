import { join, resolve } from 'node:path';
import { ROOT } from './db/migrate.ts';

/** Where `npm start` keeps its state: `.data/` in the checkout (git-ignored), or STACK_DATA_DIR. */
export function stackDataDir(): string {
  return resolve(process.env.STACK_DATA_DIR ?? join(ROOT, '.data'));
}
