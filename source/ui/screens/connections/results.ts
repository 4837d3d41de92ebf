// Test connection results as lines for the screen: the doctor's checks
// (checkPlatform, checkPsa) with ✓ ! ✗, and the cause/remedy of anything that
// is not ok, word-wrapped (a remedy cut at the terminal edge is no remedy).
// When the room is short, passed checks of a side fold into one line; the
// full list is always one key away.
import type { CheckResult, CheckStatus } from '../../../doctor/checks.js';
import type { Tone } from '../../theme.js';
import { toSingleLine, wrap } from '../../text.js';

export interface TestRun {
  readonly id: number;
  readonly startedAt: number;
  /** The settings tested were unsaved edits. */
  readonly unsaved: boolean;
  /** Which settings were tested (to say when they changed since). */
  readonly settingsKey: string;
  readonly platformLabel: string;
  readonly psaLabel: string;
  /** null while that side is still being tested. */
  readonly platform: readonly CheckResult[] | null;
  readonly psa: readonly CheckResult[] | null;
  readonly finishedAt: number | null;
}

export interface ResultLine {
  readonly text: string;
  readonly tone: Tone;
}

export const STATUS_GLYPH: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };
const STATUS_TONE: Record<CheckStatus, Tone> = { ok: 'success', warn: 'warning', fail: 'danger' };

/** "Vendor: Vendor: connection refused" reads as a stutter; say the label once. */
export function displaySummary(summary: string, label: string): string {
  const once = `${label}: `;
  const line = toSingleLine(summary);
  if (line.startsWith(once + label)) return line.slice(once.length);
  return line;
}

/** Cause / Detail / Remedy lines of a check, without the repeated message line. */
export function detailLines(result: CheckResult): string[] {
  if (!result.detail || result.status === 'ok') return [];
  const lines = result.detail
    .split('\n')
    .map((l) => toSingleLine(l).trim())
    .filter(Boolean);
  return lines.filter((line, i) => !(i === 0 && !/^(Cause|Detail|Remedy):/u.test(line) && result.summary.endsWith(line)));
}

// Moved to ui/text.ts (the form dialog wraps its problems with it too); re-exported for this screen's callers.
export { wrap } from '../../text.js';

function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function counts(run: TestRun): { ok: number; warn: number; fail: number } {
  const all = [...(run.platform ?? []), ...(run.psa ?? [])];
  return { ok: all.filter((r) => r.status === 'ok').length, warn: all.filter((r) => r.status === 'warn').length, fail: all.filter((r) => r.status === 'fail').length };
}

export function headerText(run: TestRun, currentKey: string): string {
  const what = run.unsaved ? 'unsaved settings' : 'saved settings';
  if (run.finishedAt === null) return `Test connection: testing the ${what}… (keys keep working)`;
  const c = counts(run);
  const seconds = ((run.finishedAt - run.startedAt) / 1000).toFixed(1);
  const verdict =
    c.fail + c.warn + c.ok === 0
      ? 'no checks ran'
      : c.fail > 0
      ? `${c.fail} failed${c.warn ? `, ${c.warn} warning${c.warn === 1 ? '' : 's'}` : ''}, ${c.ok} passed`
      : c.warn > 0
        ? `passed with ${c.warn} warning${c.warn === 1 ? '' : 's'} (${c.ok} ok)`
        : `all ${c.ok} checks passed`;
  return `Test connection (${what}, ${clock(run.startedAt)}, ${seconds} s): ${verdict}`;
}

/** Said under the header when the settings shown are no longer those tested. */
export function staleText(run: TestRun, currentKey: string): string | null {
  return currentKey !== run.settingsKey ? '! The settings changed since this test: t tests them again.' : null;
}

/**
 * How much a run is folded to fit: 0 every line; 1 each side's first passed
 * check (who signed in) and "n more checks passed"; 2 one line per side's
 * passed checks; 3 no line for passed checks (the header counts them).
 * Warnings and failures always keep their cause and remedy.
 */
export type Fold = 0 | 1 | 2 | 3;

/** Every line of a run, `width` cells wide, folded as asked. */
export function resultLines(run: TestRun, width: number, fold: Fold = 0): ResultLine[] {
  const out: ResultLine[] = [];
  const emit = (result: CheckResult, label: string) => {
    wrap(`${STATUS_GLYPH[result.status]} ${displaySummary(result.summary, label)}`, width, 2).forEach((text, i) =>
      out.push({ text, tone: i === 0 ? STATUS_TONE[result.status] : 'normal' }),
    );
    for (const detail of detailLines(result)) {
      const heading = /^(\w+):/u.exec(detail)?.[1] ?? '';
      wrap(`    ${detail}`, width, 4 + (heading ? heading.length + 2 : 0)).forEach((text) => out.push({ text, tone: 'normal' }));
    }
  };
  const side = (label: string, results: readonly CheckResult[] | null) => {
    if (results === null) {
      out.push({ text: `… ${label}: testing…`, tone: 'muted' });
      return;
    }
    const passed = results.filter((r) => r.status === 'ok');
    const keep = fold === 3 ? 0 : fold === 0 || passed.length <= 1 ? passed.length : fold === 1 ? 1 : 0;
    const folded = passed.length - keep;
    if (fold === 2 && folded > 0) out.push({ text: `${STATUS_GLYPH.ok} ${label}: ${folded} checks passed (v lists them)`, tone: 'success' });
    let shown = 0;
    for (const result of results) {
      if (result.status === 'ok' && shown++ >= keep) continue;
      emit(result, label);
    }
    if (fold === 1 && folded > 0) out.push({ text: `${STATUS_GLYPH.ok} ${label}: ${folded} more check${folded === 1 ? '' : 's'} passed (v lists them)`, tone: 'success' });
  };
  side(run.platformLabel, run.platform);
  side(run.psaLabel, run.psa);
  return out;
}

/**
 * The lines that fit in `room`: the least folded version that fits, else the
 * most folded one cut short with "… n more lines: v shows all".
 */
export function fitResultLines(run: TestRun, width: number, room: number): { lines: ResultLine[]; folded: boolean } {
  if (room <= 0) return { lines: [], folded: true };
  for (const fold of [0, 1, 2, 3] as const) {
    const lines = resultLines(run, width, fold);
    if (lines.length <= room) return { lines, folded: fold > 0 };
  }
  const most = resultLines(run, width, 3);
  const kept = most.slice(0, Math.max(0, room - 1));
  return { lines: [...kept, { text: `… ${most.length - kept.length} more lines: v shows all`, tone: 'muted' }], folded: true };
}
