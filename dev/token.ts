// `npm run token [-- --member | --email <address>]`: one line, a valid JWT for a seeded user of the
// running local stack (default: the demo firm's admin).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { stackDataDir } from './paths.ts';
import { loadOrCreateKeys, signAccessToken } from './keys.ts';

const DEMO_ADMIN = 'admin@demo.casehug.test';
const DEMO_MEMBER = 'member@demo.casehug.test';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const emailAt = args.indexOf('--email');
  const email = emailAt >= 0 ? args[emailAt + 1] : args.includes('--member') ? DEMO_MEMBER : DEMO_ADMIN;
  if (!email) throw new Error('--email needs an address');
  const dataDir = stackDataDir();
  const stack = JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8').catch(() => {
    throw new Error('no local stack found: run `npm start` first');
  })) as { dbUrl: string; issuer: string };
  const sql = postgres(stack.dbUrl, { max: 1, onnotice: () => undefined });
  try {
    const [user] = await sql<{ id: string }[]>`select id from auth.users where lower(email) = lower(${email})`;
    if (!user) throw new Error(`no seeded user with email ${email}`);
    const keys = await loadOrCreateKeys(join(dataDir, 'keys.json'));
    console.log(await signAccessToken(keys.signingKey, stack.issuer, { sub: user.id, email }));
  } finally {
    await sql.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
