// `npm run smokeball-sim`: starts the simulator alone. Flags: `--port <n>` (or env SMOKEBALL_SIM_PORT),
// `--auto-approve`, `--lenient` (the earlier, forgiving behaviour for quick demos). Stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from './options.ts';
import { startSmokeballSim } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'auto-approve': { type: 'boolean', default: false },
    lenient: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm run smokeball-sim -- [--port <n>] [--auto-approve] [--lenient]\nEnv: SMOKEBALL_SIM_PORT. See dev/smokeball-sim/README.md.');
  process.exit(0);
}

const portText = values.port ?? process.env.SMOKEBALL_SIM_PORT ?? String(DEFAULT_PORT);
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port: ${portText}`);
  process.exit(2);
}

const sim = await startSmokeballSim({ port, autoApprove: values['auto-approve'], lenient: values.lenient });
const o = sim.options;
console.log(`Smokeball simulator listening on ${sim.url}`);
console.log(`  SMOKEBALL_API_URL=${sim.url}`);
console.log(`  SMOKEBALL_AUTH_URL=${sim.url}`);
console.log(`  client id      ${o.clientId}`);
console.log(`  client secret  ${o.clientSecret}`);
console.log(`  API key        ${o.apiKey}`);
console.log(`  redirect URIs  ${o.redirectUris.join(', ')}`);
console.log(`  auto-approve   ${o.autoApprove ? 'on (?auto=approve&login_hint=<firm>)' : 'off'}`);
console.log(`  rate limit     ${o.rateLimit.enabled ? `${o.rateLimit.rps}/s burst ${o.rateLimit.burst}` : 'off'}; write visibility delay ${describeDelay(o.writeVisibilityDelayMs)}`);
console.log(`  mode           ${o.lenient ? 'lenient (no spec shapes, webhooks once and on time)' : `pessimistic; webhooks ${o.webhooks.duplicateRate * 100}% duplicated, ${o.webhooks.lateRate * 100}% late`}`);
console.log(`  controls       ${sim.url}/__sim/state, /__sim/requests, /__sim/config …`);

function describeDelay(delay: number | { min: number; max: number }): string {
  return typeof delay === 'number' ? `${delay} ms` : `${delay.min}–${delay.max} ms (random per write)`;
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the Smokeball simulator`);
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
