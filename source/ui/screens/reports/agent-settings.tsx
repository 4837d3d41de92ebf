// Reports › Agent: the agent's settings (agent.* but the pause switch) — the block that shows
// them and the form (`e`) that edits them. The form is the shared FormDialog; what is valid and
// what each problem says come from domain/agentSettings.ts, the same rules and words as
// `kmsp config set`. A save writes only agent.* at once through the session (audited; other
// tabs' drafts stay drafts), as the pause switch does: settings are never a draft here.
import type { AgentSettings } from '../../../domain/config.js';
import {
  AGENT_SETTINGS,
  agentSettingsProblems,
  EDITABLE_AGENT_KEYS,
  knownTimeZones,
  parseAgentSettings,
  previewSchedule,
  type AgentSettingsText,
  type EditableAgentKey,
  type EditableAgentSettings,
} from '../../../domain/agentSettings.js';
import { describeInterval } from '../../../domain/schedule.js';
import type { FormField, FormNote, FormValues } from '../../components/form-dialog.js';
import type { SelectOption } from '../../components/search-select/index.js';
import type { StatusLine } from '../../../domain/agentStatusText.js';
import { displayWidth } from '../../text.js';

/** Runs the schedule preview shows. */
export const PREVIEW_RUNS = 3;

const pick = (agent: AgentSettings): EditableAgentSettings => ({
  timeZone: agent.timeZone,
  billingSchedule: agent.billingSchedule,
  ticketPollSeconds: agent.ticketPollSeconds,
  ticketsPerAccountPerHour: agent.ticketsPerAccountPerHour,
});

/** "UTC+01:00" for each zone now, so the picker can be searched by offset too ("+05:30"). */
function offsetOf(timeZone: string, now: Date): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return name === 'GMT' ? 'UTC+00:00' : name.replace(/^GMT/u, 'UTC');
}

export function timeZoneOptions(current: string, now: Date): SelectOption<string>[] {
  const zones = knownTimeZones();
  // A valid zone the runtime does not list (an alias such as US/Eastern) stays choosable.
  if (current && !zones.includes(current)) zones.unshift(current);
  return zones.map((zone) => {
    try {
      return { value: zone, label: zone, detail: offsetOf(zone, now) };
    } catch {
      return { value: zone, label: zone, detail: 'not a known time zone' };
    }
  });
}

export function agentSettingsFields(agent: AgentSettings, now: Date): FormField[] {
  const s = AGENT_SETTINGS;
  return [
    { kind: 'choice', id: 'timeZone', label: s.timeZone.label, options: timeZoneOptions(agent.timeZone, now), initial: agent.timeZone, required: true, noun: 'time zones' },
    { kind: 'text', id: 'billingSchedule', label: s.billingSchedule.label, initial: agent.billingSchedule, placeholder: 'minute hour day month weekday' },
    { kind: 'text', id: 'ticketPollSeconds', label: s.ticketPollSeconds.label, initial: String(agent.ticketPollSeconds) },
    { kind: 'text', id: 'ticketsPerAccountPerHour', label: s.ticketsPerAccountPerHour.label, initial: String(agent.ticketsPerAccountPerHour) },
  ];
}

function typed(values: FormValues): AgentSettingsText {
  return Object.fromEntries(EDITABLE_AGENT_KEYS.map((k) => [k, String(values[k] ?? '')])) as AgentSettingsText;
}

/** Problems by field, in the words `kmsp config set` uses. */
export function agentSettingsFormProblems(values: FormValues, agent: AgentSettings): Record<string, string | undefined> {
  const { problems } = parseAgentSettings(typed(values), pick(agent));
  return Object.fromEntries(EDITABLE_AGENT_KEYS.map((k) => [k, problems[k]?.message]));
}

/** Under each field: the remedy of its problem; for a good schedule the next runs and warnings. */
export function agentSettingsFormNotes(values: FormValues, agent: AgentSettings, now: Date): Record<string, FormNote[]> {
  const { values: parsed, problems } = parseAgentSettings(typed(values), pick(agent));
  const notes: Record<string, FormNote[]> = {};
  for (const key of EDITABLE_AGENT_KEYS) {
    const problem = problems[key];
    if (problem) notes[key] = [{ text: problem.remedy }];
  }
  if (!problems.billingSchedule && !problems.timeZone) {
    const preview = previewSchedule(parsed.billingSchedule, parsed.timeZone, { now, count: PREVIEW_RUNS });
    if (preview) {
      const suffix = ` ${parsed.timeZone}`;
      const runs = preview.next.map((r) => (r.endsWith(suffix) ? r.slice(0, -suffix.length) : r));
      notes.billingSchedule = [{ text: `Next runs (${parsed.timeZone}): ${runs.join(' · ')}` }, ...preview.warnings.map((w): FormNote => ({ text: `Warning: ${w}`, tone: 'warning' }))];
    }
  }
  if (!problems.ticketPollSeconds) notes.ticketPollSeconds = [{ text: `Tickets polled ${describeInterval(parsed.ticketPollSeconds)}.` }];
  return notes;
}

/** The typed settings that differ from the saved ones (only those are written). */
export function changedSettings(values: FormValues, agent: AgentSettings): Partial<EditableAgentSettings> {
  const { values: parsed } = parseAgentSettings(typed(values), pick(agent));
  const out: Partial<Record<EditableAgentKey, unknown>> = {};
  for (const key of EDITABLE_AGENT_KEYS) if (parsed[key] !== agent[key]) out[key] = parsed[key];
  return out as Partial<EditableAgentSettings>;
}

export const AGENT_SETTINGS_INTRO = 'Saved to the config at once (agent.*) and recorded in its audit; a running agent reloads it and reschedules. Pausing is p.';

/**
 * The "Agent settings" block of the report, packed into at most `maxLines` lines of `width`
 * (items that do not fit are left to the form, which shows them all).
 */
export function agentSettingsLines(agent: AgentSettings, width: number, maxLines = 2): StatusLine[] {
  const items = [
    `time zone ${agent.timeZone}`,
    `billing “${agent.billingSchedule}”`,
    `tickets polled ${describeInterval(agent.ticketPollSeconds)}`,
    `at most ${agent.ticketsPerAccountPerHour} new tickets per account per hour`,
  ];
  const lines: string[] = [];
  let line = 'Agent settings (e edits): ';
  let fresh = true;
  for (const item of items) {
    const next = fresh ? line + item : `${line} · ${item}`;
    if (displayWidth(next) <= width || fresh) {
      line = next;
      fresh = false;
      continue;
    }
    lines.push(line);
    line = `  ${item}`;
  }
  lines.push(line);
  const out: StatusLine[] = lines.slice(0, maxLines).map((text) => ({ text, level: 'normal' }));
  // A value hand-edited into the file that the rules refuse: the agent keeps its previous config.
  const problems = Object.values(agentSettingsProblems(pick(agent)));
  if (problems.length > 0) out.push({ text: `Agent settings problem: ${problems[0]!.message} (e to correct)`, level: 'error' });
  return out;
}

/** What saving changed, for the notice: names, not values (the block above shows the values; the audit has both). */
export function savedNotice(changed: readonly EditableAgentKey[], running: { pid: number } | null): string {
  const names = changed.map((k) => AGENT_SETTINGS[k].label.replace(/ \(.*\)$/u, '').toLowerCase());
  const pickup = running ? `The running agent (pid ${running.pid}) reloads them within seconds.` : 'No agent runs now; it uses them when it starts.';
  return `Saved ${names.join(', ')}. ${pickup}`;
}
