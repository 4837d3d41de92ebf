// Console tests against the demo simulators (KSC + Autotask on loopback, or another PSA the
// registry simulates): one demo for the whole file, each test on its own copy of the demo's config and secrets,
// with console sessions that are closed after every test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createElement } from 'react';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import type { SimulatedPlatformKind, SimulatedPsaKind } from '../../source/simulators/registry.js';
import { ConsoleSession } from '../../source/console/session.js';
import { resolvePaths } from '../../source/store/paths.js';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { cleanupUi, press, renderUi, waitForFrame, type RenderedUi } from './ink.js';

export interface DemoConsole<P extends SimulatedPsaKind = 'autotask', L extends SimulatedPlatformKind = 'ksc'> {
  /** The running demo (started in beforeAll: read it inside hooks and tests). */
  readonly demo: DemoEnvironment<P, L>;
  /** A new temporary folder holding a copy of the demo's config.json and secrets.json (0600), or nothing with `withDemo: false`. */
  freshDir(options?: { withDemo?: boolean }): string;
  /** A console session on dir's config with file secrets, closed after the test. */
  openSession(dir: string, options?: { actor?: string }): ConsoleSession;
  /** Close a session before the test ends (so another can open the same files). */
  closeSession(session: ConsoleSession): Promise<void>;
}

/**
 * Register the hooks of a demo console test file: start the demo before all tests;
 * after each, unmount what renderUi mounted (and restore mocks with `restoreMocks`)
 * and close the sessions; after all, stop the demo and remove the folders.
 * `prefix` names the temporary folders (e.g. 'kmsp-reports-'); `psa` and `platform` the simulated
 * vendors (default: the registry's demo default).
 */
export function useDemoConsole<P extends SimulatedPsaKind = 'autotask', L extends SimulatedPlatformKind = 'ksc'>(
  prefix: string,
  options: { restoreMocks?: boolean; psa?: P; platform?: L } = {},
): DemoConsole<P, L> {
  let demo: DemoEnvironment<P, L> | undefined;
  const sessions: ConsoleSession[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    demo = (await startDemo({ ...(options.psa ? { psa: options.psa } : {}), ...(options.platform ? { platform: options.platform } : {}) })) as unknown as DemoEnvironment<P, L>;
  });

  afterEach(async () => {
    cleanupUi();
    if (options.restoreMocks) vi.restoreAllMocks();
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await demo?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const running = (): DemoEnvironment<P, L> => {
    if (!demo) throw new Error('The demo starts in beforeAll: use it inside hooks and tests.');
    return demo;
  };

  return {
    get demo() {
      return running();
    },
    freshDir({ withDemo = true } = {}) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      if (withDemo) {
        for (const name of ['config.json', 'secrets.json']) {
          fs.copyFileSync(path.join(running().configDir, name), path.join(dir, name));
          fs.chmodSync(path.join(dir, name), 0o600);
        }
      }
      return dir;
    },
    openSession(dir, { actor } = {}) {
      const session = new ConsoleSession({ paths: resolvePaths({ configDir: dir }), secretBackends: ['file'], ...(actor ? { actor } : {}) });
      sessions.push(session);
      return session;
    },
    async closeSession(session) {
      await session.close();
      sessions.splice(sessions.indexOf(session), 1);
    },
  };
}

/** The whole console (ConsoleRoot) on the demo integration's Reports tab, 120×35 unless told. */
export function renderDemoReports(session: ConsoleSession, size: { columns?: number; rows?: number } = {}): RenderedUi {
  return renderUi(createElement(ConsoleRoot, { session, initialIntegration: 'demo', initialTab: 'reports', noticeTimeoutMs: 0, onExit: vi.fn() }), {
    columns: size.columns ?? 120,
    rows: size.rows ?? 35,
  });
}

/** Reports opens on Unmapped accounts; Agent is the fourth report. Resolves with its first frame. */
export async function openAgentReport(ui: RenderedUi): Promise<string> {
  await waitForFrame(ui, (f) => f.includes('Unmapped accounts:'), 5000);
  await press(ui.stdin, ']', ']', ']');
  // Below 90 columns the list of reports is not drawn: the report's own title says where we are.
  return waitForFrame(ui, (f) => f.includes('The agent (kmsp agent)'), 5000);
}
