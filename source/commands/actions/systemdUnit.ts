// The action of kmsp systemd-unit, loaded when the command runs (commands/systemdUnit.ts declares it).
// kmsp systemd-unit — prints the hardened systemd unit for `kmsp agent` (README "Run as a
// service"). The text comes from agent/systemdUnit.ts; this command finds what it needs: the
// Node.js and kmsp paths (absolute: systemd has no search path for them) and the secret names
// of the configured integrations (one LoadCredential= each). Nothing is written: the admin pipes
// the output to `sudo tee /etc/systemd/system/kmsp.service`, so stdout holds the unit alone and
// every note goes to stderr.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { KmspError } from '../../domain/errors.js';
import { integrationSecrets } from '../../domain/secretNames.js';
import { openConfig } from '../../store/config.js';
import {
  credentialSourcePath,
  DEFAULT_SERVICE_USER,
  generateSystemdUnit,
  type UnitUser,
} from '../../agent/systemdUnit.js';
import { LOG_LEVELS } from '../../agent/logger.js';
import { checkedPathsOf, guarded, processIo, type CommandIo } from '../common.js';

interface SystemdUnitCliOptions {
  user?: string;
  dynamicUser?: boolean;
  node?: string;
  kmsp?: string;
  credentialsDir: string;
  encrypted?: boolean;
  logLevel?: string;
  logFormat?: string;
  stopTimeout?: string;
}

/** This package's bin/kmsp.js, from dist/commands/actions/ (the symlink an npm link or /usr/local/bin entry adds is already resolved by Node). */
export function defaultKmspPath(): string {
  return fileURLToPath(new URL('../../../bin/kmsp.js', import.meta.url));
}

/** Directories the unit's sandbox hides from the service (ProtectHome=yes, PrivateTmp=yes). */
const HIDDEN_FROM_SERVICE = ['/home', '/root', '/run/user', '/tmp', '/var/tmp'];

function hiddenBySandbox(file: string): string | null {
  return HIDDEN_FROM_SERVICE.find((dir) => file === dir || file.startsWith(dir + '/')) ?? null;
}

function pathNotes(what: string, file: string, flag: string): string[] {
  const notes: string[] = [];
  const hidden = hiddenBySandbox(file);
  if (hidden) {
    notes.push(
      `${what} ${file} is under ${hidden}, which the unit's sandbox (ProtectHome=yes / PrivateTmp=yes) hides from the service: it would fail with status 203/EXEC. ` +
        `Install it elsewhere (e.g. /opt/kmsp, /usr/bin/node) and rerun, or pass ${flag} PATH.`,
    );
  }
  if (!fs.existsSync(file)) notes.push(`${what} ${file} does not exist on this host; pass ${flag} PATH if the service's host keeps it elsewhere.`);
  return notes;
}

