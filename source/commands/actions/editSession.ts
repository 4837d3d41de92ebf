// What the configuring commands (list, map, unmap, services map, ticketing set, config
// export|import --mappings) share: the console's own session (console/session.ts) on the
// configuration directory, so their reads go through the same connectors and their saves through
// the same save path as the console's — merged with a console saving meanwhile, refused on the
// same domain rules, and recorded in the config audit with the actor ("alice (kmsp map)").
//
// Unlike the console, a command never moves an unusable config file aside to start on the
// defaults: it is refused and left exactly as it is (as kmsp pause does).
import type { Command } from 'commander';
import { ConsoleSession } from '../../console/session.js';
import type { Integration } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import { backupRemedy, defaultActor, inspectConfigFile } from '../../store/config.js';
import type { KmspPaths } from '../../store/paths.js';
import { checkedPathsOf } from '../common.js';

export interface EditContext {
  paths: KmspPaths;
  session: ConsoleSession;
  integration: Integration;
  actor: string;
}

/** The integration `--integration` names, or the only one; a KmspError naming them otherwise. */
export function chooseIntegration(integrations: readonly Integration[], wanted: string | undefined, configFile: string): Integration {
  const names = integrations.map((i) => i.name);
  if (integrations.length === 0) {
    throw new KmspError(`No integration is configured in ${configFile}`, {
      kind: 'config',
      cause: 'The commands that configure tenants, services and tickets work on an integration, and none is set up yet.',
      remedy: 'Set one up in the console (kmsp: its Connections tab), or import a configuration (kmsp config import FILE); to try kmsp first: kmsp demo.',
    });
  }
  if (wanted !== undefined) {
    const found = integrations.find((i) => i.name === wanted);
    if (found) return found;
    throw new KmspError(`No integration named “${wanted}”`, { kind: 'config', cause: `Configured: ${names.join(', ')}.`, remedy: 'Pass one of those with --integration NAME.' });
  }
  if (integrations.length > 1) {
    throw new KmspError('Which integration? This configuration has several', {
      kind: 'config',
      cause: `Configured: ${names.join(', ')}.`,
      remedy: `Pass one with --integration NAME, e.g. --integration ${names[0]}.`,
    });
  }
  return integrations[0]!;
}

/** The integration named with --integration (on the command or before it). */
export function integrationOption(command: Command): string | undefined {
  return command.optsWithGlobals<{ integration?: string }>().integration;
}

/**
 * A session on the configuration directory for `kmsp <verb>`, after checking its config file can
 * be used. `refused` starts each refusal of a command that changes something ("Not mapped: ").
 * The caller closes the session.
 */
export function openSession(command: Command, verb: string, options: { refused?: string; env?: NodeJS.ProcessEnv } = {}): Omit<EditContext, 'integration'> {
  const refused = options.refused ?? '';
  const paths = checkedPathsOf(command, 'config', { ...(options.env ? { env: options.env } : {}), ...(refused ? { refused } : {}) });
  const state = inspectConfigFile(paths.configFile);
  if (state.state !== 'ok') {
    const why = state.state === 'missing' ? 'it does not exist' : state.state === 'newer' ? `it was written by a newer kmsp (config version ${state.version})` : state.reason.replace(/\.$/u, '');
    throw new KmspError(`${refused ? `${refused}the` : 'The'} config file ${paths.configFile} cannot be used; it was left unchanged.`, {
      kind: 'config',
      cause: why,
      remedy: state.state === 'newer' ? 'Use the kmsp that wrote it.' : `Run \`kmsp config validate\` to list the problems and fix them, then run kmsp ${verb} again. ${backupRemedy(paths.configFile)}`,
    });
  }
  const actor = defaultActor(`kmsp ${verb}`);
  return { paths, session: new ConsoleSession({ paths, actor }), actor };
}

/** openSession, on the integration --integration names (or the only one). */
export function openEditSession(command: Command, verb: string, options: { refused?: string; env?: NodeJS.ProcessEnv } = {}): EditContext {
  const opened = openSession(command, verb, options);
  try {
    const integration = chooseIntegration(opened.session.config.integrations, integrationOption(command), opened.paths.configFile);
    return { ...opened, integration };
  } catch (error) {
    void opened.session.close();
    throw error;
  }
}

/** Runs `fn` on an edit session and closes it whatever happens. */
export async function withEditSession<T>(command: Command, verb: string, options: { refused?: string; env?: NodeJS.ProcessEnv }, fn: (ctx: EditContext) => Promise<T>): Promise<T> {
  const ctx = openEditSession(command, verb, options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.session.close();
  }
}
