// The agent's log lines (source/agent/logger.ts): journald priority prefixes without our own
// timestamp, ISO time and level elsewhere, JSON lines, the level filter, one physical line per
// event, and secret masking of every known encoding.
import { describe, expect, it } from 'vitest';
import { createLogger, oneLine, type LoggerOptions } from '../../source/agent/logger.js';
import { Redactor } from '../../source/connectors/redact.js';

const NOW = new Date('2026-03-29T01:30:00.000Z');
function capture(options: Partial<LoggerOptions> = {}) {
  const lines: Array<[string, string]> = [];
  const log = createLogger({ level: 'info', format: 'text', journald: false, redactor: new Redactor(['s3cr3t-value']), now: () => NOW, write: (l, s) => lines.push([l, s]), ...options });
  return { log, lines };
}

describe('agent logger', () => {
  it('under journald: <N> priority prefixes (crit 2, error 3, warn 4, info 6, debug 7) and no timestamp', () => {
    const { log, lines } = capture({ journald: true, level: 'debug' });
    log.crit('c');
    log.error('e');
    log.warn('w');
    log.info('i', { integration: 'main', n: 3 });
    log.debug('d');
    expect(lines.map(([l]) => l)).toEqual(['<2>c', '<3>e', '<4>w', '<6>i integration=main n=3', '<7>d']);
  });

  it('elsewhere: ISO time and level word; the level filter drops what is less severe', () => {
    const { log, lines } = capture({ level: 'warn' });
    log.info('not shown');
    log.debug('not shown');
    log.warn('careful', { why: 'two words' });
    expect(lines).toEqual([['2026-03-29T01:30:00.000Z WARN  careful why="two words"', 'warn']]);
  });

  it('text lines carry no escape code or control character from vendor text (a tenant named to paint the terminal)', () => {
    const { log, lines } = capture({ journald: true });
    log.error('billing: Tenant “Bad\u001b[31mRed\u001b[0m VS” failed\r: Autotask said \u001b]0;pwned\u0007no', { tenant: 'Bad\u001b[31mRed' });
    expect(lines[0]![0]).toBe('<3>billing: Tenant “BadRed VS” failed: Autotask said no tenant=BadRed');
  });

  it('json: one object per line, with the prefix still leading under journald', () => {
    const { log, lines } = capture({ format: 'json', journald: true });
    log.error('failed\n  at somewhere', { integration: 'main' });
    expect(lines[0]![0].startsWith('<3>{')).toBe(true);
    expect(JSON.parse(lines[0]![0].slice(3))).toEqual({ time: NOW.toISOString(), level: 'error', msg: 'failed | at somewhere', integration: 'main' });
  });

  it('a multi-line message stays one line', () => {
    expect(oneLine('Error: boom\n    at a (x.js:1)\r\n    at b (y.js:2)\n')).toBe('Error: boom | at a (x.js:1) | at b (y.js:2)');
    const { log, lines } = capture();
    log.error('a\nb');
    expect(lines[0]![0]).not.toContain('\n');
  });

  it('masks a known secret, its base64 and its URL encoding, also when learnt later', () => {
    const { log, lines } = capture({ format: 'json' });
    log.info(`token s3cr3t-value and ${Buffer.from('s3cr3t-value').toString('base64')}`);
    log.redactor.add('p@ss word!');
    log.info(`url ?pw=${encodeURIComponent('p@ss word!')}`, { detail: 'p@ss word!' });
    const all = lines.map(([l]) => l).join('\n');
    expect(all).not.toContain('s3cr3t-value');
    expect(all).not.toContain(Buffer.from('s3cr3t-value').toString('base64'));
    expect(all).not.toContain('p@ss word!');
    expect(all).not.toContain(encodeURIComponent('p@ss word!'));
    expect(all).toContain('***');
  });
});
