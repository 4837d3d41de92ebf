// The console bench's measuring process (source/bench/console.ts starts it with
// NODE_ENV=production, React's build the launcher runs): every tab of the console at N rows,
// key → frame for moving and for typing a filter or a search, for each PSA and platform of the
// simulator registry. Writes one JSON document ({ results: each with its floor, build }) to the --out file (a
// file, not stdout: nothing a library prints can get into it); progress on stderr.
//
//   NODE_ENV=production node dist/bench/consoleChild.js --out report.json --rows 10000 --runs 3 --seed 7
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createElement, useState } from 'react';
import { Text, useInput } from 'ink';
import { startDemo } from '../demo/environment.js';
import { openConfig } from '../store/config.js';
import { resolvePaths } from '../store/paths.js';
import { SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS, platformSimulator, psaSimulator } from '../simulators/registry.js';
import { ConsoleApp } from '../ui/app.js';
import type { ScreenDefinition } from '../ui/screen.js';
import { formatCount } from '../ui/text.js';
import { createAccountsScreen } from '../ui/screens/accounts/index.js';
import { createServicesScreen } from '../ui/screens/services/index.js';
import { createTicketingScreen } from '../ui/screens/ticketing/index.js';
import { createReportsScreen } from '../ui/screens/reports/index.js';
import { generateConsoleData, GeneratedSession, type ConsoleData } from './console-data.js';
import { mount, press, timeKeys, until, type KeySample, type Mounted } from './console-drive.js';
import { KEYS } from './fake-terminal.js';

/** One tab × action of one vendor pair: every key's time, per run. */
export interface ConsoleResult {
  tab: string;
  action: string;
  subject: string;
  runs: KeySample[][];
  /** Ink alone: key → frame of a one-component app drawing as many lines, per run, measured just before this pair's tabs. */
  floor: KeySample[][];
}

export interface ConsoleChildOutput {
  results: ConsoleResult[];
  build: string;
}

const log = (line: string) => process.stderr.write(`console bench: ${line}\n`);
const SIZE = { columns: 120, rows: 40 };
const BUSY = /Loading|finding suggestions…|checking billing readiness…|reloading…|recomputing/;

/** j with a page down every tenth key: how an admin walks a long list. */
const moves = (n: number) => Array.from({ length: n }, (_, i) => (i % 10 === 9 ? KEYS.pageDown : 'j'));
/** The same with arrows, for a dialog's list (letters go to its search field there). */
const arrowMoves = (n: number) => Array.from({ length: n }, (_, i) => (i % 10 === 9 ? KEYS.pageDown : KEYS.down));
/** Type a query and erase it again, `rounds` times. */
const typing = (query: string, rounds: number) => Array.from({ length: rounds }, () => [...Array.from(query), ...Array.from(query, () => KEYS.backspace)]).flat();

interface Pair {
  psa: (typeof SIMULATED_PSA_KINDS)[number];
  platform: (typeof SIMULATED_PLATFORM_KINDS)[number];
}

/** Every PSA and every platform at least once, the fewest pairs that do it. */
function pairs(): Pair[] {
  const n = Math.max(SIMULATED_PSA_KINDS.length, SIMULATED_PLATFORM_KINDS.length);
  return Array.from({ length: n }, (_, i) => ({ psa: SIMULATED_PSA_KINDS[i % SIMULATED_PSA_KINDS.length]!, platform: SIMULATED_PLATFORM_KINDS[i % SIMULATED_PLATFORM_KINDS.length]! }));
}

function Floor({ lines }: { lines: number }) {
  const [n, setN] = useState(0);
  useInput(() => setN((x) => x + 1));
  return createElement(Text, null, Array.from({ length: lines }, (_, i) => `${String(n + i).padStart(6, '0')} ${'x'.repeat(SIZE.columns - 8)}`).join('\n'));
}

async function floorRuns(runs: number, keys: number): Promise<KeySample[][]> {
  const m = mount(createElement(Floor, { lines: SIZE.rows - 1 }), SIZE);
  try {
    await until(m, (t) => t.includes('000000'), 'the floor app');
    const out: KeySample[][] = [];
    for (let run = 0; run < runs; run++) out.push(await timeKeys(m, Array.from({ length: keys }, () => 'j')));
    return out;
  } finally {
    m.unmount();
  }
}

interface Scenario {
  tab: string;
  screen: (session: GeneratedSession, name: string) => ScreenDefinition;
  /** Reads what the tab loads before it is mounted, where its frames do not say when loading ends. */
  prepare?(session: GeneratedSession, name: string): Promise<unknown>;
  /** Waits for the tab's data, then times its actions, recording each run's samples through `ctx`. */
  run(m: Mounted, ctx: Context): Promise<void>;
}

interface Context {
  rows: number;
  runs: number;
  record(action: string, samples: KeySample[], run: number): void;
}

/** A chooser dialog's search line offering a thousand values or more. */
const LONG_CHOOSER = /Search: .*\b\d{1,3}(,\d{3})+ \S/;

/** Opens a chooser with Enter, moving down a row at a time until a row has a long one. */
async function openChooser(m: Mounted, tries = 12): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const from = m.stdout.frames.length;
    await press(m, KEYS.enter);
    try {
      await until(m, (t) => LONG_CHOOSER.test(t), 'a chooser', from, 2000);
      return;
    } catch {
      // Not this row (no chooser, or a short one): close what opened and try the next row.
      if (m.text().includes('Search: ')) await press(m, KEYS.escape);
      await press(m, 'j');
    }
  }
  throw new Error(`no chooser of a thousand values or more opened; last frame:\n${m.text()}`);
}

