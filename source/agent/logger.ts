// The agent's log (README › The agent, "Logs"): one line per event on stdout/stderr.
//
// - Under journald (JOURNAL_STREAM is set by systemd when stdout/stderr is the journal) each
//   line starts with the sd-daemon priority prefix "<N>" and carries no timestamp of ours: the
//   journal stamps it and `journalctl -p warning` filters on the prefix.
// - Elsewhere, text lines start with an ISO time and the level word.
// - `--log-format json`: one JSON object per line (time, level, msg, fields), for collectors
//   that are not journald; under journald the prefix still leads so priorities survive.
// - A message never spans lines (a multi-line stack would become several journal entries):
//   line breaks become " | ". Text lines carry no escape sequence or control character
//   (domain/terminalText.ts); JSON escapes them itself.
// - Every line passes through the redactor, which knows every secret value the agent loaded
//   (and their encodings): defence in depth on top of connectors that never put one in an error.
import type { Redactor } from '../connectors/redact.js';
import { toTerminalText } from '../domain/terminalText.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'text' | 'json';
/** crit is for the last words before a fatal exit; it is always written. */
export type LogSeverity = 'crit' | LogLevel;

/** sd-daemon(3) priorities. */
const PRIORITY: Record<LogSeverity, number> = { crit: 2, error: 3, warn: 4, info: 6, debug: 7 };
const RANK: Record<LogSeverity, number> = { crit: 0, error: 1, warn: 2, info: 3, debug: 4 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * `fields` are written in every format (key=value in text); `data` only in JSON lines, for
 * collectors that filter on them (job, integration, outcome), where the text already says it.
 */
export type LogMethod = (message: string, fields?: LogFields, data?: LogFields) => void;

export interface Logger {
  crit: LogMethod;
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  /** Adds secret values to mask from now on (after a config reload brings new ones). */
  redactor: Redactor;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** True when stdout/stderr go to the journal (JOURNAL_STREAM set). */
  journald: boolean;
  redactor: Redactor;
  /** Where lines go; defaults: warn and worse to stderr, the rest to stdout. */
  write?: (line: string, severity: LogSeverity) => void;
  now?: () => Date;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** One physical line: journald makes each line its own entry. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\r?\n\s*/g, ' | ');
}

function fieldText(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const v = String(value);
    parts.push(`${key}=${/[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v}`);
  }
  return parts.length ? ' ' + parts.join(' ') : '';
}

const defaultWrite = (line: string, severity: LogSeverity): void => {
  (RANK[severity] <= RANK.warn ? process.stderr : process.stdout).write(line + '\n');
};

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? defaultWrite;
  const now = options.now ?? (() => new Date());
  const emit = (severity: LogSeverity, message: string, fields?: LogFields, data?: LogFields): void => {
    if (RANK[severity] > RANK[options.level]) return;
    let body: string;
    if (options.format === 'json') {
      const record: Record<string, unknown> = { time: now().toISOString(), level: severity, msg: oneLine(message) };
      for (const [k, v] of Object.entries({ ...data, ...fields })) if (v !== undefined) record[k] = typeof v === 'string' ? oneLine(v) : v;
      body = JSON.stringify(record);
    } else {
      // Vendor text (names, error messages) must not drive the terminal or the journal viewer.
      body = toTerminalText(oneLine(message + fieldText(fields)));
      if (!options.journald) body = `${now().toISOString()} ${severity.toUpperCase().padEnd(5)} ${body}`;
    }
    body = options.redactor.text(body);
    write(options.journald ? `<${PRIORITY[severity]}>${body}` : body, severity);
  };
  return {
    crit: (m, f, d) => emit('crit', m, f, d),
    error: (m, f, d) => emit('error', m, f, d),
    warn: (m, f, d) => emit('warn', m, f, d),
    info: (m, f, d) => emit('info', m, f, d),
    debug: (m, f, d) => emit('debug', m, f, d),
    redactor: options.redactor,
  };
}
