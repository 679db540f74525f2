// TEMPORARY STUB written by the lead so the stack can start while the simulator is being built.
// The simulator author: overwrite this file freely with the real `startSmokeballSim`.
import { createServer } from 'node:http';

export type SmokeballSim = { url: string; port: number; close(): Promise<void> };

export async function startSmokeballSim(options: { port?: number; redirectUris?: string[] } = {}): Promise<SmokeballSim> {
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"message":"simulator stub"}');
  });
  await new Promise<void>((r) => server.listen(options.port ?? 0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, port, close: () => new Promise((r) => server.close(() => r())) };
}
