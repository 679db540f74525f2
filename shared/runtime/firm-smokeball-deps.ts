// openFirmSmokeball() wired to a function instance's runtime.
import type { FirmSmokeballDeps } from '../sync/firm-smokeball.ts';
import type { Runtime } from './runtime.ts';

/** From a function instance's runtime: the client shares that instance's matter-type cache and limiter. */
export function firmSmokeballDeps(runtime: Runtime): FirmSmokeballDeps {
  return { sql: runtime.sql, clientFor: (firm) => runtime.smokeball.clientFor(firm) };
}
