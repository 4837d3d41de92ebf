// How a tab plugs into the console. Screens are mounted on first visit and
// stay mounted while the user visits other tabs (cursor and filter survive);
// "discard unsaved changes" remounts the screen so it reloads saved state.
import { createElement, type ReactNode } from 'react';
import { Text } from 'ink';

export interface ScreenProps {
  /** Cells available (the whole terminal width). */
  readonly width: number;
  /** Lines available between the tab bar and the status line. Drawing more is clipped. */
  readonly height: number;
  /** The visible tab. Register keys only when active (useCommands(..., { active })). */
  readonly active: boolean;
}

export interface ScreenDefinition {
  /** Stable id: 'connections', 'accounts', 'ticketing', 'services', 'reports'. */
  readonly id: string;
  /** Tab title; PSA-specific wording is the screen's choice ("Companies" for ConnectWise). */
  readonly title: string;
  /** Return an element (<AccountsScreen {...props} />): hooks belong in that component. */
  render(props: ScreenProps): ReactNode;
}

/** The console's tabs, in order (README › The console). */
export const STANDARD_TABS: ReadonlyArray<{ id: string; title: string; unavailable: string }> = [
  { id: 'connections', title: 'Connections', unavailable: 'Connections are not available in this version yet.' },
  { id: 'accounts', title: 'Accounts', unavailable: 'Account mapping is not available in this version yet.' },
  { id: 'ticketing', title: 'Ticketing', unavailable: 'Ticketing rules are not available in this version yet.' },
  { id: 'services', title: 'Services', unavailable: 'Billing item mapping is not available in this version yet.' },
  { id: 'reports', title: 'Reports', unavailable: 'Reports are not available in this version yet.' },
];

/** A tab that says honestly that it does not exist yet. */
export function unavailableScreen(id: string, title: string, message: string): ScreenDefinition {
  return { id, title, render: () => createElement(Text, { wrap: 'truncate-end' }, ` ${message}`) };
}

/** Standard tabs in order (given screens replace the placeholders), then any extra screens. */
export function resolveScreens(screens: readonly ScreenDefinition[] = []): ScreenDefinition[] {
  const byId = new Map(screens.map((s) => [s.id, s]));
  const standard = STANDARD_TABS.map((tab) => byId.get(tab.id) ?? unavailableScreen(tab.id, tab.title, tab.unavailable));
  const extra = screens.filter((s) => !STANDARD_TABS.some((tab) => tab.id === s.id));
  return [...standard, ...extra];
}
