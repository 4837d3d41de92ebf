// Opens the console on a configuration: builds the session (config, secrets,
// ledger, connectors) and the screens, runs the shell until the user quits, and
// closes everything. Loaded lazily by the CLI for interactive use only.
import { ConsoleSession } from '../console/session.js';
import { KmspError } from '../domain/errors.js';
import { defaultActor } from '../store/config.js';
import type { KmspPaths } from '../store/paths.js';
import type { SecretBackendId } from '../store/secretTypes.js';
import { assertInteractiveTerminal, runConsole } from './run.js';
import { ConsoleRoot } from './console-root.js';
import type { Notice } from './console-context.js';

export interface StartConsoleOptions {
  paths: KmspPaths;
  integrationName?: string;
  secretBackends?: readonly SecretBackendId[];
  /** Shown in the status line at start. */
  notice?: string;
}

/**
 * The status line at start: load problems (a corrupt file moved aside, a loose secrets file) are a
 * warning, first, so what they say is what the first line shows; the caller's notice (the demo
 * banner) is information and comes last.
 */
export function startupNotice(loadNotices: readonly string[], notice?: string): Notice | undefined {
  if (loadNotices.length > 0) return { kind: 'warning', text: [...loadNotices, ...(notice ? [notice] : [])].join(' ') };
  return notice ? { kind: 'info', text: notice } : undefined;
}

export async function startConsole(options: StartConsoleOptions): Promise<void> {
  // Before anything is opened: without a terminal, say what to use instead.
  assertInteractiveTerminal();
  const session = new ConsoleSession({
    paths: options.paths,
    actor: defaultActor('console'),
    ...(options.secretBackends ? { secretBackends: options.secretBackends } : {}),
  });
  try {
    const names = session.config.integrations.map((i) => i.name);
    if (options.integrationName && !names.includes(options.integrationName)) {
      throw new KmspError(`No integration named “${options.integrationName}”`, {
        kind: 'config',
        cause: names.length ? `this configuration has: ${names.join(', ')}` : 'this configuration has no integration yet',
        remedy: names.length ? `Use one of those names with --integration, or leave it out to open “${names[0]}”.` : 'Leave out --integration to create one on the Connections tab.',
      });
    }
    const initialNotice = startupNotice(session.loadNotices, options.notice);
    await runConsole({
      element: <ConsoleRoot session={session} initialIntegration={options.integrationName ?? names[0] ?? null} {...(initialNotice ? { initialNotice } : {})} />,
    });
  } finally {
    await session.close();
  }
}
