// The dependencies of the matter-type reads, built from a function instance's runtime. The client comes
// from the runtime's Smokeball access, so it shares that instance's matter-type cache and rate limiter.
import type { Runtime } from '../../runtime.ts';
import type { MatterTypesDeps } from './firm-smokeball.ts';

export function matterTypesDeps(runtime: Runtime): MatterTypesDeps {
  return { sql: runtime.sql, clientFor: (firm) => runtime.smokeball.clientFor(firm) };
}
