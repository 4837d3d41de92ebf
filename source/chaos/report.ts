// The chaos run's figures as a table per PSA × platform pair (and, with --json, as data).
import { platformSimulator, psaSimulator } from '../simulators/registry.js';
import { pairPassed, type PairResult } from './converge.js';
import type { SectionRow } from './sections.js';

export interface PairReport {
  result: PairResult;
  /** Section rows by the section's title. */
  sections: Record<string, SectionRow>;
}

export function pairName(r: PairResult): string {
  return `${platformSimulator(r.pair.platform as string).profile.words.short} × ${psaSimulator(r.pair.psa as string).profile.words.short}`;
}

export function reportPassed(r: PairReport): boolean {
  return pairPassed(r.result) && Object.values(r.sections).every((s) => s.passed);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const passes = (n: number | null) => (n === null ? '–' : String(n));

export function formatReport(reports: readonly PairReport[], sectionTitles: readonly string[], header: string): string {
  const out: string[] = [header, ''];
  out.push(
    table(
      ['platform × PSA', 'converged', 'passes billing', 'passes tickets', 'requests', 'retries', 'faults', 'duplicates', 'lost postings', 'lost tickets', 'wrong', 'clean pass changed', ...sectionTitles, 'result'],
      reports.map(({ result: r, sections }) => {
        const d = r.difference;
        return [
          pairName(r),
          r.converged ? 'yes' : 'NO',
          passes(r.billing.passes),
          passes(r.tickets.passes),
          String(r.requests),
          String(r.retries),
          String(Object.values(r.faults).reduce((a, b) => a + b, 0)),
          String(d.duplicates.postings + d.duplicates.tickets),
          String(d.lost.postings),
          String(d.lost.tickets),
          String(d.wrong.postings + d.wrong.tickets),
          r.cleanPassChanged ? 'YES' : 'no',
          ...sectionTitles.map((t) => sections[t]?.cell ?? '–'),
          reportPassed({ result: r, sections }) ? 'pass' : 'FAIL',
        ];
      }),
    ),
  );
  const kinds = [...new Set(reports.flatMap((r) => Object.keys(r.result.faults)))].sort();
  out.push('', 'Faults injected by kind (platform and PSA simulators together):', '');
  out.push(table(['platform × PSA', ...kinds], reports.map((r) => [pairName(r.result), ...kinds.map((k) => String(r.result.faults[k] ?? 0))])));
  out.push('', 'Expected state (the fault-free run): ' + reports.map((r) => `${pairName(r.result)} ${r.result.expected.postings} postings in force, ${r.result.expected.records} usage records, ${r.result.expected.tickets} tickets`).join('; '));
  for (const { result: r, sections } of reports) {
    const lines = [
      ...(r.billing.passes === null ? [`billing did not finish clean (within the passes allowed); last errors:`, ...r.billing.lastErrors.map((e) => `  ${e}`)] : []),
      ...(r.tickets.passes === null ? [`tickets did not finish clean within the passes allowed; last errors:`, ...r.tickets.lastErrors.map((e) => `  ${e}`)] : []),
      ...(!r.converged && r.billing.passes !== null && r.tickets.passes !== null ? ['the clean pass after the faults failed:', ...[...r.billing.lastErrors, ...r.tickets.lastErrors].map((e) => `  ${e}`)] : []),
      ...r.difference.details,
      ...Object.entries(sections).flatMap(([title, s]) => (s.passed ? [] : [`${title}:`, ...(s.details ?? []).map((d) => `  ${d}`)])),
    ];
    if (lines.length > 0) out.push('', `${pairName(r)}:`, ...lines.map((l) => `  ${l}`));
  }
  return out.join('\n');
}
