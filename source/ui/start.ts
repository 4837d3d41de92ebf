// Opens the console on a configuration: builds the session (config, secrets, ledger,
// connectors), runs the shell until the user quits, and closes everything. Loaded lazily by the
// CLI for interactive use only.
//
// The session opens before Ink and the screens load (console-main.tsx): a configuration that
// cannot be used, or a mistyped --integration, is said without waiting for the UI. (Starting the
// first screen's reads before the UI loaded was measured slower: the requests' work competes with
// loading the modules on the one thread.)
import { ConsoleSession } from '../console/session.js';
import { KmspError } from '../domain/errors.js';
import { defaultActor } from '../store/config.js';
import type { KmspPaths } from '../store/paths.js';
import type { SecretBackendId } from '../store/secretTypes.js';
import type { Notice } from './console-context.js';
import { assertInteractiveTerminal } from './terminal-check.js';

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
    const initialIntegration = options.integrationName ?? names[0] ?? null;
    const initialNotice = startupNotice(session.loadNotices, options.notice);
    const { showConsole } = await import('./console-main.js');
    await showConsole({ session, initialIntegration, ...(initialNotice ? { initialNotice } : {}) });
  } finally {
    await session.close();
  }
}
