// Accounts tab with 10,000 virtual servers and 10,000 Autotask accounts:
// time to the first frame, and from a key to the next frame, for the keys an
// admin presses most. Prints a table; never asserts times (machines differ).
//
// Data source: a ConsoleSession subclass whose tenants(), accounts() and
// contracts() return generated lists (seeded, so every run sees the same data).
// Everything above the session is the real thing: config store on disk, the
// console shell, key router, domain reducer, suggestions, drift, the table.
//
// Two React builds: vitest runs React's development build (NODE_ENV=test), the
// launcher runs the production build (bin/kmsp.js sets NODE_ENV=production). The
// bench measures in this process, then runs itself once more in a child vitest
// with NODE_ENV=production and prints both tables.
//
// Key → frame is measured in Ink's debug mode (every frame written whole, no frame
// throttle) so that it is the console's own cost. The last rows measure the terminal
// write path instead: Ink's frame throttle (maxFps) with keys sent as fast as frames
// come (key repeat), at Ink's default and at the console's CONSOLE_RENDER_OPTIONS.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createElement } from 'react';
import { render } from 'ink';
import { bench, describe } from 'vitest';
import { ConsoleSession, type ConsoleSessionOptions } from '../../source/console/session.js';
import { AUTOTASK_DEFAULTS, defaultConfig, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import type { TenantMapping } from '../../source/domain/config.js';
import type { PsaAccount, PsaContract, Tenant } from '../../source/domain/types.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createAccountsScreen } from '../../source/ui/screens/accounts/index.js';
import { CONSOLE_RENDER_OPTIONS } from '../../source/ui/run.js';
import { cleanupUi, FakeStdin, FakeStdout, keys, renderUi, type RenderedUi } from '../helpers/ink.js';
import { demoScreens, makeTenants } from '../ui/fixtures.js';

const TENANTS = 10_000;
const ACCOUNTS = 10_000;
const MAPPED = 4_000; // saved mappings in the config

interface Generated {
  tenants: Tenant[];
  accounts: PsaAccount[];
  contracts: PsaContract[];
  saved: TenantMapping[];
}

function generate(): Generated {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const words = ['Acme', 'Blue', 'Cedar', 'Delta', 'Echo', 'Fern', 'Granite', 'Harbor', 'Iron', 'Juniper', 'Keystone', 'Lake', 'Maple', 'North', 'Orchard', 'Pine', 'Quartz', 'River', 'Summit', 'Tide'];
  const kinds = ['Dental', 'Legal', 'Logistics', 'Clinic', 'Builders', 'Marine', 'Accounting', 'Hotels', 'Insurance', 'Design'];
  const name = (i: number) => `${words[i % words.length]} ${kinds[Math.floor(i / words.length) % kinds.length]} ${String(i).padStart(5, '0')}`;
  const tenants: Tenant[] = Array.from({ length: TENANTS }, (_, i) => ({ id: `vs-${i}`, name: name(i), enabled: random() > 0.02 }));
  // Accounts: most carry the tenant's name with a legal suffix or other casing (suggestions), some are unrelated.
  const suffixes = [' Ltd', ' Inc.', ' GmbH', '', ' LLC'];
  const accounts: PsaAccount[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: String(30_000_000 + i),
    name: random() < 0.85 ? `${name(i)}${suffixes[i % suffixes.length]}` : `Other Company ${i}`,
    active: random() > 0.05,
    type: random() > 0.1 ? 'Customer' : 'Prospect',
    customFields: {},
  }));
  const contracts: PsaContract[] = accounts.flatMap((a, i) => [
    { id: String(40_000_000 + i * 2), accountId: a.id, name: `${a.name} – Managed Security`, recurring: true, typeLabel: 'Recurring Service', active: true, startDate: '2025-01-01', endDate: null },
    { id: String(40_000_001 + i * 2), accountId: a.id, name: `${a.name} – Block Hours`, recurring: false, typeLabel: 'Block Hours', active: true, startDate: '2025-01-01', endDate: null },
  ]);
  const saved: TenantMapping[] = tenants.map((t, i) =>
    i < MAPPED
      ? { tenantId: t.id, tenantName: i % 97 === 0 ? `${t.name} (old name)` : t.name, accountId: accounts[i]!.id, accountName: accounts[i]!.name, billing: i % 3 === 0, contractId: i % 3 === 0 ? contracts[i * 2]!.id : null, contractName: i % 3 === 0 ? contracts[i * 2]!.name : null }
      : { tenantId: t.id, tenantName: t.name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null },
  );
  return { tenants, accounts, contracts, saved };
}

/** The real session (config, secrets, ledger) with generated platform and PSA lists. */
class GeneratedSession extends ConsoleSession {
  constructor(
    options: ConsoleSessionOptions,
    private readonly data: Generated,
  ) {
    super(options);
  }
  override tenants(): Promise<Tenant[]> {
    return Promise.resolve(this.data.tenants);
  }
  override accounts(): Promise<PsaAccount[]> {
    return Promise.resolve(this.data.accounts);
  }
  override contracts(): Promise<PsaContract[]> {
    return Promise.resolve(this.data.contracts);
  }
}

