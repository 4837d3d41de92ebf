// The console's UI on an open session: Ink, React and every screen load with this module
// (start.ts imports it once the session is open and reading).
import type { ConsoleSession } from '../console/session.js';
import type { Notice } from './console-context.js';
import { ConsoleRoot } from './console-root.js';
import { runConsole } from './run.js';

export async function showConsole(options: { session: ConsoleSession; initialIntegration: string | null; initialNotice?: Notice }): Promise<void> {
  const { session, initialIntegration, initialNotice } = options;
  await runConsole({
    element: <ConsoleRoot session={session} initialIntegration={initialIntegration} {...(initialNotice ? { initialNotice } : {})} />,
  });
}
