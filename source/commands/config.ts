// kmsp config path|show|validate|export|import — the config file without the console.
// Reading commands never move or rewrite a bad file (onInvalid 'fail'); import
// refuses anything `validate` would reject and keeps a backup of what it replaces.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_SCHEMA_VERSION, type KmspConfig } from '../domain/config.js';
import { describeError, KmspError } from '../domain/errors.js';
import { validateConfig, type Problem } from '../domain/validate.js';
import { CONFIG_FILE_MODE, defaultActor, inspectConfigFile, openConfig, type ConfigFileState } from '../store/config.js';
import { diffConfig } from '../store/configDiff.js';
import { openLedger, type Ledger } from '../store/ledger.js';
import { redactSecrets, secretKeyPaths } from '../store/redact.js';
import { guarded, pathsOf, processIo, type CommandIo } from './shared.js';

export interface ConfigCommandDeps {
  io?: CommandIo;
  env?: NodeJS.ProcessEnv;
}

function listProblems(io: CommandIo, problems: readonly Problem[]): void {
  for (const p of problems) io.err(`  ${p.path}: ${p.message}\n`);
}

/** Every problem of a file as validate and import see it: schema, secrets, then meaning. */
function problemsOf(file: string, state: ConfigFileState): { config: KmspConfig | null; headline: string | null; problems: Problem[] } {
  switch (state.state) {
    case 'missing':
      return { config: null, headline: `${file} does not exist.`, problems: [] };
    case 'corrupt':
      return { config: null, headline: `${file} cannot be read as a config: ${state.reason}`, problems: [] };
    case 'newer':
      return { config: null, headline: `${file} was written by a newer kmsp (config version ${state.version}); upgrade kmsp to use it.`, problems: [] };
    case 'invalid':
      return { config: null, headline: `${file} does not match the config schema:`, problems: state.problems };
    case 'ok': {
      const secrets = secretKeyPaths(state.config).map((p) => ({ path: p, message: 'looks like a secret; secrets belong in `kmsp secrets set`, never in the config.' }));
      const problems = [...secrets, ...validateConfig(state.config)];
      return { config: state.config, headline: problems.length ? `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:` : null, problems };
    }
  }
}

export function register(program: Command, deps: ConfigCommandDeps = {}): void {
  const io = deps.io ?? processIo;
  const config = program.command('config').description('show, check, export and import the configuration file');

  config
    .command('path')
    .description('print where the config file is (with --all: every file kmsp keeps)')
    .option('--all', 'also print the state directory, ledger, secrets file and agent status file')
    .action(
      guarded(io, (options: { all?: boolean }, command: Command) => {
        const paths = pathsOf(command, deps.env);
        if (!options.all) return io.out(`${paths.configFile}\n`);
        for (const [label, value] of Object.entries(paths)) io.out(`${label.padEnd(11)} ${value}\n`);
      }),
    );

  config
    .command('show')
    .description('print the configuration as JSON')
    .action(
      guarded(io, (_options: unknown, command: Command) => {
        const store = openConfig({ paths: pathsOf(command, deps.env), onInvalid: 'fail', onNotice: (m) => io.err(`kmsp: ${m}\n`) });
        if (!store.exists()) io.err(`No config file at ${store.path} yet; showing the defaults.\n`);
        // No secret can be in a valid config; redaction is the second lock on that door.
        io.out(JSON.stringify(redactSecrets(store.load()), null, 2) + '\n');
      }),
    );

  config
    .command('validate [file]')
    .description('check the config file (or FILE) against the schema and the rules; lists each problem with its path')
    .action(
      guarded(io, (file: string | undefined, _options: unknown, command: Command) => {
        const target = file ? path.resolve(file) : pathsOf(command, deps.env).configFile;
        const state = inspectConfigFile(target);
        if (state.state === 'missing' && !file) {
          io.out(`No config file at ${target}; the defaults apply and are valid.\n`);
          return;
        }
        const { headline, problems } = problemsOf(target, state);
        if (headline) {
          io.err(headline + '\n');
          listProblems(io, problems);
          process.exitCode = 1;
          return;
        }
        const migrated = state.state === 'ok' && state.migratedFrom !== null ? ` (config version ${state.migratedFrom}; read as version ${CONFIG_SCHEMA_VERSION} in memory; the file is rewritten, with a backup, at the next save)` : '';
        io.out(`${target} is valid${migrated}.\n`);
      }),
    );

  config
    .command('export [file]')
    .description('write the configuration as JSON to FILE (mode 0600) or to standard output')
    .action(
      guarded(io, (file: string | undefined, _options: unknown, command: Command) => {
        const store = openConfig({ paths: pathsOf(command, deps.env), onInvalid: 'fail', onNotice: (m) => io.err(`kmsp: ${m}\n`) });
        if (!store.exists()) io.err(`No config file at ${store.path} yet; exporting the defaults.\n`);
        const text = JSON.stringify(redactSecrets(store.load()), null, 2) + '\n';
        if (!file) return io.out(text);
        const dest = path.resolve(file);
        fs.writeFileSync(dest, text, { mode: CONFIG_FILE_MODE });
        fs.chmodSync(dest, CONFIG_FILE_MODE);
        io.err(`Exported the configuration to ${dest}.\n`);
      }),
    );

  config
    .command('import <file>')
    .description('replace the configuration with FILE after validating it; the old file is kept as config.json.bak-<time>')
    .action(
      guarded(io, (file: string, _options: unknown, command: Command) => {
        const source = path.resolve(file);
        const paths = pathsOf(command, deps.env);
        const state = inspectConfigFile(source);
        const { config: incoming, headline, problems } = problemsOf(source, state);
        if (!incoming || headline) {
          io.err(`Not imported: ${headline ?? `${source} cannot be used.`}\n`);
          listProblems(io, problems);
          io.err(`The current configuration (${paths.configFile}) was left unchanged.\n`);
          process.exitCode = 1;
          return;
        }
        // The ledger first: if the change cannot be audited, nothing is changed.
        let ledger: Ledger;
        try {
          ledger = openLedger({ paths });
        } catch (error) {
          throw new KmspError('Not imported: the ledger, where config changes are recorded, cannot be opened.', {
            kind: 'config',
            cause: describeError(error).split('\n')[0],
            remedy: `Fix access to ${paths.ledgerFile} and import again; the current configuration was left unchanged.`,
          });
        }
        try {
          const store = openConfig({ paths, onInvalid: 'fail', audit: ledger, onNotice: (m) => io.err(`kmsp: ${m}\n`) });
          const current = inspectConfigFile(store.path);
          if (current.state === 'ok' && diffConfig(current.config, incoming).length === 0) {
            io.out(`${source} is the same as the current configuration; nothing changed.\n`);
            return;
          }
          const backup = store.backup();
          const result = store.save(incoming, { actor: defaultActor('kmsp config import'), reason: `import from ${source}` });
          io.out(`Imported ${source} into ${store.path}.\n`);
          if (backup) io.out(`The previous configuration was kept as ${backup}.\n`);
          io.out(`Changes: ${result.summary}\n`);
        } finally {
          ledger.close();
        }
      }),
    );
}
