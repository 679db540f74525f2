// `npm run deploy:check [-- <function> …]`: deploy as the CLI deploys, boot as the Edge Runtime boots
// (dev/deploy-check/check.ts, docs/deploy.md). Prints one row per function; exits 1 if any failed.
import { ROOT } from '../db/migrate.ts';
import { EDGE_DENO_VERSION } from '../deno-binaries.ts';
import { formatTable, runDeployCheck } from './check.ts';

const slugs = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const result = await runDeployCheck({ root: ROOT, slugs: slugs.length ? slugs : undefined, log: (l) => console.log(l) });
console.log(formatTable(result.rows));
const { cliMs, bootMs, totalMs } = result.timings;
console.log(
  `deploy:check ${result.ok ? 'passed' : 'FAILED'}: ${result.rows.filter((r) => !r.problem).length}/${result.rows.length} functions ` +
    `booted from the CLI's upload on Deno ${EDGE_DENO_VERSION} with an empty cache and answered as expected ` +
    `(CLI ${(cliMs / 1000).toFixed(1)} s, boot and requests ${(bootMs / 1000).toFixed(1)} s, total ${(totalMs / 1000).toFixed(1)} s)`,
);
process.exitCode = result.ok ? 0 : 1;
