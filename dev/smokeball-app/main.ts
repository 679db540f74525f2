// `npm run smokeball:app -- set|remove|list …` (see command.ts). Connects with SUPABASE_DB_URL and seals
// with TOKEN_ENCRYPTION_KEYS — the deployment's values; without them, the running local stack's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSealer } from '../../shared/crypto/seal.ts';
import { createSql } from '../../shared/db/sql.ts';
import { loadOrCreateKeys } from '../keys.ts';
import { stackDataDir } from '../paths.ts';
import { runSmokeballAppCommand, UsageError, USAGE } from './command.ts';

async function connection(): Promise<{ dbUrl: string; tokenKeys: string }> {
  const env = process.env;
  if (env.SUPABASE_DB_URL && env.TOKEN_ENCRYPTION_KEYS) return { dbUrl: env.SUPABASE_DB_URL, tokenKeys: env.TOKEN_ENCRYPTION_KEYS };
  const dataDir = stackDataDir();
  const stack = JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8').catch(() => {
    throw new UsageError('set SUPABASE_DB_URL and TOKEN_ENCRYPTION_KEYS (or run `npm start` for the local stack)');
  })) as { dbUrl: string };
  const keys = await loadOrCreateKeys(join(dataDir, 'keys.json'));
  return { dbUrl: env.SUPABASE_DB_URL ?? stack.dbUrl, tokenKeys: env.TOKEN_ENCRYPTION_KEYS ?? keys.tokenEncryptionKeys };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('client secret, then API key (one per line), then Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const { dbUrl, tokenKeys } = await connection();
  const sql = createSql(dbUrl, { max: 1 });
  try {
    await runSmokeballAppCommand(process.argv.slice(2), {
      sql,
      sealer: parseSealer(tokenKeys),
      env: process.env,
      readStdin,
      print: (line) => console.log(line),
    });
  } finally {
    await sql.end();
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
  // A database error's message (e.g. "no firm …") never holds a secret: the secrets travel sealed.
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
