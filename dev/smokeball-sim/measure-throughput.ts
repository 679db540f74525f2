// Measures how many API requests per second the simulator serves on loopback with the rate limit off
// (the aim: at least 500/s on a 2-core machine). The simulator runs in its own process, as in
// a benchmark, so the load generator does not share its event loop.
//   npx tsx dev/smokeball-sim/measure-throughput.ts [--seconds 5] [--concurrency 32]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SimControl } from './sim-client.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '32' } } });
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
});

const control = new SimControl(url);
await control.config({ rateLimit: { enabled: false }, writeVisibilityDelayMs: 0 });
const account = await control.createAccount('throughput');
const headers = { 'x-api-key': 'casehug-local-api-key', authorization: `Bearer ${account.accessToken}` };
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

// A realistic read mix: a contact search, a matter get, a matter-type lookup.
const contactId = (await (await fetch(`${url}/contacts`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ person: { firstName: 'T', lastName: 'Put', email: 't@example.com' } }) })).json()).id;
const paths = [`/contacts?search=email:t@example.com`, `/contacts/${contactId}`, '/mattertypes?Location=IL&Name=Divorce'];

let done = 0;
let failed = 0;
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, worker) => {
    for (let i = worker; performance.now() < deadline; i++) {
      const status = await get(paths[i % paths.length]);
      if (status === 200) done++;
      else failed++;
    }
  }),
);
const elapsedS = (performance.now() - started) / 1000;
console.log(`${Math.round(done / elapsedS)} requests/s (${done} ok, ${failed} failed, ${concurrency} concurrent, ${elapsedS.toFixed(1)} s)`);
agent.destroy();
child.kill('SIGTERM');
