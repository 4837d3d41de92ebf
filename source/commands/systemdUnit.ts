// kmsp systemd-unit — prints the hardened systemd unit for `kmsp agent` (README "Run as a
// service"). The text comes from agent/systemdUnit.ts; this command finds what it needs: the
// Node.js and kmsp paths (absolute: systemd has no search path for them) and the secret names
// of the configured integrations (one LoadCredential= each). Nothing is written: the admin pipes
// the output to `sudo tee /etc/systemd/system/kmsp.service`, so stdout holds the unit alone and
// every note goes to stderr.
// The action is in actions/systemdUnit.ts, loaded when the command runs.
import type { Command } from 'commander';
import { DEFAULT_CREDENTIALS_DIR, DEFAULT_SERVICE_USER, DEFAULT_STOP_TIMEOUT_SECONDS } from '../agent/systemdUnit.js';
import { LOG_LEVELS } from '../agent/logger.js';
import { lazyActions, type CommandIo } from './common.js';

export function register(program: Command, deps: { io?: CommandIo } = {}): void {
  const actions = lazyActions(() => import('./actions/systemdUnit.js').then((m) => m.systemdUnitActions(deps)));
  program
    .command('systemd-unit')
    .description('print a hardened systemd unit that runs `kmsp agent` (pipe it to sudo tee /etc/systemd/system/kmsp.service)')
    .option('--user <name>', `run as this system user (default: ${DEFAULT_SERVICE_USER}; see README "Run as a service")`)
    .option('--dynamic-user', 'run as a transient DynamicUser; config and state then both live in /var/lib/kmsp')
    .option('--node <path>', 'absolute path of the Node.js binary (default: the one running this command)')
    .option('--kmsp <path>', 'absolute path of kmsp\'s bin/kmsp.js (default: this installation\'s)')
    .option('--credentials-dir <dir>', 'where the credential files (one per secret) are kept', DEFAULT_CREDENTIALS_DIR)
    .option('--encrypted', 'LoadCredentialEncrypted= with <dir>/<name>.cred files made by systemd-creds encrypt')
    .option('--log-level <level>', `passed to kmsp agent --log-level (${LOG_LEVELS.join(', ')})`)
    .option('--log-format <format>', 'passed to kmsp agent --log-format (text or json)')
    .option('--stop-timeout <seconds>', 'TimeoutStopSec: how long systemd waits after SIGTERM', String(DEFAULT_STOP_TIMEOUT_SECONDS))
    .action(actions('systemdUnit'));
}
