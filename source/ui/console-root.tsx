// The console over a session: which integration it shows, its screens, and the header badge
// that follows the config (PAUSED on every tab while agent.paused is set: README › Commands, `kmsp pause`).
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ConsoleSession } from '../console/session.js';
import { ConsoleApp, type ConsoleAppProps } from './app.js';
import type { Notice } from './console-context.js';
import type { ScreenDefinition } from './screen.js';
import { createAccountsScreen } from './screens/accounts/index.js';
import { createConnectionsScreen } from './screens/connections/index.js';
import { createReportsScreen } from './screens/reports/index.js';
import { createServicesScreen } from './screens/services/index.js';
import { createTicketingScreen } from './screens/ticketing/index.js';

/** Words, not a colour: NO_COLOR terminals and screen readers get the same news. */
export const PAUSED_BADGE = 'PAUSED — the agent makes no PSA writes';

/** How often the config file is checked for agent.* changed outside the console (kmsp pause, kmsp config set). */
export const PAUSE_SYNC_MS = 5000;

/**
 * The header badge for a session: PAUSED while agent.paused is saved as true, here or by
 * `kmsp pause` in another terminal (the file is checked every few seconds; a stat when unchanged).
 */
export function useSessionBadge(session: ConsoleSession): string | undefined {
  const paused = useSyncExternalStore(session.subscribeConfig, () => session.config.agent.paused);
  useEffect(() => {
    const timer = setInterval(() => session.syncAgent(), PAUSE_SYNC_MS);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [session]);
  return paused ? PAUSED_BADGE : undefined;
}

export interface ConsoleRootProps extends Pick<ConsoleAppProps, 'onExit' | 'noticeTimeoutMs'> {
  session: ConsoleSession;
  initialIntegration: string | null;
  initialNotice?: Notice;
  /** Default: Accounts when there is an integration, else Connections. */
  initialTab?: string;
}

/**
 * Holds which integration the console shows, so that an integration created on
 * the Connections tab of a fresh configuration brings the Accounts and Reports
 * tabs with it, without a restart.
 */
export function ConsoleRoot({ session, initialIntegration, initialNotice, initialTab, ...appProps }: ConsoleRootProps) {
  const [integrationName, setIntegrationName] = useState(initialIntegration);
  const badge = useSessionBadge(session);
  const screens = useMemo(() => {
    const list: ScreenDefinition[] = [createConnectionsScreen({ session, integrationName, onIntegrationCreated: setIntegrationName })];
    if (integrationName) list.push(createAccountsScreen({ session, integrationName }), createServicesScreen({ session, integrationName }), createTicketingScreen({ session, integrationName }), createReportsScreen({ session, integrationName }));
    return list;
  }, [session, integrationName]);
  return (
    <ConsoleApp
      {...appProps}
      {...(integrationName ? { integrationName } : {})}
      screens={screens}
      initialTab={initialTab ?? (initialIntegration ? 'accounts' : 'connections')}
      {...(initialNotice ? { initialNotice } : {})}
      {...(badge ? { badge } : {})}
    />
  );
}
