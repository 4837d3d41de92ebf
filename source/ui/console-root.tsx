// The console over a session: which integration it shows (and which others have their tabs open),
// their screens, the integrations list (I), and the header badge that follows the config (PAUSED on every tab while agent.paused is set: README › Commands, `kmsp pause`).
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { pairWords } from '../console/integrations.js';
import type { ConsoleSession } from '../console/session.js';
import { ConsoleApp, type ConsoleAppProps, type ShellCommand, type Workspace } from './app.js';
import { openIntegrationsList, type IntegrationsHost } from './integrations/actions.js';
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
  /** The clock of the integrations list's run times (tests fix it). */
  now?: () => Date;
}

/** Opens the integrations list on every tab (README › The console). Used by no screen: screens' keys come first. */
export const INTEGRATIONS_KEY = 'I';

const systemClock = () => new Date();

/**
 * Holds which integration the console shows and which have their tabs open: an integration
 * created on the Connections tab of a fresh configuration brings the Accounts and Reports tabs
 * with it, without a restart; the integrations list (I) shows another one, whose tabs open
 * beside the first one's, hidden — so each keeps its unsaved edits while the other is shown.
 */
export function ConsoleRoot({ session, initialIntegration, initialNotice, initialTab, now = systemClock, ...appProps }: ConsoleRootProps) {
  const [current, setCurrent] = useState(initialIntegration);
  const [opened, setOpened] = useState<readonly string[]>(() => (initialIntegration ? [initialIntegration] : []));
  const currentRef = useRef(current);
  currentRef.current = current;
  const badge = useSessionBadge(session);
  const config = useSyncExternalStore(session.subscribeConfig, () => session.config);

  // One set of screen definitions per integration, made once: the shell keeps their screens mounted.
  const definitions = useRef(new Map<string, ScreenDefinition[]>());
  const show = useCallback((name: string | null) => {
    currentRef.current = name;
    setCurrent(name);
    // The tabs of "no integration" are made afresh each time none is left.
    if (name) definitions.current.delete('');
    if (name) setOpened((list) => (list.includes(name) ? list : [...list, name]));
  }, []);
  const drop = useCallback((name: string) => {
    definitions.current.delete(name);
    setOpened((list) => list.filter((n) => n !== name));
  }, []);
  const screensOf = useCallback(
    (name: string | null): ScreenDefinition[] => {
      const key = name ?? '';
      let list = definitions.current.get(key);
      if (!list) {
        list = [createConnectionsScreen({ session, integrationName: name, onIntegrationCreated: show })];
        if (name) list.push(createAccountsScreen({ session, integrationName: name }), createServicesScreen({ session, integrationName: name }), createTicketingScreen({ session, integrationName: name }), createReportsScreen({ session, integrationName: name }));
        definitions.current.set(key, list);
      }
      return list;
    },
    [session, show],
  );

  const workspaces = useMemo<Workspace[]>(() => {
    // Tabs of an integration renamed or deleted elsewhere (another console) close; the one shown stays.
    const names = opened.filter((n) => n === current || config.integrations.some((i) => i.name === n));
    return current === null ? [...names.map((n) => workspaceOf(n)), { id: '', screens: screensOf(null) }] : names.map((n) => workspaceOf(n));
    function workspaceOf(name: string): Workspace {
      const integration = config.integrations.find((i) => i.name === name);
      return { id: name, title: name, ...(integration ? { detail: pairWords(integration) } : {}), screens: screensOf(name) };
    }
  }, [opened, current, config, screensOf]);

  const host = useMemo<IntegrationsHost>(() => ({ session, current: () => currentRef.current, show, drop, now }), [session, show, drop, now]);
  const commands = useMemo<ShellCommand[]>(
    () => [
      {
        id: 'integrations',
        keys: [INTEGRATIONS_KEY],
        description: 'Integrations: show another one, new, rename, delete',
        hint: 'integrations',
        run: (shell) => openIntegrationsList(host, shell),
      },
    ],
    [host],
  );
  return (
    <ConsoleApp
      {...appProps}
      workspaces={workspaces}
      workspace={current ?? ''}
      commands={commands}
      initialTab={initialTab ?? (initialIntegration ? 'accounts' : 'connections')}
      {...(initialNotice ? { initialNotice } : {})}
      {...(badge ? { badge } : {})}
    />
  );
}
