// kmsp secrets set|status|delete — secrets without the console. Values are read
// without echo from a terminal (or whole from a pipe) and never printed.
// The actions are in actions/secrets.ts, loaded when a command runs.
import type { Command } from 'commander';
import type { KeytarLoader } from '../store/keyring.js';
import type { SecretBackendId } from '../store/secrets.js';
import { lazyActions, type CommandIo } from './common.js';

/** What `secrets set` reads from: a TTY (prompt, no echo) or a pipe. */
export type SecretInput = NodeJS.ReadableStream & { isTTY?: boolean };

export interface SecretsCommandDeps {
  io?: CommandIo;
  stdin?: SecretInput;
  env?: NodeJS.ProcessEnv;
  loadKeytar?: KeytarLoader;
  backends?: readonly SecretBackendId[];
}

export function register(program: Command, deps: SecretsCommandDeps = {}): void {
  const actions = lazyActions(() => import('./actions/secrets.js').then((m) => m.secretsActions(deps)));
  const secrets = program.command('secrets').description('store, check and delete the secrets integrations need (never shown)');

  secrets
    .command('set <name>')
    .description('store a secret: typed without echo at a terminal, or piped on standard input')
    .action(actions('set'));

  secrets
    .command('status')
    .description('which backend holds each secret, which are missing, and which backends are available')
    .option('--json', 'print the report as JSON')
    .action(actions('status'));

  secrets
    .command('delete <name>')
    .description('delete a secret from the keyring and the secrets file')
    .action(actions('delete'));
}
