// The operator command's argument rules, before it touches the database: secrets are never accepted as
// arguments, and a bad command or option is a usage error. (The round trip against the stack is in
// tests/integration/connect/firm-apps.test.ts.)
import { describe, expect, test } from 'vitest';
import { runSmokeballAppCommand, UsageError, type CommandDeps } from '../../../dev/smokeball-app/command.ts';
import { parseSealer } from '../../../shared/crypto/seal.ts';

const FIRM = '5b0c2c5e-3f57-4a57-9f3b-1c2d3e4f5a6b';

/** Any use of the database would be a failure of these tests: the arguments must be refused first. */
const deps = (): CommandDeps => ({
  sql: new Proxy({}, { get: () => { throw new Error('the database was used'); } }) as CommandDeps['sql'],
  sealer: parseSealer(`k1:${Buffer.alloc(32, 7).toString('base64')}`),
  env: {},
  readStdin: async () => '',
  print: () => undefined,
});

describe('smokeball:app arguments', () => {
  test.each(['--client-secret', '--api-key', '--secret'])('%s is refused: secrets never come from arguments', async (flag) => {
    const run = runSmokeballAppCommand(['set', '--firm', FIRM, '--client-id', 'app', '--region', 'US', flag, 'shh'], deps());
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/never from arguments/);
  });

  test('set without the secret and API key (neither environment nor standard input) is a usage error', async () => {
    await expect(runSmokeballAppCommand(['set', '--firm', FIRM, '--client-id', 'app', '--region', 'US'], deps())).rejects.toThrow(
      /client secret and API key are required/,
    );
  });

  test.each([
    [['set', '--firm', 'not-a-uuid', '--client-id', 'app', '--region', 'US'], /--firm/],
    [['set', '--firm', FIRM, '--client-id', 'app', '--region', 'EU'], /--region/],
    [['remove'], /--firm/],
    [['list', '--firm', FIRM], /no options/],
    [['rotate'], /unknown command rotate/],
    [['list', '--colour', 'red'], /colour/],
  ])('%j is a usage error', async (argv, message) => {
    await expect(runSmokeballAppCommand(argv, deps())).rejects.toThrow(message);
  });
});