export function systemdUnitActions(deps: { io?: CommandIo }) {
  const io = deps.io ?? processIo;
  return {
    systemdUnit: guarded(io, (options: SystemdUnitCliOptions, command: Command) => {
      if (options.user !== undefined && options.dynamicUser) {
        throw new KmspError('--user and --dynamic-user exclude each other.', {
          kind: 'config',
          remedy: `Use --user NAME for a named system user (the default is ${DEFAULT_SERVICE_USER}), or --dynamic-user for a transient one.`,
        });
      }
      // Checked here: a value the agent refuses would only show as a unit failing at every start.
      if (options.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
        throw new KmspError(`Log level “${options.logLevel}” is not known.`, { kind: 'config', remedy: `Use --log-level ${LOG_LEVELS.join('|')}.` });
      }
      if (options.logFormat !== undefined && options.logFormat !== 'text' && options.logFormat !== 'json') {
        throw new KmspError(`Log format “${options.logFormat}” is not known.`, { kind: 'config', remedy: 'Use --log-format text or --log-format json.' });
      }
      const stopTimeout = Number(options.stopTimeout);
      if (!Number.isInteger(stopTimeout) || stopTimeout < 1) {
        throw new KmspError(`Stop timeout “${options.stopTimeout}” is not a whole number of seconds.`, { kind: 'config', remedy: 'e.g. --stop-timeout 45' });
      }
      const nodePath = options.node ?? process.execPath;
      const kmspPath = options.kmsp ?? defaultKmspPath();
      for (const [what, value, flag] of [
        ['The Node.js path', nodePath, '--node'],
        ['The kmsp path', kmspPath, '--kmsp'],
        ['The credentials directory', options.credentialsDir, '--credentials-dir'],
      ] as const) {
        if (!path.isAbsolute(value)) {
          throw new KmspError(`${what} must be absolute: ${value}`, { kind: 'config', remedy: `systemd has no working directory or search path for it; give ${flag} an absolute path.` });
        }
      }
      const user: UnitUser = options.dynamicUser ? { kind: 'dynamic' } : { kind: 'named', name: options.user ?? DEFAULT_SERVICE_USER };

      const paths = checkedPathsOf(command, 'directory');
      const store = openConfig({ paths, onInvalid: 'fail' });
      const config = store.exists() ? store.load() : null;
      const integrations = config?.integrations ?? [];
      // A file that is certainly absent (ENOENT; not a directory this user may not read).
      const absent = (name: string): boolean => {
        try {
          fs.statSync(credentialSourcePath(options.credentialsDir, name, options.encrypted === true));
          return false;
        } catch (error) {
          // EACCES: a root-only directory seen by an admin; only a certain absence is reported.
          return (error as NodeJS.ErrnoException).code === 'ENOENT';
        }
      };
      // systemd does not start a unit whose LoadCredential file is missing: an optional secret
      // (a Business Hub authenticator key, for 2-step verification only) is loaded when it is there.
      const specs = integrations.flatMap((i) => integrationSecrets(i));
      const leftOut = specs.filter((spec) => spec.optional && absent(spec.name)).map((spec) => spec.name);
      const secretNames = specs.map((spec) => spec.name).filter((name) => !leftOut.includes(name));

      let unit: string;
      try {
        unit = generateSystemdUnit({
          nodePath,
          kmspPath,
          user,
          secretNames,
          credentialsDir: options.credentialsDir,
          encrypted: options.encrypted === true,
          logLevel: options.logLevel,
          logFormat: options.logFormat as 'text' | 'json' | undefined,
          stopTimeoutSeconds: stopTimeout,
        });
      } catch (error) {
        throw new KmspError('Cannot write the unit.', { kind: 'config', cause: (error as Error).message, remedy: 'Correct the option named above and rerun.' });
      }
      io.out(unit);

      const notes = [...pathNotes('Node.js', nodePath, '--node'), ...pathNotes('kmsp', kmspPath, '--kmsp')];
      if (integrations.length === 0) {
        notes.push(
          `No integration is configured in ${store.path}, so the unit loads no secrets. Configure one with the console against the service's directories (README "Run as a service"), then rerun kmsp systemd-unit.`,
        );
      } else {
        const missing = secretNames.filter(absent).map((name) => credentialSourcePath(options.credentialsDir, name, options.encrypted === true));
        notes.push(
          `The unit loads ${secretNames.length} secret${secretNames.length === 1 ? '' : 's'} from ${options.credentialsDir}; systemd refuses to start it while one of those files is missing.`,
        );
        if (missing.length > 0) notes.push(`Not there yet: ${missing.join(', ')} (README "Run as a service" shows how to create them without echoing the value).`);
        if (leftOut.length > 0) {
          notes.push(`Not loaded, optional and not there: ${leftOut.join(', ')}. If the account needs it later, create its file and rerun kmsp systemd-unit.`);
        }
      }
      for (const note of notes) io.err(`kmsp: ${note}\n`);
    }),
  };
}
