// The actions of kmsp secrets, loaded when the command runs (commands/secrets.ts declares them).
// kmsp secrets set|status|delete — secrets without the console. Values are read
// without echo from a terminal (or whole from a pipe) and never printed.
import readline from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { describeError, KmspError } from '../../domain/errors.js';
import { integrationSecrets, secretEnvVar } from '../../domain/secretNames.js';
import { openConfig } from '../../store/config.js';
import type { KmspPaths } from '../../store/paths.js';
import { trimSecret } from '../../store/secretBackends.js';
import { assertSecretName, assertSecretValue, openSecretStore, type SecretStore } from '../../store/secrets.js';
import type { SecretInput, SecretsCommandDeps } from '../secrets.js';
import { checkedPathsOf, guarded, pathsOf, processIo, writeData, type CommandIo } from '../common.js';


/** A line typed at a terminal, not echoed: readline handles editing, its echo goes nowhere. */
function readHidden(input: SecretInput, io: CommandIo, prompt: string): Promise<string> {
  io.err(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = readline.createInterface({ input, output: muted, terminal: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      rl.close();
      io.err('\n');
      fn();
    };
    rl.on('SIGINT', () => finish(() => reject(new KmspError('Cancelled; nothing was stored.', { kind: 'secret' }))));
    // Ctrl-D or the end of input before Enter.
    rl.on('close', () => finish(() => reject(new KmspError('No value was entered; nothing was stored.', { kind: 'secret' }))));
    rl.question('', (answer) => finish(() => resolve(answer)));
  });
}

async function readAll(input: SecretInput): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readSecretValue(input: SecretInput, io: CommandIo, name: string): Promise<string> {
  const raw = input.isTTY ? await readHidden(input, io, `Value for ${name} (input hidden): `) : await readAll(input);
  return trimSecret(raw);
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

export function secretsActions(deps: SecretsCommandDeps) {
  const io = deps.io ?? processIo;
  const env = deps.env ?? process.env;

  /** `set` may be the first thing done with a new --config directory (it creates it); the others read one that must exist. */
  const context = (command: Command, creates = false): { paths: KmspPaths; store: SecretStore } => {
    const paths = creates ? pathsOf(command, env) : checkedPathsOf(command, 'directory', { env });
    const store = openSecretStore({
      paths,
      env,
      onWarning: (m) => io.err(`kmsp: ${m}\n`),
      ...(deps.loadKeytar ? { loadKeytar: deps.loadKeytar } : {}),
      ...(deps.backends ? { backends: deps.backends } : {}),
    });
    return { paths, store };
  };

  return {
    set: guarded(io, async (name: string, _options: unknown, command: Command) => {
      assertSecretName(name);
      const { store } = context(command, true);
      const value = await readSecretValue(deps.stdin ?? process.stdin, io, name);
      // Empty, or shorter than the redactor can mask: refused before any backend is touched.
      assertSecretValue(name, value, 'Type the value at the prompt, or pipe it: printf %s "$VALUE" | kmsp secrets set NAME');
      const result = await store.set(name, value);
      io.out(`Stored ${name} in the ${result.label} (${result.backend}).\n`);
      for (const warning of result.warnings) io.err(`Warning: ${warning}\n`);
    }),
    status: guarded(io, async (options: { json?: boolean }, command: Command) => {
      const { paths, store } = context(command);
      // The secrets the configured integrations need, with what they are for.
      const needed = new Map<string, string[]>();
      // Optional ones (profile SecretFieldSpec.optional): not set is a choice, never "missing".
      const optional = new Set<string>();
      try {
        const configStore = openConfig({ paths, onInvalid: 'fail', onNotice: (m) => io.err(`kmsp: ${m}\n`) });
        if (configStore.exists()) {
          for (const integration of configStore.load().integrations) {
            for (const spec of integrationSecrets(integration)) {
              needed.set(spec.name, [...(needed.get(spec.name) ?? []), `${integration.name}: ${spec.label}`]);
              if (spec.optional) optional.add(spec.name);
            }
          }
        }
      } catch (error) {
        io.err(`The config could not be read, so the secrets it needs are not listed:\n${describeError(error)}\n`);
      }
      const report = await store.status([...needed.keys()]);
      const missing = report.secrets.filter((s) => s.heldBy === null && needed.has(s.name) && !optional.has(s.name));
      if (missing.length > 0) process.exitCode = 1;
      if (options.json) {
        const secretsOut = report.secrets.map((s) => ({ ...s, neededFor: needed.get(s.name) ?? [], envVar: secretEnvVar(s.name) }));
        writeData(io, JSON.stringify({ backends: report.backends, secrets: secretsOut }, null, 2) + '\n');
        return;
      }
      io.out('Backends, in lookup order:\n');
      for (const b of report.backends) {
        io.out(`  ${pad(b.id, 21)}${pad(b.available ? (b.writable ? 'available' : 'read-only') : 'unavailable', 13)}${b.detail}\n`);
      }
      io.out('\nSecrets:\n');
      if (report.secrets.length === 0) {
        io.out('  none stored, and no configured integration needs any yet.\n');
        return;
      }
      const width = Math.max(6, ...report.secrets.map((s) => s.name.length)) + 2;
      io.out(`  ${pad('NAME', width)}${pad('HELD BY', 21)}NEEDED FOR\n`);
      for (const s of report.secrets) {
        const heldBy = s.heldBy ? s.heldBy + (s.shadowed.length ? ` (+${s.shadowed.join(', ')})` : '') : optional.has(s.name) ? 'not set (optional)' : 'MISSING';
        io.out(`  ${pad(s.name, width)}${pad(heldBy, 21)}${(needed.get(s.name) ?? ['(not needed by the config)']).join('; ')}\n`);
      }
      if (missing.length > 0) {
        io.out(`\n${missing.length} needed secret${missing.length === 1 ? ' is' : 's are'} missing. Set ${missing.length === 1 ? 'it' : 'each'} with \`kmsp secrets set NAME\`,`);
        io.out(' or give the agent systemd credentials (LoadCredential=NAME:PATH) or KMSP_SECRET_* environment variables.\n');
      }
    }),
    delete: guarded(io, async (name: string, _options: unknown, command: Command) => {
      assertSecretName(name);
      const { store } = context(command);
      const labels = new Map(store.backends.map((b) => [b.id, b.label]));
      const result = await store.delete(name);
      if (result.deletedFrom.length > 0) io.out(`Deleted ${name} from the ${result.deletedFrom.map((id) => labels.get(id) ?? id).join(' and the ')}.\n`);
      for (const id of result.stillIn) {
        const where = id === 'environment' ? `the environment variable ${secretEnvVar(name)}` : id === 'systemd-credentials' ? 'the systemd credentials (LoadCredential=)' : (labels.get(id) ?? id);
        io.err(`${name} is still provided by ${where}, which kmsp cannot change: remove it there.\n`);
      }
      if (result.deletedFrom.length === 0 && result.stillIn.length === 0) {
        io.err(`${name} was not found in any secret backend.\n`);
        process.exitCode = 1;
      }
      if (result.stillIn.length > 0) process.exitCode = 1;
    }),
  };
}