interface Timed {
  ui: RenderedUi;
  frames: Array<{ at: number; text: string }>;
}

function mount(session: ConsoleSession): Timed & { start: number } {
  const frames: Array<{ at: number; text: string }> = [];
  const start = performance.now();
  const ui = renderUi(createElement(ConsoleApp, { integrationName: 'bench', screens: [createAccountsScreen({ session, integrationName: 'bench' })], initialTab: 'accounts', onExit: () => undefined, noticeTimeoutMs: 0 }), { columns: 120, rows: 40 });
  // Ink writes each frame whole in debug mode: record when each one arrives.
  const write = ui.stdout.write;
  frames.push({ at: performance.now(), text: ui.lastFrame() });
  ui.stdout.write = (frame: string) => {
    frames.push({ at: performance.now(), text: frame });
    return write(frame);
  };
  return { ui, frames, start };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The first frame (from index `from` on) that satisfies the predicate, waiting for it if need be. */
async function until(frames: Timed['frames'], predicate: (text: string) => boolean, from = 0, timeoutMs = 60_000): Promise<{ at: number; text: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const hit = frames.slice(from).find((f) => predicate(f.text));
    if (hit) return hit;
    if (performance.now() > deadline) throw new Error(`no such frame; last:\n${frames.at(-1)?.text}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Time from writing a key to the next frame Ink writes. */
async function keyToFrame(t: Timed, key: string): Promise<number> {
  await turn();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const before = t.frames.length;
  const start = performance.now();
  t.ui.stdin.write(key);
  while (t.frames.length === before) {
    if (performance.now() - start > 10_000) throw new Error(`no frame after key ${JSON.stringify(key)}`);
    await turn();
  }
  return t.frames[before]!.at - start;
}

function stats(samples: number[]): { n: number; median: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** Set in the child run (setup.ts clears KMSP_* variables, hence another prefix). */
const CHILD = process.env.ACCOUNTS_BENCH_CHILD === '1';
const BUILD = process.env.NODE_ENV === 'production' ? 'production' : 'development';
const START = '<<<accounts-bench';
const END = '>>>accounts-bench';
/** Ink writes no frames at all when it thinks it runs in CI (is-in-ci), except in debug mode. */
const IN_CI = ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => k in process.env && process.env[k] !== '0' && process.env[k] !== 'false');

/**
 * Key → frame through Ink's real write path (not debug mode): frames go through its
 * throttle. Keys are sent as fast as frames come, as when a key is held down.
 */
async function terminalPath(session: ConsoleSession, maxFps: number | undefined, presses: number): Promise<number[]> {
  const stdout = new FakeStdout(120, 40);
  const stderr = new FakeStdout(120, 40);
  const stdin = new FakeStdin();
  const frames: Array<{ at: number; text: string }> = [];
  stdout.write = (text: string) => {
    // Frames, not the synchronized-output markers or cursor codes around them.
    if (text.length > 200) frames.push({ at: performance.now(), text });
    return true;
  };
  const instance = render(createElement(ConsoleApp, { integrationName: 'bench', screens: [createAccountsScreen({ session, integrationName: 'bench' })], initialTab: 'accounts', onExit: () => undefined, noticeTimeoutMs: 0 }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    ...(maxFps === undefined ? {} : { maxFps }),
  });
  try {
    await until(frames, (f) => f.includes('10,000 Autotask accounts') && !f.includes('finding suggestions…'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const out: number[] = [];
    for (let i = 0; i < presses; i++) {
      const before = frames.length;
      const start = performance.now();
      stdin.write('j');
      while (frames.length === before) {
        if (performance.now() - start > 10_000) throw new Error('no frame after j');
        await turn();
      }
      out.push(frames[before]!.at - start);
    }
    return out;
  } finally {
    instance.unmount();
    instance.cleanup();
  }
}

/** The same bench in a child vitest with React's production build: its table, or why there is none. */
function productionRun(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join('node_modules', 'vitest', 'vitest.mjs'), 'bench', '--run', 'test/bench/accounts.bench.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_ENV: 'production', ACCOUNTS_BENCH_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      const from = output.indexOf(START);
      const to = output.indexOf(END);
      resolve(from >= 0 && to > from ? output.slice(from + START.length, to) : `\n(production run failed, exit ${code}):\n${output.slice(-2000)}\n`);
    });
  });
}

describe('Accounts tab, 10,000 virtual servers × 10,000 Autotask accounts', () => {
  bench(
    'first frame and key-to-frame latency',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-bench-'));
      const data = generate();
      const paths = resolvePaths({ configDir: dir });
      const integration = newIntegration('bench', { ...KSC_DEFAULTS, url: 'https://ksc.bench.invalid:13299', username: 'bench' }, { ...AUTOTASK_DEFAULTS, username: 'bench@example.invalid' });
      openConfig({ paths }).save({ ...defaultConfig(), integrations: [{ ...integration, tenants: data.saved }] }, { actor: 'bench' });
      const session = new GeneratedSession({ paths, secretBackends: ['file'] }, data);
      try {
        const t = mount(session);
        const firstRows = await until(t.frames, (f) => f.includes('10,000'));
        const live = await until(t.frames, (f) => f.includes('10,000 Autotask accounts'));
        const suggestions = await until(t.frames, (f) => f.includes('10,000 Autotask accounts') && !f.includes('finding suggestions…'));
        const rows: Array<[string, string, string, string, string]> = [];
        const table = (label: string, s: ReturnType<typeof stats>) => rows.push([label, String(s.n), ms(s.median), ms(s.p95), ms(s.max)]);

        const down: number[] = [];
        for (let i = 0; i < 200; i++) down.push(await keyToFrame(t, i % 10 === 9 ? keys.pageDown : 'j'));
        table('move down (j; every 10th PgDn)', stats(down));

        const filter: number[] = [];
        await keyToFrame(t, '/');
        for (let round = 0; round < 5; round++) {
          for (const ch of 'maple 00') filter.push(await keyToFrame(t, ch));
          for (let i = 0; i < 8; i++) filter.push(await keyToFrame(t, keys.backspace));
        }
        await keyToFrame(t, keys.escape);
        table('filter: type / erase a character', stats(filter));

        const billing: number[] = [];
        await keyToFrame(t, 'g');
        for (let i = 0; i < 40; i++) {
          billing.push(await keyToFrame(t, 'b'));
          await keyToFrame(t, 'j');
        }
        table('billing on/off (b: draft edit)', stats(billing));

        const accept: number[] = [];
        const after: number[] = [];
        await keyToFrame(t, 'G');
        const onSuggestion = () => /^› . \?/m.test(t.frames.at(-1)!.text);
        for (let i = 0; i < 20; i++) {
          while (!onSuggestion()) await keyToFrame(t, 'k');
          const sent = performance.now();
          const before = t.frames.length;
          accept.push(await keyToFrame(t, 's'));
          // The suggestions are recomputed after that frame (keys pressed meanwhile wait for it).
          const fresh = await until(t.frames, (f) => !f.includes('finding suggestions…'), before + 1);
          after.push(fresh.at - sent);
        }
        table('accept suggestion (s)', stats(accept));
        table('  s → suggestions recomputed on screen', stats(after));

        const dropdown: number[] = [];
        for (let i = 0; i < 10; i++) {
          dropdown.push(await keyToFrame(t, keys.enter));
          await keyToFrame(t, keys.escape);
        }
        table('open the account dropdown (Enter)', stats(dropdown));

        cleanupUi();
        // For scale: the foundation's plain 10,000-row table (test fixtures) on the same terminal.
        const base = { ui: renderUi(createElement(ConsoleApp, { integrationName: 'x', screens: demoScreens(makeTenants(TENANTS)), initialTab: 'accounts', onExit: () => undefined, noticeTimeoutMs: 0 }), { columns: 120, rows: 40 }), frames: [] as Timed['frames'] };
        const write = base.ui.stdout.write;
        base.ui.stdout.write = (frame: string) => {
          base.frames.push({ at: performance.now(), text: frame });
          return write(frame);
        };
        const baseline: number[] = [];
        for (let i = 0; i < 100; i++) baseline.push(await keyToFrame(base, 'j'));
        table('(reference: plain 10,000-row fixture table, j)', stats(baseline));
        cleanupUi();

        const terminal: string[] = [];
        if (IN_CI) terminal.push('terminal write path: skipped (CI is set: Ink writes no frames in CI)');
        else {
          for (const [label, fps] of [
            ['j, terminal path, Ink default (30 fps)', undefined],
            [`j, terminal path, console (maxFps ${CONSOLE_RENDER_OPTIONS.maxFps})`, CONSOLE_RENDER_OPTIONS.maxFps],
          ] as const) {
            table(label, stats(await terminalPath(session, fps, 100)));
          }
        }

        const report = [
          '',
          `Accounts tab bench — React ${BUILD} build (NODE_ENV=${process.env.NODE_ENV ?? ''}) — 10,000 virtual servers, 10,000 Autotask accounts, 20,000 contracts, 4,000 saved mappings`,
          'Data: generated lists from a ConsoleSession subclass (tenants/accounts/contracts), real config store, shell and screen; 120×40 terminal.',
          `first frame with rows (saved mappings, before any data)   ${ms(firstRows.at - t.start)}`,
          `first frame with live data (drift computed)               ${ms(live.at - t.start)}`,
          `first frame with suggestions                              ${ms(suggestions.at - t.start)}`,
          '',
          `${'key → next frame'.padEnd(48)}${'n'.padStart(5)}${'median'.padStart(11)}${'p95'.padStart(11)}${'max'.padStart(11)}`,
          ...rows.map(([label, n, median, p95, max]) => `${label.padEnd(48)}${n.padStart(5)}${median.padStart(11)}${p95.padStart(11)}${max.padStart(11)}`),
          ...terminal,
          '',
        ].join('\n');
        if (CHILD) console.log(`${START}${report}${END}`);
        else console.log(report + (await productionRun()));
      } finally {
        cleanupUi();
        await session.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
