// One Deno process per function, as the Edge Runtime gives each function its own worker. A process
// that dies is started again on the next request, like a cold start.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DENO, DENO_NPM_FLAGS, denoEnv } from '../deno-binaries.ts';
import { freePort } from '../net.ts';

const LAUNCHER = fileURLToPath(new URL('../deno/serve-function.ts', import.meta.url));
/** Deno compiles the function graph on first start; generous, but bounded. */
const START_TIMEOUT_MS = 30_000;
/** What the Edge Runtime allows a function: network, environment, reading its files. */
const DENO_PERMISSIONS = ['--allow-net', '--allow-env', '--allow-read', '--allow-sys', '--no-prompt'];

export type FunctionProcessOptions = {
  name: string;
  root: string;
  env: Record<string, string>;
  onLine: (fn: string, line: string) => void;
  /**
   * How to run it; by default the current Deno on the checkout. A deploy bundle (dev/deploy-check/)
   * runs on the Edge Runtime's Deno from its own folder: `cwd` is the bundle, `denoFlags` name its
   * deno.json, `entry` its index.ts.
   */
  launch?: { deno: string; cwd: string; denoFlags: string[]; entry: string };
};

export class FunctionProcess {
  private child?: ChildProcess;
  private starting?: Promise<number>;
  private stopped = false;

  constructor(private readonly options: FunctionProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The port the function listens on, starting it if it is not running. */
  port(): Promise<number> {
    if (this.stopped) return Promise.reject(new Error(`function ${this.options.name} is stopped`));
    this.starting ??= this.start().catch((err) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async start(): Promise<number> {
    const port = await freePort();
    const { name, root, env, onLine, launch } = this.options;
    const deno = launch?.deno ?? DENO;
    const flags = launch?.denoFlags ?? DENO_NPM_FLAGS;
    const args = ['run', ...flags, ...DENO_PERMISSIONS, LAUNCHER, name, String(port), ...(launch ? [launch.entry] : [])];
    const child = spawn(deno, args, {
      cwd: launch?.cwd ?? root,
      env: denoEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`function ${name} did not start in time`)), START_TIMEOUT_MS);
      const onOut = (line: string) => {
        onLine(name, line);
        if (line.includes('"event":"listening"')) {
          clearTimeout(timer);
          resolve(port);
        }
      };
      createInterface({ input: child.stdout! }).on('line', onOut);
      createInterface({ input: child.stderr! }).on('line', (l) => onLine(name, l));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) {
          this.child = undefined;
          this.starting = undefined;
        }
        reject(new Error(`function ${name} exited (${code ?? signal})`));
      });
    });
  }

  /** Kills the process as a crash would (tests use it to interrupt work mid-way). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    // A process a signal ended (a terminal's Ctrl-C reaches the whole process group) has a null exitCode
    // but a signalCode; its 'exit' has already fired and would never fire again.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timers = [
        setTimeout(() => child.kill('SIGKILL'), 3_000),
        // Never wait forever: a process that died between the check and the kill sends no second 'exit'.
        setTimeout(resolve, 4_000),
      ];
      child.once('exit', () => {
        for (const t of timers) clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