/** The move, filter and (where the tab has one) chooser actions, `runs` times each. */
async function tableActions(m: Mounted, ctx: Context, query: string): Promise<void> {
  for (let run = 0; run < ctx.runs; run++) {
    ctx.record('move (j, PgDn)', await timeKeys(m, moves(100)), run);
    await press(m, 'g');
  }
  await press(m, '/');
  for (let run = 0; run < ctx.runs; run++) ctx.record('filter: type / erase', await timeKeys(m, typing(query, 3)), run);
  await press(m, KEYS.escape);
}

async function chooserActions(m: Mounted, ctx: Context, query: string, label: string): Promise<void> {
  for (let run = 0; run < ctx.runs; run++) ctx.record(`${label}: move (↓, PgDn)`, await timeKeys(m, arrowMoves(60)), run);
  for (let run = 0; run < ctx.runs; run++) ctx.record(`${label}: search type / erase`, await timeKeys(m, typing(query, 3)), run);
  await press(m, KEYS.escape);
}

const SCENARIOS: Scenario[] = [
  {
    tab: 'Accounts',
    screen: (session, name) => createAccountsScreen({ session, integrationName: name }),
    async run(m, ctx) {
      const count = formatCount(ctx.rows);
      await until(m, (t) => t.includes(count) && !BUSY.test(t), 'the tenants with their suggestions');
      await tableActions(m, ctx, 'maple 00');
    },
  },
  {
    tab: 'Services',
    screen: (session, name) => createServicesScreen({ session, integrationName: name }),
    async run(m, ctx) {
      const count = formatCount(ctx.rows);
      await until(m, (t) => t.includes(`${count} applications`) && !BUSY.test(t), 'the applications and billing items');
      await tableActions(m, ctx, 'select 00');
      await openChooser(m);
      await chooserActions(m, ctx, 'advanced 01', 'billing item chooser');
    },
  },
  {
    tab: 'Ticketing',
    screen: (session, name) => createTicketingScreen({ session, integrationName: name }),
    prepare: (session, name) => session.picklists(name),
    async run(m, ctx) {
      await until(m, (t) => t.includes('General') && !BUSY.test(t), 'the General settings');
      // General's settings: the first field that opens a chooser.
      await press(m, KEYS.enter);
      await openChooser(m);
      await chooserActions(m, ctx, 'summit 02', 'picklist chooser');
      // The first rules section: its rows are the platform's, not N; moving still redraws the tab.
      await press(m, ']');
      for (let run = 0; run < ctx.runs; run++) ctx.record('rules: move (j, k)', await timeKeys(m, [...Array.from({ length: 8 }, () => 'j'), ...Array.from({ length: 8 }, () => 'k')]), run);
    },
  },
  {
    tab: 'Reports',
    screen: (session, name) => createReportsScreen({ session, integrationName: name }),
    async run(m, ctx) {
      await until(m, (t) => /unmapped/i.test(t) && /\d,\d{3}/.test(t) && !BUSY.test(t), 'the unmapped accounts');
      await tableActions(m, ctx, 'harbor 0');
    },
  },
];

async function measurePair(pair: Pair, data: ConsoleData, rows: number, runs: number): Promise<ConsoleResult[]> {
  const subject = `${platformSimulator(pair.platform).profile.words.short} × ${psaSimulator(pair.psa).profile.words.short}`;
  log(`${subject}: starting the simulators`);
  const demo = await startDemo({ psa: pair.psa, platform: pair.platform });
  const paths = resolvePaths({ configDir: demo.configDir });
  const store = openConfig({ paths });
  const config = store.load();
  const name = config.integrations[0]!.name;
  store.save({ ...config, integrations: config.integrations.map((i) => (i.name === name ? { ...i, tenants: data.saved } : i)) }, { actor: 'bench' });
  const session = new GeneratedSession({ paths, secretBackends: ['file'] }, data, rows);
  // The floor next to the figures it is compared with: the machine's load changes during a run.
  const floor = await floorRuns(runs, 100);
  const results: ConsoleResult[] = [];
  try {
    for (const scenario of SCENARIOS) {
      log(`${subject}: ${scenario.tab}`);
      const byAction = new Map<string, ConsoleResult>();
      const ctx: Context = {
        rows,
        runs,
        record(action, samples, run) {
          const result = byAction.get(action) ?? { tab: scenario.tab, action, subject, runs: [], floor };
          (result.runs[run] ??= []).push(...samples);
          byAction.set(action, result);
        },
      };
      await scenario.prepare?.(session, name);
      const screen = scenario.screen(session, name);
      const m = mount(createElement(ConsoleApp, { integrationName: name, screens: [screen], initialTab: screen.id, onExit: () => undefined, noticeTimeoutMs: 0 }), SIZE);
      try {
        await scenario.run(m, ctx);
      } finally {
        m.unmount();
      }
      results.push(...byAction.values());
    }
  } finally {
    await session.close();
    await demo.close();
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, rows: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } }, strict: true });
  const rows = Number(values.rows ?? 10_000);
  const runs = Number(values.runs ?? 3);
  const seed = Number(values.seed ?? 7);
  const data = generateConsoleData({ rows, mapped: Math.round(rows * 0.4), seed });
  const results: ConsoleResult[] = [];
  const wanted = values.only?.split(',');
  for (const pair of pairs()) if (!wanted || wanted.includes(pair.psa) || wanted.includes(pair.platform)) results.push(...(await measurePair(pair, data, rows, runs)));
  const output: ConsoleChildOutput = { results, build: process.env.NODE_ENV === 'production' ? 'production' : 'development' };
  if (values.out) writeFileSync(values.out, JSON.stringify(output));
  else process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`console bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
