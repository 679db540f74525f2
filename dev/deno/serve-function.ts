// Runs one function's index.ts on Deno the way the Supabase Edge Runtime would: `Deno.serve(handler)`
// is bound to the port the local gateway chose, and `EdgeRuntime.waitUntil` exists.
// Usage: deno run --allow-net --allow-env --allow-read --allow-sys dev/deno/serve-function.ts <name> <port> [entry]
// `entry` (absolute, or relative to the working directory) is the function's entry point in a deploy
// bundle (dev/deploy-check/); without it, the checkout's supabase/functions/<name>/index.ts.
const [name, portArg, entryArg] = Deno.args;
const port = Number(portArg);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name) || !Number.isInteger(port)) {
  console.error('usage: serve-function.ts <function-name> <port> [entry]');
  Deno.exit(2);
}
const entry = entryArg
  ? new URL(entryArg, `file://${Deno.cwd()}/`).href
  : new URL(`../../supabase/functions/${name}/index.ts`, import.meta.url).href;

type Handler = (req: Request) => Response | Promise<Response>;
const g = globalThis as unknown as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } };
g.EdgeRuntime ??= { waitUntil: (p) => void p.catch((e) => console.error(JSON.stringify({ level: 'error', event: 'wait_until_failed', errorName: String((e as Error)?.name) }))) };

const realServe = Deno.serve.bind(Deno);
let served = false;
(Deno as unknown as { serve: unknown }).serve = (arg1: unknown, arg2?: unknown) => {
  const handler = (typeof arg1 === 'function' ? arg1 : arg2 ?? (arg1 as { handler: Handler }).handler) as Handler;
  served = true;
  return realServe(
    {
      port,
      hostname: '127.0.0.1',
      onListen: () => console.log(JSON.stringify({ level: 'info', event: 'listening', fn: name, port })),
    },
    handler,
  );
};

await import(entry);
if (!served) {
  console.error(`function ${name} did not call Deno.serve`);
  Deno.exit(1);
}
